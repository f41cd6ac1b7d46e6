import fs from 'node:fs';
import path from 'node:path';
import { NewsError } from '../core/errors.js';
import { formatIsoInstant } from '../core/dates.js';
import { checkPost, serializeInOrder, withFields, type Post } from '../core/post.js';
import { isValidSlug } from '../core/slug.js';
import { nearestSlugs } from '../core/suggest.js';
import { createFileExclusive, fsyncDir, writeFileAtomic, type WriteFs } from './atomic.js';
import { loadPostListings } from './cache.js';
import { checkContentFolders, checkedPostText, postFile } from './content.js';
import { lockTimeoutFromEnv, withContentLock } from './lock.js';
import { parseJsonText, readTextStrict, ReadProblem } from './read.js';
import { finishPendingRuns, type FinishedRun } from './unfinished.js';

/**
 * Changing one post in place (`edit`, `publish`, `unpublish`, `views`): under the content
 * lock, the file is read as it is now, the change worked out from it, and the result written
 * atomically with `updatedAt` set. The file keeps its key order and every field this version
 * does not know (withFields): a rewrite differs from the old file only in what changed.
 */

type Env = Readonly<Record<string, string | undefined>>;

export interface LocatedPost {
  slug: string;
  file: string;
  /** The name asked for, when it was an alias of this post. */
  viaAlias?: string;
}

