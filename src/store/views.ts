import fs from 'node:fs';
import path from 'node:path';
import { NewsError } from '../core/errors.js';
import type { Post } from '../core/post.js';
import { fsyncDir, writeAll, writeFileAtomic } from './atomic.js';
import { listPostFiles, loadPostFile, postFile, postFileText, postsDir, savePost } from './content.js';
import { fileSystemError } from './errors.js';
import { parseJsonText, ReadProblem } from './read.js';
import { loadPostListings } from './cache.js';
import { lockTimeoutFromEnv, withContentLock } from './lock.js';
import { nearestSlugs } from '../core/suggest.js';
import { isValidSlug } from '../core/slug.js';
import { formatIsoInstant } from '../core/dates.js';
import { KeySet } from '../core/keyset.js';

/*
 * What `news views import` remembers, `<content>/.news/views.json`:
 * - `logs`: per log stream (known by the hash of its first line, so a renamed, rotated or
 *   compressed copy is the same stream), how far it was counted: byte offset, line count, and
 *   the hash of the last line counted, to tell a grown file from a replaced one;
 * - `visitors`: per calendar day, the keys (client address, agent, post, day) already counted,
 *   so a visitor seen again in a later import of the same day is not counted twice;
 * - `pending`: the views an import adds, written in the same atomic write as the new offsets.
 *
 * That one write is the commit: before it, nothing changed (a killed import counts again from
 * the same lines); after it, the post files are brought to the pending views, and any later
 * views command finishes that first if the import was killed in between. Each pending entry
 * holds the target views and the amount added, so finishing it twice changes nothing.
 */

export const STATE_DIR = '.news';
export const VIEWS_STATE_FILE = 'views.json';
const STATE_FORMAT = 'news-views-state';
const STATE_VERSION = 1;
/** Visitor keys older than this many days before the newest day seen are forgotten. */
export const VISITOR_DAYS_KEPT = 62;

export interface LogStreamState {
  offset: number;
  lines: number;
  /** The last line counted (its bytes, line break included): length and SHA-256. */
  tail: { length: number; sha256: string };
  /** The file it was last read from, for people reading the state. */
  file: string;
  importedAt: string;
}

export interface PendingViews {
  updatedAt: string;
  posts: Array<{ slug: string; views: number; add: number }>;
}

export interface ViewsState {
  /** Per first-line hash, the streams counted (longest first). */
  logs: Record<string, LogStreamState[]>;
  /** `YYYY-MM-DD` → visitor keys (53-bit integers) as little-endian float64, base64. */
  visitors: Record<string, string>;
  pending?: PendingViews;
  /** Fields a later version may add, kept. */
  [key: string]: unknown;
}

export function viewsStateFile(contentDir: string): string {
  return path.join(contentDir, STATE_DIR, VIEWS_STATE_FILE);
}

