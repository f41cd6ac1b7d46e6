import fs from 'node:fs';
import path from 'node:path';
import type { Post, PostListing } from '../core/post.js';
import { postTime } from '../core/filters.js';
import { lastChangeOf, type LastChange } from '../core/dates.js';
import type { PostSource } from '../export/model.js';
import { digest } from '../export/plan-key.js';
import { isSettled } from './cache.js';
import { ChangedSinceRead, hasColumns, pushIdentity, sameIdentity, type Identity } from './tables.js';
import { listPostFiles, loadPostFile, type PostProblem } from './content.js';

/**
 * The posts of a content folder as an incremental export takes them: each post's listing
 * fields and a key (a digest of its text) without reading files that did not change since the
 * last export, by the metadata cache's rule (store/cache.ts): a file is taken from the table
 * only when its inode, size, mtime and ctime are those it had when it was read, and it had not
 * changed for a while before that read (racy entries are read again). Broken files are never
 * in the table: they are read, and reported, every time.
 */

/** What an export remembers of the post files it read (columns, in file-name order). */
export interface PostTable {
  names: string[];
  ino: number[];
  size: number[];
  mtimeMs: number[];
  ctimeMs: number[];
  /** postTime in the zone the table was made for (see postTableId). */
  time: number[];
  key: string[];
  title: string[];
  date: string[];
  draft: (0 | 1)[];
  views: number[];
  tags: string[][];
  aliases: string[][];
  /** Its last change (lastChangeOf, in the table's zone): ms, and RFC 3339 (the sitemap's lastmod, without reading the post). */
  changedMs: number[];
  changedIso: string[];
}

const COLUMNS = ['names', 'ino', 'size', 'mtimeMs', 'ctimeMs', 'time', 'key', 'title', 'date', 'draft', 'views', 'tags', 'aliases', 'changedMs', 'changedIso'] as const;

export function emptyPostTable(): PostTable {
  return { names: [], ino: [], size: [], mtimeMs: [], ctimeMs: [], time: [], key: [], title: [], date: [], draft: [], views: [], tags: [], aliases: [], changedMs: [], changedIso: [] };
}

/** The table when it has the shape this version writes, else undefined (then every file is read). */
export function checkPostTable(value: unknown): PostTable | undefined {
  return hasColumns(value, COLUMNS) ? (value as PostTable) : undefined;
}

export interface SourcedPost {
  post: PostListing;
  file: string;
  /** postTime(post, timeZone), for sortPosts. */
  time: number;
  source: FileSource;
}

/** A post's source as a content folder gives it: its time and last change always known. */
export type FileSource = PostSource & Required<Pick<PostSource, 'time' | 'lastChange'>>;

/**
 * What a post table is valid for: one content folder (its real path) and one time zone (with
 * the zone data of this Node). A table made for anything else is not used.
 */
export function postTableId(contentDir: string, timeZone: string): string {
  let real: string;
  try {
    real = fs.realpathSync.native(contentDir);
  } catch {
    real = path.resolve(contentDir);
  }
  return digest(real, timeZone, process.versions.tz ?? process.versions.icu ?? '');
}

export interface SourcesResult {
  posts: SourcedPost[];
  problems: PostProblem[];
  /** The table to keep for the next export. */
  table: PostTable;
}

function listingOf(table: PostTable, i: number, name: string): PostListing | undefined {
  const title = table.title[i];
  const date = table.date[i];
  const views = table.views[i];
  const tags = table.tags[i];
  const aliases = table.aliases[i];
  if (typeof title !== 'string' || typeof date !== 'string' || typeof views !== 'number' || typeof table.key[i] !== 'string' || typeof table.time[i] !== 'number') return undefined;
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string') || !Array.isArray(aliases) || !aliases.every((a) => typeof a === 'string')) return undefined;
  return { slug: name.slice(0, -'.json'.length), title, date, status: table.draft[i] === 1 ? 'draft' : 'published', views, tags, aliases };
}

/**
 * A post known by its listing and key (from the table, or sent to the full export's worker): read
 * whole when a page showing it is rendered, and checked to be the post the plan was made from.
 */
export function fileSource(contentDir: string, file: string, listing: PostListing, key: string, time: number, lastChange: LastChange, unchanged = false): FileSource {
  return new TableSource(contentDir, file, listing, key, time, lastChange, unchanged);
}

/** A class, not an object with a closure: an export makes one per post (10,000). */
class TableSource implements FileSource {
  constructor(
    private readonly contentDir: string,
    private readonly file: string,
    readonly listing: PostListing,
    readonly key: string,
    readonly time: number,
    readonly lastChange: LastChange,
    /** Taken from the table of the last export (its file unchanged since). */
    readonly unchanged = false,
  ) {}

