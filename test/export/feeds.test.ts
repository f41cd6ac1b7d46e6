import fs from 'node:fs';
import path from 'node:path';
import { makePost, tempContent } from '../helpers/cli.js';
import { exportWith, feedparser, FIXTURE_SITE, tempDir, xmllint } from './helpers.js';

const BASE = 'https://www.example.org/actualites/';
const out = tempDir();

/** The fixture's published, due posts, newest first, as a reader must see them. */
const EXPECTED = [
  {
    slug: 'apres-le-changement-d-heure', title: 'Après le changement d’heure', guid: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    rss: 'Sun, 29 Mar 2015 03:30:00 +0200', rfc3339: '2015-03-29T03:30:00+02:00', utc: Date.UTC(2015, 2, 29, 1, 30), tags: ['agenda'],
    updated: '2015-04-02T08:00:00+02:00', author: 'Équipe formation',
  },
  {
    slug: 'la-nuit-du-changement-d-heure', title: 'La nuit du changement d’heure', guid: '2c9d8e7f-6a5b-4c3d-8e1f-0a9b8c7d6e5f',
    rss: 'Sun, 29 Mar 2015 01:30:00 +0100', rfc3339: '2015-03-29T01:30:00+01:00', utc: Date.UTC(2015, 2, 29, 0, 30), tags: ['agenda'],
    updated: '2015-03-29T01:30:00+01:00', author: 'Marie Curie',
  },
  {
    slug: 'strategie-web-et-mobilite', title: 'Stratégie Web & mobilité\u00a0: l’été des applications', guid: '0b6f3c1e-8d2a-4f5b-9c7e-1a2b3c4d5e6f',
    rss: 'Fri, 01 Aug 2014 00:00:00 +0200', rfc3339: '2014-08-01T00:00:00+02:00', utc: Date.UTC(2014, 6, 31, 22, 0), tags: ['stratégie Web', 'mobilité', 'Réseaux sociaux'],
    updated: '2014-08-01T00:00:00+02:00', author: 'Équipe formation',
  },
  {
    slug: 'la-nuit-du-numerique', title: 'La nuit du numérique', guid: `${BASE}la-nuit-du-numerique/`,
    rss: 'Wed, 30 Oct 2013 00:30:00 +0100', rfc3339: '2013-10-30T00:30:00+01:00', utc: Date.UTC(2013, 9, 29, 23, 30), tags: [],
    updated: '2013-10-30T00:30:00+01:00', author: 'Équipe formation',
  },
  {
    slug: 'le-miroir-brise-des-reseaux-sociaux', title: 'Le miroir brisé des réseaux sociaux', guid: '6f1c2a9e-3b7d-5e41-9a0c-2d8e4f6b1a37',
    rss: 'Tue, 29 Oct 2013 00:00:00 +0100', rfc3339: '2013-10-29T00:00:00+01:00', utc: Date.UTC(2013, 9, 28, 23, 0), tags: ['réseaux sociaux'],
    updated: '2013-10-29T00:00:00+01:00', author: 'Équipe formation',
  },
];

async function exportFeed(format: 'rss' | 'atom' | 'json', dir: string, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const file = path.join(out, name);
  const { code, ctx } = await exportWith({ format, dir, out: file, ...extra });
  expect(ctx.err()).not.toMatch(/erreur/);
  expect(code).toBe(0);
  return file;
}

afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

