import fs from 'node:fs';
import os from 'node:os';
import v8 from 'node:v8';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { NewsError } from '../core/errors.js';
import type { LastPostPages, PlannedFile } from '../export/html.js';
import type { Entry } from '../export/model.js';
import { POST_PAGE } from '../export/plan-key.js';
import { packageVersion } from '../version.js';
import { fsyncDir, isEmptyDir, isProcessRunning, writeFileAtomic } from './atomic.js';
import { isSettled } from './cache.js';
import { fileSystemError } from './errors.js';
import { checkPostTable, samePostTable, type PostTable } from './post-sources.js';
import { checkStaticTable, sameStaticTable, type StaticTable } from './static-sources.js';
import { hasColumns, pushIdentity, sameIdentity, setIdentity, type Identity } from './tables.js';
import { hashBytes, writePlannedFile } from './site-files.js';
import { planCheckOf, startSiteWorker, type SiteWorkerJob } from './site-worker.js';

/**
 * Writes a site plan (export/html.ts) into `--out`, incrementally, never leaving a moment
 * without a site:
 *
 * - `--out` missing or empty: the site is written in a private folder beside it, then renamed
 *   into place in one step (a folder may replace an empty one).
 * - Otherwise every planned file is checked against the record of the last export: a file whose
 *   key and identity (inode, size, mtime, ctime) are unchanged is neither rendered nor written;
 *   one whose identity changed is read and compared with the digest of what was written; the
 *   others are rendered and compared byte for byte with what is there. Everything is rendered
 *   before the first write, so a failing render (a template error) leaves `--out` untouched.
 *   Then the changed files are written aside in their own folder and renamed over (each URL
 *   always serves a whole file), and only then are the files that no longer belong removed.
 *
 * The record lives beside `--out` (`.<name>.news-record`, never served with the site),
 * with a flag file `.<name>.news-writing` present while files are being replaced: when it is
 * there (a killed run), or the record is missing or unreadable, every folder of `--out` is
 * walked and whatever the plan does not hold (leftover temp files included) is removed.
 * Folders whose identity changed since the record are read again for the same reason.
 */

/** A file at the root of every folder `news export html` writes: a later export may change that folder. */
export const EXPORT_MARKER = '.news-export';
export const MARKER_TEXT = 'Dossier produit par « news export html » : chaque export le met à jour (fichiers changés réécrits, fichiers en trop supprimés).\n';

/** Bumped whenever what the record holds changes. */
const RECORD_FORMAT = 1;
const TEMP_INFIX = '.news-tmp-';

interface FileTable {
  paths: string[];
  keys: string[];
  /** Digest of the bytes written. */
  hashes: string[];
  ino: number[];
  size: number[];
  mtimeMs: number[];
  ctimeMs: number[];
  /** 1 when the identity was old enough to be trusted (see cache.ts, racy entries). */
  settled: (0 | 1)[];
}

interface DirTable {
  paths: string[];
  ino: number[];
  mtimeMs: number[];
  ctimeMs: number[];
}

interface ExportRecord {
  format: number;
  news: string;
  /** planKeyOf of the plan written. */
  plan: string;
  /** postTableId: the post and static tables are only for that content folder and time zone. */
  content: string;
  posts: PostTable;
  statics: StaticTable;
  files: FileTable;
  dirs: DirTable;
  postPages?: PostPages;
}

/** The plan's post pages: its first `count` files, and what their keys depend on besides the posts (IndexedPlan.postKeys). */
export interface PostPages {
  count: number;
  postKeys: string;
}

export interface PreviousExport {
  plan?: string;
  /** The last plan's post pages (see lastPostPagesOf). */
  postPages?: PostPages;
  /** Post files as the last export read them (for loadPostSources), when for this content folder. */
  posts?: PostTable;
  /** static/'s files as the last export hashed them (for loadStaticSources), when for this content folder. */
  statics?: StaticTable;
  files: FileTable;
  dirs: DirTable;
  /** False when there is no usable record or the last run was killed while writing: walk everything. */
  trusted: boolean;
}

