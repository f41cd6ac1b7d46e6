import { calendarDayOf, parsePostDate, zonedParts, type CalendarDay, type PostDate } from '../core/dates.js';

export const DEFAULT_TIME_ZONE = 'Europe/Paris';

const MONTHS = [
  'janvier', 'février', 'mars', 'avril', 'mai', 'juin',
  'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre',
] as const;

export function monthNameFr(month: number): string {
  const name = MONTHS[month - 1];
  if (!name) throw new RangeError(`mois hors limites : ${month}`);
  return name;
}

/** `29 octobre 2013`, `1er août 2014`. */
export function formatDayFr(day: CalendarDay): string {
  return `${day.day === 1 ? '1er' : String(day.day)} ${monthNameFr(day.month)} ${day.year}`;
}

/**
 * `le 29 octobre 2013`. A calendar date is printed as written; a date-time is shown as
 * the day it is in the site's time zone. The machine's TZ plays no part.
 */
export function formatDateFr(date: string | PostDate, timeZone: string = DEFAULT_TIME_ZONE): string {
  const parsed = typeof date === 'string' ? parsePostDate(date) : date;
  if (!parsed) throw new RangeError(`date invalide : ${String(date)}`);
  return `le ${formatDayFr(calendarDayOf(parsed, timeZone))}`;
}

const NARROW_NO_BREAK_SPACE = '\u202f';
let numberFormat: Intl.NumberFormat | undefined;

/**
 * `1 234`: groups of three digits separated by U+202F, as fr-FR writes them. Whole numbers
 * ≥ 0 (view counts) are grouped here directly: building Intl's French number format costs
 * more than listing a thousand posts, and the result would be the same. Anything else goes
 * through Intl, with its separators forced to U+202F whatever the ICU version chose.
 */
export function formatCountFr(count: number): string {
  if (Number.isSafeInteger(count) && count >= 0) {
    const digits = String(count);
    let out = '';
    for (let end = digits.length; end > 0; end -= 3) {
      const group = digits.slice(Math.max(0, end - 3), end);
      out = out ? `${group}${NARROW_NO_BREAK_SPACE}${out}` : group;
    }
    return out;
  }
  numberFormat ??= new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0, useGrouping: true });
  return numberFormat.format(count).replace(/[\s\u00a0\u202f]/g, NARROW_NO_BREAK_SPACE);
}

/** `lu 1 234 fois`. */
export function formatViewsFr(views: number): string {
  return `lu ${formatCountFr(views)} fois`;
}

/** `(lu 787 fois)`, as the old site printed it. */
export function formatViewsBracketedFr(views: number): string {
  return `(${formatViewsFr(views)})`;
}

/**
 * `le 30 novembre 2026 à 8 h 00`: a date-time with its time in the site's zone; a calendar
 * date as formatDateFr prints it (it has no time).
 */
export function formatDateTimeFr(date: string | PostDate, timeZone: string = DEFAULT_TIME_ZONE): string {
  const parsed = typeof date === 'string' ? parsePostDate(date) : date;
  if (!parsed) throw new RangeError(`date invalide : ${String(date)}`);
  if (parsed.kind === 'calendar') return formatDateFr(parsed, timeZone);
  const parts = zonedParts(parsed.instant, timeZone);
  return `le ${formatDayFr(parts)} à ${parts.hour} h ${String(parts.minute).padStart(2, '0')}`;
}
