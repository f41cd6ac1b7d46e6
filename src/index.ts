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
import { failOnProblems, loadPosts, loadSite, resolveContentDir, type PostProblem } from './store/content.js';
import { addPost, type NewPostInput, type NewPostResult } from './store/new-post.js';
import { addImportedPosts, type AlreadyThere, type ImportedFile } from './store/import-posts.js';
import { withContentLock } from './store/lock.js';
import { validateContent as validateIn, type ValidationReport } from './store/validate.js';
import type { FinishedRun } from './store/unfinished.js';
import { collectImportFiles, readImportSource, type ImportProblem, type ImportSource } from './import/sources.js';

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

const DEFAULT_LOCK_TIMEOUT_MS = 30_000;

function dirOf(content: Content | string): string {
  return typeof content === 'string' ? openContent(content).dir : content.dir;
}