export interface WriteResult {
  files: number;
  written: number;
  removed: number;
  /** Threads that made the pages (2 when a full export shared its post pages with a worker). */
  threads?: number;
}

/** The record, in V8's serialisation format (read twice as fast as the same record in JSON). */
export function recordFileOf(out: string): string {
  return path.join(path.dirname(out), `.${path.basename(out)}.news-record`);
}

/** Where versions before 2026-11-30 kept the record (as JSON): removed when seen. */
function oldRecordFileOf(out: string): string {
  return `${recordFileOf(out)}.json`;
}

function writingFlagOf(out: string): string {
  return path.join(path.dirname(out), `.${path.basename(out)}.news-writing`);
}

function emptyFiles(): FileTable {
  return { paths: [], keys: [], hashes: [], ino: [], size: [], mtimeMs: [], ctimeMs: [], settled: [] };
}

function emptyDirs(): DirTable {
  return { paths: [], ino: [], mtimeMs: [], ctimeMs: [] };
}

/** What the last export into `out` left, or an untrusted empty record when there is none to rely on. */
export function readPreviousExport(out: string, postsId: string): PreviousExport {
  const none: PreviousExport = { files: emptyFiles(), dirs: emptyDirs(), trusted: false };
  let record: Partial<ExportRecord>;
  try {
    record = v8.deserialize(fs.readFileSync(recordFileOf(out))) as Partial<ExportRecord>;
  } catch {
    return none;
  }
  if (!record || record.format !== RECORD_FORMAT || record.news !== packageVersion()) return none;
  if (!hasColumns(record.files, ['paths', 'keys', 'hashes', 'ino', 'size', 'mtimeMs', 'ctimeMs', 'settled'])) return none;
  if (!hasColumns(record.dirs, ['paths', 'ino', 'mtimeMs', 'ctimeMs'])) return none;
  const posts = record.content === postsId ? checkPostTable(record.posts) : undefined;
  const statics = record.content === postsId ? checkStaticTable(record.statics) : undefined;
  const writing = fs.existsSync(writingFlagOf(out));
  const pages = record.postPages;
  const postPages = pages && Number.isInteger(pages.count) && pages.count >= 0 && pages.count <= record.files!.paths.length && typeof pages.postKeys === 'string' ? pages : undefined;
  return { plan: typeof record.plan === 'string' ? record.plan : undefined, postPages, posts, statics, files: record.files!, dirs: record.dirs!, trusted: !writing };
}


/** A system error of the writer, in French naming the file (store/errors.ts), with what it means for --out. */
function fsError(error: unknown, what: string, file?: string): NewsError {
  if (error instanceof NewsError) return error;
  const err = error as NodeJS.ErrnoException;
  const mapped = fileSystemError(error, err.path ?? (err as { dest?: string }).dest ?? file ?? '', file !== undefined && err.path === undefined ? 'write' : undefined, what);
  if (mapped instanceof NewsError) return mapped;
  return new NewsError(`${what} : ${err.code ?? ''} ${err.message ?? String(error)}`.trim(), 2, { cause: error });
}

function lstatOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined; // ENOTDIR: a file where a folder should be
  }
}

/**
 * The last plan's post pages as the next plan takes their keys back (LastPostPages in
 * export/html.ts): a page's row is found as updateSite finds its rows (RowFinder, over the
 * post pages); its neighbours then are the rows beside it, compared in place.
 * Only with a trusted record whose post table is this content folder's (loadPostSources
 * marks the posts unchanged since against that table).
 */