  full(): Post {
    const { contentDir, file, key } = this;
    const loaded = loadPostFile(contentDir, file, true);
    if (loaded.problems.length > 0 || loaded.text === undefined) {
      throw new ChangedSinceRead(`export annulé : ${loaded.problems[0]?.message ?? file} (le fichier a changé pendant l’export ; corrigez-le puis relancez)`);
    }
    if (digest(loaded.text) !== key) {
      throw new ChangedSinceRead(`export annulé : ${path.relative(contentDir, file)} a changé pendant l’export ; relancez-le`);
    }
    return loaded.post!;
  }
}

/**
 * Every post file of `posts/` (in name order; broken ones as problems, as loadPosts gives them),
 * times in `timeZone` (`previous` must have been made for the same zone: see postTableId),
 * with its listing and a PostSource, taking unchanged files from `previous`. `unchanged`, when
 * given, names the files known not to have changed since `previous` was made (news serve's
 * watcher saw nothing of them): those are taken from it without even a stat.
 */
export function loadPostSources(contentDir: string, timeZone: string, previous: PostTable | undefined, unchanged?: (name: string) => boolean): SourcesResult {
  const { files, problems } = listPostFiles(contentDir);
  const old = previous ?? emptyPostTable();
  const table = emptyPostTable();
  // File times come from the kernel's clock, which this is compared with.
  const startedMs = Date.now();
  const posts: SourcedPost[] = [];
  let next = 0; // the table's names are in file order too: walk both together
  for (let f = 0; f < files.length; f++) {
    const file = files[f]!;
    const name = file.slice(file.lastIndexOf(path.sep) + 1);
    while (next < old.names.length && old.names[next]! < name) next++;
    let known = -1;
    if (next < old.names.length && old.names[next] === name) known = next++;
    const trusted = known >= 0 && unchanged !== undefined && unchanged(name);
    const stat = trusted ? undefined : fs.lstatSync(file, { throwIfNoEntry: false });
    if (trusted || (known >= 0 && stat !== undefined && stat.isFile() && sameIdentity(old, known, stat))) {
      const listing = listingOf(old, known, name);
      const lastChange = { ms: old.changedMs[known]!, iso: old.changedIso[known]! };
      if (listing !== undefined && typeof lastChange.ms === 'number' && typeof lastChange.iso === 'string') {
        const key = old.key[known]!;
        const time = old.time[known]!;
        posts.push({ post: listing, file, time, source: fileSource(contentDir, file, listing, key, time, lastChange, true) });
        addRow(table, name, stat ?? { ino: old.ino[known]!, size: old.size[known]!, mtimeMs: old.mtimeMs[known]!, ctimeMs: old.ctimeMs[known]! }, key, time, listing, lastChange);
        continue;
      }
    }
    // Stat before reading: a write after the stat gives the file a newer ctime than the one kept.
    const loaded = loadPostFile(contentDir, file, true);
    if (loaded.problems.length > 0) {
      problems.push(...loaded.problems);
      continue;
    }
    const post = loaded.post!;
    const key = digest(loaded.text!);
    const time = postTime(post, timeZone);
    const lastChange = lastChangeOf(post.updatedAt, time, timeZone);
    posts.push({ post, file, time, source: { listing: post, key, time, lastChange, unchanged: known >= 0 && old.key[known] === key, full: () => post } });
    if (stat !== undefined && stat.isFile() && isSettled(stat, startedMs)) addRow(table, name, stat, key, time, post, lastChange);
  }
  problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { posts, problems, table };
}

/** Whether two post tables hold the same files, as read (an export's record, serve's saved table: then it need not be written again). */
export function samePostTable(a: PostTable | undefined, b: PostTable): boolean {
  if (a === undefined || a.names.length !== b.names.length) return false;
  for (let i = 0; i < b.names.length; i++) {
    if (a.names[i] !== b.names[i] || a.ino[i] !== b.ino[i] || a.ctimeMs[i] !== b.ctimeMs[i] || a.mtimeMs[i] !== b.mtimeMs[i] || a.size[i] !== b.size[i] || a.key[i] !== b.key[i]) return false;
  }
  return true;
}

function addRow(table: PostTable, name: string, stat: Identity, key: string, time: number, post: PostListing, lastChange: LastChange): void {
  table.changedMs.push(lastChange.ms);
  table.changedIso.push(lastChange.iso);
  table.time.push(time);
  table.names.push(name);
  pushIdentity(table, stat);
  table.key.push(key);
  table.title.push(post.title);
  table.date.push(post.date);
  table.draft.push(post.status === 'draft' ? 1 : 0);
  table.views.push(post.views);
  table.tags.push(post.tags);
  table.aliases.push(post.aliases);
}

