import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
  calendarDayOf, formatIsoInstant, formatIsoInstantOfParts, offsetMinutes, parsePostDate, postInstant, startOfDayInstant, today, zonedParts,
} from '../../src/core/dates.js';
import { filterPosts, isDue, publishedPosts, sortPosts } from '../../src/core/filters.js';
import type { Post } from '../../src/core/post.js';
import { ROOT } from '../helpers/cli.js';

function post(slug: string, date: string, status: Post['status'] = 'published'): { post: Post } {
  return { post: { schemaVersion: 1, slug, title: slug, date, status, tags: [], body: '', views: 0, aliases: [] } };
}

describe('parsePostDate', () => {
  test('a calendar date is a day, not an instant', () => {
    expect(parsePostDate('2013-10-29')).toEqual({ kind: 'calendar', day: { year: 2013, month: 10, day: 29 } });
  });
  test('a date-time needs Z or an offset', () => {
    expect(parsePostDate('2013-10-29T09:12:00+01:00')).toEqual({ kind: 'instant', instant: new Date('2013-10-29T08:12:00Z') });
    expect(parsePostDate('2013-10-29T09:12Z')?.kind).toBe('instant');
    expect(parsePostDate('2013-10-29T09:12:00.123456789-05:30')?.kind).toBe('instant');
  });
  test.each(['2013-02-29', '2014-13-01', '2014-00-10', '2013-10-29T09:12:00', '2013-10-29 09:12:00Z', '29/10/2013', '2013-10-29T24:00:00Z', '2013-10-29T10:00:00+25:00', ''])('%j is refused', (value) => {
    expect(parsePostDate(value)).toBeUndefined();
  });
  test('29 February exists in leap years', () => {
    expect(parsePostDate('2016-02-29')?.kind).toBe('calendar');
  });
});

describe('Europe/Paris, daylight saving included', () => {
  test('offsets: +01:00 in winter, +02:00 in summer, around both changes of 2014', () => {
    expect(offsetMinutes(new Date('2014-01-15T12:00:00Z'), 'Europe/Paris')).toBe(60);
    expect(offsetMinutes(new Date('2014-07-15T12:00:00Z'), 'Europe/Paris')).toBe(120);
    expect(offsetMinutes(new Date('2014-03-30T00:59:59Z'), 'Europe/Paris')).toBe(60);
    expect(offsetMinutes(new Date('2014-03-30T01:00:00Z'), 'Europe/Paris')).toBe(120);
    expect(offsetMinutes(new Date('2014-10-26T00:59:59Z'), 'Europe/Paris')).toBe(120);
    expect(offsetMinutes(new Date('2014-10-26T01:00:00Z'), 'Europe/Paris')).toBe(60);
  });

  test('formatIsoInstant writes the wall clock with its offset', () => {
    expect(formatIsoInstant(new Date('2013-10-29T08:12:00Z'), 'Europe/Paris')).toBe('2013-10-29T09:12:00+01:00');
    expect(formatIsoInstant(new Date('2014-07-31T22:30:00Z'), 'Europe/Paris')).toBe('2014-08-01T00:30:00+02:00');
    expect(formatIsoInstant(new Date('2014-07-31T22:30:00Z'), 'America/St_Johns')).toBe('2014-07-31T20:00:00-02:30');
  });

  test('a day starts at local midnight, also on the days the clocks change', () => {
    expect(startOfDayInstant({ year: 2014, month: 3, day: 30 }, 'Europe/Paris').toISOString()).toBe('2014-03-29T23:00:00.000Z');
    expect(startOfDayInstant({ year: 2014, month: 3, day: 31 }, 'Europe/Paris').toISOString()).toBe('2014-03-30T22:00:00.000Z');
    expect(startOfDayInstant({ year: 2014, month: 10, day: 26 }, 'Europe/Paris').toISOString()).toBe('2014-10-25T22:00:00.000Z');
    expect(startOfDayInstant({ year: 2014, month: 10, day: 27 }, 'Europe/Paris').toISOString()).toBe('2014-10-26T23:00:00.000Z');
  });

  test('the day a reader sees for an instant', () => {
    const day = (iso: string) => calendarDayOf(parsePostDate(iso)!, 'Europe/Paris');
    expect(day('2013-10-29T22:59:59Z')).toEqual({ year: 2013, month: 10, day: 29 });
    expect(day('2013-10-29T23:00:00Z')).toEqual({ year: 2013, month: 10, day: 30 });
    expect(day('2014-07-31T21:59:59Z')).toEqual({ year: 2014, month: 7, day: 31 });
    expect(day('2014-07-31T22:00:00Z')).toEqual({ year: 2014, month: 8, day: 1 });
    expect(today(new Date('2026-12-31T23:30:00Z'), 'Europe/Paris')).toEqual({ year: 2027, month: 1, day: 1 });
  });

  test('date-times and calendar days sort together by when they start in Paris', () => {
    const items = [post('minuit-moins', '2014-07-31T21:59:00Z'), post('jour', '2014-08-01'), post('minuit-plus', '2014-07-31T22:01:00Z')];
    expect(sortPosts(items, 'date', 'Europe/Paris').map((i) => i.post.slug)).toEqual(['minuit-plus', 'jour', 'minuit-moins']);
    expect(postInstant(parsePostDate('2014-08-01')!, 'Europe/Paris').toISOString()).toBe('2014-07-31T22:00:00.000Z');
  });
});