/** Anything under that name, a link or a FIFO included: the reader says what is wrong with it. */
function entryExists(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * The post file for a slug: `posts/<slug>.json`, else the post listing it among its aliases.
 * An unknown name is NOT_FOUND (exit 2) with the nearest slugs.
 */
export function locatePost(contentDir: string, slug: string, timeZone: string, env: Env): LocatedPost {
  checkContentFolders(contentDir); // a symlinked posts/ is refused, not followed
  if (isValidSlug(slug)) {
    const file = postFile(contentDir, slug);
    if (entryExists(file)) return { slug, file };
  }
  const { posts } = loadPostListings(contentDir, timeZone, env);
  const owner = posts.find(({ post }) => post.aliases.includes(slug));
  if (owner) return { slug: owner.post.slug, file: owner.file, viaAlias: slug };
  const suggestions = nearestSlugs(slug, posts.map(({ post }) => post.slug));
  const hint = suggestions.length > 0 ? ` Slugs proches : ${suggestions.join(', ')}.` : ' Voir news list --all pour les slugs existants.';
  throw new NewsError(`aucun billet « ${slug} » (ni slug ni alias).${hint}`, 2, { code: 'NOT_FOUND' });
}

/** A post file read for a change: the object as the file holds it, and the post it checks as. */
export interface PostForChange {
  raw: Record<string, unknown>;
  post: Post;
}

export function readPostForChange(contentDir: string, file: string): PostForChange {
  const shown = path.relative(contentDir, file) || file;
  let raw: unknown;
  try {
    raw = parseJsonText(readTextStrict(file), file);
  } catch (error) {
    if (error instanceof ReadProblem) {
      throw new NewsError(`billet illisible : ${error.describe(shown)} ; corrigez-le d’abord (news validate)`, 2, { code: 'INVALID_CONTENT' });
    }
    throw error;
  }
  // checkPost fills defaults in what it is given: give it a copy, so the file's own keys stay as they are.
  const check = checkPost(raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? { ...raw } : raw);
  if (!check.ok) {
    const reasons = check.problems.map((p) => `champ ${p.field} : ${p.reason}`).join(' ; ');
    throw new NewsError(`billet invalide : ${shown} : ${reasons} ; corrigez-le d’abord (news validate)`, 2, { code: 'INVALID_CONTENT' });
  }
  return { raw: raw as Record<string, unknown>, post: check.post };
}

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface ChangeResult {
  file: string;
  /** The post as written (or as it was, when nothing changed). */
  post: Post;
  /** The fields that changed, `updatedAt` left out; empty when nothing was written. */
  changes: FieldChange[];
  located: LocatedPost;
  /** Runs a crash left half done, finished first (a change never lands on a half-merged folder). */
  finished: FinishedRun[];
}

/** The fields a post should take: a field set to undefined is removed. */
export type ComputeChanges = (post: Post) => Readonly<Record<string, unknown>>;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Applies a change to a read post and writes it (the caller holds the lock). Nothing is
 * written when every field already has its value. The result must still be a sound post.
 */
export function writeChanges(contentDir: string, file: string, read: PostForChange, changes: Readonly<Record<string, unknown>>, at: string, options: { fs?: WriteFs } = {}): { post: Post; changes: FieldChange[] } {
  const real: FieldChange[] = [];
  const effective: Record<string, unknown> = {};
  for (const [field, after] of Object.entries(changes)) {
    const before = read.post[field];
    if (same(before, after)) continue;
    real.push({ field, before, after });
    effective[field] = after;
  }
  if (real.length === 0) return { post: read.post, changes: [] };
  const next = withFields(read.raw, { ...effective, updatedAt: at });
  const check = checkPost({ ...next });
  if (!check.ok) {
    throw new NewsError(`modification refusée, le billet serait invalide : ${check.problems.map((p) => `champ ${p.field} : ${p.reason}`).join(' ; ')}`, 2, { code: 'USAGE' });
  }
  if (next.slug !== read.post.slug) throw new NewsError('le slug ne change pas avec news edit : utilisez news rename', 2, { code: 'USAGE' });
  writeFileAtomic(file, checkedPostText(file, serializeInOrder(next)), options);
  return { post: check.post, changes: real };
}

export interface ChangeOptions {
  now: Date;
  timeZone: string;
  env: Env;
  fs?: WriteFs;
}

/** Finds the post, takes the lock, reads it as it is now, applies `compute`'s fields, writes. */
export async function changePost(contentDir: string, slug: string, compute: ComputeChanges, options: ChangeOptions): Promise<ChangeResult> {
  const at = formatIsoInstant(options.now, options.timeZone);
  return withContentLock(contentDir, async () => {
    const finished = await finishPendingRuns(contentDir, at);
    const located = locatePost(contentDir, slug, options.timeZone, options.env);
    const read = readPostForChange(contentDir, located.file);
    const written = writeChanges(contentDir, located.file, read, compute(read.post), at, { fs: options.fs });
    return { file: located.file, located, finished, ...written };
  }, { timeoutMs: lockTimeoutFromEnv(options.env) });
}

/**
 * `news rename`: the post moves to `posts/<newSlug>.json` with its slug changed and the old
 * slug added to its aliases (so its old URL redirects). Refused when the new slug is invalid or
 * claimed by a post or an alias (one of this post's own aliases may be taken back). The new
 * file is created exclusively before the old one goes: a crash between leaves both, never none.
 */
export async function renamePost(contentDir: string, slug: string, newSlug: string, options: ChangeOptions): Promise<ChangeResult & { oldFile: string }> {
  if (!isValidSlug(newSlug)) {
    throw new NewsError(`nouveau slug invalide « ${newSlug} » : lettres minuscules sans accent, chiffres et tirets simples (ex. portes-ouvertes-2026), 80 caractères au plus`, 2, { code: 'USAGE' });
  }
  const at = formatIsoInstant(options.now, options.timeZone);
  return withContentLock(contentDir, async () => {
    const finished = await finishPendingRuns(contentDir, at);
    const located = locatePost(contentDir, slug, options.timeZone, options.env);
    const read = readPostForChange(contentDir, located.file);
    const old = read.post.slug;
    if (newSlug === old) throw new NewsError(`le billet s’appelle déjà « ${newSlug} »`, 2, { code: 'USAGE' });
    const newFile = postFile(contentDir, newSlug);
    for (const { post } of loadPostListings(contentDir, options.timeZone, options.env).posts) {
      if (post.slug === old) continue;
      if (post.slug === newSlug) throw new NewsError(`« ${newSlug} » est déjà le slug d’un autre billet : choisissez-en un autre`, 2, { code: 'CONFLICT' });
      if (post.aliases.includes(newSlug)) throw new NewsError(`« ${newSlug} » est déjà un alias du billet « ${post.slug} » (une ancienne adresse) : choisissez-en un autre`, 2, { code: 'CONFLICT' });
    }
    if (entryExists(newFile)) throw new NewsError(`posts/${newSlug}.json existe déjà : choisissez un autre slug`, 2, { code: 'CONFLICT' });
    const aliases = [...read.post.aliases.filter((a) => a !== newSlug), old];
    const next = withFields(read.raw, { slug: newSlug, aliases, updatedAt: at });
    const check = checkPost({ ...next });
    if (!check.ok) throw new NewsError(`renommage refusé : ${check.problems.map((p) => `champ ${p.field} : ${p.reason}`).join(' ; ')}`, 2, { code: 'USAGE' });
    try {
      createFileExclusive(newFile, serializeInOrder(next), { fs: options.fs });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new NewsError(`posts/${newSlug}.json existe déjà : choisissez un autre slug`, 2, { code: 'CONFLICT' });
      throw error;
    }
    fs.unlinkSync(located.file);
    fsyncDir(path.dirname(located.file));
    return {
      file: newFile,
      oldFile: located.file,
      located,
      finished,
      post: check.post,
      changes: [{ field: 'slug', before: old, after: newSlug }, { field: 'aliases', before: read.post.aliases, after: aliases }],
    };
  }, { timeoutMs: lockTimeoutFromEnv(options.env) });
}
