import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Post, PostListing } from '../core/post.js';
import { postTime } from '../core/filters.js';
import { packageVersion } from '../version.js';
import { writeFileAtomic } from './atomic.js';
import { listPostFiles, loadPostFile, type PostProblem } from './content.js';

/**
 * A cache of every sound post's listing fields (slug, title, date, status, views, tags,
 * aliases, and its time in the site's zone), so `list`, `show` and the feeds can skip reading
 * and checking the files that did not change since the last run.
 *
 * An entry is used only when the file's inode, size, mtime and ctime are all the same as when
 * it was read. ctime cannot be set by a program (utimes changes it), and an atomic rename gives
 * a new inode, so any write is seen. A file changed within the file system's timestamp
 * granularity of its read could keep the same times ("racy" entries, as git calls them): a file
 * is cached only when it had not changed for a while before the read (RACY_MARGIN_MS), so a
 * later write always shows a later ctime.
 *
 * Broken files are never cached: they are read, and reported, every time. `validate`,
 * `dedupe`, `import`, `new` and `export html` never use the cache: they read every file.
 * (news serve keeps its own post table in the same folder: store/preview-table.ts.)
 * The cache lives outside the content folder (a content folder may be read-only, or a Git
 * working tree), in $NEWS_CACHE_DIR, else $XDG_CACHE_HOME/news, else ~/.cache/news;
 * NEWS_CACHE=0 turns it off. A cache that cannot be read or written is ignored silently.
 */

/** Bumped whenever what the cache file holds changes. The news version is checked too. */
const CACHE_FORMAT = 3;

/** A change this recent may share its timestamp with a later one: such a file is not cached yet. */
const RACY_MARGIN_MS = 100;
/** File systems with whole-second (or FAT's two-second) timestamps. */
const COARSE_RACY_MARGIN_MS = 2500;

/**
 * The cache file, in columns (one array per field, one item per post file, in file-name
 * order): 100,000 posts parse into a few dozen arrays rather than 100,000 small objects, and
 * the date and tag strings shared by many posts are stored once.
 */
export interface CacheFile {
  format: number;
  news: string;
  /** ICU's time-zone data: the times depend on it. */
  tzdata: string;
  dir: string;
  timeZone: string;
  /** File names (`<slug>.json`: a cached post's slug is its file's name). */
  names: string[];
  ino: number[];
  size: number[];
  mtimeMs: number[];
  ctimeMs: number[];
  title: string[];
  /** Index into dates (and times: the instant each date starts in timeZone). */
  date: number[];
  dates: string[];
  times: number[];
  draft: (0 | 1)[];
  views: number[];
  /** Indexes into tagNames. */
  tags: number[][];
  tagNames: string[];
  aliases: string[][];
  /**
   * Each post's look-alike key (what `news new` compares: see lookKey), or 0 when not worked
   * out yet: only `new` asks for them, so `list` and the feeds never pay for them.
   */
  look: (string | 0)[];
}

const COLUMNS = ['names', 'ino', 'size', 'mtimeMs', 'ctimeMs', 'title', 'date', 'draft', 'views', 'tags', 'aliases', 'look'] as const;

/** A post as the metadata cache gives it: its listing fields, its file, and its time in the site's zone. */
export interface ListedPost {
  post: PostListing;
  file: string;
  /** postTime(post, timeZone), for sortPosts. */
  time: number;
  /** The post's look-alike key, when asked for (LoadListingOptions.lookKey). */
  look?: string;
}

/** A listed post with what the cache keeps of its file (one object serves both). */
interface Row extends ListedPost {
  name: string;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

export interface ListingResult {
  posts: ListedPost[];
  problems: PostProblem[];
}

/** The environment the cache's switches are read from (NEWS_CACHE, NEWS_CACHE_DIR, XDG_CACHE_HOME, HOME). */
export type CacheEnv = Readonly<Record<string, string | undefined>>;
type Env = CacheEnv;

/** The folder of the cache, or undefined when it is turned off or there is nowhere to put it. */
export function cacheFolder(env: Env): string | undefined {
  const off = env.NEWS_CACHE?.trim().toLowerCase();
  if (off === '0' || off === 'off' || off === 'non' || off === 'false') return undefined;
  if (env.NEWS_CACHE_DIR) return path.resolve(env.NEWS_CACHE_DIR);
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, 'news');
  if (env.HOME && path.isAbsolute(env.HOME)) return path.join(env.HOME, '.cache', 'news');
  return undefined;
}

/**
 * A cache file of one content folder (named after its real path), or undefined when off:
 * `posts-….json`, the listings (this module); `serve-….v8`, news serve's post table (store/preview-table.ts);
 * `templates-….json`, the theme's templates compiled (store/template-cache.ts).
 */