describe('scheduled posts (published, dated in the future)', () => {
  const now = new Date('2026-11-25T12:00:00Z');
  const items = [
    post('passe', '2026-11-24'),
    post('aujourdhui', '2026-11-25'),
    post('demain', '2026-11-26'),
    post('dans-une-heure', '2026-11-25T13:00:00Z'),
    post('il-y-a-une-heure', '2026-11-25T11:00:00Z'),
    post('brouillon-passe', '2020-01-01', 'draft'),
  ];

  test('publishedPosts keeps what readers may see now', () => {
    expect(publishedPosts(items, now, 'Europe/Paris').map((i) => i.post.slug)).toEqual(['passe', 'aujourdhui', 'il-y-a-une-heure']);
  });

  test('a calendar date is due from local midnight in the site zone', () => {
    const justAfterParisMidnight = new Date('2026-11-25T23:05:00Z'); // 26 Nov 00:05 in Paris
    expect(isDue(items[2]!.post, justAfterParisMidnight, 'Europe/Paris')).toBe(true);
    expect(isDue(items[2]!.post, justAfterParisMidnight, 'America/Los_Angeles')).toBe(false);
  });

  test('filterPosts with future keeps scheduled ones (for staff)', () => {
    const kept = filterPosts(items, { statuses: new Set(['published']), future: true }, now, 'Europe/Paris');
    expect(kept).toHaveLength(5);
  });

  test('items that bring their time (the post table, the metadata cache) are kept exactly as items without it', () => {
    // Days and instants around now and a few days away, in zones with DST changes at midnight
    // (Santiago, Havana) or far from UTC; now on each hour of three days.
    const zones = ['Europe/Paris', 'America/Santiago', 'America/Havana', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Tehran'];
    const dates: string[] = [];
    for (let d = -4; d <= 4; d++) {
      const day = new Date(Date.UTC(2026, 8, 6 + d)).toISOString().slice(0, 10);
      dates.push(day, `${day}T00:30:00Z`, `${day}T23:30:00-03:00`);
    }
    dates.push('2026-09-06', '1970-01-01T00:00:00Z');
    const filter = { statuses: new Set<Post['status']>(['published']), future: false };
    for (const zone of zones) {
      const plain = dates.map((d, i) => post(`p${i}`, d));
      const timed = plain.map((item) => ({ ...item, time: postInstant(parsePostDate(item.post.date)!, zone).getTime() }));
      for (let h = 0; h < 72; h++) {
        const at = new Date(Date.UTC(2026, 8, 5, h, 7));
        const expected = filterPosts(plain, filter, at, zone).map((i) => i.post.slug);
        expect({ zone, at, kept: filterPosts(timed, filter, at, zone).map((i) => i.post.slug) }).toEqual({ zone, at, kept: expected });
      }
    }
    // The time alone decides for posts long past (their dates are not read again).
    const old = { ...post('ancien', 'pas une date'), time: now.getTime() - 3 * 86_400_000 };
    expect(filterPosts([old], filter, now, 'Europe/Paris')).toHaveLength(1);
  });
});

// The machine's TZ must change nothing: the same calls in child processes with other zones.
describe.each(['America/Los_Angeles', 'Pacific/Auckland', 'UTC'])('on a machine with TZ=%s', (zone) => {
  test('same days, offsets and ISO strings as Europe/Paris computed here', () => {
    const script = `
      const d = await import(${JSON.stringify(path.join(ROOT, 'dist/core/dates.js'))});
      const out = {
        machineOffset: new Date(Date.UTC(2014, 0, 15)).getTimezoneOffset(),
        calendar: d.calendarDayOf(d.parsePostDate('2013-10-29'), 'Europe/Paris'),
        winter: d.calendarDayOf(d.parsePostDate('2013-10-29T23:30:00Z'), 'Europe/Paris'),
        summer: d.formatIsoInstant(new Date('2014-07-31T22:30:00Z'), 'Europe/Paris'),
        start: d.startOfDayInstant({ year: 2014, month: 3, day: 30 }, 'Europe/Paris').toISOString(),
        today: d.today(new Date('2026-12-31T23:30:00Z'), 'Europe/Paris'),
      };
      console.log(JSON.stringify(out));`;
    const child = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, TZ: zone }, encoding: 'utf8' }));
    expect(child.machineOffset).toBe({ 'America/Los_Angeles': 480, 'Pacific/Auckland': -780, UTC: 0 }[zone]);
    expect(child).toEqual({
      machineOffset: child.machineOffset,
      calendar: { year: 2013, month: 10, day: 29 },
      winter: { year: 2013, month: 10, day: 30 },
      summer: '2014-08-01T00:30:00+02:00',
      start: '2014-03-29T23:00:00.000Z',
      today: { year: 2027, month: 1, day: 1 },
    });
  });
});