export function loadViewsState(contentDir: string): ViewsState {
  const file = viewsStateFile(contentDir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { logs: {}, visitors: {} };
    throw new NewsError(`lecture impossible de ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, undefined, { code: 'IO' });
  }
  let value: unknown;
  try {
    value = parseJsonText(text, file);
  } catch (error) {
    if (error instanceof ReadProblem) {
      throw new NewsError(`${error.describe()} : l’état de news views import est abîmé ; restaurez-le depuis une sauvegarde, ou supprimez-le (les journaux déjà comptés le seraient à nouveau)`, undefined, { code: 'INVALID_CONTENT' });
    }
    throw error;
  }
  const v = value as Partial<ViewsState> & { format?: unknown; version?: unknown };
  if (!v || typeof v !== 'object' || v.format !== STATE_FORMAT || v.version !== STATE_VERSION || typeof v.logs !== 'object' || typeof v.visitors !== 'object') {
    throw new NewsError(`${file} : ce n’est pas un état de news views import (format ${STATE_FORMAT} version ${STATE_VERSION}) ; restaurez-le ou supprimez-le`, undefined, { code: 'INVALID_CONTENT' });
  }
  return v as ViewsState;
}

export function saveViewsState(contentDir: string, state: ViewsState): void {
  const file = viewsStateFile(contentDir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const { logs, visitors, pending, ...rest } = state;
  const out: Record<string, unknown> = { ...rest, format: STATE_FORMAT, version: STATE_VERSION, logs, visitors };
  if (pending) out.pending = pending;
  writeFileAtomic(file, `${JSON.stringify(out, null, 1)}\n`);
}

/** Visitor keys of the state, by day number (days since 1970-01-01). */
export function decodeVisitors(state: ViewsState): Map<number, KeySet> {
  const days = new Map<number, KeySet>();
  for (const [name, base64] of Object.entries(state.visitors)) {
    const bytes = Buffer.from(base64, 'base64');
    const keys = new Float64Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 8));
    days.set(Math.floor(Date.parse(`${name}T00:00:00Z`) / 86_400_000), KeySet.from(keys));
  }
  return days;
}

/** Back to the stored form, sorted (the same keys give the same bytes), old days dropped. */
export function encodeVisitors(days: Map<number, KeySet>): Record<string, string> {
  const newest = Math.max(...days.keys());
  const out: Record<string, string> = {};
  for (const day of [...days.keys()].sort((a, b) => a - b)) {
    const keys = days.get(day)!;
    if (day < newest - VISITOR_DAYS_KEPT || keys.size === 0) continue;
    const sorted = keys.sortedKeys();
    out[new Date(day * 86_400_000).toISOString().slice(0, 10)] = Buffer.from(sorted.buffer).toString('base64');
  }
  return out;
}

/** Called after each durable step of a commit (tests stop the process there). */
export type CommitHook = () => void | Promise<void>;

export interface AppliedViews {
  slug: string;
  file: string;
  before: number;
  views: number;
}

/** The post a slug or an alias names now (a post may have been renamed since the import). */
function findPostFile(contentDir: string, slug: string): string | undefined {
  if (isValidSlug(slug)) {
    const direct = postFile(contentDir, slug);
    if (fs.existsSync(direct)) return direct;
  }
  for (const file of listPostFiles(contentDir).files) {
    const { post } = loadPostFile(contentDir, file, true);
    if (post?.aliases.includes(slug)) return file;
  }
  return undefined;
}

/** Posts written per batch (their texts are held in memory together, their temp files open together). */
const WRITE_BATCH = 256;
/** fsyncs in flight at once (libuv runs four by default): the file system commits them together. */
const FSYNC_CONCURRENCY = 4;

const VIEWS_TEMP_SUFFIX = '.views.tmp';

/**
 * The temp file a post is written to before it is renamed into place: one fixed name per post,
 * so a run killed before the rename leaves at most one, which the run that finishes the
 * import writes again and renames, or removes when the post has gone meanwhile.
 */
function viewsTempFile(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}${VIEWS_TEMP_SUFFIX}`);
}

/** Removes the views temp files left in `dir`; whether there was any. */
function removeViewsTempFiles(dir: string): boolean {
  let removed = false;
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith('.') || !name.endsWith(VIEWS_TEMP_SUFFIX)) continue;
    fs.rmSync(path.join(dir, name), { force: true });
    removed = true;
  }
  return removed;
}

interface PostWrite {
  target: string;
  temp: string;
  data: Buffer;
  fd?: number;
  applied: AppliedViews;
}

function fsyncAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fsync(fd, (error) => (error ? reject(error) : resolve())));
}

/**
 * Writes a batch of posts: every temp file written, their data made durable by fsyncs run
 * side by side, then each renamed into place (a name never points to a half-written post).
 * The folder itself is synced once, by the caller, after the last batch.
 */
async function writePostBatch(batch: PostWrite[], hook: CommitHook | undefined): Promise<void> {
  let current = batch[0]!;
  try {
    for (const w of batch) {
      current = w;
      w.fd = fs.openSync(w.temp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC, 0o644);
      writeAll(w.fd, w.data, w.temp);
    }
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(FSYNC_CONCURRENCY, batch.length) }, async () => {
      while (next < batch.length) {
        const w = batch[next++]!;
        current = w;
        await fsyncAsync(w.fd!);
      }
    }));
    for (const w of batch) {
      current = w;
      const fd = w.fd!;
      w.fd = undefined;
      fs.closeSync(fd);
    }
    for (const w of batch) {
      current = w;
      fs.renameSync(w.temp, w.target);
      await hook?.();
    }
  } catch (error) {
    for (const w of batch) {
      try {
        if (w.fd !== undefined) fs.closeSync(w.fd);
        fs.rmSync(w.temp, { force: true });
      } catch {
        // already failing: the first error is the one to report
      }
    }
    throw fileSystemError(error, current.target, 'write');
  }
}

/**
 * Brings the post files to the pending views, then writes the state without them. Safe to run
 * again after a kill at any point: a post already at its target is left as it is. The state
 * loses its `pending` only once every post written is durable (data synced before its rename,
 * the folder synced after the renames): a power cut can make this run be done again, never
 * undone.
 */