export function lastPostPagesOf(previous: PreviousExport): LastPostPages | undefined {
  const pages = previous.postPages;
  if (pages === undefined || !previous.trusted || previous.posts === undefined) return undefined;
  const { paths, keys } = previous.files;
  const count = pages.count;
  /** Whether `path` (a row) was the page of `entry` (or both are none). */
  const pageOf = (path: string | undefined, entry: Entry | undefined) =>
    entry === undefined ? path === undefined : path !== undefined && path.length === entry.slug.length + POST_PAGE.length && path.startsWith(entry.slug) && path.endsWith(POST_PAGE);
  const rows = new RowFinder(paths.slice(0, count));
  return {
    postKeys: pages.postKeys,
    keyOf(entry, newer, older) {
      if (!entry.unchanged || (newer !== undefined && !newer.unchanged) || (older !== undefined && !older.unchanged)) return undefined;
      const i = rows.find(`${entry.slug}${POST_PAGE}`);
      if (i === undefined) return undefined;
      if (!pageOf(i > 0 ? paths[i - 1] : undefined, newer) || !pageOf(i + 1 < count ? paths[i + 1] : undefined, older)) return undefined;
      return keys[i];
    },
  };
}

/**
 * The row of the last export for each planned path, the plan given in order: both lists are
 * walked together (a plan is the last one's, give or take the files of the posts changed), a
 * few rows ahead; a path not found so is looked up in a map of every row, made at the first
 * such path. `unmatched` gives the rows no planned path took (the files that may have to go).
 */
class RowFinder {
  private next = 0;
  private byPath: Map<string, number> | undefined;
  private readonly taken: Uint8Array;

  constructor(private readonly paths: readonly string[]) {
    this.taken = new Uint8Array(paths.length);
  }

  find(p: string): number | undefined {
    const { paths } = this;
    const end = Math.min(this.next + 16, paths.length);
    for (let i = this.next; i < end; i++) {
      if (paths[i] === p) return this.take(i);
    }
    this.byPath ??= new Map(paths.map((q, i) => [q, i]));
    const i = this.byPath.get(p);
    // Taken already: a path planned twice (never) gets no row the second time.
    return i === undefined || this.taken[i] === 1 ? undefined : this.take(i);
  }

  private take(i: number): number {
    this.taken[i] = 1;
    if (i >= this.next) this.next = i + 1;
    return i;
  }

  *unmatched(): Generator<string> {
    for (let i = 0; i < this.paths.length; i++) if (this.taken[i] === 0) yield this.paths[i]!;
  }
}

class FileRows {
  readonly table = emptyFiles();
  add(p: string, key: string, hash: string, stat: Identity, settled: boolean): void {
    const t = this.table;
    t.paths.push(p);
    t.keys.push(key);
    t.hashes.push(hash);
    pushIdentity(t, stat);
    t.settled.push(settled ? 1 : 0);
  }
  /** Row i of `from`, as it is (column by column: 10,000 rows, no object each). */
  copy(from: FileTable, i: number): void {
    const t = this.table;
    t.paths.push(from.paths[i]!);
    t.keys.push(from.keys[i]!);
    t.hashes.push(from.hashes[i]!);
    t.ino.push(from.ino[i]!);
    t.size.push(from.size[i]!);
    t.mtimeMs.push(from.mtimeMs[i]!);
    t.ctimeMs.push(from.ctimeMs[i]!);
    t.settled.push(from.settled[i] === 1 ? 1 : 0);
  }
}

/** Every folder the planned files sit in (`''` is `--out` itself). */
function plannedDirsOf(plan: readonly PlannedFile[]): Set<string> {
  const dirs = new Set<string>(['']);
  for (let i = 0; i < plan.length; i++) {
    const file = plan[i]!;
    let slash = file.path.lastIndexOf('/');
    while (slash > 0) {
      const dir = file.path.slice(0, slash);
      if (dirs.has(dir)) break;
      dirs.add(dir);
      slash = dir.lastIndexOf('/');
    }
  }
  return dirs;
}

/**
 * The folders whose identity the record keeps, to notice what is added to them by hand: all
 * but those holding only an `index.html` (a post's, an alias's, a numbered page's: 10,000
 * folders a site of 10,000 posts would stat on every export for little). What a killed run
 * leaves anywhere is found anyway (the writing flag makes the next run walk everything).
 */
