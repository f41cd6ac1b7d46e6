/**
 * Post dates. A calendar date (`2013-10-29`) is a day, never shifted by any time zone;
 * a date-time with `Z` or an offset is an instant, shown in the site's time zone.
 * Nothing here depends on the machine's TZ.
 */

export interface CalendarDay {
  year: number;
  month: number; // 1-12
  day: number; // 1-31
}

export type PostDate =
  | { kind: 'calendar'; day: CalendarDay }
  | { kind: 'instant'; instant: Date };

const CALENDAR = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;

/** SPEC: years 1000–9999 (four digits, and no year that Date.UTC would read as 19xx). */
export const MIN_YEAR = 1000;
export const MAX_YEAR = 9999;

/** Why a date string shaped as a post date is refused, in French, or undefined when it is not about the year. */
export function yearProblem(value: string): string | undefined {
  const m = /^([+-]?\d+)-\d{2}-\d{2}/.exec(value.trim());
  if (!m) return undefined;
  const year = Number(m[1]);
  return year < MIN_YEAR || year > MAX_YEAR || m[1]!.length !== 4
    ? `année ${m[1]} hors des années acceptées (${MIN_YEAR} à ${MAX_YEAR}, sur quatre chiffres)`
    : undefined;
}

/*
 * The same two forms as one regular expression, exact to the day (month lengths and leap
 * years included), so a JSON Schema (schemas/post.schema.json, for editors) accepts exactly
 * what parsePostDate accepts (years 1000–9999). test/package/schemas.test.ts checks that they agree.
 */
const MONTH_DAY = '(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|1\\d|2[0-8]))';
const LEAP_YEAR = '(?:[1-9]\\d(?:0[48]|[2468][048]|[13579][26])|(?:[2468][048]|[13579][26])00)';
const DAY_PART = `(?:[1-9]\\d{3}-${MONTH_DAY}|${LEAP_YEAR}-02-29)`;
const TIME_PART = 'T(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d{1,9})?)?(?:Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)';
/** A calendar date `AAAA-MM-JJ` that exists. */
export const CALENDAR_DATE_PATTERN = `^${DAY_PART}$`;
/** An ISO 8601 date-time with `Z` or an offset, on a day that exists. */
export const INSTANT_PATTERN = `^${DAY_PART}${TIME_PART}$`;
/** Either form: what a post's `date` may hold. */
export const POST_DATE_PATTERN = `^${DAY_PART}(?:${TIME_PART})?$`;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isRealDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= DAYS_IN_MONTH[month - 1]! + (leap ? 1 : 0);
}

/** Parses a post date, or returns undefined when it is neither form SPEC allows. */
export function parsePostDate(value: string): PostDate | undefined {
  // Posts share dates; parsing each string once keeps loading 100,000 posts cheap.
  let parsed = parsedDates.get(value);
  if (parsed === undefined && !parsedDates.has(value)) {
    if (parsedDates.size > 200_000) parsedDates.clear();
    parsed = parsePostDateUncached(value);
    parsedDates.set(value, parsed);
  }
  return parsed;
}

const parsedDates = new Map<string, PostDate | undefined>();

function parsePostDateUncached(value: string): PostDate | undefined {
  if (value.length === 10) {
    const calendar = CALENDAR.exec(value);
    if (!calendar) return undefined;
    const year = Number(calendar[1]);
    const month = Number(calendar[2]);
    const day = Number(calendar[3]);
    return year >= MIN_YEAR && isRealDay(year, month, day) ? { kind: 'calendar', day: { year, month, day } } : undefined;
  }
  const dateTime = DATE_TIME.exec(value);
  if (!dateTime) return undefined;
  const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(dateTime[i]));
  const second = Number(dateTime[6] ?? '0');
  if (year! < MIN_YEAR || !isRealDay(year!, month!, day!) || hour! > 23 || minute! > 59 || second > 59) return undefined;
  const offset = dateTime[8]!;
  if (offset !== 'Z') {
    const [oh, om] = offset.slice(1).split(':').map(Number);
    if (oh! > 23 || om! > 59) return undefined;
  }
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) ? undefined : { kind: 'instant', instant };
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

function dayFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = dayFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone, year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23',
    });
    dayFormatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    dayFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

const EN_US_NUMERIC = /^(\d{1,2})\/(\d{1,2})\/(\d{4}), (\d{2}):(\d{2}):(\d{2})$/;