export async function applyPendingViews(contentDir: string, state: ViewsState, hook?: CommitHook): Promise<{ applied: AppliedViews[]; missing: string[] }> {
  const pending = state.pending;
  const applied: AppliedViews[] = [];
  const missing: string[] = [];
  if (!pending) return { applied, missing };
  let batch: PostWrite[] = [];
  let wrote = false;
  for (const entry of pending.posts) {
    const file = findPostFile(contentDir, entry.slug);
    const loaded = file === undefined ? undefined : loadPostFile(contentDir, file, true);
    if (!loaded?.post || loaded.problems.length > 0) {
      missing.push(entry.slug);
      continue;
    }
    const post = loaded.post;
    if (post.views === entry.views) {
      applied.push({ slug: post.slug, file: file!, before: entry.views - entry.add, views: post.views });
      continue;
    }
    const before = post.views;
    const updated: Post = { ...post, views: before + entry.add, updatedAt: pending.updatedAt };
    const target = postFile(contentDir, updated.slug);
    const data = Buffer.from(postFileText(target, updated), 'utf8');
    const done: AppliedViews = { slug: post.slug, file: file!, before, views: updated.views };
    batch.push({ target, temp: viewsTempFile(target), data, applied: done });
    applied.push(done);
    if (batch.length >= WRITE_BATCH) {
      await writePostBatch(batch, hook);
      batch = [];
      wrote = true;
    }
  }
  if (batch.length > 0) {
    await writePostBatch(batch, hook);
    wrote = true;
  }
  // Every post written aside is renamed by now: a temp file still there was written by a killed
  // run for a post that is no longer where it was (removed, renamed since).
  const leftovers = removeViewsTempFiles(postsDir(contentDir));
  if (wrote || leftovers) {
    try {
      fsyncDir(postsDir(contentDir));
    } catch (error) {
      throw fileSystemError(error, postsDir(contentDir), 'write');
    }
  }
  delete state.pending;
  saveViewsState(contentDir, state);
  await hook?.();
  return { applied, missing };
}

/**
 * Finishes an import that was killed after its commit. Call it holding the content lock,
 * before anything else changes views. Returns what it did (nothing when nothing was pending).
 */
export async function finishPendingViews(contentDir: string): Promise<{ applied: AppliedViews[]; missing: string[] } | undefined> {
  const file = viewsStateFile(contentDir);
  if (!fs.existsSync(file)) return undefined;
  const state = loadViewsState(contentDir);
  if (!state.pending) return undefined;
  return applyPendingViews(contentDir, state);
}

export interface ViewsChange {
  /** `set`: the views become `value`; `add`: `value` (maybe negative) is added. */
  mode: 'set' | 'add';
  value: number;
}

export interface ChangedViews {
  post: Post;
  file: string;
  before: number;
  /** An import killed after its commit, finished first. */
  finished?: AppliedViews[];
}

/**
 * `news views set|add`: under the content lock, finishes a killed import first, then writes
 * the post with its new views and `updatedAt`. A slug or one of its aliases names the post.
 */
export async function changeViews(
  contentDir: string,
  slug: string,
  change: ViewsChange,
  options: { now: Date; timeZone: string; env?: Readonly<Record<string, string | undefined>> },
): Promise<ChangedViews> {
  if (!Number.isSafeInteger(change.value) || (change.mode === 'set' && change.value < 0)) {
    throw new NewsError(`nombre de lectures « ${change.value} » : attendu un entier${change.mode === 'set' ? ' ≥ 0' : ''}`, undefined, { code: 'USAGE' });
  }
  const env = options.env ?? {};
  return withContentLock(contentDir, async () => {
    const finished = await finishPendingViews(contentDir);
    const file = findPostFile(contentDir, slug);
    if (file === undefined) {
      const known = loadPostListings(contentDir, options.timeZone, env).posts.map(({ post }) => post.slug);
      const near = nearestSlugs(slug, known);
      const hint = near.length > 0 ? ` Slugs proches : ${near.join(', ')}.` : ' Voir news list --all pour les slugs existants.';
      throw new NewsError(`aucun billet « ${slug} » (ni slug ni alias).${hint}`, undefined, { code: 'NOT_FOUND' });
    }
    const loaded = loadPostFile(contentDir, file);
    if (!loaded.post || loaded.problems.length > 0) {
      throw new NewsError(`billet illisible, rien n’a changé :\n  ${loaded.problems.map((p) => p.message).join('\n  ')}`, undefined, { code: 'INVALID_CONTENT' });
    }
    const before = loaded.post.views;
    const views = change.mode === 'set' ? change.value : before + change.value;
    if (views < 0) {
      throw new NewsError(`${loaded.post.slug} a ${before} lecture(s) : en ajouter ${change.value} donnerait ${views}, or le nombre de lectures ne peut pas être négatif ; rien n’a changé`, undefined, { code: 'USAGE' });
    }
    if (!Number.isSafeInteger(views)) {
      throw new NewsError(`${loaded.post.slug} : ${views} lectures dépasse le plus grand entier exact ; rien n’a changé`, undefined, { code: 'USAGE' });
    }
    const post: Post = { ...loaded.post, views, updatedAt: formatIsoInstant(options.now, options.timeZone) };
    const written = savePost(contentDir, post);
    return { post, file: written, before, ...(finished && finished.applied.length > 0 ? { finished: finished.applied } : {}) };
  }, { timeoutMs: lockTimeoutFromEnv(env) });
}