export type CacheKind = 'posts' | 'serve' | 'templates';
const CACHE_FILE_NAMES: Record<CacheKind, (key: string) => string> = {
  posts: (key) => `posts-${key}.json`,
  serve: (key) => `serve-${key}.v8`,
  templates: (key) => `templates-${key}.json`,
};

export function cacheFileFor(contentDir: string, env: Env, kind: CacheKind = 'posts'): string | undefined {
  return cacheFileOf(realPath(contentDir), env, kind);
}

function cacheFileOf(realDir: string, env: Env, kind: CacheKind = 'posts'): string | undefined {
  const folder = cacheFolder(env);
  if (folder === undefined) return undefined;
  const key = createHash('sha256').update(realDir).digest('hex').slice(0, 24);
  return path.join(folder, CACHE_FILE_NAMES[kind](key));
}

function realPath(dir: string): string {
  try {
    return fs.realpathSync.native(dir);
  } catch {
    return path.resolve(dir);
  }
}

/** The cache file when it is one this version wrote for this folder and zone, else undefined. */
function readCache(file: string, dir: string, timeZone: string): CacheFile | undefined {
  let cache: Partial<CacheFile> | null;
  try {
    cache = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<CacheFile> | null;
  } catch {
    return undefined; // none yet, or torn: rebuilt below
  }
  if (!cache || cache.format !== CACHE_FORMAT || cache.news !== packageVersion() || cache.tzdata !== tzData()) return undefined;
  if (cache.dir !== dir || cache.timeZone !== timeZone) return undefined;
  const count = cache.names?.length;
  if (count === undefined || COLUMNS.some((column) => !Array.isArray(cache[column]) || cache[column].length !== count)) return undefined;
  if (!Array.isArray(cache.dates) || !Array.isArray(cache.times) || !Array.isArray(cache.tagNames)) return undefined;
  return cache as CacheFile;
}

/** Post i of the cache, or undefined when that entry is not what this version writes. */
function cachedPost(cache: CacheFile, i: number, name: string): PostListing | undefined {
  const title = cache.title[i];
  const date = cache.dates[cache.date[i]!];
  const views = cache.views[i];
  const tagIndexes = cache.tags[i];
  const aliases = cache.aliases[i];
  if (typeof title !== 'string' || typeof date !== 'string' || typeof cache.times[cache.date[i]!] !== 'number' || typeof views !== 'number') return undefined;
  if (!Array.isArray(tagIndexes) || !Array.isArray(aliases) || !aliases.every((a) => typeof a === 'string')) return undefined;
  const tags: string[] = [];
  for (const t of tagIndexes) {
    const tag = cache.tagNames[t];
    if (typeof tag !== 'string') return undefined;
    tags.push(tag);
  }
  const status = cache.draft[i] ? 'draft' : 'published';
  return { slug: name.slice(0, -'.json'.length), title, date, status, views, tags, aliases };
}

function toCacheFile(rows: Row[], dir: string, timeZone: string): CacheFile {
  const cache: CacheFile = {
    format: CACHE_FORMAT, news: packageVersion(), tzdata: tzData(), dir, timeZone,
    names: [], ino: [], size: [], mtimeMs: [], ctimeMs: [], title: [], date: [], dates: [], times: [],
    draft: [], views: [], tags: [], tagNames: [], aliases: [], look: [],
  };
  const dateIndex = new Map<string, number>();
  const tagIndex = new Map<string, number>();
  const indexOf = (map: Map<string, number>, list: string[], value: string): number => {
    let i = map.get(value);
    if (i === undefined) {
      i = list.push(value) - 1;
      map.set(value, i);
    }
    return i;
  };
  for (const row of rows) {
    cache.names.push(row.name);
    cache.ino.push(row.ino);
    cache.size.push(row.size);
    cache.mtimeMs.push(row.mtimeMs);
    cache.ctimeMs.push(row.ctimeMs);
    cache.title.push(row.post.title);
    const d = indexOf(dateIndex, cache.dates, row.post.date);
    cache.times[d] = row.time;
    cache.date.push(d);
    cache.draft.push(row.post.status === 'draft' ? 1 : 0);
    cache.views.push(row.post.views);
    cache.tags.push(row.post.tags.map((tag) => indexOf(tagIndex, cache.tagNames, tag)));
    cache.aliases.push(row.post.aliases);
    cache.look.push(row.look ?? 0);
  }
  return cache;
}

function tzData(): string {
  return process.versions.tz ?? process.versions.icu ?? '';
}

