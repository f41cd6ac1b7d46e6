import { calendarDayOf, compareDays, parsePostDate, postInstant, today, type CalendarDay } from './dates.js';
import type { Post, PostListing } from './post.js';
import { foldAccents } from './slug.js';

/** Sorting key of a post date: its instant (calendar days start at local midnight). */
export function postTime(post: Pick<Post, 'date'>, timeZone: string): number {
  const parsed = parsePostDate(post.date);
  return parsed ? postInstant(parsed, timeZone).getTime() : 0;
}

export function postDay(post: Pick<Post, 'date'>, timeZone: string): CalendarDay {
  const parsed = parsePostDate(post.date);
  if (!parsed) throw new RangeError(`date invalide : ${post.date}`);
  return calendarDayOf(parsed, timeZone);
}

/**
 * Whether a post's date has come: a calendar date from that day on (in the site's zone),
 * a date-time from that instant on. A published post dated later is scheduled.
 */
export function isDue(post: Pick<Post, 'date'>, now: Date, timeZone: string): boolean {
  return isDueOn(post, now, today(now, timeZone));
}

function isDueOn(post: Pick<Post, 'date'>, now: Date, todayThere: CalendarDay): boolean {
  const parsed = parsePostDate(post.date);
  if (!parsed) return false;
  if (parsed.kind === 'calendar') return compareDays(parsed.day, todayThere) <= 0;
  return parsed.instant.getTime() <= now.getTime();
}

export interface PostFilter {
  /** Which statuses to keep. */
  statuses: ReadonlySet<Post['status']>;
  /** Keep scheduled posts (published, dated in the future). */
  future: boolean;
  tag?: string;
  since?: CalendarDay;
  until?: CalendarDay;
}

const tagKeys = new Map<string, string>();

/**
 * What makes two tags the same tag (SPEC): equal ignoring case, accents (ligatures spelled
 * out) and runs of spaces, as the tag page URLs are made: `Rentrée` = `rentree`,
 * `RÉSEAUX  SOCIAUX` = `réseaux sociaux`. Posts share tags: each spelling is worked out once.
 */
export function tagKey(tag: string): string {
  let key = tagKeys.get(tag);
  if (key === undefined) {
    if (tagKeys.size > 100_000) tagKeys.clear();
    key = foldAccents(tag.normalize('NFC')).toLocaleLowerCase('fr-FR').replace(/\s+/gu, ' ').trim();
    tagKeys.set(tag, key);
  }
  return key;
}

/** Two days: a day starts within hours of its midnight in any zone, DST changes included. */
const SURELY_PAST_MS = 2 * 86_400_000;

/**
 * The items the filter keeps, in their order. An item that brings its time (postTime in
 * `timeZone`, as sortPosts takes it; 0 for a date it could not read) more than two days before
 * now is due whatever its date says: its date is not parsed again (10,000 posts in an export,
 * nearly all of them old). Near now, the calendar rule of isDue decides.
 */
export function filterPosts<T extends { post: PostListing; time?: number }>(items: T[], filter: PostFilter, now: Date, timeZone: string): T[] {
  const wantedTag = filter.tag === undefined ? undefined : tagKey(filter.tag);
  let todayThere: CalendarDay | undefined;
  const surelyPast = now.getTime() - SURELY_PAST_MS;
  const due = (item: T) => (item.time !== undefined && item.time !== 0 && item.time < surelyPast) || isDueOn(item.post, now, (todayThere ??= today(now, timeZone)));
  return items.filter((item) => {
    const { post } = item;
    if (!filter.statuses.has(post.status)) return false;
    if (!filter.future && post.status === 'published' && !due(item)) return false;
    if (wantedTag !== undefined && !post.tags.some((t) => tagKey(t) === wantedTag)) return false;
    if (filter.since || filter.until) {
      const day = postDay(post, timeZone);
      if (filter.since && compareDays(day, filter.since) < 0) return false;
      if (filter.until && compareDays(day, filter.until) > 0) return false;
    }
    return true;
  });
}

/** Published posts whose date has come: what readers and exports see. */
export function publishedPosts<T extends { post: PostListing }>(items: T[], now: Date, timeZone: string): T[] {
  return filterPosts(items, { statuses: new Set(['published']), future: false }, now, timeZone);
}

export type SortKey = 'date' | 'views' | 'title';

// Made on first use: building an ICU collator costs about 10 ms that sorting by date need not pay.
let titleCollator: Intl.Collator | undefined;

/**
 * Newest first for dates, most read first for views, A→Z for titles; ties broken by slug so
 * the order never depends on the file system. `reverse` flips the whole order.
 */
export function sortPosts<T extends { post: PostListing; time?: number }>(items: T[], key: SortKey, timeZone: string, reverse = false): T[] {
  // Each post's time is worked out once, before sorting (a date string once per zone), unless
  // the item brings it (the metadata cache keeps it for the site's zone).
  const timeOfDate = new Map<string, number>();
  // Indices sorted, times in a typed array: no wrapper object per post (10,000 of them).
  const times = new Float64Array(items.length);
  const order = new Uint32Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const date = item.post.date;
    let time = item.time ?? timeOfDate.get(date);
    if (time === undefined) {
      time = postTime(item.post, timeZone);
      timeOfDate.set(date, time);
    }
    times[i] = time;
    order[i] = i;
  }
  const bySlug = (a: PostListing, b: PostListing) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0);
  order.sort((a, b) => {
    const pa = items[a]!.post;
    const pb = items[b]!.post;
    let c = 0;
    if (key === 'date') c = times[b]! - times[a]!;
    else if (key === 'views') c = pb.views - pa.views || times[b]! - times[a]!;
    else c = (titleCollator ??= new Intl.Collator('fr', { sensitivity: 'base', numeric: true })).compare(pa.title, pb.title);
    return c || bySlug(pa, pb);
  });
  const sorted = Array.from(order, (i) => items[i]!);
  return reverse ? sorted.reverse() : sorted;
}