function watchedDirsOf(plan: readonly PlannedFile[], dirs: Set<string>): string[] {
  const holdsMore = new Set<string>(['']);
  for (let i = 0; i < plan.length; i++) {
    const p = plan[i]!.path;
    const slash = p.lastIndexOf('/');
    if (slash < 0) continue;
    if (!p.endsWith('/index.html')) holdsMore.add(p.slice(0, slash));
  }
  for (const dir of dirs) {
    const slash = dir.lastIndexOf('/');
    if (slash > 0) holdsMore.add(dir.slice(0, slash)); // a folder with a subfolder
  }
  return [...holdsMore].filter((d) => dirs.has(d)).sort();
}

function join(out: string, rel: string): string {
  return rel === '' ? out : `${out}${path.sep}${rel}`;
}

/** A plan and its key (planKeyOf): built only when the key differs from the last export's. */
export interface SitePlan {
  key: string;
  files(): readonly PlannedFile[];
  /** Its post pages, once files() made the plan (kept in the record for the next plan: lastPostPagesOf). */
  postPages?(): PostPages | undefined;
  /** Told when writing turns out long: a full export, or RENDERED_FOR_LONG_RUN files rendered by an update (ExportRequest.onLongRun). */
  longRun?(): void;
  /**
   * How a worker thread makes the same plan, for a full export of many posts: the job (less
   * what the writer adds), how many post pages open the plan, and how to give a post the lead
   * the worker worked out (the list pages made here show it).
   */
  parallel?: {
    job(): Omit<SiteWorkerJob, 'kind' | 'planCheck' | 'root' | 'counter' | 'pages' | 'chunk'>;
    pages: number;
    primeLead(index: number, lead: string): void;
  };
}

/** A full export shares its post pages with a worker thread from this many posts (NEWS_PARALLEL_MIN_POSTS to change it). */
const PARALLEL_MIN_POSTS = 2000;
const PARALLEL_CHUNK = 64;

/** Whether a full export of `pages` posts shares them with a worker: from the threshold, on a machine with 2 cores or more (or always when the threshold is set by NEWS_PARALLEL_MIN_POSTS). */
function goesParallel(pages: number): boolean {
  const value = Number(process.env.NEWS_PARALLEL_MIN_POSTS);
  if (Number.isInteger(value) && value > 0) return pages >= value;
  return pages >= PARALLEL_MIN_POSTS && os.availableParallelism() >= 2;
}


/** The tables of the content folder the next export reads (post files, static files). */
export interface ContentTables {
  posts: PostTable;
  statics: StaticTable;
}

/** Whether the record must be written again for the tables (they differ from the ones it holds). */
function tablesChanged(previous: PreviousExport, tables: ContentTables): boolean {
  return !samePostTable(previous.posts, tables.posts) || !sameStaticTable(previous.statics, tables.statics);
}

/**
 * Writes the plan into `out`, once the caller has removed what a killed export left beside it
 * (removeLeftoversBeside) and found the site not up to date (siteUnchanged); `tables` are what
 * the next export reads. Returns the counts.
 */
export async function writeSite(out: string, site: SitePlan, postsId: string, previous: PreviousExport, tables: ContentTables): Promise<WriteResult> {
  const stat = lstatOrUndefined(out);
  if (stat === undefined || (stat.isDirectory() && isEmptyDir(out))) {
    const result = await writeFresh(out, site, postsId, tables);
    if (result !== undefined) return result;
  }
  return updateSite(out, site, postsId, previous, tables);
}

/**
 * When the plan's key is the last export's and every file it wrote is still as it was written,
 * the site is up to date: the counts (nothing written); otherwise undefined (writeSite must run).
 */
