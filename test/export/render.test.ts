import { checkPost, type Post } from '../../src/core/post.js';
import { formatRfc3339, formatRfc822 } from '../../src/export/dates.js';
import { renderHtmlSite } from '../../src/export/html.js';
import { renderBody } from '../../src/export/markdown.js';
import { buildModel, normalizeBaseUrl } from '../../src/export/model.js';
import { renderRss } from '../../src/export/rss.js';
import { cleanLine, cleanText, escapeXml } from '../../src/export/text.js';
import { makePost } from '../helpers/cli.js';

const PARIS = { timeZone: 'Europe/Paris', title: 'Site' };
const BASE = 'https://exemple.fr/actualites/';

function post(slug: string, fields: Record<string, unknown> = {}): Post {
  const check = checkPost(makePost(slug, fields));
  if (!check.ok) throw new Error(JSON.stringify(check.problems));
  return check.post;
}

describe('feed dates', () => {
  test.each([
    ['2013-10-29T23:00:00Z', 'Europe/Paris', 'Wed, 30 Oct 2013 00:00:00 +0100', '2013-10-30T00:00:00+01:00'],
    ['2014-07-31T22:00:00Z', 'Europe/Paris', 'Fri, 01 Aug 2014 00:00:00 +0200', '2014-08-01T00:00:00+02:00'],
    ['2015-03-29T00:59:59Z', 'Europe/Paris', 'Sun, 29 Mar 2015 01:59:59 +0100', '2015-03-29T01:59:59+01:00'],
    ['2015-03-29T01:00:00Z', 'Europe/Paris', 'Sun, 29 Mar 2015 03:00:00 +0200', '2015-03-29T03:00:00+02:00'],
    ['2015-10-25T00:30:00Z', 'Europe/Paris', 'Sun, 25 Oct 2015 02:30:00 +0200', '2015-10-25T02:30:00+02:00'],
    ['2015-10-25T01:30:00Z', 'Europe/Paris', 'Sun, 25 Oct 2015 02:30:00 +0100', '2015-10-25T02:30:00+01:00'],
    ['2020-01-01T12:00:00Z', 'America/New_York', 'Wed, 01 Jan 2020 07:00:00 -0500', '2020-01-01T07:00:00-05:00'],
    ['2020-01-01T12:00:00Z', 'Asia/Kolkata', 'Wed, 01 Jan 2020 17:30:00 +0530', '2020-01-01T17:30:00+05:30'],
  ])('%s in %s', (iso, zone, rfc822, rfc3339) => {
    expect(formatRfc822(new Date(iso), zone)).toBe(rfc822);
    expect(formatRfc3339(new Date(iso), zone)).toBe(rfc3339);
  });

  test('a calendar date is midnight in the site zone, winter and summer', () => {
    const rss = renderRss(PARIS, [post('ete', { date: '2014-08-01' }), post('hiver', { date: '2013-10-29' })], { baseUrl: BASE });
    expect(rss).toContain('<pubDate>Fri, 01 Aug 2014 00:00:00 +0200</pubDate>');
    expect(rss).toContain('<pubDate>Tue, 29 Oct 2013 00:00:00 +0100</pubDate>');
  });
});

