/**
 * `@actualites/news` for Node scripts: the functions the `news` commands are made of, without
 * commander and without `process`. Nothing here prints, exits, or reads the environment or
 * the clock except through what the caller passes (`now` defaults to the current time,
 * `cwd` to the current folder). Errors are `NewsError`s: a French message and a `code`
 * ('USAGE', 'NOT_FOUND', 'INVALID_CONTENT', 'CONFLICT', 'LOCKED', 'IO', 'FOUND', 'ERROR').
 * See docs/api.md.
 */
import { findDuplicates as findDuplicatesIn, DEFAULT_WINDOW_DAYS, type DedupeFindings } from './core/dedupe/index.js';
import type { Site } from './core/site.js';
import type { Post, Status } from './core/post.js';
import { failOnProblems, loadPosts, loadSite, resolveContentDir, type PostProblem } from './store/content.js';
import { addPost, type NewPostInput, type NewPostResult } from './store/new-post.js';
import { addImportedPosts, type AlreadyThere, type ImportedFile } from './store/import-posts.js';
import { withContentLock } from './store/lock.js';
import { validateContent as validateIn, type ValidationReport } from './store/validate.js';
import type { FinishedRun } from './store/unfinished.js';
import { collectImportFiles, readImportSource, type ImportProblem, type ImportSource } from './import/sources.js';
import { changePost, renamePost as renameIn, type ChangeResult } from './store/change.js';
import { restoreTrashedPost, trashedPosts as trashedIn, trashPosts, type TrashedPost } from './store/removal.js';
import { changeViews, type ChangedViews } from './store/views.js';
import { importViews, type ViewsImportReport } from './import/views.js';
import type { LogFormat } from './import/accesslog.js';
import type { StepOutcome } from './store/journal.js';
import { uniqueTags } from './core/tags.js';
import { exportContent, type ExportResult } from './store/export.js';
import os from 'node:os';
import path from 'node:path';

export { NewsError, isNewsError, EXIT_OK, EXIT_FOUND, EXIT_ERROR, type NewsErrorCode } from './core/errors.js';
export { SCHEMA_VERSION, STATUSES, checkPost, serializePost, type Post, type PostListing, type Status, type PostCheck, type SchemaProblem } from './core/post.js';
export type { Site } from './core/site.js';
export { slugify, isValidSlug } from './core/slug.js';
export { parsePostDate, type PostDate, type CalendarDay } from './core/dates.js';
export { formatDateFr, formatViewsFr } from './format/french.js';
export { jsonSchemas, SCHEMA_FILES } from './core/schemas.js';
export { loadPosts, loadSite, type LoadedPost, type LoadResult, type PostProblem } from './store/content.js';
export type { ValidationReport } from './store/validate.js';
export type { FinishedRun } from './store/unfinished.js';
export type { NewPostInput, NewPostResult } from './store/new-post.js';
export type { DedupeFindings, DuplicateGroup, DuplicateEntry, RepeatedEntry } from './core/dedupe/find.js';
export type { ImportedFile, AlreadyThere } from './store/import-posts.js';
export type { ImportProblem, ImportSource } from './import/sources.js';
export { IMPORT_SOURCES } from './import/sources.js';
export { EXPORT_FORMATS, type ExportFormat, type ExportResult } from './store/export.js';
export type { ChangeResult, FieldChange, LocatedPost } from './store/change.js';
export type { TrashedPost } from './store/removal.js';
export type { ChangedViews } from './store/views.js';
export type { ViewsImportReport, LogFileReport } from './import/views.js';
export type { LogFormat, SkipReason } from './import/accesslog.js';

/** A content folder: its absolute path and its settings (site.json, time zone defaulted). */
export interface Content {
  dir: string;
  site: Site;
}

/**
 * Opens a content folder (`site.json`, `posts/`): checks that it is a folder and reads
 * site.json. `dir` is relative to `options.cwd` (default: the current folder).
 */
export function openContent(dir: string, options: { cwd?: string } = {}): Content {
  const resolved = resolveContentDir(dir, {}, options.cwd ?? process.cwd());
  return { dir: resolved, site: loadSite(resolved) };
}

/** Where an operation may take its time and the lock from. */
export interface ClockOptions {
  /** The current time (default: now). */
  now?: Date;
  /** How long to wait for another command holding the content lock, in ms (default 30 000). */
  lockTimeoutMs?: number;
}

/**
 * Creates a post (as `news new` does without a terminal): slug made from the title (or
 * `input.slug`), an id, views 0, createdAt/updatedAt from `now`; never overwrites a file.
 */
export function createPost(content: Content | string, input: NewPostInput, options: ClockOptions = {}): Promise<NewPostResult> {
  return addPost(dirOf(content), input, { now: options.now ?? new Date(), lockTimeoutMs: options.lockTimeoutMs });
}

/**
 * What `news validate` checks: site.json, every post file (JSON, schema, slug equal to the
 * file name), slugs and aliases claimed twice; `ok` is false when anything is wrong. A
 * `dedupe --apply` or `rm` killed half-way is finished first, as every reader does
 * (`onFinished` hears of it).
 */