export function siteUnchanged(out: string, key: string, postsId: string, previous: PreviousExport, tables: ContentTables): WriteResult | undefined {
  const rowsChanged = { value: false };
  if (!previous.trusted || previous.plan !== key || !isIntact(out, previous, rowsChanged)) return undefined;
  if (rowsChanged.value || tablesChanged(previous, tables)) saveRecord(out, key, postsId, tables, previous.files, previous.dirs, previous.postPages);
  return { files: previous.files.paths.length, written: 0, removed: 0 };
}

/**
 * Whether every file and watched folder the record lists is as it was written: same identity,
 * and for a file written too lately for its identity to prove anything (not settled), the same
 * bytes (read and hashed; its row then takes the identity seen now). `rowsChanged` is set
 * when a row was updated so.
 */
function isIntact(out: string, previous: PreviousExport, rowsChanged: { value: boolean }): boolean {
  const f = previous.files;
  const startedMs = Date.now();
  for (let i = 0; i < f.paths.length; i++) {
    const file = join(out, f.paths[i]!);
    const stat = lstatOrUndefined(file);
    if (stat === undefined || !stat.isFile()) return false;
    if (f.settled[i] === 1) {
      if (!sameIdentity(f, i, stat)) return false;
      continue;
    }
    const there = stat.size === f.size[i] ? readOrUndefined(file) : undefined;
    if (there === undefined || hashBytes(there) !== f.hashes[i]) return false;
    setIdentity(f, i, stat);
    f.settled[i] = isSettled(stat, startedMs) ? 1 : 0;
    rowsChanged.value = true;
  }
  const d = previous.dirs;
  for (let i = 0; i < d.paths.length; i++) {
    const stat = lstatOrUndefined(join(out, d.paths[i]!));
    if (stat === undefined || stat.ino !== d.ino[i] || stat.mtimeMs !== d.mtimeMs[i] || stat.ctimeMs !== d.ctimeMs[i]) return false;
  }
  return true;
}

/** The whole site in a private folder beside `out`, renamed into place; undefined when that rename cannot be done. */
async function writeFresh(out: string, site: SitePlan, postsId: string, tables: ContentTables): Promise<WriteResult | undefined> {
  site.longRun?.();
  const plan = site.files();
  const parent = path.dirname(out);
  const build = path.join(parent, `.${path.basename(out)}.news-build-${process.pid}-${randomBytes(4).toString('hex')}`);
  const hashes: string[] = new Array<string>(plan.length);
  const stats: Identity[] = new Array(plan.length);
  /** The file being written, for the message when the disk refuses it. */
  let current = build;
  try {
    fs.mkdirSync(parent, { recursive: true });
    fs.mkdirSync(build);
  } catch (error) {
    throw fsError(error, `création impossible de ${build}`);
  }
  // Planned paths are relative, `/`-separated and made of slugs (no `.` or `..`): joined by hand.
  const root = `${build}${path.sep}`;
  // Shared only when the plan opens with the post pages, one per post (what the worker assumes).
  const parallel = site.parallel !== undefined && goesParallel(site.parallel.pages) && site.parallel.pages <= plan.length &&
    plan.slice(0, site.parallel.pages).every((f) => f.template === 'post') ? site.parallel : undefined;
  let worker: ReturnType<typeof startSiteWorker> | undefined;
  try {
    const made = new Set<string>(['']);
    const write = (i: number) => {
      current = root + plan[i]!.path;
      const { hash, stat } = writePlannedFile(root, plan[i]!, made);
      hashes[i] = hash;
      stats[i] = stat;
    };
    let first = 0;
    if (parallel !== undefined) {
      // The post pages, by chunks, between this thread and the worker; then the rest, here,
      // once the worker has said the leads of the posts it made.
      const counter = new SharedArrayBuffer(4);
      worker = startSiteWorker({ ...parallel.job(), kind: 'news-site-pages', planCheck: planCheckOf(plan), root, counter, pages: parallel.pages, chunk: PARALLEL_CHUNK });
      const next = new Int32Array(counter);
      for (;;) {
        const start = Atomics.add(next, 0, PARALLEL_CHUNK);
        if (start >= parallel.pages) break;
        for (let i = start; i < Math.min(start + PARALLEL_CHUNK, parallel.pages); i++) write(i);
      }
      const done = await worker.done;
      for (const [i, hash, ino, size, mtimeMs, ctimeMs] of done.rows) {
        hashes[i] = hash;
        stats[i] = { ino, size, mtimeMs, ctimeMs };
      }
      for (const [i, lead] of done.leads) parallel.primeLead(i, lead);
      first = parallel.pages;
    }
    for (let i = first; i < plan.length; i++) write(i);
    current = path.join(build, EXPORT_MARKER);
    fs.writeFileSync(current, MARKER_TEXT);
  } catch (error) {
    // The worker is stopped, and gone, before its folder is removed.
    await worker?.stop();
    fs.rmSync(build, { recursive: true, force: true });
    throw fsError(error, `écriture du site dans ${build} impossible, ${out} est inchangé`, current);
  }
  const rows = new FileRows();
  for (let i = 0; i < plan.length; i++) rows.add(plan[i]!.path, plan[i]!.key, hashes[i]!, stats[i]!, false);
  const dirs = emptyDirs();
  try {
    fs.renameSync(build, out);
  } catch {
    // A folder that is not empty any more, or a mount point: file by file instead.
    fs.rmSync(build, { recursive: true, force: true });
    return undefined;
  }
  fsyncDir(parent);
  for (const dir of watchedDirsOf(plan, plannedDirsOf(plan))) addDir(dirs, dir, fs.lstatSync(join(out, dir)));
  saveRecord(out, site.key, postsId, tables, rows.table, dirs, site.postPages?.());
  return { files: plan.length, written: plan.length, removed: 0, threads: parallel === undefined ? 1 : 2 };
}

