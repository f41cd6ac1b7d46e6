// The metadata cache in process: which files it keeps (settled ones only), and where it lives.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cacheFileFor, cacheFolder, loadPostListings } from '../../src/store/cache.js';
import { loadPosts } from '../../src/store/content.js';
import { makePost, tempContent } from '../helpers/cli.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 250));

function cachedNames(cacheFile: string): string[] {
  return (JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { names: string[] }).names;
}

describe('loadPostListings', () => {
  it('keeps a file only once its last change is old enough to be told from a later one', async () => {
    const dir = tempContent({ ancien: makePost('ancien', { date: '2014-08-01' }) });
    const env = { NEWS_CACHE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'news-cache-unit-')) };
    const cacheFile = cacheFileFor(dir, env)!;
    await settle();
    fs.writeFileSync(path.join(dir, 'posts', 'neuf.json'), JSON.stringify(makePost('neuf', { date: '2015-01-01' })));
    // Written a moment ago: read, listed, not cached (a write in the same clock tick would keep its times).
    const first = loadPostListings(dir, 'Europe/Paris', env);
    expect(first.posts.map((p) => p.post.slug)).toEqual(['ancien', 'neuf']);
    expect(cachedNames(cacheFile)).toEqual(['ancien.json']);
    await settle();
    loadPostListings(dir, 'Europe/Paris', env);
    expect(cachedNames(cacheFile)).toEqual(['ancien.json', 'neuf.json']);
  });

  it('gives the listing fields and times loadPosts would, from the files and then from the cache', async () => {
    const dir = tempContent({
      a: makePost('a', { title: 'A', date: '2013-10-29', views: 787, tags: ['x'], aliases: ['vieux-a'], summary: 'résumé', author: 'Marie' }),
      b: makePost('b', { title: 'B', date: '2014-03-30T01:30:00Z', status: 'draft' }),
      c: '{"slug": "c"',
    });
    const env = { NEWS_CACHE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'news-cache-unit-')) };
    await settle();
    const whole = loadPosts(dir);
    const fromFiles = loadPostListings(dir, 'Europe/Paris', env);
    const fromCache = loadPostListings(dir, 'Europe/Paris', env);
    expect(cachedNames(cacheFileFor(dir, env)!)).toEqual(['a.json', 'b.json']);
    for (const result of [fromFiles, fromCache]) {
      expect(result.problems).toEqual(whole.problems);
      expect(result.posts.map(({ post, file, time }) => ({ post, file, time }))).toEqual(whole.posts.map(({ post, file }) => ({
        file,
        post: { slug: post.slug, title: post.title, date: post.date, status: post.status, views: post.views, tags: post.tags, aliases: post.aliases },
        time: post.slug === 'a' ? Date.UTC(2013, 9, 28, 23) : Date.UTC(2014, 2, 30, 1, 30),
      })));
    }
  });

  it('reads a file again when its cache entry is not what this version writes', async () => {
    const dir = tempContent({ a: makePost('a', { tags: ['presse'], views: 3 }), b: makePost('b', { views: 4 }) });
    const env = { NEWS_CACHE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'news-cache-unit-')) };
    await settle();
    loadPostListings(dir, 'Europe/Paris', env);
    const cacheFile = cacheFileFor(dir, env)!;
    const cache = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { tags: number[][]; views: unknown[] };
    cache.tags[0] = [999];
    cache.views[1] = 'quatre';
    fs.writeFileSync(cacheFile, JSON.stringify(cache));
    const result = loadPostListings(dir, 'Europe/Paris', env);
    expect(result.posts.map(({ post }) => [post.slug, post.tags, post.views])).toEqual([['a', ['presse'], 3], ['b', [], 4]]);
    const mended = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { tags: number[][]; views: unknown[] };
    expect(mended.views).toEqual([3, 4]);
    expect(mended.tags[0]).toEqual([0]);
  });
});

describe('cacheFolder', () => {
  it('is NEWS_CACHE_DIR, else XDG_CACHE_HOME/news, else ~/.cache/news, and off with NEWS_CACHE=0', () => {
    expect(cacheFolder({ NEWS_CACHE_DIR: '/tmp/c', XDG_CACHE_HOME: '/x', HOME: '/home/u' })).toBe('/tmp/c');
    expect(cacheFolder({ XDG_CACHE_HOME: '/x', HOME: '/home/u' })).toBe('/x/news');
    expect(cacheFolder({ XDG_CACHE_HOME: 'relative', HOME: '/home/u' })).toBe('/home/u/.cache/news');
    expect(cacheFolder({})).toBeUndefined();
    for (const off of ['0', 'off', 'non', 'false']) expect(cacheFolder({ NEWS_CACHE: off, NEWS_CACHE_DIR: '/tmp/c' })).toBeUndefined();
  });

  it('names one file per content folder, by its real path', () => {
    const dir = tempContent();
    const link = path.join(os.tmpdir(), `news-cache-link-${process.pid}`);
    fs.rmSync(link, { force: true });
    fs.symlinkSync(dir, link);
    const env = { NEWS_CACHE_DIR: '/tmp/c' };
    expect(cacheFileFor(link, env)).toBe(cacheFileFor(dir, env));
    expect(cacheFileFor(tempContent(), env)).not.toBe(cacheFileFor(dir, env));
    fs.rmSync(link);
  });
});