describe('text', () => {
  test('cleanText drops what XML 1.0 forbids, keeps tab, line feeds, emoji and right-to-left text', () => {
    expect(cleanText('a\u0000b\u0008c\u000Bd\u001Fe\tf\ng\r\nh\ri')).toBe('abcde\tf\ng\nh\ni');
    expect(cleanText('x\uFFFEy\uFFFFz\u0085w\u007F')).toBe('xyzw');
    expect(cleanText('😀 \uD83D seul \uDE00 seul שלום')).toBe('😀  seul  seul שלום');
    expect(cleanLine('  un\n\tdeux  trois\u0000 ')).toBe('un deux trois');
  });

  test('escapeXml escapes markup, both quotes and every >, so ]]> cannot appear', () => {
    expect(escapeXml(`<a href="x" title='y'>&]]></a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;]]&gt;&lt;/a&gt;');
    expect(escapeXml('rien à faire')).toBe('rien à faire');
  });

  test('normalizeBaseUrl accepts absolute http(s) URLs and adds the final slash', () => {
    expect(normalizeBaseUrl('https://exemple.fr/actualites')).toBe(BASE);
    expect(normalizeBaseUrl('http://exemple.fr')).toBe('http://exemple.fr/');
    expect(normalizeBaseUrl('https://exemple.fr/a/?x=1#y')).toBe('https://exemple.fr/a/');
    expect(normalizeBaseUrl('exemple.fr/a')).toBeUndefined();
    expect(normalizeBaseUrl('javascript:alert(1)')).toBeUndefined();
  });
});

describe('markdown', () => {
  test('raw HTML escaped, dangerous links refused, links and images absolute, headings under the title', () => {
    const { html, excerpt } = renderBody('Intro *x* <b>gras</b>\n\n## A\n\n#### B\n\n## C\n\n[rel](../autre/) [abs](https://ailleurs.fr/) [js](javascript:alert(1)) ![i](img.png)', `${BASE}billet/`);
    expect(html).toContain('&lt;b&gt;gras&lt;/b&gt;');
    expect(html).toMatch(/<h2>A<\/h2>\n<h3>B<\/h3>\n<h2>C<\/h2>/);
    expect(html).toContain(`<a href="${BASE}autre/">rel</a>`);
    expect(html).toContain('<a href="https://ailleurs.fr/">abs</a>');
    expect(html).not.toContain('href="javascript');
    expect(html).toContain(`<img src="${BASE}billet/img.png" alt="i">`);
    expect(excerpt).toBe('Intro x <b>gras</b>');
  });

  test('a body that starts at level 3 still starts at h2', () => {
    expect(renderBody('### Un\n\n### Deux', BASE).html).toBe('<h2>Un</h2>\n<h2>Deux</h2>\n');
  });
});

describe('model', () => {
  test('tags group across case and accents with one slug each; colliding slugs get -2; empty ones a name', () => {
    const model = buildModel(PARIS, [
      post('a', { tags: ['Réseaux sociaux', 'C++'] }),
      post('b', { tags: ['réseaux  sociaux'.replace('  ', ' '), 'C', '😀'] }),
    ], { baseUrl: BASE });
    expect(model.tags.map((t) => [t.name, t.slug, t.entries.map((e) => e.slug)])).toEqual([
      ['😀', 'etiquette', ['b']],
      ['C', 'c-2', ['b']],
      ['C++', 'c', ['a']],
      ['Réseaux sociaux', 'reseaux-sociaux', ['a', 'b']],
    ]);
    expect(model.entries[1]!.tags).toEqual([{ name: 'réseaux sociaux', slug: 'reseaux-sociaux' }, { name: 'C', slug: 'c-2' }, { name: '😀', slug: 'etiquette' }]);
  });

  test('an alias that is a post slug, or claimed twice, gets no redirect page', () => {
    const files = [...renderHtmlSite(PARIS, [
      post('a', { aliases: ['b', 'vieux'] }),
      post('b', { aliases: ['vieux', 'autre'] }),
    ], { baseUrl: BASE })];
    const byPath = new Map(files.map((f) => [f.path, f.content]));
    expect(byPath.get('b/index.html')).toContain('<h1 dir="auto">Titre b</h1>');
    expect(byPath.get('vieux/index.html')).toContain('url=../a/');
    expect(byPath.get('autre/index.html')).toContain('url=../b/');
    expect(files.filter((f) => f.path === 'vieux/index.html')).toHaveLength(1);
  });

  test('posts named page or tag never collide with pagination or tag pages', () => {
    const posts = [post('page', { tags: ['tag'] }), post('tag', { tags: ['page'], aliases: ['index'] })];
    for (let i = 1; i <= 45; i++) posts.push(post(`b-${i}`, { date: '2012-01-01' }));
    const paths = [...renderHtmlSite(PARIS, posts, { baseUrl: BASE })].map((f) => f.path);
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths).toEqual(expect.arrayContaining(['page/index.html', 'page/1/index.html', 'tag/index.html', 'tag/tag/index.html', 'tag/page/index.html', 'index/index.html', 'index.html']));
  });

  test('a title made only of forbidden characters still shows something', () => {
    const model = buildModel(PARIS, [post('a', { title: '\u0001\u0002' })], { baseUrl: BASE });
    expect(model.entries[0]!.title).toBe('(sans titre)');
  });

  test('the same posts give the same files, whatever the clock', () => {
    const posts = [post('a', { tags: ['x'], date: '2014-08-01' }), post('b', { date: '2013-10-29T23:30:00Z' })];
    const first = [...renderHtmlSite(PARIS, posts, { baseUrl: BASE })];
    const second = [...renderHtmlSite(PARIS, posts, { baseUrl: BASE })];
    expect(second).toEqual(first);
    expect(first.map((f) => f.content).join('')).not.toMatch(/202[5-9]/);
  });
});

test('a tag page counts its posts as every export writes numbers (SPEC: same formatting everywhere)', () => {
  const posts = Array.from({ length: 1234 }, (_, i) => post(`b-${i}`, { tags: ['Web'], body: 'x' }));
  const page = [...renderHtmlSite(PARIS, posts, { baseUrl: BASE })].find((f) => f.path === 'tag/web/index.html');
  expect(page?.content).toContain('1\u202F234 billets · ');
});
