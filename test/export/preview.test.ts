import { jest } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { PreviewSite, type PreviewOptions } from '../../src/store/preview.js';
import { seededRandom } from '../fixtures/dedupe/corpus.js';
import { makePost, tempContent } from '../helpers/cli.js';
import { watchReads } from './helpers.js';

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
const newSite = (options: PreviewOptions = {}) => new PreviewSite(content, 'http://127.0.0.1:1/', () => new Date('2026-11-29T12:00:00Z'), options);

/** A site built twice, the posts settled in between: its post table then holds both posts. */
async function settledSite(): Promise<PreviewSite> {
  const site = newSite();
  site.rebuild();
  await settle();
  site.rebuild();
  return site;
}
const listFiles = (site: PreviewSite) => site.paths();
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
  const site = newSite();
  const first = site.rebuild();
  expect(site.error).toBeUndefined();
  expect(first.changed).toBe(true);
  // The version names what a browser sees (serve tells it to the pages, which reload when it is not theirs).
  expect(site.version).toBe(1);
  expect(site.has('premier/index.html')).toBe(true);
  expect(page(site, 'premier')).toContain('Premier billet');
  // Nothing changed: nothing to make again, nothing for the browser to reload.
  const again = site.rebuild(new Set());
  expect(again).toMatchObject({ changed: false, rendered: 0 });
  expect(site.version).toBe(1);
  writePost('premier', { title: 'Premier billet modifié', date: '2024-03-01' });
  const edited = site.rebuild(new Set([path.join('posts', 'premier.json')]));
  expect(edited.changed).toBe(true);
  expect(site.version).toBe(2);
  // Its page, its neighbour's (the link shows its title), the lists, feeds and sitemap.
  expect(edited.rendered).toBeGreaterThanOrEqual(3);
  expect(page(site, 'premier')).toContain('Premier billet modifié');
  expect(page(site, 'second')).toContain('Premier billet modifié');
});

test('a rebuild told which files changed looks at those only; one told nothing looks at everything', async () => {
  const site = await settledSite();
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
  // A post added or removed, named by the watcher, is seen (the folder is listed again).
  writePost('troisieme', { title: 'Troisième billet', date: '2024-03-03' });
  fs.rmSync(path.join(content, 'posts', 'premier.json'));
  expect(site.rebuild(new Set([path.join('posts', 'troisieme.json'), path.join('posts', 'premier.json')])).inPlace).toBe(false);
  expect(page(site, 'troisieme')).toContain('Troisième billet');
  expect(site.has('premier/index.html')).toBe(false);
});

test('static files: a rebuild told nothing reads only those changed since it last looked', async () => {
  fs.mkdirSync(path.join(content, 'static', 'images'), { recursive: true });
  fs.writeFileSync(path.join(content, 'static', 'images', 'photo.jpg'), Buffer.alloc(2048, 1));
  fs.writeFileSync(path.join(content, 'static', 'credits.txt'), 'Photos : service communication.\n');
  await settle();
  const site = newSite();
  site.rebuild();
  expect(site.bytesOf('images/photo.jpg')?.equals(Buffer.alloc(2048, 1))).toBe(true);
  const { reads, stop } = watchReads((file) => (file.includes(`${path.sep}static${path.sep}`) ? path.basename(file) : undefined));
  try {
    expect(site.rebuild()).toMatchObject({ changed: false });
    expect(reads).toEqual([]);
    // The same size: only its identity says it changed.
    fs.writeFileSync(path.join(content, 'static', 'credits.txt'), 'PHOTOS : SERVICE COMMUNICATION.\n');
    expect(site.rebuild().changed).toBe(true);
    expect(reads).toEqual(['credits.txt']);
  } finally {
    stop();
  }
  expect(site.bytesOf('credits.txt')?.toString('utf8')).toBe('PHOTOS : SERVICE COMMUNICATION.\n');
  // A file planned from the table (unread), changed before any rebuild saw it, is served as it
  // is now: its check fails when it is made, and everything is looked at again.
  fs.writeFileSync(path.join(content, 'static', 'plan.txt'), 'Plan : bâtiment A.\n');
  await settle();
  site.rebuild();
  site.rebuild(); // plan.txt now in the table
  writePost('second', { title: 'Second billet, replanifié', date: '2024-03-02' });
  expect(site.rebuild().changed).toBe(true); // a new plan, its static files from the table
  fs.writeFileSync(path.join(content, 'static', 'plan.txt'), 'Plan : bâtiment B.\n');
  expect(site.bytesOf('plan.txt')?.toString('utf8')).toBe('Plan : bâtiment B.\n');
});

