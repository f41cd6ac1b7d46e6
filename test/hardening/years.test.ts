// Issue 13, item 5: years 1000–9999 only, at every door (validate, flags, import); feeds never
// shift a year; dates before standard time (local mean time, Paris +00:09:21 until 1911) get
// the exact instant in the feeds, written in UTC since RFC 822 / RFC 3339 offsets cannot carry
// seconds; `list` sorts them right.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makePost, runNews, tempContent } from '../helpers/cli.js';
import { feedparser, xmllint } from '../export/helpers.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'news-years-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const utcSeconds = (iso: string) => Date.parse(iso) / 1000;

describe('years below 1000 are refused everywhere', () => {
  test('validate names the year and the accepted range, exit 1', async () => {
    const dir = tempContent({
      'an-99': makePost('an-99', { date: '0099-12-31' }),
      'an-999': makePost('an-999', { date: '0999-06-01T10:00:00Z' }),
      cree: makePost('cree', { createdAt: '0099-01-01T00:00:00Z' }),
      'an-1000': makePost('an-1000', { date: '1000-01-01' }),
    });
    const r = await runNews(['validate', '--json', '--dir', dir]);
    expect(r.code).toBe(1);
    const problems = JSON.parse(r.stdout).problems as Array<{ file: string; message: string }>;
    expect(problems.map((p) => p.file).sort()).toEqual(['posts/an-99.json', 'posts/an-999.json', 'posts/cree.json']);
    expect(problems.find((p) => p.file === 'posts/an-99.json')!.message).toContain('champ date : date invalide : année 0099 hors des années acceptées (1000 à 9999');
    expect(problems.find((p) => p.file === 'posts/an-999.json')!.message).toContain('année 0999 hors des années acceptées');
    expect(problems.find((p) => p.file === 'posts/cree.json')!.message).toContain('champ createdAt : date-heure invalide : année 0099');
  });

  test('an export refuses such a post instead of publishing it shifted by 1900 years', async () => {
    const dir = tempContent({ 'an-99': makePost('an-99', { date: '0099-12-31' }) });
    const r = await runNews(['export', 'rss', '--dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain('1999');
    expect(r.stderr).toContain('année 0099');
  });

  test('news new --date and list --since refuse them, exit 2, nothing written', async () => {
    const dir = tempContent({});
    const created = await runNews(['new', '--dir', dir, '--title', 'Antique', '--body', 'Texte', '--date', '0099-12-31']);
    expect(created.code).toBe(2);
    expect(created.stderr).toContain('--date');
    expect(created.stderr).toContain('année 0099 hors des années acceptées');
    expect(fs.readdirSync(path.join(dir, 'posts'))).toEqual([]);
    const listed = await runNews(['list', '--dir', dir, '--since', '0099-01-01']);
    expect(listed.code).toBe(2);
    expect(listed.stderr).toContain('--since');
  });

  test('list names a year-0099 post as broken instead of sorting it among 1999', async () => {
    const dir = tempContent({ 'an-99': makePost('an-99', { date: '0099-12-31' }), 'an-1999': makePost('an-1999', { date: '1999-06-01' }) });
    const r = await runNews(['list', '--dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('an-1999');
    expect(r.stdout).not.toContain('an-99 ');
    expect(r.stderr).toContain('an-99.json');
    expect(r.stderr).toContain('année 0099');
  });

  test('import: a page dated in year 0099 is not imported, with the reason', async () => {
    const dir = tempContent({});
    const page = path.join(work, 'antique.txt');
    fs.writeFileSync(page, "Accueil > Actualités\nC'est d'actualité…\nUn billet antique\nLe texte du billet.\nle 29 octobre 0099\n(lu 3 fois)\n");
    const r = await runNews(['import', '--dir', dir, page]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('année 0099 hors des années acceptées');
    expect(fs.readdirSync(path.join(dir, 'posts'))).toEqual([]);
  });
});

describe('feeds: the exact instant, every year', () => {
  // Paris kept local mean time (+00:09:21) until 1911: midnight on 15 June 1899 there was
  // 23:50:39 UTC the day before. 1000-01-01 in Paris starts at 0999-12-31T23:50:39Z.
  const posts = {
    'an-mil': makePost('an-mil', { title: 'An mil', date: '1000-01-01' }),
    'avant-1911': makePost('avant-1911', { title: 'Avant 1911', date: '1899-06-15' }),
    'midi-1850': makePost('midi-1850', { title: 'Midi 1850', date: '1850-03-01T12:00:00Z' }),
    recent: makePost('recent', { title: 'Récent', date: '2013-10-29' }),
    'an-9999': makePost('an-9999', { title: 'An 9999', date: '9999-12-31' }),
  };
  const expected: Record<string, { utc: number; rss: string; iso: string }> = {
    'An 9999': { utc: utcSeconds('9999-12-30T23:00:00Z'), rss: 'Fri, 31 Dec 9999 00:00:00 +0100', iso: '9999-12-31T00:00:00+01:00' },
    Récent: { utc: utcSeconds('2013-10-28T23:00:00Z'), rss: 'Tue, 29 Oct 2013 00:00:00 +0100', iso: '2013-10-29T00:00:00+01:00' },
    'Avant 1911': { utc: utcSeconds('1899-06-14T23:50:39Z'), rss: 'Wed, 14 Jun 1899 23:50:39 +0000', iso: '1899-06-14T23:50:39Z' },
    'Midi 1850': { utc: utcSeconds('1850-03-01T12:00:00Z'), rss: 'Fri, 01 Mar 1850 12:00:00 +0000', iso: '1850-03-01T12:00:00Z' },
    'An mil': { utc: utcSeconds('0999-12-31T23:50:39Z'), rss: 'Tue, 31 Dec 0999 23:50:39 +0000', iso: '0999-12-31T23:50:39Z' },
  };
  const dir = tempContent(posts);

  test.each(['rss', 'atom'] as const)('%s: well-formed, feedparser reads each instant to the second, newest first', async (format) => {
    const file = path.join(work, `${format}.xml`);
    const r = await runNews(['export', format, '--future', '--out', file, '--dir', dir]);
    expect(r.code).toBe(0);
    expect(xmllint(file)).toEqual({ code: 0, stderr: '' });
    const feed = feedparser(file);
    expect(feed.bozo).toBe(0);
    expect(feed.entries.map((e) => e.title)).toEqual(Object.keys(expected));
    for (const entry of feed.entries) {
      const want = expected[entry.title]!;
      expect([entry.title, entry.published_utc]).toEqual([entry.title, want.utc]);
      expect([entry.title, entry.published]).toEqual([entry.title, format === 'rss' ? want.rss : want.iso]);
    }
  });

  test('JSON Feed: RFC 3339 dates, UTC when the offset has seconds', async () => {
    const r = await runNews(['export', 'json', '--future', '--dir', dir]);
    expect(r.code).toBe(0);
    const items = JSON.parse(r.stdout).items as Array<{ title: string; date_published: string }>;
    expect(items.map((i) => [i.title, i.date_published])).toEqual(Object.entries(expected).map(([title, e]) => [title, e.iso]));
  });

  test('list: newest first across the centuries', async () => {
    const r = await runNews(['list', '--json', '--dir', dir]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Array<{ slug: string }>).map((p) => p.slug)).toEqual(['an-9999', 'recent', 'avant-1911', 'midi-1850', 'an-mil']);
    const reversed = await runNews(['list', '--json', '--reverse', '--dir', dir]);
    expect((JSON.parse(reversed.stdout) as Array<{ slug: string }>).map((p) => p.slug)).toEqual(['an-mil', 'midi-1850', 'avant-1911', 'recent', 'an-9999']);
  });
});
