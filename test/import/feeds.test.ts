import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import MarkdownIt from 'markdown-it';
import { feedItemId, parseFeed, parseFeedDate, type FeedFormat } from '../../src/import/feeds.js';
import { IMPORT_NAMESPACE, uuidV5 } from '../../src/import/id.js';
import { ROOT } from '../helpers/cli.js';

const FEEDS = path.join(ROOT, 'test', 'fixtures', 'import', 'feeds');
const FIXTURES: Record<FeedFormat, string> = { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' };

function posts(format: FeedFormat, text = fs.readFileSync(path.join(FEEDS, FIXTURES[format]), 'utf8')) {
  const feed = parseFeed(text, format);
  if (!feed.ok) throw new Error(feed.reason);
  return feed.items.map(({ result }) => {
    if (!result.ok) throw new Error(result.reasons.join('; '));
    return result.post;
  });
}

describe('RSS 2.0', () => {
  const [first, second] = posts('rss');

  test('title, date with its offset, author, tags (deduplicated), summary, HTML as Markdown', () => {
    expect(first).toMatchObject({
      id: '3f0d6a52-9c1e-4b8e-a1d2-6c5b7e9f0a13',
      title: 'Journée « Numérique & emploi » : le programme',
      date: '2013-10-29T09:12:00+01:00',
      author: 'Claire Martin',
      tags: ['Emploi', 'numérique'],
      summary: 'Le programme de la journée, en bref.',
      views: 0,
    });
    expect(first!.body).toContain('## Au programme');
    expect(first!.body).toContain('Des **ateliers** et une [visite](https://partenaire.example/actus/plan/).');
    expect(first!.body).toMatch(/^- +Matin : CV$/m);
    expect(first!.body).not.toMatch(/alert|script/);
  });

  test('a guid that is no UUID gives a name-based one; an escaped description is HTML', () => {
    expect(second!.id).toBe(uuidV5('feed-item\nhttps://partenaire.example/actus/fermeture/', IMPORT_NAMESPACE));
    expect(second).toMatchObject({ title: 'Fermeture estivale', date: '2014-08-01T08:00:00+00:00', tags: [] });
    expect(second!.body).toBe('Nous serons fermés du 1er au 15 août.\n\nBonnes vacances !');
    expect(second!.summary).toBeUndefined();
  });
});

describe('Atom 1.0', () => {
  const [html, xhtml, text] = posts('atom');

  test('html content, label of categories, published date, updated kept, relative link made absolute', () => {
    expect(html).toMatchObject({
      title: 'Les médias sociaux en 2015',
      date: '2015-03-01T18:30:00+01:00',
      updatedAt: '2015-03-02T10:00:00+01:00',
      author: 'Paul Durand',
      tags: ['Réseaux sociaux', 'veille'],
      summary: 'Ce qui change cette année.',
    });
    expect(html!.body).toBe('Premier paragraphe avec un [lien relatif](https://reseau.example/blog/outils).\n\n> Une citation.');
  });

  test('xhtml content, urn:uuid id kept as the post id, feed author as fallback', () => {
    expect(xhtml).toMatchObject({ id: '8c5a7f40-2b7e-4d3a-9f1e-0a2b3c4d5e6f', date: '2014-12-24T23:30:00Z', author: 'Rédaction du réseau' });
    expect(xhtml!.body).toBe('Inscriptions ouvertes *dès maintenant* & jusqu’au 31 janvier.');
  });

  test('text content stays text', () => {
    expect(text!.body).toBe('Texte brut avec \\<balise> littérale.');
    expect(new MarkdownIt().render(text!.body)).toBe('<p>Texte brut avec &lt;balise&gt; littérale.</p>\n');
  });
});

describe('JSON Feed 1.1', () => {
  const [html, plain] = posts('json');

  test('content_html, tags, authors, dates, summary', () => {
    expect(html).toMatchObject({
      id: uuidV5('feed-item\nhttps://lettre.example/2016/rentree', IMPORT_NAMESPACE),
      title: 'Rentrée 2016 : ce qui change',
      date: '2016-09-01T08:00:00+02:00',
      updatedAt: '2016-09-02T09:00:00+02:00',
      author: 'Sophie Bernard',
      tags: ['rentrée', 'Accueil'],
      summary: 'Horaires, accueil et inscription en ligne.',
    });
    expect(html!.body).toMatch(/^1\. +des horaires élargis ;$/m);
    expect(html!.body).toContain('[inscription en ligne](https://lettre.example/inscription)');
  });

  test('content_text as escaped Markdown paragraphs; feed author as fallback', () => {
    expect(plain).toMatchObject({ title: 'Brève du jour', author: 'Service communication', date: '2016-09-05T12:00:00Z' });
    expect(plain!.body).toBe('Première ligne.\\\nDeuxième ligne du même paragraphe.\n\nUn \\*second\\* paragraphe.');
  });
});

test('python feedparser (no JSON Feed support in 6.0) reads the same titles, dates and tags from the RSS and Atom fixtures', () => {
  const script = [
    'import feedparser, json, sys, calendar',
    'out = {}',
    'for name in sys.argv[1:]:',
    '    d = feedparser.parse(name)',
    '    out[name] = [{"title": e.get("title"), "ts": calendar.timegm(e.get("published_parsed") or e.get("updated_parsed")), "tags": [t.get("label") or t.get("term") for t in e.get("tags", [])]} for e in d.entries]',
    'print(json.dumps(out))',
  ].join('\n');
  const files = ['rss.xml', 'atom.xml'].map((f) => path.join(FEEDS, f));
  const run = spawnSync('/usr/bin/python3', ['-c', script, ...files], { encoding: 'utf8', timeout: 30_000 });
  expect(run.stderr).toBe('');
  const reference = JSON.parse(run.stdout) as Record<string, Array<{ title: string; ts: number; tags: string[] }>>;
  for (const [format, file] of [['rss', files[0]], ['atom', files[1]]] as const) {
    const ours = posts(format);
    const theirs = reference[file!]!;
    expect(ours.map((p) => p.title)).toEqual(theirs.map((e) => e.title.replace(/<[^>]+>/g, '')));
    expect(ours.map((p) => Date.parse(p.date) / 1000)).toEqual(theirs.map((e) => e.ts));
    const lower = (tags: string[]) => [...new Set(tags.map((t) => t.toLowerCase()))];
    expect(ours.map((p) => lower(p.tags))).toEqual(theirs.map((e) => lower(e.tags)));
  }
});

describe('problems are named', () => {
  test('a feed of another format says which --from to use', () => {
    const atom = fs.readFileSync(path.join(FEEDS, 'atom.xml'), 'utf8');
    expect(parseFeed(atom, 'rss')).toEqual({ ok: false, reason: expect.stringContaining('--from atom') });
    expect(parseFeed(fs.readFileSync(path.join(FEEDS, 'feed.json'), 'utf8'), 'atom')).toEqual({ ok: false, reason: expect.stringContaining('--from json') });
  });

  test('broken XML gives its line and column', () => {
    expect(parseFeed('<rss version="2.0"><channel>\n<item><title>x</item></channel></rss>', 'rss')).toEqual({ ok: false, reason: expect.stringMatching(/XML invalide ligne 2, colonne \d+/) });
  });

  test('an item without title or date is named, the others read', () => {
    const rss = '<rss version="2.0"><channel><item><guid>a</guid><description>x</description></item><item><title>Bon</title><pubDate>Mon, 04 Nov 2013 10:00:00 +0100</pubDate></item><item><title>Sans date</title><pubDate>demain</pubDate></item></channel></rss>';
    const feed = parseFeed(rss, 'rss');
    if (!feed.ok) throw new Error(feed.reason);
    expect(feed.items.map((i) => i.result.ok)).toEqual([false, true, false]);
    expect(feed.items[0]!.result).toMatchObject({ missing: ['titre', 'date'] });
    expect(feed.items[2]).toMatchObject({ label: 'élément 3 « Sans date »', result: { missing: ['date'], reasons: [expect.stringContaining('« demain »')] } });
  });

  test('not a JSON Feed', () => {
    expect(parseFeed('{"items": []}', 'json')).toEqual({ ok: false, reason: expect.stringContaining('version') });
    expect(parseFeed('{oops', 'json')).toEqual({ ok: false, reason: expect.stringContaining('JSON invalide') });
  });
});

test('feed dates: RFC 822 variants, ISO 8601 kept, no offset read as UTC with a warning', () => {
  expect(parseFeedDate('Tue, 29 Oct 2013 09:12:00 +0100')).toEqual({ date: '2013-10-29T09:12:00+01:00' });
  expect(parseFeedDate('29 Oct 13 09:12 EST')).toEqual({ date: '2013-10-29T09:12:00-05:00' });
  expect(parseFeedDate('Fri, 1 Aug 2014 08:00:00 GMT')).toEqual({ date: '2014-08-01T08:00:00+00:00' });
  expect(parseFeedDate('2013-10-29T09:12:00.123+01:00')).toEqual({ date: '2013-10-29T09:12:00.123+01:00' });
  expect(parseFeedDate('2013-10-29')).toEqual({ date: '2013-10-29' });
  expect(parseFeedDate('2013-10-29T09:12:00')).toEqual({ date: '2013-10-29T09:12:00Z', warning: expect.stringContaining('sans fuseau') });
  expect(parseFeedDate('Tue, 32 Oct 2013 09:12:00 +0100')).toBeUndefined();
  expect(parseFeedDate('hier')).toBeUndefined();
});

test('feed item ids: a UUID kept, anything else hashed, nothing at all from title and date', () => {
  expect(feedItemId('urn:uuid:3F0D6A52-9C1E-4B8E-A1D2-6C5B7E9F0A13', undefined, 't', 'd')).toBe('3f0d6a52-9c1e-4b8e-a1d2-6c5b7e9f0a13');
  expect(feedItemId('tag:x,2014:1', 'https://x/1', 't', 'd')).toBe(uuidV5('feed-item\ntag:x,2014:1', IMPORT_NAMESPACE));
  expect(feedItemId(undefined, 'https://x/1', 't', 'd')).toBe(uuidV5('feed-item\nhttps://x/1', IMPORT_NAMESPACE));
  expect(feedItemId(undefined, undefined, 't', 'd')).toBe(uuidV5('feed-item\nt\nd', IMPORT_NAMESPACE));
});

test('control characters from a feed never reach a post', () => {
  const json = JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    items: [{ id: 'x', title: 'Titre \u001b[31mrouge\u0007', content_text: 'Texte\u001b]0;titre\u0007 ici', summary: 'Rés\u009bumé', tags: ['a\u0000b'], authors: [{ name: 'Zoé\u001b[2J' }], date_published: '2016-09-05T12:00:00Z' }],
  });
  const [post] = posts('json', json);
  expect(post).toMatchObject({ title: 'Titre [31mrouge', author: 'Zoé[2J', tags: ['ab'], summary: 'Résumé' });
  expect(JSON.stringify(post)).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
});