const DAY_MS = 86_400_000;
/** Per zone: UTC day number → the zone's offset (ms) at that day's first instant, 00:00:00 UTC. */
const dayStartOffsets = new Map<string, Map<number, number>>();

/**
 * The zone's offset (ms) throughout the UTC day of `ms`, or undefined when it changes that day.
 * Intl is slow (an export asks for thousands of instants): the offset is asked of Intl once per
 * day, at its first instant, and when the next day starts with the same offset the whole day has
 * it (a zone changes its offset at most a few times a year, never there and back within a day).
 */
function dayOffset(ms: number, timeZone: string): number | undefined {
  // Within the range of Date, the next day included.
  if (!(Math.abs(ms) <= 8.6e15)) return undefined;
  let offsets = dayStartOffsets.get(timeZone);
  if (offsets === undefined) dayStartOffsets.set(timeZone, (offsets = new Map()));
  if (offsets.size > 100_000) offsets.clear();
  const dayNumber = Math.floor(ms / DAY_MS);
  const a = offsetAtDayStart(offsets, dayNumber, timeZone);
  return a === offsetAtDayStart(offsets, dayNumber + 1, timeZone) ? a : undefined;
}

function offsetAtDayStart(offsets: Map<number, number>, dayNumber: number, timeZone: string): number {
  let offset = offsets.get(dayNumber);
  if (offset === undefined) {
    const start = new Date(dayNumber * DAY_MS);
    offset = utcMilliseconds(intlParts(start, timeZone)) - start.getTime();
    offsets.set(dayNumber, offset);
  }
  return offset;
}

/** The wall clock `offset` ms ahead of `ms` (to the second, as Intl reads it), when its year has four digits. */
function shiftedParts(ms: number, offset: number): (CalendarDay & { hour: number; minute: number; second: number }) | undefined {
  const local = new Date(Math.floor(ms / 1000) * 1000 + offset);
  const year = local.getUTCFullYear();
  if (year < 1000 || year > 9999) return undefined;
  return { year, month: local.getUTCMonth() + 1, day: local.getUTCDate(), hour: local.getUTCHours(), minute: local.getUTCMinutes(), second: local.getUTCSeconds() };
}

/**
 * Wall-clock parts of an instant in a time zone (DST included, via the ICU data Node ships):
 * from the day's offset (dayOffset) when it holds all day, else (a day with a change, a year
 * outside 1000–9999) asked of Intl.
 */
export function zonedParts(instant: Date, timeZone: string): CalendarDay & { hour: number; minute: number; second: number } {
  const ms = instant.getTime();
  const offset = dayOffset(ms, timeZone);
  return (offset === undefined ? undefined : shiftedParts(ms, offset)) ?? intlParts(instant, timeZone);
}

function intlParts(instant: Date, timeZone: string): CalendarDay & { hour: number; minute: number; second: number } {
  const formatter = dayFormatter(timeZone);
  // format() is four times faster than formatToParts(); en-US numeric output is `10/29/2013, 09:12:00`.
  const m = EN_US_NUMERIC.exec(formatter.format(instant));
  if (m) {
    return { year: Number(m[3]), month: Number(m[1]), day: Number(m[2]), hour: Number(m[4]) % 24, minute: Number(m[5]), second: Number(m[6]) };
  }
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year!, month: parts.month!, day: parts.day!,
    hour: parts.hour! % 24, minute: parts.minute!, second: parts.second!,
  };
}

/** The day a reader sees for a post date in the site's time zone. */
export function calendarDayOf(date: PostDate, timeZone: string): CalendarDay {
  if (date.kind === 'calendar') return date.day;
  const { year, month, day } = zonedParts(date.instant, timeZone);
  return { year, month, day };
}

/**
 * Milliseconds since the epoch of a UTC wall-clock time. Not Date.UTC, which reads the years
 * 0–99 as 1900–1999 (`0099-12-31` would come out in 1999).
 */
export function utcMilliseconds(p: CalendarDay & { hour?: number; minute?: number; second?: number }): number {
  const date = new Date(0);
  date.setUTCFullYear(p.year, p.month - 1, p.day);
  date.setUTCHours(p.hour ?? 0, p.minute ?? 0, p.second ?? 0, 0);
  return date.getTime();
}

/** Offset from UTC, in seconds, of wall-clock parts seen at an instant (Paris in 1900, local mean time: +561). */
function partsOffsetSeconds(p: ReturnType<typeof zonedParts>, instant: Date): number {
  return Math.round((utcMilliseconds(p) - Math.floor(instant.getTime() / 1000) * 1000) / 1000);
}