function addDir(dirs: DirTable, rel: string, stat: fs.Stats): void {
  dirs.paths.push(rel);
  dirs.ino.push(stat.ino);
  dirs.mtimeMs.push(stat.mtimeMs);
  dirs.ctimeMs.push(stat.ctimeMs);
}

interface Staged {
  file: PlannedFile;
  bytes: Buffer;
  hash: string;
  /** Something that is not a regular file is in the way (a folder, a link). */
  inTheWay: boolean;
}

/** Files an update renders before it says the run is long (SitePlan.longRun). */
const RENDERED_FOR_LONG_RUN = 64;

function updateSite(out: string, site: SitePlan, postsId: string, previous: PreviousExport, tables: ContentTables): WriteResult {
  const plan = site.files();
  const startedMs = Date.now();
  const prev = previous.files;
  const rowOf = new RowFinder(prev.paths);
  const rows = new FileRows();
  const staged: Staged[] = [];
  let recordChanged = !previous.trusted;
  let rendered = 0;
  /** The planned paths, as a set: made only when something asks (a row of the last export not found in order, a folder to scan). */
  let plannedSet: Set<string> | undefined;
  const planned = () => (plannedSet ??= new Set(plan.map((f) => f.path)));

  // 1. Decide, rendering what must be: nothing is written before every file is rendered.
  for (let k = 0; k < plan.length; k++) {
    const file = plan[k]!;
    const target = join(out, file.path);
    const stat = lstatOrUndefined(target);
    const i = rowOf.find(file.path);
    if (stat?.isFile() && i !== undefined && prev.keys[i] === file.key) {
      if (prev.settled[i] === 1 && sameIdentity(prev, i, stat)) {
        rows.copy(prev, i);
        continue;
      }
      // Written lately, or changed since: what is there must be what was written.
      recordChanged = true;
      const there = readOrUndefined(target);
      if (there !== undefined && hashBytes(there) === prev.hashes[i]) {
        rows.add(file.path, file.key, prev.hashes[i]!, stat, isSettled(stat, startedMs));
        continue;
      }
    }
    recordChanged = true;
    if (++rendered === RENDERED_FOR_LONG_RUN) site.longRun?.();
    const bytes = Buffer.from(file.render());
    const hash = hashBytes(bytes);
    if (stat?.isFile() && stat.size === bytes.length) {
      const there = readOrUndefined(target);
      if (there !== undefined && there.equals(bytes)) {
        rows.add(file.path, file.key, hash, stat, isSettled(stat, startedMs));
        continue;
      }
    }
    staged.push({ file, bytes, hash, inTheWay: stat !== undefined && !stat.isFile() });
  }
  const plannedDirs = plannedDirsOf(plan);
  const watched = watchedDirsOf(plan, plannedDirs);

  // 2. What no longer belongs: files of the last export not planned now (and their folders),
  // and, where a watched folder changed (or after a killed run, everywhere), whatever it holds
  // that the plan does not.
  const removals = new Set<string>();
  for (const p of rowOf.unmatched()) {
    if (planned().has(p)) continue;
    removals.add(p);
    for (let slash = p.lastIndexOf('/'); slash > 0; slash = p.lastIndexOf('/', slash - 1)) {
      const dir = p.slice(0, slash);
      if (plannedDirs.has(dir)) break;
      removals.add(dir);
    }
  }
  const dirStats = new Map<string, fs.Stats>();
  if (previous.trusted) {
    const d = previous.dirs;
    const before = new Map<string, number>();
    for (let i = 0; i < d.paths.length; i++) before.set(d.paths[i]!, i);
    for (const rel of watched) {
      const stat = lstatOrUndefined(join(out, rel));
      if (stat === undefined) continue;
      dirStats.set(rel, stat);
      const i = before.get(rel);
      if (i === undefined || stat.ino !== d.ino[i] || stat.mtimeMs !== d.mtimeMs[i] || stat.ctimeMs !== d.ctimeMs[i]) scanDir(out, rel, planned(), plannedDirs, removals, false);
    }
  } else {
    scanDir(out, '', planned(), plannedDirs, removals, true);
  }
  if (removals.size > 0) recordChanged = true;
  if (previous.plan !== site.key) recordChanged = true;

  if (staged.length === 0 && removals.size === 0) {
    if (recordChanged || tablesChanged(previous, tables)) saveRecord(out, site.key, postsId, tables, rows.table, dirTable(out, watched, dirStats, new Set()), site.postPages?.());
    return { files: plan.length, written: 0, removed: 0 };
  }

  // 3. Write: each file aside in its own folder, then renamed over; removals last.
  const flag = writingFlagOf(out);
  const touched = new Set<string>();
  let current = flag;
  try {
    fs.writeFileSync(flag, `${process.pid}\n`);
    for (const s of staged) {
      const target = join(out, s.file.path);
      const slash = s.file.path.lastIndexOf('/');
      const dir = slash < 0 ? '' : s.file.path.slice(0, slash);
      ensureDir(out, dir, touched);
      if (s.inTheWay) fs.rmSync(target, { recursive: true, force: true });
      const temp = join(out, `${dir === '' ? '' : `${dir}/`}.${s.file.path.slice(slash + 1)}${TEMP_INFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
      try {
        current = temp;
        fs.writeFileSync(temp, s.bytes, { flag: 'wx' });
        fs.renameSync(temp, target);
      } catch (error) {
        fs.rmSync(temp, { force: true });
        throw error;
      }
      touched.add(dir);
      rows.add(s.file.path, s.file.key, s.hash, fs.lstatSync(target), false);
    }
    const ordered = [...removals].sort((a, b) => b.length - a.length);
    for (const rel of ordered) {
      if (planned().has(rel) || plannedDirs.has(rel)) continue;
      fs.rmSync(join(out, rel), { recursive: true, force: true });
      const slash = rel.lastIndexOf('/');
      touched.add(slash < 0 ? '' : rel.slice(0, slash));
    }
    fsyncDir(out);
  } catch (error) {
    throw fsError(error, `mise à jour du site ${out} interrompue (les fichiers déjà remplacés sont complets ; relancez l’export pour finir)`, current);
  }
  saveRecord(out, site.key, postsId, tables, rows.table, dirTable(out, watched, dirStats, touched), site.postPages?.());
  fs.rmSync(flag, { force: true });
  return { files: plan.length, written: staged.length, removed: [...removals].filter((r) => !plannedDirs.has(r)).length };
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Makes `dir` (relative) and its parents, removing a file that stands where a folder must be. */
function ensureDir(out: string, dir: string, touched: Set<string>): void {
  if (dir === '') return;
  const full = join(out, dir);
  const stat = lstatOrUndefined(full);
  if (stat?.isDirectory()) return;
  const slash = dir.lastIndexOf('/');
  const parent = slash < 0 ? '' : dir.slice(0, slash);
  ensureDir(out, parent, touched);
  if (stat !== undefined) fs.rmSync(full, { force: true });
  fs.mkdirSync(full);
  touched.add(parent);
  touched.add(dir);
}

/** Adds to `removals` what folder `rel` holds that the plan does not (recursively into planned folders when `deep`). */
function scanDir(out: string, rel: string, planned: Set<string>, plannedDirs: Set<string>, removals: Set<string>, deep: boolean): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(join(out, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (rel === '' && entry.name === EXPORT_MARKER && entry.isFile()) continue;
    if (entry.isDirectory() && plannedDirs.has(child)) {
      if (deep) scanDir(out, child, planned, plannedDirs, removals, true);
      continue;
    }
    if (entry.isFile() && planned.has(child)) continue;
    removals.add(child);
  }
}

function dirTable(out: string, watched: readonly string[], seen: Map<string, fs.Stats>, touched: Set<string>): DirTable {
  const dirs = emptyDirs();
  for (const rel of watched) {
    const stat = !touched.has(rel) ? seen.get(rel) ?? lstatOrUndefined(join(out, rel)) : lstatOrUndefined(join(out, rel));
    if (stat?.isDirectory()) addDir(dirs, rel, stat);
  }
  return dirs;
}

function saveRecord(out: string, plan: string, postsId: string, tables: ContentTables, files: FileTable, dirs: DirTable, postPages: PostPages | undefined): void {
  const record: ExportRecord = { format: RECORD_FORMAT, news: packageVersion(), plan, content: postsId, posts: tables.posts, statics: tables.statics, files, dirs, ...(postPages ? { postPages } : {}) };
  try {
    writeFileAtomic(recordFileOf(out), v8.serialize(record), { mode: 0o600 });
  } catch {
    // Only a shortcut: without it the next export checks every file, and the site is right.
    fs.rmSync(recordFileOf(out), { force: true });
  }
  if (!fs.existsSync(path.join(out, EXPORT_MARKER))) writeFileAtomic(path.join(out, EXPORT_MARKER), MARKER_TEXT);
}

/**
 * Removes what an export killed half-way left beside `out` (`.<name>.news-build-<pid>-…`, and
 * the `.<name>.news-old-<pid>-…` of versions that swapped folders, unless its process still
 * runs). When `out` itself is missing and such an old copy is complete, it is put back first.
 */
export function removeLeftoversBeside(out: string): void {
  fs.rmSync(oldRecordFileOf(out), { force: true });
  const parent = path.dirname(out);
  const name = path.basename(out);
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return;
  }
  const prefix = `.${name}.news-`;
  for (const entry of names.sort()) {
    if (!entry.startsWith(prefix)) continue;
    const match = /^(build|old)-(\d+)-[0-9a-f]+$/.exec(entry.slice(prefix.length));
    if (!match || Number(match[2]) === process.pid || isProcessRunning(Number(match[2]))) continue;
    const leftover = path.join(parent, entry);
    if (match[1] === 'old' && !fs.existsSync(out) && fs.existsSync(path.join(leftover, EXPORT_MARKER))) {
      try {
        fs.renameSync(leftover, out);
        continue;
      } catch {
        // removed below
      }
    }
    fs.rmSync(leftover, { recursive: true, force: true });
  }
}
