// The metadata cache of `list`, `show` and the feeds (src/store/cache.ts): a change to a post
// file is always seen, broken files are reported on every run, the cache is only a shortcut
// (unreadable, unwritable or off, the commands give the same answers), and the commands that
// must see every byte (validate, export html) never trust it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CacheFile } from '../../src/store/cache.js';
import { makePost, runNews, tempContent } from '../helpers/cli.js';

/** Files changed in the last 100 ms are not cached yet (their ctime could be shared by a later write). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 250));

function newCacheDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'news-cache-test-'));
}


function readCache(cacheDir: string): CacheFile {
  const files = fs.readdirSync(cacheDir).filter((name) => name.endsWith('.json'));
  expect(files).toHaveLength(1);
  return JSON.parse(fs.readFileSync(path.join(cacheDir, files[0]!), 'utf8')) as CacheFile;
}

/**
 * A content folder with these posts, old enough to be cached, and a cache folder that a first
 * `news list` has filled.
 */
async function warmedUp(posts: Record<string, unknown>): Promise<{ dir: string; cacheDir: string; env: { NEWS_CACHE_DIR: string } }> {
  const dir = tempContent(posts);
  const cacheDir = newCacheDir();
  const env = { NEWS_CACHE_DIR: cacheDir };
  await settle();
  const first = await runNews(['list', '--dir', dir], { env });
  expect(first.code).toBe(0);
  return { dir, cacheDir, env };
}

/** The slug column of `news list` output. */
function slugs(stdout: string): string[] {
  return stdout.trimEnd().split('\n').filter(Boolean).map((line) => line.split(' ').pop()!);
}

function postPath(dir: string, slug: string): string {
  return path.join(dir, 'posts', `${slug}.json`);
}

/** Rewrites a post file in place (same inode), keeping its size when the change keeps it. */
function editInPlace(file: string, edit: (text: string) => string): void {
  const before = fs.readFileSync(file, 'utf8');
  const after = edit(before);
  expect(after).not.toBe(before);
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, after, 0, 'utf8');
  fs.ftruncateSync(fd, Buffer.byteLength(after));
  fs.closeSync(fd);
}