describe('RSS 2.0', () => {
  let file: string;
  let xml: string;
  beforeAll(async () => {
    file = await exportFeed('rss', FIXTURE_SITE, 'feed.xml');
    xml = fs.readFileSync(file, 'utf8');
  });

  test('is well-formed and accepted by feedparser', () => {
    expect(xmllint(file)).toEqual({ code: 0, stderr: '' });
    const feed = feedparser(file);
    expect(feed.bozo_exception).toBeNull();
    expect(feed.bozo).toBe(0);
    expect(feed.version).toBe('rss20');
    expect(feed.title).toBe('C’est d’actualité…');
    expect(feed.language).toBe('fr-FR');
  });

  test('items: published and due only, newest first, titles, links, guids, dates with the Paris offset', () => {
    const feed = feedparser(file);
    expect(feed.entries.map((e) => e.link)).toEqual(EXPECTED.map((e) => `${BASE}${e.slug}/`));
    expect(feed.entries.map((e) => e.title)).toEqual(EXPECTED.map((e) => e.title));
    expect(feed.entries.map((e) => e.id)).toEqual(EXPECTED.map((e) => e.guid));
    expect(feed.entries.map((e) => e.published)).toEqual(EXPECTED.map((e) => e.rss));
    expect(feed.entries.map((e) => Number(e.published_utc) * 1000)).toEqual(EXPECTED.map((e) => e.utc));
    expect(feed.entries.map((e) => e.tags)).toEqual(EXPECTED.map((e) => e.tags));
    expect(feed.entries.map((e) => e.author)).toEqual(EXPECTED.map((e) => e.author));
  });

  test('channel elements SPEC asks for; build date from the newest post, not the clock', () => {
    expect(xml).toContain(`<atom:link href="${BASE}feed.xml" rel="self" type="application/rss+xml"/>`);
    expect(xml).toContain('<language>fr-FR</language>');
    expect(xml).toContain('<lastBuildDate>Thu, 02 Apr 2015 08:00:00 +0200</lastBuildDate>');
    expect(xml).toContain('<guid isPermaLink="false">6f1c2a9e-3b7d-5e41-9a0c-2d8e4f6b1a37</guid>');
    expect(xml).toContain(`<guid isPermaLink="true">${BASE}la-nuit-du-numerique/</guid>`);
    expect(xml).toContain('<dc:creator>Marie Curie</dc:creator>');
    expect(xml).not.toMatch(/2026/);
  });

  test('content:encoded holds the full HTML with absolute links', () => {
    const entry = feedparser(file).entries[2]!;
    expect(entry.content).toContain('href="https://www.example.org/formations/strategie-web/"');
    expect(entry.content).toContain(`href="${BASE}le-miroir-brise-des-reseaux-sociaux/"`);
    expect(entry.content).toContain(`href="${BASE}strategie-web-et-mobilite/#suite"`);
    expect(entry.content).toContain(`src="${BASE}strategie-web-et-mobilite/schema.png"`);
    expect(entry.content).not.toMatch(/(href|src)="(?!https:)/);
    expect(entry.summary).toBe('Ce que l’été 2014 change pour vos applications mobiles.');
  });

  test('--limit, --tag (whole site of one tag, with its own self link), --future and --drafts', async () => {
    const limited = feedparser(await exportFeed('rss', FIXTURE_SITE, 'limited.xml', { limit: 2 }));
    expect(limited.entries.map((e) => e.title)).toEqual(EXPECTED.slice(0, 2).map((e) => e.title));

    const tagged = await exportFeed('rss', FIXTURE_SITE, 'tag.xml', { tag: ['RÉSEAUX SOCIAUX'] });
    expect(feedparser(tagged).entries.map((e) => e.title)).toEqual([EXPECTED[2]!.title, EXPECTED[4]!.title]);
    expect(fs.readFileSync(tagged, 'utf8')).toContain(`<atom:link href="${BASE}tag/reseaux-sociaux/feed.xml" rel="self"`);

    const future = feedparser(await exportFeed('rss', FIXTURE_SITE, 'future.xml', { future: true }));
    expect(future.entries[0]!.title).toBe('Billet programmé');
    expect(future.entries).toHaveLength(6);

    const drafts = feedparser(await exportFeed('rss', FIXTURE_SITE, 'drafts.xml', { drafts: true }));
    expect(drafts.entries.map((e) => e.title)).toContain('Brouillon en cours');
    expect(drafts.entries.map((e) => e.title)).not.toContain('Billet programmé');
  });

  test('feeds hold 20 items by default', async () => {
    const posts: Record<string, unknown> = {};
    for (let i = 1; i <= 25; i++) posts[`billet-${i}`] = makePost(`billet-${i}`, { date: `2020-01-${String(i).padStart(2, '0')}` });
    const dir = tempContent(posts);
    try {
      const feed = feedparser(await exportFeed('rss', dir, 'twenty.xml'));
      expect(feed.entries).toHaveLength(20);
      expect(feed.entries[0]!.title).toBe('Titre billet-25');
      expect(feed.entries[19]!.title).toBe('Titre billet-6');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Atom 1.0', () => {
  test('well-formed, feedparser bozo 0, entries with RFC 3339 dates in winter and summer', async () => {
    const file = await exportFeed('atom', FIXTURE_SITE, 'atom.xml');
    expect(xmllint(file)).toEqual({ code: 0, stderr: '' });
    const feed = feedparser(file);
    expect(feed.bozo).toBe(0);
    expect(feed.version).toBe('atom10');
    expect(feed.updated).toBe('2015-04-02T08:00:00+02:00');
    expect(feed.links).toContainEqual({ rel: 'self', href: `${BASE}atom.xml` });
    expect(feed.entries.map((e) => e.link)).toEqual(EXPECTED.map((e) => `${BASE}${e.slug}/`));
    expect(feed.entries.map((e) => e.title)).toEqual(EXPECTED.map((e) => e.title));
    expect(feed.entries.map((e) => e.id)).toEqual(EXPECTED.map((e) => (e.guid.startsWith('https:') ? e.guid : `urn:uuid:${e.guid}`)));
    expect(feed.entries.map((e) => e.published)).toEqual(EXPECTED.map((e) => e.rfc3339));
    expect(feed.entries.map((e) => Number(e.published_utc) * 1000)).toEqual(EXPECTED.map((e) => e.utc));
    expect(feed.entries.map((e) => e.updated)).toEqual(EXPECTED.map((e) => e.updated));
    expect(feed.entries.map((e) => e.tags)).toEqual(EXPECTED.map((e) => e.tags));
    expect(feed.entries[2]!.content).toContain('href="https://www.example.org/formations/strategie-web/"');
  });
});

describe('JSON Feed 1.1', () => {
  // Debian's feedparser 6.0.10 has no JSON Feed reader: the document is checked against the 1.1 spec here.
  test('valid structure, ids, urls, RFC 3339 dates, absolute links', async () => {
    const file = await exportFeed('json', FIXTURE_SITE, 'feed.json');
    const text = fs.readFileSync(file, 'utf8');
    const feed = JSON.parse(text) as Record<string, unknown> & { items: Array<Record<string, unknown>> };
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.title).toBe('C’est d’actualité…');
    expect(feed.home_page_url).toBe(BASE);
    expect(feed.feed_url).toBe(`${BASE}feed.json`);
    expect(feed.language).toBe('fr-FR');
    expect(feed.items.map((i) => i.id)).toEqual(EXPECTED.map((e) => e.guid));
    expect(feed.items.map((i) => i.url)).toEqual(EXPECTED.map((e) => `${BASE}${e.slug}/`));
    expect(feed.items.map((i) => i.title)).toEqual(EXPECTED.map((e) => e.title));
    expect(feed.items.map((i) => i.date_published)).toEqual(EXPECTED.map((e) => e.rfc3339));
    expect(feed.items.map((i) => Date.parse(String(i.date_published)))).toEqual(EXPECTED.map((e) => e.utc));
    expect(feed.items.map((i) => i.tags ?? [])).toEqual(EXPECTED.map((e) => e.tags));
    for (const item of feed.items) {
      expect(typeof item.content_html).toBe('string');
      expect(item.content_html as string).not.toMatch(/(href|src)="(?!https:)/);
      expect(item.date_published).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    }
    expect(text.endsWith('}\n')).toBe(true);
  });
});

describe('hostile content', () => {
  const nasty = 'A & B "quoted" \'single\' ]]> <script>alert(1)</script> <img src=x onerror=alert(2)>';
  const controls = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('');
  const hostile = makePost('hostile', {
    id: '11111111-2222-4333-8444-555555555555',
    title: `Titre ${nasty} ${controls} \uFFFE\uFFFF \uD800 seul \uDC00 😀 שלום עולם`,
    summary: `Résumé ${nasty} ${controls}\uD83D`,
    tags: [`<script>alert(3)</script>`, `tag & "x" ]]>${controls}`, '😀 émoji', 'עברית'],
    body: `# Titre ${nasty}\n\n${nasty}\n\nTexte ${controls} \uFFFF \uDFFF 😀 مرحبا\n\n<iframe src="javascript:alert(4)"></iframe>\n\n[clic](javascript:alert(5)) ]]> ]]]]><![CDATA[>\n\n    code ]]> & <b>\n`,
    author: `Auteur <b>gras</b> & ${controls}`,
  });
  let dir: string;
  beforeAll(() => {
    dir = tempContent({ hostile, autre: makePost('autre', { title: 'Autre', date: '2013-01-01' }) });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each([['rss', 'h.xml'], ['atom', 'h.atom']] as const)('%s stays well-formed: bozo 0, xmllint clean, text intact without forbidden characters', async (format, name) => {
    const file = await exportFeed(format, dir, name);
    const raw = fs.readFileSync(file, 'utf8');
    expect(raw).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
    expect(raw).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(raw).not.toContain('<script');
    expect(raw).not.toContain('<![CDATA[');
    expect(xmllint(file)).toEqual({ code: 0, stderr: '' });
    const feed = feedparser(file);
    expect(feed.bozo_exception).toBeNull();
    expect(feed.bozo).toBe(0);
    expect(feed.entries).toHaveLength(2);
    const entry = feed.entries[0]!;
    // feedparser sanitises HTML in titles; the escaped text survives as text.
    expect(entry.title).toContain('A & B "quoted"');
    expect(entry.title).toContain('😀 שלום עולם');
    expect(entry.content).toContain('&lt;script&gt;');
    expect(entry.content).toContain('😀 مرحبا');
    expect(entry.content).not.toMatch(/href="javascript/i);
    expect(entry.content).not.toContain('<iframe');
    expect(entry.content).toContain('&lt;iframe');
  });

  test('JSON Feed parses and keeps the text, minus forbidden characters', async () => {
    const file = await exportFeed('json', dir, 'h.json');
    const raw = fs.readFileSync(file, 'utf8');
    expect(raw).not.toMatch(/\\u00(0|1)[0-9a-f]|\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|\\uff(fe|ff)/i);
    const feed = JSON.parse(raw) as { items: Array<{ title: string; tags: string[] }> };
    // French typography turns the typewriter apostrophes into ’ (SPEC); everything else is kept as text.
    expect(feed.items[0]!.title).toBe(`Titre ${nasty.replace(/'/g, '’')} seul 😀 שלום עולם`);
    expect(feed.items[0]!.tags).toEqual(['<script>alert(3)</script>', 'tag & "x" ]]>', '😀 émoji', 'עברית']);
  });
});