function rowOf(post: PostListing, file: string, time: number, name: string, stat: fs.Stats | undefined): Row {
  return { post, file, time, name, ino: stat?.ino ?? 0, size: stat?.size ?? 0, mtimeMs: stat?.mtimeMs ?? 0, ctimeMs: stat?.ctimeMs ?? 0 };
}

/** Whether a file's last change is old enough that a later change must show a later ctime. */
export function isSettled(stat: Pick<fs.Stats, 'ctimeMs' | 'mtimeMs'>, startedMs: number): boolean {
  const coarse = stat.ctimeMs % 1000 === 0 || stat.mtimeMs % 1000 === 0;
  const margin = coarse ? COARSE_RACY_MARGIN_MS : RACY_MARGIN_MS;
  return stat.ctimeMs < startedMs - margin && stat.mtimeMs < startedMs - margin;
}

/**
 * The listing fields of every sound post of `posts/` (files in name order, broken ones as
 * problems, as loadPosts gives them), with each post's time in `timeZone`, taking unchanged
 * files from the cache. Read a post with loadPostFile when more of it is needed.
 */
export interface LoadListingOptions {
  /**
   * Also give each post's look-alike key (`news new`): worked out from the whole post by this
   * function for the files read, kept in the cache, so only changed files are read again.
   */
  lookKey?: (post: Post) => string;
}

export function loadPostListings(contentDir: string, timeZone: string, env: Env, options: LoadListingOptions = {}): ListingResult {
  const dir = realPath(contentDir);
  const cacheFile = cacheFileOf(dir, env);
  const { files, problems } = listPostFiles(contentDir);
  const old = cacheFile === undefined ? undefined : readCache(cacheFile, dir, timeZone);
  const oldNames = old?.names ?? [];
  // File times come from the kernel's clock, which this is compared with (not the posts' clock).
  const startedMs = Date.now();
  const rows: Row[] = [];
  const posts: ListedPost[] = [];
  let changed = old === undefined;
  let next = 0; // the cache's names are in the same order as the files: walk both together
  for (const file of files) {
    const name = file.slice(file.lastIndexOf(path.sep) + 1);
    // Without a cache to check or fill, the file's identity is not needed.
    const stat = cacheFile === undefined ? undefined : fs.lstatSync(file, { throwIfNoEntry: false });
    while (next < oldNames.length && oldNames[next]! < name) {
      next++;
      changed = true; // a file that is gone
    }
    let known = -1;
    if (next < oldNames.length && oldNames[next] === name) known = next++;
    if (known >= 0 && stat !== undefined && stat.isFile() && old!.ino[known] === stat.ino && old!.size[known] === stat.size &&
        old!.mtimeMs[known] === stat.mtimeMs && old!.ctimeMs[known] === stat.ctimeMs) {
      const post = cachedPost(old!, known, name);
      const look = old!.look[known];
      if (post !== undefined && (options.lookKey === undefined || typeof look === 'string')) {
        const row = rowOf(post, file, old!.times[old!.date[known]!]!, name, stat);
        if (typeof look === 'string') row.look = look;
        posts.push(row);
        rows.push(row);
        continue;
      }
    }
    if (known >= 0) changed = true;
    // Stat before reading: a write after the stat gives the file a newer ctime than the one kept.
    const loaded = loadPostFile(contentDir, file, true);
    if (loaded.problems.length > 0) {
      problems.push(...loaded.problems);
      continue;
    }
    const { slug, title, date, status, views, tags, aliases } = loaded.post!;
    const post: PostListing = { slug, title, date, status, views, tags, aliases };
    const row = rowOf(post, file, postTime(post, timeZone), name, stat);
    if (options.lookKey !== undefined) row.look = options.lookKey(loaded.post!);
    posts.push(row);
    if (stat !== undefined && stat.isFile() && isSettled(stat, startedMs)) {
      rows.push(row);
      changed = true;
    }
  }
  if (next < oldNames.length) changed = true; // files gone at the end
  if (changed && cacheFile !== undefined) saveCache(cacheFile, () => toCacheFile(rows, dir, timeZone));
  problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { posts, problems };
}

function saveCache(file: string, cache: () => CacheFile): void {
  writeCacheFile(file, () => JSON.stringify(cache()));
}

/**
 * Writes a file of the cache's folder (this module's listings, serve's post table, the compiled
 * templates): the folder made for its owner only (700), the file atomically in mode 600. Whether
 * it was written: a cache is only a shortcut, so a read-only home or a full disk fails nothing.
 */
export function writeCacheFile(file: string, content: () => string | Uint8Array): boolean {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileAtomic(file, content(), { mode: 0o600 });
    return true;
  } catch {
    return false;
  }
}