describe('zonedParts', () => {
  it('reads the same wall clock (and writes the same ISO text) as Intl formatToParts, across zones, DST changes and a century and a half', () => {
    const zones = ['Europe/Paris', 'America/Los_Angeles', 'Pacific/Auckland', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/Sao_Paulo', 'America/St_Johns', 'Pacific/Kiritimati', 'UTC'];
    let checked = 0;
    for (const timeZone of zones) {
      const reference = new Intl.DateTimeFormat('en-US', {
        timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23',
      });
      // Every 2 days 7 h 2 min 3.457 s from 1890 to 2040 (all hours of the day over time),
      // then every 17 minutes 3.1 s through 2013 and 2014 (every DST change of those years).
      const instants: number[] = [];
      for (let t = Date.UTC(1890, 0, 1); t < Date.UTC(2040, 0, 1); t += 198_123_457) instants.push(t);
      for (let t = Date.UTC(2013, 0, 1); t < Date.UTC(2015, 0, 1); t += 1_023_100) instants.push(t);
      // Every second and a quarter for three minutes around each change of 2014 (zonedParts takes
      // a day's offset from its first and last seconds: the days of a change must not).
      for (const change of [Date.UTC(2014, 2, 30, 1), Date.UTC(2014, 9, 26, 1), Date.UTC(2014, 2, 9, 10), Date.UTC(2014, 10, 2, 9), Date.UTC(2014, 3, 5, 15), Date.UTC(2014, 8, 27, 15)]) {
        for (let t = change - 90_000; t < change + 90_000; t += 1_250) instants.push(t);
      }
      for (const t of instants) {
        const parts: Record<string, number> = {};
        for (const part of reference.formatToParts(t)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
        const expected = { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour! % 24, minute: parts.minute, second: parts.second };
        const got = zonedParts(new Date(t), timeZone);
        if (JSON.stringify(got) !== JSON.stringify(expected)) expect({ timeZone, t, got }).toEqual({ timeZone, t, got: expected });
        // formatIsoInstant writes the day's offset directly when it can: the same text as from Intl's parts.
        const iso = formatIsoInstant(new Date(t), timeZone);
        const expectedIso = formatIsoInstantOfParts(new Date(t), expected as ReturnType<typeof zonedParts>);
        if (iso !== expectedIso) expect({ timeZone, t, iso }).toEqual({ timeZone, t, iso: expectedIso });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(9 * 80_000);
  });

  it('falls back to formatToParts for a year that en-US does not print with four digits', () => {
    // `6/15/999, 12:09:21` (Paris mean time, +0:09:21): the fast pattern wants four digits, the fallback reads the parts.
    expect(zonedParts(new Date('0999-06-15T12:00:00Z'), 'Europe/Paris')).toEqual({ year: 999, month: 6, day: 15, hour: 12, minute: 9, second: 21 });
    expect(zonedParts(new Date('0050-01-01T00:00:00Z'), 'UTC')).toEqual({ year: 50, month: 1, day: 1, hour: 0, minute: 0, second: 0 });
  });
});
