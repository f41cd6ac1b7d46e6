import fs from 'node:fs';
import path from 'node:path';
import { PreviewSite } from '../../src/store/preview.js';
import { makePost, tempContent } from '../helpers/cli.js';

/**
 * news serve's site in memory (store/preview.ts): a rebuild plans the site and keeps, for each
 * file, its key and how to make it; a page is made when first asked for. A rebuild told which
 * files the watcher saw change looks only at those; a rebuild told nothing looks at everything
 * (serve runs one a second after each told one, in case the watcher missed a file).
 */

let content: string;

const writePost = (slug: string, fields: Record<string, unknown>) =>
  fs.writeFileSync(path.join(content, 'posts', `${slug}.json`), `${JSON.stringify(makePost(slug, fields), null, 2)}\n`);
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
const page = (site: PreviewSite, slug: string) => site.bytesOf(`${slug}/index.html`)?.toString('utf8') ?? '';

beforeEach(async () => {
  content = tempContent({
    premier: makePost('premier', { title: 'Premier billet', date: '2024-03-01' }),
    second: makePost('second', { title: 'Second billet', date: '2024-03-02' }),
  });
  await settle(); // files older than the racy margin: the table may take them without a stat
});

afterEach(() => fs.rmSync(content, { recursive: true, force: true }));

test('a page is made when first asked for, and again only when its key changed', async () => {
  const site = new PreviewSite(content, 'http://127.0.0.1:1/', () => new Date('2026-11-29T12:00:00Z'));
  const first = site.rebuild();
  expect(site.error).toBeUndefined();
  expect(first.changed).toBe(true);
  expect(site.has('premier/index.html')).toBe(true);
  expect(page(site, 'premier')).toContain('Premier billet');
  // Nothing changed: nothing to make again, nothing for the browser to reload.
  const again = site.rebuild(new Set());
  expect(again).toMatchObject({ changed: false, rendered: 0 });
  writePost('premier', { title: 'Premier billet modifié', date: '2024-03-01' });
  const edited = site.rebuild(new Set([path.join('posts', 'premier.json')]));
  expect(edited.changed).toBe(true);
  // Its page, its neighbour's (the link shows its title), the lists, feeds and sitemap.
  expect(edited.rendered).toBeGreaterThanOrEqual(3);
  expect(page(site, 'premier')).toContain('Premier billet modifié');
  expect(page(site, 'second')).toContain('Premier billet modifié');
});

test('a rebuild told which files changed looks at those only; one told nothing looks at everything', async () => {
  const site = new PreviewSite(content, 'http://127.0.0.1:1/', () => new Date('2026-11-29T12:00:00Z'));
  site.rebuild();
  await settle();
  site.rebuild(); // the table now holds both posts
  writePost('premier', { title: 'Premier, vu', date: '2024-03-01' });
  writePost('second', { title: 'Second, manqué', date: '2024-03-02' });
  site.rebuild(new Set([path.join('posts', 'premier.json')]));
  expect(page(site, 'premier')).toContain('Premier, vu');
  // The watcher said nothing of the other: its listing is taken as it was (the link to it
  // from its neighbour shows its old title)…
  expect(page(site, 'premier')).toContain('Second billet');
  // …until a rebuild told nothing, which looks at everything.
  const full = site.rebuild();
  expect(full.changed).toBe(true);
  expect(page(site, 'premier')).toContain('Second, manqué');
  expect(page(site, 'second')).toContain('Second, manqué');
  // A page whose post changed unseen is right anyway: making it reads the post, finds it is
  // not the one planned, and everything is looked at again first.
  await settle();
  site.rebuild(); // both posts settled in the table again
  writePost('second', { title: 'Second, relu', date: '2024-03-02' }); // unseen
  writePost('premier', { title: 'Premier, revu', date: '2024-03-01' }); // seen: the second page's link to it changes
  site.rebuild(new Set([path.join('posts', 'premier.json')]));
  const second = page(site, 'second');
  expect(second).toContain('Second, relu');
  expect(second).toContain('Premier, revu');
  expect(page(site, 'premier')).toContain('Second, relu');
  // A post added or removed is always seen: the folder is listed every time.
  writePost('troisieme', { title: 'Troisième billet', date: '2024-03-03' });
  fs.rmSync(path.join(content, 'posts', 'premier.json'));
  site.rebuild(new Set());
  expect(page(site, 'troisieme')).toContain('Troisième billet');
  expect(site.has('premier/index.html')).toBe(false);
});

test('a template that fails when a page is made throws its French error for that page; the site stays up', async () => {
  const site = new PreviewSite(content, 'http://127.0.0.1:1/', () => new Date('2026-11-29T12:00:00Z'));
  site.rebuild();
  fs.mkdirSync(path.join(content, 'theme'));
  // Valid syntax, but the post template asks for a variable no post page has.
  fs.writeFileSync(path.join(content, 'theme', 'post.hbs'), '{{#> layouts/base}}{{entry.nothing.here}}{{/layouts/base}}\n');
  site.rebuild(new Set([path.join('theme', 'post.hbs')]));
  expect(site.error).toMatch(/post\.hbs/);
  fs.rmSync(path.join(content, 'theme'), { recursive: true });
  site.rebuild(new Set([path.join('theme', 'post.hbs')]));
  expect(site.error).toBeUndefined();
  expect(page(site, 'second')).toContain('Second billet');
});

test('a new time zone in site.json gives the dates of a fresh preview (the post table is for one zone)', async () => {
  const now = () => new Date('2026-11-29T12:00:00Z');
  const site = new PreviewSite(content, 'http://127.0.0.1:1/', now);
  site.rebuild();
  await settle();
  site.rebuild();
  const before = site.bytesOf('feed.xml')!.toString('utf8');
  expect(before).toContain('+0100');
  const settings = JSON.parse(fs.readFileSync(path.join(content, 'site.json'), 'utf8'));
  fs.writeFileSync(path.join(content, 'site.json'), `${JSON.stringify({ ...settings, timeZone: 'America/New_York' }, null, 2)}\n`);
  site.rebuild(new Set(['site.json']));
  const fresh = new PreviewSite(content, 'http://127.0.0.1:1/', now);
  fresh.rebuild();
  const after = site.bytesOf('feed.xml')!.toString('utf8');
  expect(after).toContain('-0500');
  expect(after).toBe(fresh.bytesOf('feed.xml')!.toString('utf8'));
  expect(site.bytesOf('sitemap.xml')!.equals(fresh.bytesOf('sitemap.xml')!)).toBe(true);
});