describe('the metadata cache', () => {
  const posts = {
    alpha: makePost('alpha', { title: 'Alpha', date: '2014-08-01', views: 787 }),
    beta: makePost('beta', { title: 'Bêta', date: '2013-10-29', views: 5, aliases: ['ancien-beta'] }),
    gamma: makePost('gamma', { title: 'Gamma', date: '2012-01-01', views: 1 }),
  };

  it('gives the same listing as the files themselves', async () => {
    const dir = tempContent(posts);
    const cacheDir = newCacheDir();
    const env = { NEWS_CACHE_DIR: cacheDir };
    await settle();
    const first = await runNews(['list', '--dir', dir], { env: { NEWS_CACHE: '0' } });
    expect(first.code).toBe(0);
    expect(slugs(first.stdout)).toEqual(['alpha', 'beta', 'gamma']);
    expect(fs.readdirSync(cacheDir)).toEqual([]);
    const second = await runNews(['list', '--dir', dir], { env });
    expect(second.stdout).toBe(first.stdout);
    const cache = readCache(cacheDir);
    expect(cache.names).toEqual(['alpha.json', 'beta.json', 'gamma.json']);
    expect(cache.dir).toBe(fs.realpathSync(dir));
    expect(cache.timeZone).toBe('Europe/Paris');
    // Served from the cache: the same lines again.
    const third = await runNews(['list', '--dir', dir], { env });
    expect(third.stdout).toBe(first.stdout);
    expect(third.stderr).toBe('');
  });

  it('sees a same-size edit in place, a replaced file, a new file and a removed one', async () => {
    const { dir, cacheDir, env } = await warmedUp(posts);
    expect(readCache(cacheDir).names).toHaveLength(3);

    // Same size, same inode, within milliseconds of the cached read: only ctime tells.
    editInPlace(postPath(dir, 'alpha'), (t) => t.replace('"views": 787', '"views": 788'));
    expect(fs.statSync(postPath(dir, 'alpha')).size).toBe(Buffer.byteLength(JSON.stringify(posts.alpha, null, 2)) + 1);
    let r = await runNews(['list', '--dir', dir], { env });
    expect(r.stdout).toMatch(/Alpha\s+lu 788 fois\s+alpha/);

    // Replaced by rename (a new inode), with a later date: it moves to the top.
    const gamma = { ...posts.gamma, title: 'Gamma revu', date: '2020-02-02' };
    fs.writeFileSync(`${postPath(dir, 'gamma')}.tmp`, JSON.stringify(gamma));
    fs.renameSync(`${postPath(dir, 'gamma')}.tmp`, postPath(dir, 'gamma'));
    fs.writeFileSync(postPath(dir, 'delta'), JSON.stringify(makePost('delta', { title: 'Delta', date: '2011-05-05' })));
    fs.rmSync(postPath(dir, 'beta'));
    r = await runNews(['list', '--dir', dir], { env });
    expect(r.code).toBe(0);
    expect(slugs(r.stdout)).toEqual(['gamma', 'alpha', 'delta']);
    expect(r.stdout).toContain('Gamma revu');
    expect(r.stdout).not.toContain('Bêta');
    expect(readCache(cacheDir).names).not.toContain('beta.json');
  });

  it('never keeps a broken file: it is named on every run', async () => {
    const { dir, cacheDir, env } = await warmedUp(posts);
    editInPlace(postPath(dir, 'beta'), (t) => t.replace('"views": 5', '"views": -5'));
    await settle();
    for (let run = 0; run < 2; run++) {
      const r = await runNews(['list', '--dir', dir], { env });
      expect(r.code).toBe(0);
      expect(slugs(r.stdout)).toEqual(['alpha', 'gamma']);
      expect(r.stderr).toContain('posts/beta.json : champ views');
    }
    expect(readCache(cacheDir).names.sort()).toEqual(['alpha.json', 'gamma.json']);
  });

  it('is only a shortcut: torn, unwritable or turned off, the answers are the same', async () => {
    const dir = tempContent(posts);
    await settle();
    const expected = await runNews(['list', '--dir', dir], { env: { NEWS_CACHE: '0' } });
    expect(expected.code).toBe(0);

    const torn = newCacheDir();
    await runNews(['list', '--dir', dir], { env: { NEWS_CACHE_DIR: torn } });
    const name = fs.readdirSync(torn)[0]!;
    fs.writeFileSync(path.join(torn, name), '{"format":2,"names":["alpha.json"');
    let r = await runNews(['list', '--dir', dir], { env: { NEWS_CACHE_DIR: torn } });
    expect(r).toMatchObject({ code: 0, stdout: expected.stdout, stderr: '' });
    expect(readCache(torn).names).toHaveLength(3); // rebuilt

    const notAFolder = path.join(newCacheDir(), 'a-file');
    fs.writeFileSync(notAFolder, 'not a folder');
    r = await runNews(['list', '--dir', dir], { env: { NEWS_CACHE_DIR: notAFolder } });
    expect(r).toMatchObject({ code: 0, stdout: expected.stdout, stderr: '' });

    const off = newCacheDir();
    r = await runNews(['list', '--dir', dir], { env: { NEWS_CACHE_DIR: off, NEWS_CACHE: '0' } });
    expect(r).toMatchObject({ code: 0, stdout: expected.stdout, stderr: '' });
    expect(fs.readdirSync(off)).toEqual([]);
  });

  it('keeps the times of the site zone: a new timeZone in site.json is worked out again', async () => {
    // 23:30 UTC on 29 October is already the 30th in Paris but still the 29th in Los Angeles,
    // so the calendar post of the 30th sorts above it in Paris and below it in Los Angeles.
    const { dir, cacheDir, env } = await warmedUp({
      soir: makePost('soir', { title: 'Soir', date: '2013-10-29T23:30:00Z' }),
      jour: makePost('jour', { title: 'Jour', date: '2013-10-30' }),
    });
    let r = await runNews(['list', '--dir', dir], { env });
    expect(slugs(r.stdout)).toEqual(['soir', 'jour']);
    const site = path.join(dir, 'site.json');
    fs.writeFileSync(site, JSON.stringify({ baseUrl: 'https://exemple.fr/', timeZone: 'America/Los_Angeles' }));
    r = await runNews(['list', '--dir', dir], { env });
    expect(slugs(r.stdout)).toEqual(['jour', 'soir']);
    expect(readCache(cacheDir).timeZone).toBe('America/Los_Angeles');
  });

  it('serves show (aliases) and the feeds, which still read the chosen posts whole', async () => {
    const { dir, env } = await warmedUp(posts);
    const shown = await runNews(['show', 'ancien-beta', '--dir', dir], { env });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('Texte du billet beta.');
    // The body changes without the listing fields changing: the feed shows the new body.
    editInPlace(postPath(dir, 'alpha'), (t) => t.replace('Texte du billet alpha.', 'Texte tout neuf, et plus long.'));
    const feed = await runNews(['export', 'rss', '--dir', dir], { env });
    expect(feed.code).toBe(0);
    expect(feed.stdout).toContain('Texte tout neuf, et plus long.');
    expect(feed.stdout.indexOf('<title>Alpha</title>')).toBeLessThan(feed.stdout.indexOf('<title>Bêta</title>'));
  });

  it('never lets a feed go out without a post that broke after it was cached (SPEC: a broken file fails the export)', async () => {
    const { dir, env } = await warmedUp(posts);
    const feedFile = path.join(newCacheDir(), 'feed.xml');
    expect((await runNews(['export', 'rss', '--dir', dir, '--out', feedFile], { env })).code).toBe(0);
    const published = fs.readFileSync(feedFile, 'utf8');
    // gamma is not among the newest: the feed would not read it whole, only its cache entry could vouch for it.
    editInPlace(postPath(dir, 'gamma'), (t) => t.replace('"views": 1', '"views": "1"'));
    const r = await runNews(['export', 'rss', '--dir', dir, '--out', feedFile, '--limit', '1'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('posts/gamma.json : champ views');
    expect(fs.readFileSync(feedFile, 'utf8')).toBe(published);
  });

  it('is trusted by list, never by validate or export html', async () => {
    // A cache entry forged to match a broken file's identity and times: list believes it
    // (that is what the key means), the commands that must see every byte do not.
    const { dir, cacheDir, env } = await warmedUp(posts);
    const cacheFile = path.join(cacheDir, fs.readdirSync(cacheDir)[0]!);
    const cache = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as CacheFile;
    const broken = postPath(dir, 'beta');
    fs.writeFileSync(broken, '{"slug": "beta", "title": ');
    const stat = fs.statSync(broken);
    const i = cache.names.indexOf('beta.json');
    expect(i).toBeGreaterThanOrEqual(0);
    [cache.ino[i], cache.size[i], cache.mtimeMs[i], cache.ctimeMs[i]] = [stat.ino, stat.size, stat.mtimeMs, stat.ctimeMs];
    fs.writeFileSync(cacheFile, JSON.stringify(cache));

    const listed = await runNews(['list', '--dir', dir], { env });
    expect(slugs(listed.stdout)).toEqual(['alpha', 'beta', 'gamma']);
    const validated = await runNews(['validate', '--dir', dir], { env });
    expect(validated.code).toBe(1);
    expect(validated.stdout + validated.stderr).toContain('posts/beta.json');
    const site = await runNews(['export', 'html', '--dir', dir, '--out', path.join(newCacheDir(), 'site')], { env });
    expect(site.code).toBe(2);
    expect(site.stderr).toContain('posts/beta.json');

    // A key that no longer matches (one byte more) is not believed, even by list.
    fs.appendFileSync(broken, ' ');
    const relisted = await runNews(['list', '--dir', dir], { env });
    expect(slugs(relisted.stdout)).toEqual(['alpha', 'gamma']);
    expect(relisted.stderr).toContain('posts/beta.json');
  });
});