export function validateContent(content: Content | string, options: ClockOptions & { onFinished?: (run: FinishedRun) => void } = {}): Promise<ValidationReport> {
  return validateIn(dirOf(content), { now: options.now ?? new Date(), lockTimeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, onFinished: options.onFinished });
}

export interface FindDuplicatesOptions {
  /** Minimal estimated similarity of near duplicates, in ]0, 1] (default 0.9). */
  threshold?: number;
  /** Posts dated more than this many days apart are never duplicates (default 30). */
  windowDays?: number;
}

/**
 * What `news dedupe` reports, without changing anything: groups of duplicate posts (the one
 * kept first) and posts whose text repeats itself. A broken post file is an error
 * (INVALID_CONTENT), as for the command.
 */
export function findDuplicates(content: Content | string, options: FindDuplicatesOptions = {}): DedupeFindings {
  const dir = dirOf(content);
  const site = loadSite(dir);
  const { posts, problems } = loadPosts(dir);
  failOnProblems(problems, 'recherche des doublons impossible');
  return findDuplicatesIn(posts.map(({ post }) => post), {
    threshold: options.threshold ?? 0.9,
    windowDays: options.windowDays ?? DEFAULT_WINDOW_DAYS,
    timeZone: site.timeZone,
  });
}

export interface ImportOptions extends Pick<ClockOptions, 'lockTimeoutMs'> {
  /** What the files are: pages of the old site (default) or a feed. */
  from?: ImportSource;
  /** Decide and report, write nothing. */
  dryRun?: boolean;
  /** Tags added to every imported post. */
  tags?: string[];
  /** Where relative paths start (default: the current folder). */
  cwd?: string;
}

export interface ImportReport {
  created: ImportedFile[];
  skipped: AlreadyThere[];
  /** Files or items that could not be imported (the others are). */
  problems: ImportProblem[];
  /** What the command prints as warnings: conversions, odd dates, folders with other files… */
  warnings: string[];
  /** Broken post files already in the folder (left alone). */
  contentProblems: PostProblem[];
}

/**
 * Imports pages of the old site or the items of a feed (as `news import`): a folder is read
 * with its subfolders; a page already imported is reported in `skipped`, never twice.
 */
export async function importFiles(content: Content | string, paths: string[], options: ImportOptions = {}): Promise<ImportReport> {
  const dir = dirOf(content);
  const site = loadSite(dir);
  const from = options.from ?? 'legacy';
  const { files, problems, notes } = collectImportFiles(paths, from, options.cwd ?? process.cwd());
  const warnings = [...notes];
  const candidates = files.flatMap((file) => {
    const read = readImportSource(file, file, from, site, (line) => warnings.push(line));
    problems.push(...read.problems);
    return read.candidates;
  });
  const work = () => addImportedPosts(dir, candidates, { dryRun: options.dryRun, tags: options.tags });
  const added = candidates.length === 0
    ? { created: [], skipped: [], refused: [], contentProblems: [] }
    : options.dryRun ? work() : await withContentLock(dir, work, { timeoutMs: options.lockTimeoutMs });
  return { created: added.created, skipped: added.skipped, problems: [...problems, ...added.refused], warnings, contentProblems: added.contentProblems };
}

/** The fields `editPost` may change; the others (slug, id, views…) have their own functions. */
export interface PostChanges {
  title?: string;
  summary?: string;
  body?: string;
  /** `AAAA-MM-JJ` or ISO 8601 with Z or an offset. */
  date?: string;
  author?: string;
  /** Replaces the tags (kept once each, ignoring case and accents). */
  tags?: string[];
  /** `published` or `draft` (publish / unpublish). */
  status?: Status;
}

/**
 * Changes these fields of a post and nothing else (as `news edit --title …`, `news publish`):
 * under the lock, unknown fields and key order kept, `updatedAt` set when something changed.
 * `slug` may be an alias. An unknown slug is NOT_FOUND with the nearest ones in the message.
 */
export function editPost(content: Content | string, slug: string, changes: PostChanges, options: ClockOptions = {}): Promise<ChangeResult> {
  const { dir, site } = contentOf(content);
  const fields = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
  if (changes.tags) fields.tags = uniqueTags(changes.tags);
  return changePost(dir, slug, () => fields, { now: options.now ?? new Date(), timeZone: site.timeZone, env: lockEnv(options) });
}

/** Renames a post (`news rename`): new file and slug, the old slug kept in `aliases`. */
export function renamePost(content: Content | string, slug: string, newSlug: string, options: ClockOptions = {}): Promise<ChangeResult & { oldFile: string }> {
  const { dir, site } = contentOf(content);
  return renameIn(dir, slug, newSlug, { now: options.now ?? new Date(), timeZone: site.timeZone, env: lockEnv(options) });
}