test('a post updated in place is looked at again by the next rebuild told of something else', async () => {
  const site = await settledSite();
  writePost('premier', { title: 'Premier, retouché', date: '2024-03-01' });
  expect(site.rebuild(new Set([path.join('posts', 'premier.json')])).inPlace).toBe(true);
  expect(page(site, 'second')).toContain('Premier, retouché');
  // site.json saved next: a full rebuild, which must not take premier from the table made before its edit.
  const siteFile = path.join(content, 'site.json');
  fs.writeFileSync(siteFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(siteFile, 'utf8')), title: 'Actualités du centre' }, null, 2));
  expect(site.rebuild(new Set(['site.json'])).inPlace).toBe(false);
  expect(page(site, 'second')).toContain('Actualités du centre');
  expect(page(site, 'second')).toContain('Premier, retouché');
});

test('a page whose post changed unseen is right anyway: making it reads the post, finds it is not the one planned, and everything is looked at first', async () => {
  // 25 posts: the oldest is in no feed, so its page keeps nothing of it once made.
  for (let i = 0; i < 25; i++) writePost(`vieux-${String(i).padStart(2, '0')}`, { title: `Vieux ${i}`, date: `2020-01-${String(i + 1).padStart(2, '0')}`, tags: [] });
  await settle();
  let told = 0;
  const site = newSite({ onVersion: () => told++ });
  site.rebuild();
  await settle();
  site.rebuild(new Set(['site.json'])); // a plan made again: its posts come from the table, read again when a page needs them
  expect(page(site, 'vieux-00')).toContain('Vieux 0');
  writePost('vieux-00', { title: 'Vieux 0, relu', date: '2020-01-01', tags: [] }); // unseen
  writePost('vieux-01', { title: 'Vieux 1, revu', date: '2020-01-02', tags: [] }); // seen: vieux-00's page links to it
  site.rebuild(new Set([path.join('posts', 'vieux-01.json')]));
  const seen = site.version;
  const oldest = page(site, 'vieux-00');
  // The rebuild that making the page ran counts: the pages open at the version before are stale,
  // and are told (serve writes each new version to them), as after any other rebuild.
  expect(site.version).toBe(seen + 1);
  expect(told).toBe(site.version);
  expect(oldest).toContain('Vieux 0, relu');
  expect(oldest).toContain('Vieux 1, revu');
});

test('a template that fails when a page is made throws its French error for that page; the site stays up', async () => {
  const site = newSite();
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

test('a page is made only when asked for: a rebuild from the post table reads no post, the first request reads its own', async () => {
  const site = await settledSite();
  const siteFile = path.join(content, 'site.json');
  fs.writeFileSync(siteFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(siteFile, 'utf8')), title: 'Actualités du centre' }, null, 2));
  const { reads, stop } = watchReads((file) => (file.includes(`${path.sep}posts${path.sep}`) ? path.basename(file) : undefined));
  try {
    expect(site.rebuild(new Set(['site.json'])).changed).toBe(true);
    expect(reads).toEqual([]);
    expect(page(site, 'premier')).toContain('Actualités du centre');
    expect(reads).toEqual(['premier.json']);
  } finally {
    stop();
  }
});