/** Offset of a time zone from UTC at an instant, in seconds: exact, local mean times before 1911 included. */
export function offsetSeconds(instant: Date, timeZone: string): number {
  return partsOffsetSeconds(zonedParts(instant, timeZone), instant);
}

/** Offset of a time zone from UTC at an instant, in minutes (Paris: +60 in winter, +120 in summer), rounded. */
export function offsetMinutes(instant: Date, timeZone: string): number {
  return Math.round(offsetSeconds(instant, timeZone) / 60);
}

/** The instant a calendar day starts in a time zone (midnight local time, to the second). */
export function startOfDayInstant(day: CalendarDay, timeZone: string): Date {
  const guess = utcMilliseconds(day);
  // Two passes settle the offset even on a DST change day.
  let instant = guess - offsetSeconds(new Date(guess), timeZone) * 1000;
  instant = guess - offsetSeconds(new Date(instant), timeZone) * 1000;
  return new Date(instant);
}

/** A post's date as an instant: calendar days start at local midnight in the site's zone. */
export function postInstant(date: PostDate, timeZone: string): Date {
  if (date.kind === 'instant') return date.instant;
  // Posts share days, and Intl is slow: remember where each day starts.
  const key = `${timeZone} ${date.day.year}-${date.day.month}-${date.day.day}`;
  let start = dayStarts.get(key);
  if (start === undefined) {
    if (dayStarts.size > 100_000) dayStarts.clear();
    start = startOfDayInstant(date.day, timeZone).getTime();
    dayStarts.set(key, start);
  }
  return new Date(start);
}

const dayStarts = new Map<string, number>();

export function formatIsoDay(day: CalendarDay): string {
  return `${String(day.year).padStart(4, '0')}-${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}`;
}

export function compareDays(a: CalendarDay, b: CalendarDay): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** Today's calendar day in the site's time zone. */
export function today(now: Date, timeZone: string): CalendarDay {
  return calendarDayOf({ kind: 'instant', instant: now }, timeZone);
}

/**
 * ISO-8601 with the zone's offset, e.g. `2013-10-29T09:12:00+01:00`. An offset with seconds
 * (local mean time before standard time: Paris was +00:09:21 until 1911) cannot be written
 * in ISO 8601 / RFC 3339, and cutting the seconds would move the instant: such an instant is
 * written in UTC (`1899-12-31T23:50:39Z`), the same instant exactly.
 */
export function formatIsoInstant(instant: Date, timeZone: string): string {
  // The day's offset, when known and in whole minutes, is written as it is (sitemaps and feeds ask for thousands).
  const ms = instant.getTime();
  const offset = dayOffset(ms, timeZone);
  const p = offset !== undefined && offset % 60_000 === 0 ? shiftedParts(ms, offset) : undefined;
  if (p === undefined) return formatIsoInstantOfParts(instant, zonedParts(instant, timeZone));
  const two = (n: number) => (n < 10 ? `0${n}` : String(n));
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}:${two(p.second)}${formatOffset(offset! / 60_000)}`;
}

/** formatIsoInstant when the zone's wall-clock parts of the instant are already known. */
export function formatIsoInstantOfParts(instant: Date, p: ReturnType<typeof zonedParts>): string {
  const offset = zoneOffsetOf(instant, p);
  if (offset === undefined) return `${formatIsoDay(utcParts(instant))}T${utcClock(instant)}Z`;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${formatIsoDay(p)}T${two(p.hour)}:${two(p.minute)}:${two(p.second)}${formatOffset(offset)}`;
}

/** The offset in whole minutes, or undefined when it has seconds (then dates are written in UTC). */
export function zoneOffsetOf(instant: Date, p: ReturnType<typeof zonedParts>): number | undefined {
  const seconds = partsOffsetSeconds(p, instant);
  return seconds % 60 === 0 ? seconds / 60 : undefined;
}

/** The UTC calendar day of an instant (any year, no Date.UTC). */
export function utcParts(instant: Date): CalendarDay {
  return { year: instant.getUTCFullYear(), month: instant.getUTCMonth() + 1, day: instant.getUTCDate() };
}

