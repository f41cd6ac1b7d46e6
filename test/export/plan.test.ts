import { planHtmlSite, planHtmlSiteIndexed, renderHtmlSite, type LastPostPages } from '../../src/export/html.js';
import type { Post } from '../../src/core/post.js';
import { postSource, type SiteSettings } from '../../src/export/model.js';

const PARIS: SiteSettings = { title: 'Actualités', timeZone: 'Europe/Paris' };
const BASE = 'https://exemple.fr/actualites/';

function post(slug: string, fields: Partial<Post> = {}): Post {
  return { schemaVersion: 1, slug, title: `Titre ${slug}`, date: '2013-10-29', status: 'published', tags: [], body: `Corps de ${slug}.`, views: 1, aliases: [], ...fields };
}

function keys(posts: Post[], inputsKey?: string): Map<string, string> {
  return new Map(planHtmlSite(PARIS, posts, { baseUrl: BASE, inputsKey }).map((f) => [f.path, f.key]));
}

function changed(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].filter((p) => a.get(p) !== b.get(p)).sort();
}

describe('the site plan', () => {
  const posts = [post('c', { date: '2013-10-31', tags: ['x'] }), post('b', { date: '2013-10-30', aliases: ['vieux'] }), post('a', { tags: ['x'] })];

  test('renders what renderHtmlSite gives, and plans without rendering', () => {
    let read = 0;
    const sources = posts.map((p) => ({ ...postSource(p), full: () => { read++; return p; } }));
    const plan = planHtmlSite(PARIS, sources, { baseUrl: BASE });
    expect(read).toBe(0);
    expect(plan.map((f) => ({ path: f.path, content: f.render() }))).toEqual([...renderHtmlSite(PARIS, posts, { baseUrl: BASE })]);
  });

  test('the same inputs give the same keys; other inputs change every key', () => {
    expect(keys(posts)).toEqual(keys(posts));
    const themed = keys(posts, 'thème 2');
    for (const [p, k] of keys(posts)) expect(themed.get(p)).not.toBe(k);
  });

  test('a post’s views change its page, the lists and feeds that show it, not its neighbours', () => {
    const after = posts.map((p) => (p.slug === 'a' ? { ...p, views: 2 } : p));
    expect(changed(keys(posts), keys(after))).toEqual(['a/index.html', 'atom.xml', 'feed.json', 'feed.xml', 'index.html', 'sitemap.xml', 'tag/x/feed.xml', 'tag/x/index.html']);
  });

  test('a new title changes the neighbours’ pages and the alias page too', () => {
    const after = posts.map((p) => (p.slug === 'b' ? { ...p, title: 'Nouveau' } : p));
    expect(changed(keys(posts), keys(after))).toEqual(['a/index.html', 'atom.xml', 'b/index.html', 'c/index.html', 'feed.json', 'feed.xml', 'index.html', 'sitemap.xml', 'vieux/index.html']);
  });
});

describe('pages counted from the oldest post', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => post(`b-${n - i}`, { date: `2013-10-29T10:${String(Math.floor((n - i) / 60)).padStart(2, '0')}:${String((n - i) % 60).padStart(2, '0')}Z` }));

  test('each post on exactly one page; the first holds 20 to 39 posts', () => {
    for (const n of [0, 1, 19, 20, 39, 40, 41, 59, 60, 61, 99, 100]) {
      const files = [...renderHtmlSite(PARIS, many(n), { baseUrl: BASE })].filter((f) => /^(page\/\d+\/)?index\.html$/.test(f.path));
      const cards = files.flatMap((f) => [...String(f.content).matchAll(/<h2><a href="[^"]*" dir="auto">Titre (b-\d+)<\/a>/g)].map((m) => m[1]));
      expect(cards.sort()).toEqual(many(n).map((p) => p.slug).sort());
      const first = String(files.find((f) => f.path === 'index.html')!.content).match(/class="entry"/g)?.length ?? 0;
      expect(first).toBe(n < 40 ? n : 20 + (n % 20));
    }
  });

  test('a new post changes the first page and leaves the numbered ones alone (one more at each twentieth)', () => {
    for (const n of [70, 79]) {
      const before = keys(many(n));
      const after = keys(many(n + 1));
      const lists = changed(before, after).filter((p) => /^(page\/\d+\/)?index\.html$/.test(p));
      expect(lists).toEqual(n === 79 ? ['index.html', 'page/2/index.html', 'page/3/index.html'] : ['index.html']);
    }
  });
});

describe('post page keys taken back from the last plan (LastPostPages)', () => {
  const posts = [post('c', { date: '2013-10-31', tags: ['x'] }), post('b', { date: '2013-10-30' }), post('a', { tags: ['x'] })];
  const fresh = planHtmlSiteIndexed(PARIS, posts, { baseUrl: BASE });
  const asked: string[] = [];
  const last = (postKeys: string): LastPostPages => ({
    postKeys,
    keyOf: (entry, newer, older) => {
      asked.push(`${newer?.slug ?? '-'} ${entry.slug} ${older?.slug ?? '-'}`);
      return entry.slug === 'b' ? undefined : `repris-${entry.slug}`;
    },
  });

  test('with the same site key and tag folders, a post page takes the key the last plan gives (else its digest); no other file does', () => {
    asked.length = 0;
    const plan = planHtmlSiteIndexed(PARIS, posts, { baseUrl: BASE, lastPostPages: last(fresh.postKeys) });
    expect(asked).toEqual(['- c b', 'c b a', 'b a -']);
    const byPath = new Map(plan.files.map((f) => [f.path, f.key]));
    expect(byPath.get('c/index.html')).toBe('repris-c');
    expect(byPath.get('a/index.html')).toBe('repris-a');
    expect(plan.files.filter((f) => f.key.startsWith('repris-')).map((f) => f.path)).toEqual(['c/index.html', 'a/index.html']);
    for (const f of fresh.files) if (f.path !== 'c/index.html' && f.path !== 'a/index.html') expect(byPath.get(f.path)).toBe(f.key);
  });

  test('another site key, other tag folders or a plan kept to be updated: every key is made again', () => {
    asked.length = 0;
    const other = planHtmlSiteIndexed(PARIS, posts, { baseUrl: BASE, lastPostPages: last('autre') });
    expect(other.files.map((f) => f.key)).toEqual(fresh.files.map((f) => f.key));
    // Another tag (here one taking the folder `x`, the tag `x` moving to `x-2`) changes postKeys.
    const retagged = planHtmlSiteIndexed(PARIS, [post('d', { date: '2013-11-01', tags: ['X!'] }), ...posts], { baseUrl: BASE });
    expect(retagged.postKeys).not.toBe(fresh.postKeys);
    const updatable = planHtmlSiteIndexed(PARIS, posts, { baseUrl: BASE, lastPostPages: last(fresh.postKeys) }, true);
    expect(updatable.files.map((f) => f.key)).toEqual(fresh.files.map((f) => f.key));
    expect(asked).toEqual([]);
  });
});
