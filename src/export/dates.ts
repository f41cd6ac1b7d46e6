import { formatIsoInstant, offsetMinutes, zonedParts } from '../core/dates.js';

/** Feed dates, computed from the site's time zone (never a locale formatter, never the machine's TZ). */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

const two = (n: number) => String(n).padStart(2, '0');

/** RFC 822 (as RSS 2.0 uses it, 4-digit year): `Tue, 29 Oct 2013 00:00:00 +0100`. */
export function formatRfc822(instant: Date, timeZone: string): string {
  const p = zonedParts(instant, timeZone);
  const offset = offsetMinutes(instant, timeZone);
  const weekday = DAYS[new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay()]!;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${weekday}, ${two(p.day)} ${MONTHS[p.month - 1]!} ${String(p.year).padStart(4, '0')} ${two(p.hour)}:${two(p.minute)}:${two(p.second)} ${sign}${two(Math.floor(abs / 60))}${two(abs % 60)}`;
}

/** RFC 3339 with the zone's offset: `2013-10-29T00:00:00+01:00`. */
export function formatRfc3339(instant: Date, timeZone: string): string {
  return formatIsoInstant(instant, timeZone);
}