/** Moves posts to the trash (`news rm`), journaled: `restorePost` or `dedupe --undo <run>` puts them back. */
export function removePosts(content: Content | string, slugs: string[], options: ClockOptions = {}): Promise<{ runId: string; removed: Post[]; skipped: StepOutcome[] }> {
  const { dir, site } = contentOf(content);
  return trashPosts(dir, slugs, { now: options.now ?? new Date(), timeZone: site.timeZone, env: lockEnv(options) });
}

/** Puts a removed post back (`news restore`); CONFLICT when its slug or an alias was taken meanwhile. */
export function restorePost(content: Content | string, slug: string, options: ClockOptions = {}): Promise<{ file: string; post: Post; runId: string }> {
  const { dir, site } = contentOf(content);
  return restoreTrashedPost(dir, slug, { now: options.now ?? new Date(), timeZone: site.timeZone, env: lockEnv(options) });
}

/** What the trash holds (`news trash`). */
export function trashedPosts(content: Content | string): TrashedPost[] {
  return trashedIn(dirOf(content));
}

/** Sets (`mode: 'set'`) or corrects (`mode: 'add'`, maybe negative) a post's views (`news views set|add`). */
export function changePostViews(content: Content | string, slug: string, mode: 'set' | 'add', value: number, options: ClockOptions = {}): Promise<ChangedViews> {
  const { dir, site } = contentOf(content);
  return changeViews(dir, slug, { mode, value }, { now: options.now ?? new Date(), timeZone: site.timeZone, env: lockEnv(options) });
}

export interface CountReadsOptions extends ClockOptions {
  /** Where relative log paths start (default: the current folder). */
  cwd?: string;
  /** For a log named `-`. */
  stdin?: NodeJS.ReadableStream;
  /** Overrides site.json's baseUrl: an absolute URL or a path (`/actualites/`). */
  baseUrl?: string;
  /** Forces the log format instead of recognising it. */
  format?: LogFormat;
  dryRun?: boolean;
}

/**
 * Adds the reads found in web server access logs to the posts' views (`news views import`):
 * idempotent, a log read again, grown or rotated adds only lines never counted.
 */
export function countReads(content: Content | string, logs: string[], options: CountReadsOptions = {}): Promise<ViewsImportReport> {
  return importViews({
    contentDir: dirOf(content),
    logs,
    stdin: options.stdin,
    cwd: options.cwd ?? process.cwd(),
    baseUrl: options.baseUrl,
    format: options.format,
    dryRun: options.dryRun,
    now: options.now ?? new Date(),
    env: lockEnv(options),
  });
}

export interface ExportFeedOptions extends ClockOptions {
  /** Else site.json's baseUrl (links are absolute: one of the two is required). */
  baseUrl?: string;
  /** At most this many posts, the newest (default 20). */
  limit?: number;
  /** Only the posts with this tag. */
  tag?: string;
  /** Scheduled posts too. */
  future?: boolean;
  /** Drafts too. */
  drafts?: boolean;
}

/** A feed (`news export rss|atom|json`) as a string: published posts dated up to `now`, newest first. */
export async function exportFeed(content: Content | string, format: 'rss' | 'atom' | 'json', options: ExportFeedOptions = {}): Promise<string> {
  const result = await exportContent(dirOf(content), {
    format, baseUrl: options.baseUrl, limit: options.limit, tag: options.tag === undefined ? undefined : [options.tag],
    future: options.future, drafts: options.drafts, now: options.now ?? new Date(), env: lockEnv(options),
  });
  return result.document!;
}

export interface ExportSiteOptions extends Omit<ExportFeedOptions, 'limit'> {
  /** At most this many posts (default: all). */
  limit?: number;
  /** Where a relative `out` starts (default: the current folder). */
  cwd?: string;
  /** Never export into this folder (default: the user's home folder). */
  home?: string;
}

/**
 * The static site (`news export html --out <out>`): written incrementally (only the files
 * whose bytes change), each file replaced atomically; `out` must be empty, new, or made by news.
 */
export function exportSite(content: Content | string, out: string, options: ExportSiteOptions = {}): Promise<ExportResult> {
  return exportContent(dirOf(content), {
    format: 'html', out: path.resolve(options.cwd ?? process.cwd(), out), baseUrl: options.baseUrl, limit: options.limit,
    tag: options.tag === undefined ? undefined : [options.tag], future: options.future, drafts: options.drafts,
    now: options.now ?? new Date(), env: lockEnv(options), home: options.home ?? os.homedir(),
  });
}

const DEFAULT_LOCK_TIMEOUT_MS = 30_000;

/** The environment handed to store functions that read it: no cache, only the lock's wait when given. */
function lockEnv(options: ClockOptions): Record<string, string> {
  return options.lockTimeoutMs === undefined ? {} : { NEWS_LOCK_TIMEOUT: String(options.lockTimeoutMs) };
}

function contentOf(content: Content | string): Content {
  return typeof content === 'string' ? openContent(content) : content;
}

function dirOf(content: Content | string): string {
  return typeof content === 'string' ? openContent(content).dir : content.dir;
}
