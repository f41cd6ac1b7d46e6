import { calendarDayOf, parsePostDate, type CalendarDay, type PostDate } from '../core/dates.js';

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

const numberFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0, useGrouping: true });
const NARROW_NO_BREAK_SPACE = '\u202f';

/** `1 234` grouped with U+202F, whatever the ICU version chose for fr-FR. */
export function formatCountFr(count: number): string {
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