test('a template that fails on one post only: that page throws its French error, the others are served', async () => {
  writePost('premier', { title: 'Premier billet', date: '2024-03-01', tags: ['agenda'] });
  fs.mkdirSync(path.join(content, 'theme'));
  fs.writeFileSync(path.join(content, 'theme', 'post.hbs'), '{{#> layouts/base}}{{#if entry.tags.[0]}}{{entry.nothing.here}}{{/if}}{{entry.title}}{{/layouts/base}}\n');
  const site = newSite();
  site.rebuild();
  expect(site.error).toBeUndefined(); // the page made to check the templates is second's, which has no tag
  expect(() => site.bytesOf('premier/index.html')).toThrow(/post\.hbs.*variable inconnue/s);
  expect(page(site, 'second')).toContain('Second billet');
  // Tried again, same answer, and nothing else is looked at for it (only a file changed since the
  // plan makes bytesOf look at everything).
  const listed = jest.spyOn(fs, 'readdirSync');
  try {
    expect(() => site.bytesOf('premier/index.html')).toThrow(/post\.hbs/);
    expect(listed).not.toHaveBeenCalled();
  } finally {
    listed.mockRestore();
  }
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

test('posts whose content alone changed are updated in the plan in place, and the site is the one a fresh preview makes', async () => {
  const r = seededRandom(1202);
  const now = () => new Date('2026-11-29T12:00:00Z');
  const tags = ['Formation', 'Éducation', 'numérique', 'Vie associative'];
  const slugs: string[] = [];
  for (let i = 0; i < 24; i++) {
    const slug = `billet-${i}`;
    slugs.push(slug);
    writePost(slug, {
      title: `Billet ${i}`, date: `2024-0${1 + (i % 9)}-1${i % 10}`, tags: [tags[i % 4]!, ...(i % 3 === 0 ? [tags[(i + 1) % 4]!] : [])],
      ...(i % 5 === 0 ? { aliases: [`ancien-${i}`] } : {}), ...(i === 7 ? { status: 'draft' } : {}), ...(i === 11 ? { date: '2999-01-01' } : {}),
    });
  }
  await settle();
  const site = new PreviewSite(content, 'http://127.0.0.1:1/', now);
  site.rebuild();
  const posts = new Map(slugs.map((slug) => [slug, JSON.parse(fs.readFileSync(path.join(content, 'posts', `${slug}.json`), 'utf8')) as Record<string, unknown>]));
  let inPlace = 0;
  for (let step = 0; step < 40; step++) {
    const slug = slugs[Math.floor(r.next() * slugs.length)]!;
    const post = { ...posts.get(slug)! };
    const what = Math.floor(r.next() * 6);
    if (what === 0) post.title = `Titre ${step} : « vu » l'été`;
    else if (what === 1) post.body = `Paragraphe ${step}.\n\nUn autre, avec un [lien](https://exemple.fr/${step}).`;
    else if (what === 2) post.summary = `Résumé ${step}`;
    else if (what === 3) post.views = step * 37;
    else if (what === 4) post.updatedAt = `2025-0${1 + (step % 9)}-02T10:00:00+01:00`;
    else post.author = `Autrice ${step}`;
    posts.set(slug, post);
    fs.writeFileSync(path.join(content, 'posts', `${slug}.json`), `${JSON.stringify(post, null, 2)}\n`);
    const result = site.rebuild(new Set([path.join('posts', `${slug}.json`)]));
    if (result.inPlace) inPlace++;
    const fresh = new PreviewSite(content, 'http://127.0.0.1:1/', now);
    fresh.rebuild();
    expect(site.size).toBe(fresh.size);
    const differ = listFiles(fresh).filter((file) => !site.bytesOf(file)?.equals(fresh.bytesOf(file)!));
    expect(`after step ${step} (${what} on ${slug}): ${differ.join(', ')}`).toBe(`after step ${step} (${what} on ${slug}): `);
  }
  // Every step changed content only: the plan was changed in place each time.
  expect(inPlace).toBe(40);
  // Anything else (a new post, a date moved) is a full rebuild.
  writePost('nouveau', { title: 'Nouveau', date: '2024-05-05' });
  expect(site.rebuild(new Set([path.join('posts', 'nouveau.json')])).inPlace).toBe(false);
  writePost('billet-3', { ...posts.get('billet-3'), date: '2020-01-01' });
  expect(site.rebuild(new Set([path.join('posts', 'billet-3.json')])).inPlace).toBe(false);
  expect(page(site, 'billet-3')).toContain('2020');
});