/** `HH:MM:SS` of an instant in UTC. */
export function utcClock(instant: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(instant.getUTCHours())}:${two(instant.getUTCMinutes())}:${two(instant.getUTCSeconds())}`;
}

/** A date as staff type it, turned into what a post stores, or why it cannot be. */
export type TypedDate = { ok: true; value: string } | { ok: false; reason?: string };

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$/;

/** `+01:00`, `-03:30`. */
export function formatOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${minutes < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/**
 * A date as staff type it (`--date`, `--at`, the prompts): a calendar day `2026-11-30`, kept as
 * it is; an ISO 8601 date-time with `Z` or an offset, kept as it is; or a wall-clock time
 * `2026-11-30 08:00` / `2026-11-30T08:00` in the site's time zone, stored with the offset in
 * force then (`2026-11-30T08:00:00+01:00`). A time a clock change skips or repeats is refused,
 * naming the offsets around it.
 */
export function parseTypedDate(text: string, timeZone: string): TypedDate {
  const value = text.trim();
  if (parsePostDate(value)) return { ok: true, value };
  const badYear = yearProblem(value);
  if (badYear) return { ok: false, reason: badYear };
  const calendarShaped = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/.exec(value);
  if (calendarShaped && !isRealDay(Number(calendarShaped[1]), Number(calendarShaped[2]), Number(calendarShaped[3]))) {
    return { ok: false, reason: `le ${calendarShaped[0].slice(0, 10)} n’existe pas` };
  }
  const m = WALL_CLOCK.exec(value);
  if (!m) return { ok: false };
  const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(m[i]));
  const second = 0;
  if (hour! > 23 || minute! > 59) return { ok: false, reason: 'heure impossible (de 00:00 à 23:59)' };
  const wall = new Date(0);
  wall.setUTCFullYear(year!, month! - 1, day!);
  wall.setUTCHours(hour!, minute!, second, 0);
  const wallMs = wall.getTime();
  // The offsets in force around that time; each is right if the instant it gives shows that wall time.
  const around = [-1, 0, 1].map((d) => offsetMinutes(new Date(wallMs + d * 86_400_000), timeZone));
  const offsets = [...new Set(around)];
  const fits = offsets.filter((o) => offsetMinutes(new Date(wallMs - o * 60_000), timeZone) === o).sort((a, b) => b - a);
  const shown = `${formatIsoDay({ year: year!, month: month!, day: day! })} ${m[4]}:${m[5]}`;
  const iso = `${formatIsoDay({ year: year!, month: month!, day: day! })}T${m[4]}:${m[5]}`;
  if (fits.length === 1) return { ok: true, value: formatIsoInstant(new Date(wallMs - fits[0]! * 60_000), timeZone) };
  if (fits.length === 0) {
    const [before, after] = [around[0]!, around[2]!].map(formatOffset);
    return {
      ok: false,
      reason: `${shown} n’existe pas en ${timeZone} (changement d’heure : on passe de ${before} à ${after}) ; choisissez une autre heure, ou donnez le décalage : ${iso}${before} ou ${iso}${after}`,
    };
  }
  return {
    ok: false,
    reason: `${shown} existe deux fois en ${timeZone} (changement d’heure) ; précisez le décalage : ${fits.map((o) => `${iso}${formatOffset(o)}`).join(' (la première fois) ou ')} (la seconde)`,
  };
}

/**
 * Days from 1970-01-01 to a calendar day (proleptic Gregorian, negative before 1970), by
 * arithmetic alone (Date.UTC shifts years below 100): the distance in days between two
 * posts is the difference of their day numbers.
 */
export function epochDay(day: CalendarDay): number {
  const y = day.month <= 2 ? day.year - 1 : day.year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (day.month + (day.month > 2 ? -3 : 9)) + 2) / 5) + day.day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

export interface LastChange {
  ms: number;
  iso: string;
}

/**
 * A post's last change: its updatedAt when that is an instant later than its publication
 * (`time`, postTime), else the publication; with its RFC 3339 text in `timeZone` (the sitemap's
 * lastmod, the pages' dateModified). Kept in the export's post table: the sitemap lists every
 * post, and parsing and formatting 10,000 dates is a tenth of an export of one new post.
 */
export function lastChangeOf(updatedAt: string | undefined, time: number, timeZone: string): LastChange {
  const ms = lastChangeMs(updatedAt, time);
  return { ms, iso: formatIsoInstant(new Date(ms), timeZone) };
}

/** lastChangeOf's instant alone, in ms. */
export function lastChangeMs(updatedAt: string | undefined, time: number): number {
  const parsed = updatedAt === undefined ? undefined : parsePostDate(updatedAt);
  return parsed?.kind === 'instant' && parsed.instant.getTime() > time ? parsed.instant.getTime() : time;
}
