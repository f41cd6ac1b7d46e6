import { epochDay, formatIsoInstant, utcClock, utcParts, zonedParts, zoneOffsetOf, type CalendarDay } from '../core/dates.js';

/** Feed dates, computed from the site's time zone (never a locale formatter, never the machine's TZ). */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

const two = (n: number) => String(n).padStart(2, '0');

/** Day of the week by arithmetic (1970-01-01 was a Thursday): no Date.UTC, which shifts the years 0–99. */
function weekday(day: CalendarDay): string {
  return DAYS[(((epochDay(day) + 4) % 7) + 7) % 7]!;
}

/**
 * RFC 822 (as RSS 2.0 uses it, 4-digit year): `Tue, 29 Oct 2013 00:00:00 +0100`. An offset
 * with seconds (local mean time before 1911: Paris +00:09:21) cannot be written in RFC 822:
 * the same instant is written in UTC, `+0000`, rather than with a cut offset that moves it.
 */
export function formatRfc822(instant: Date, timeZone: string): string {
  const p = zonedParts(instant, timeZone);
  const offset = zoneOffsetOf(instant, p);
  if (offset === undefined) {
    const day = utcParts(instant);
    return `${weekday(day)}, ${two(day.day)} ${MONTHS[day.month - 1]!} ${String(day.year).padStart(4, '0')} ${utcClock(instant)} +0000`;
  }
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${weekday(p)}, ${two(p.day)} ${MONTHS[p.month - 1]!} ${String(p.year).padStart(4, '0')} ${two(p.hour)}:${two(p.minute)}:${two(p.second)} ${sign}${two(Math.floor(abs / 60))}${two(abs % 60)}`;
}

/** RFC 3339 with the zone's offset: `2013-10-29T00:00:00+01:00` (in UTC, `Z`, when the offset has seconds). */
export function formatRfc3339(instant: Date, timeZone: string): string {
  return formatIsoInstant(instant, timeZone);
}
