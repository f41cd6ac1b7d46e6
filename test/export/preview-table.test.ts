import fs from 'node:fs';
import path from 'node:path';
import { cacheFileFor } from '../../src/store/cache.js';
import { PreviewSite } from '../../src/store/preview.js';
import { previewTableStore } from '../../src/store/preview-table.js';
import { makePost, tempContent } from '../helpers/cli.js';
import { tempDir, watchReads } from './helpers.js';

/**
 * news serve keeps its post table between two runs, in the metadata cache's folder, never in
 * the content folder (store/preview-table.ts): the next start reads only the post files that
 * changed since, and makes the site a start without it makes. A kept table that is damaged,
 * for another time zone, or turned off is not used.
 */

let content: string;
let cache: string;
let env: Record<string, string>;

const now = () => new Date('2026-11-29T12:00:00Z');
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
const writePost = (slug: string, fields: Record<string, unknown>) =>
  fs.writeFileSync(path.join(content, 'posts', `${slug}.json`), `${JSON.stringify(makePost(slug, fields), null, 2)}\n`);
const store = () => previewTableStore(content, env)!;

/** Every file of a preview, made (bytes as served). */
function whole(site: PreviewSite): Map<string, string> {
  return new Map(site.paths().map((p) => [p, site.bytesOf(p)!.toString('base64')]));
}

/** The site is the one a start without any kept table makes. */
function expectFreshSite(site: PreviewSite): void {
  const fresh = new PreviewSite(content, 'http://127.0.0.1:1/', now);
  fresh.rebuild();
  expect(whole(site)).toEqual(whole(fresh));
}

/** A first build, its table kept as serve keeps it. */
async function keptRun(): Promise<void> {
  const site = new PreviewSite(content, 'http://127.0.0.1:1/', now, { tables: store() });
  site.rebuild();
  site.saveTable();
}

/**
 * The old posts' files a first build from the kept table reads, and the site it makes. (A first
 * build also renders one page of each template, to show a template error at once: that reads
 * the posts those pages show, the newest ones. The five old posts are on none of them.)
 */
function secondStart(): { reads: string[]; site: PreviewSite } {
  const site = new PreviewSite(content, 'http://127.0.0.1:1/', now, { tables: store() });
  const { reads, stop } = watchReads((file) => (file.includes(`${path.sep}posts${path.sep}vieux-`) ? path.basename(file) : undefined));
  try {
    site.rebuild();
  } finally {
    stop();
  }
  return { reads, site };
}

beforeEach(async () => {
  // 40 recent posts fill the home page (the 25 newest of 45) and the feeds; the 5 old ones are only
  // on their own pages and the second list page.
  const posts: Record<string, ReturnType<typeof makePost>> = {};
  for (let i = 0; i < 40; i++) {
    const slug = `recent-${String(i).padStart(2, '0')}`;
    posts[slug] = makePost(slug, { title: `Récent ${i}`, date: new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10), tags: ['formation'], status: i === 39 ? 'draft' : 'published' });
  }
  for (let i = 0; i < 5; i++) posts[`vieux-0${i}`] = makePost(`vieux-0${i}`, { title: `Vieux ${i}`, date: `2020-01-0${i + 1}`, tags: [] });
  content = tempContent(posts);
  cache = tempDir('news-serve-cache-');
  env = { NEWS_CACHE_DIR: cache };
  await settle(); // older than the racy margin: the table takes them
});

afterEach(() => {
  fs.rmSync(content, { recursive: true, force: true });
  fs.rmSync(cache, { recursive: true, force: true });
});

test('the next start reads no post file that did not change, and makes the site a start without the table makes', async () => {
  const before = fs.readdirSync(content).sort();
  await keptRun();
  expect(fs.existsSync(cacheFileFor(content, env, 'serve')!)).toBe(true);
  // Nothing written into the content folder.
  expect(fs.readdirSync(content).sort()).toEqual(before);
  const { reads, site } = secondStart();
  expect(site.error).toBeUndefined();
  expect(reads).toEqual([]);
  expectFreshSite(site);
});

test('a post changed, added or removed since the table was kept is seen', async () => {
  await keptRun();
  writePost('vieux-00', { title: 'Vieux 0, revu', date: '2020-01-01', tags: [] });
  writePost('vieux-05', { title: 'Vieux 5', date: '2020-01-06', tags: [] });
  fs.rmSync(path.join(content, 'posts', 'vieux-01.json'));
  const { reads, site } = secondStart();
  expect(reads.sort()).toEqual(['vieux-00.json', 'vieux-05.json']);
  expect(site.bytesOf('vieux-00/index.html')!.toString('utf8')).toContain('Vieux 0, revu');
  expect(site.has('vieux-05/index.html')).toBe(true);
  expect(site.has('vieux-01/index.html')).toBe(false);
  expectFreshSite(site);
});

test('a damaged kept table, or one for another time zone, is not used: every post is read', async () => {
  await keptRun();
  const file = cacheFileFor(content, env, 'serve')!;
  fs.writeFileSync(file, 'pas une table');
  expect(secondStart().reads.sort()).toEqual(['vieux-00.json', 'vieux-01.json', 'vieux-02.json', 'vieux-03.json', 'vieux-04.json']);

  await keptRun();
  const settings = JSON.parse(fs.readFileSync(path.join(content, 'site.json'), 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(path.join(content, 'site.json'), `${JSON.stringify({ ...settings, timeZone: 'America/New_York' }, null, 2)}\n`);
  const { reads, site } = secondStart();
  expect(reads.sort()).toEqual(['vieux-00.json', 'vieux-01.json', 'vieux-02.json', 'vieux-03.json', 'vieux-04.json']);
  expectFreshSite(site);
});

test('a table unchanged since it was loaded is not written again; NEWS_CACHE=0 keeps nothing', async () => {
  await keptRun();
  const file = cacheFileFor(content, env, 'serve')!;
  const written = fs.statSync(file).mtimeMs;
  await new Promise((resolve) => setTimeout(resolve, 20));
  const { site } = secondStart();
  site.saveTable();
  expect(fs.statSync(file).mtimeMs).toBe(written);

  expect(previewTableStore(content, { NEWS_CACHE: '0', NEWS_CACHE_DIR: cache })).toBeUndefined();
});
