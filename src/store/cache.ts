import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { PostListing } from '../core/post.js';
import { postTime } from '../core/filters.js';
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
 * The cache lives outside the content folder (a content folder may be read-only, or a Git
 * working tree), in $NEWS_CACHE_DIR, else $XDG_CACHE_HOME/news, else ~/.cache/news;
 * NEWS_CACHE=0 turns it off. A cache that cannot be read or written is ignored silently.
 */

/** Bumped whenever what a cached entry means changes. The news version is checked too. */
const CACHE_FORMAT = 1;

/** A change this recent may share its timestamp with a later one: such a file is not cached yet. */
const RACY_MARGIN_MS = 100;
/** File systems with whole-second (or FAT's two-second) timestamps. */
const COARSE_RACY_MARGIN_MS = 2500;

/** What is kept of a file: its identity and times, then its listing fields and its time in the cache's zone. */
type Entry = [
  ino: number, size: number, mtimeMs: number, ctimeMs: number,
  slug: string, title: string, date: string, status: PostListing['status'], views: number, tags: string[], aliases: string[],
  time: number,
];

interface CacheFile {
  format: number;
  news: string;
  /** ICU's time-zone data: the times depend on it. */
  tzdata: string;
  dir: string;
  timeZone: string;
  posts: Record<string, Entry>;
}

/** A post as the metadata cache gives it: its listing fields, its file, and its time in the site's zone. */
export interface ListedPost {
  post: PostListing;
  file: string;
  /** postTime(post, timeZone), for sortPosts. */
  time: number;
}

export interface ListingResult {
  posts: ListedPost[];
  problems: PostProblem[];
}

type Env = Readonly<Record<string, string | undefined>>;

/** The folder of the cache, or undefined when it is turned off or there is nowhere to put it. */
export function cacheFolder(env: Env): string | undefined {
  const off = env.NEWS_CACHE?.trim().toLowerCase();
  if (off === '0' || off === 'off' || off === 'non' || off === 'false') return undefined;
  if (env.NEWS_CACHE_DIR) return path.resolve(env.NEWS_CACHE_DIR);
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, 'news');
  if (env.HOME && path.isAbsolute(env.HOME)) return path.join(env.HOME, '.cache', 'news');
  return undefined;
}

/** The cache file of one content folder (named after its real path), or undefined when off. */
export function cacheFileFor(contentDir: string, env: Env): string | undefined {
  const folder = cacheFolder(env);
  if (folder === undefined) return undefined;
  const real = realPath(contentDir);
  const key = createHash('sha256').update(real).digest('hex').slice(0, 24);
  return path.join(folder, `posts-${key}.json`);
}

function realPath(dir: string): string {
  try {
    return fs.realpathSync.native(dir);
  } catch {
    return path.resolve(dir);
  }
}

let newsVersion: string | undefined;

function currentVersion(): string {
  newsVersion ??= (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return newsVersion;
}

function readCache(file: string, dir: string, timeZone: string): Record<string, Entry> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined; // none yet, or torn: rebuilt below
  }
  const cache = parsed as Partial<CacheFile> | null;
  if (!cache || cache.format !== CACHE_FORMAT || cache.news !== currentVersion() || cache.tzdata !== tzData()) return undefined;
  if (cache.dir !== dir || cache.timeZone !== timeZone) return undefined;
  if (!cache.posts || typeof cache.posts !== 'object' || Array.isArray(cache.posts)) return undefined;
  return cache.posts;
}

function tzData(): string {
  return process.versions.tz ?? process.versions.icu ?? '';
}

function isEntry(value: unknown): value is Entry {
  return Array.isArray(value) && value.length === 12;
}

/** Whether a file's last change is old enough that a later change must show a later ctime. */
function isSettled(stat: fs.Stats, startedMs: number): boolean {
  const coarse = stat.ctimeMs % 1000 === 0 || stat.mtimeMs % 1000 === 0;
  const margin = coarse ? COARSE_RACY_MARGIN_MS : RACY_MARGIN_MS;
  return stat.ctimeMs < startedMs - margin && stat.mtimeMs < startedMs - margin;
}

/**
 * The listing fields of every sound post of `posts/` (files in name order, broken ones as
 * problems, as loadPosts gives them), with each post's time in `timeZone`, taking unchanged
 * files from the cache. Read a post with loadPostFile when more of it is needed.
 */
export function loadPostListings(contentDir: string, timeZone: string, env: Env): ListingResult {
  const cacheFile = cacheFileFor(contentDir, env);
  const { files, problems } = listPostFiles(contentDir);
  const dir = realPath(contentDir);
  const old = cacheFile === undefined ? undefined : readCache(cacheFile, dir, timeZone);
  // File times come from the kernel's clock, which this is compared with (not the posts' clock).
  const startedMs = Date.now();
  const fresh: Record<string, Entry> = {};
  const posts: ListedPost[] = [];
  let changed = old === undefined;
  let kept = 0;
  for (const file of files) {
    const name = file.slice(file.lastIndexOf(path.sep) + 1);
    const stat = fs.lstatSync(file, { throwIfNoEntry: false });
    const entry = old?.[name];
    if (stat !== undefined && stat.isFile() && isEntry(entry) &&
        entry[0] === stat.ino && entry[1] === stat.size && entry[2] === stat.mtimeMs && entry[3] === stat.ctimeMs) {
      const [, , , , slug, title, date, status, views, tags, aliases, time] = entry;
      posts.push({ post: { slug, title, date, status, views, tags, aliases }, file, time });
      fresh[name] = entry;
      kept++;
      continue;
    }
    // Stat before reading: a write after the stat gives the file a newer ctime than the one kept.
    const loaded = loadPostFile(contentDir, file, true);
    if (loaded.problems.length > 0) {
      problems.push(...loaded.problems);
      if (entry !== undefined) changed = true;
      continue;
    }
    const { slug, title, date, status, views, tags, aliases } = loaded.post!;
    const time = postTime(loaded.post!, timeZone);
    posts.push({ post: { slug, title, date, status, views, tags, aliases }, file, time });
    if (stat !== undefined && stat.isFile() && isSettled(stat, startedMs)) {
      fresh[name] = [stat.ino, stat.size, stat.mtimeMs, stat.ctimeMs, slug, title, date, status, views, tags, aliases, time];
      changed = true;
    }
  }
  if (old !== undefined && kept !== Object.keys(old).length) changed = true; // files gone or changed
  if (changed && cacheFile !== undefined) {
    saveCache(cacheFile, { format: CACHE_FORMAT, news: currentVersion(), tzdata: tzData(), dir, timeZone, posts: fresh });
  }
  problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { posts, problems };
}

function saveCache(file: string, cache: CacheFile): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileAtomic(file, JSON.stringify(cache), { mode: 0o600 });
  } catch {
    // A cache is only a shortcut: a read-only home or a full disk must not fail the command.
  }
}
