import fs from 'node:fs';
import { NewsError } from '../core/errors.js';
import { formatIsoInstant } from '../core/dates.js';
import { loadPostListings } from './cache.js';
import { locatePost, readPostForChange } from './change.js';
import { lockTimeoutFromEnv, withContentLock } from './lock.js';
import type { Post } from '../core/post.js';
import { loadPostFile, savePost } from './content.js';
import {
  applyJournal, journalCommand, readJournal, runStatus, startRun, trashStep, undoStep,
  type JournalCommand, type StepHook, type StepOutcome,
} from './journal.js';
import { listRunIds, removeRunDir, trashedPostFile } from './trash.js';
import { finishPendingRuns, type FinishedRun } from './unfinished.js';

/**
 * `news rm` and `news restore`, on the dedupe journal: a removal is a run whose steps are all
 * `trash` steps (no `into`), written before anything moves and carried out by applyJournal, so a
 * killed `rm` is finished by the next run like a killed `dedupe --apply`, and `dedupe --undo
 * <run>` puts the posts back too. Restoring one post undoes its step; an `rm` run whose posts
 * are all back is deleted, as an undone dedupe run is.
 */

/** Moves the posts to a new run's trash. The slugs must be post files of posts/. */
export async function removePosts(contentDir: string, slugs: readonly string[], now: Date, at: string, afterStep?: StepHook): Promise<{ runId: string; outcomes: StepOutcome[] }> {
  const unique = [...new Set(slugs)];
  const journal = startRun(contentDir, now, { command: 'rm', createdAt: at, steps: unique.map((slug) => trashStep(contentDir, slug)) });
  await afterStep?.();
  const outcomes = await applyJournal(contentDir, journal, at, afterStep);
  return { runId: journal.runId, outcomes };
}

/** A post file in the trash that `news restore` can put back. */
export interface TrashedPost {
  slug: string;
  runId: string;
  command: JournalCommand;
  /** When the run removed it (the journal's createdAt). */
  removedAt: string;
  /** The post it was merged into (dedupe). */
  into?: string;
  /** Its title, when the file can be read. */
  title?: string;
  /** Its aliases, when the file can be read. */
  aliases: string[];
  file: string;
}

/** What the trash holds, newest run first: posts of applied runs still in the trash. */
export function trashedPosts(contentDir: string): TrashedPost[] {
  const out: TrashedPost[] = [];
  for (const runId of listRunIds(contentDir).reverse()) {
    const status = runStatus(contentDir, runId);
    if (status !== 'applied' && status !== 'undone') continue;
    const journal = readJournal(contentDir, runId);
    for (const step of journal.steps) {
      if (step.op !== 'trash') continue;
      const file = trashedPostFile(contentDir, runId, step.slug);
      if (!fs.existsSync(file)) continue;
      const loaded = loadPostFile(contentDir, file);
      out.push({
        slug: step.slug,
        runId,
        command: journalCommand(journal),
        removedAt: journal.createdAt,
        ...(step.into !== undefined ? { into: step.into } : {}),
        ...(loaded.post ? { title: loaded.post.title } : {}),
        aliases: loaded.post?.aliases ?? [],
        file,
      });
    }
  }
  return out;
}

/**
 * Puts the newest trashed copy of `slug` back into posts/, with `updatedAt` set. Refused
 * (CONFLICT) when its slug or one of its aliases is claimed meanwhile: `claimedBy(name)` names
 * the post that holds a name now, if any.
 */
export function restorePost(
  contentDir: string,
  slug: string,
  at: string,
  claimedBy: (name: string) => string | undefined,
): { file: string; post: Post; runId: string } {
  const entry = trashedPosts(contentDir).find((t) => t.slug === slug);
  if (!entry) throw new NewsError(`« ${slug} » n’est pas dans la corbeille : voir news trash`, 2, { code: 'NOT_FOUND' });
  const loaded = loadPostFile(contentDir, entry.file);
  if (!loaded.post || loaded.problems.length > 0) {
    throw new NewsError(`la copie de la corbeille est illisible :\n  ${loaded.problems.map((p) => p.message).join('\n  ')}`, 2, { code: 'INVALID_CONTENT' });
  }
  const post = loaded.post;
  for (const name of [post.slug, ...post.aliases]) {
    const holder = claimedBy(name);
    if (holder === undefined) continue;
    const what = name === post.slug ? 'son slug' : `son alias « ${name} »`;
    const undo = entry.command === 'dedupe' ? ` (il a été fusionné par news dedupe : news dedupe --undo ${entry.runId} annule la fusion)` : ' : renommez d’abord ce billet (news rename) ou supprimez-le';
    throw new NewsError(`impossible de restaurer « ${slug} » : ${what} est déjà pris par le billet « ${holder} »${undo}`, 2, { code: 'CONFLICT' });
  }
  const journal = readJournal(contentDir, entry.runId);
  const step = journal.steps.find((s) => s.op === 'trash' && s.slug === slug)!;
  const outcome = undoStep(contentDir, entry.runId, step);
  if (outcome.result === 'skipped') throw new NewsError(`impossible de restaurer « ${slug} » : ${outcome.reason}`, 2, { code: 'CONFLICT' });
  const restored: Post = { ...post, updatedAt: at };
  const file = savePost(contentDir, restored);
  // An rm run whose posts are all back has nothing left to undo: it goes, as an undone dedupe run does.
  if (journalCommand(journal) === 'rm' && journal.steps.every((s) => !fs.existsSync(trashedPostFile(contentDir, entry.runId, s.slug)))) {
    removeRunDir(contentDir, entry.runId);
  }
  return { file, post: restored, runId: entry.runId };
}


export interface RemovalOptions {
  now: Date;
  timeZone: string;
  /** For the metadata cache and NEWS_LOCK_TIMEOUT (`{}`: no cache, the default wait). */
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * `news rm`, under the lock: each slug must name a post (an alias is refused, naming its
 * post); the posts go to a new run of the trash. A broken file is removed as it is (rm is also
 * how staff get rid of one). Returns the run, the posts removed and the steps left undone.
 */
export async function trashPosts(contentDir: string, slugs: readonly string[], options: RemovalOptions): Promise<{ runId: string; removed: Post[]; skipped: StepOutcome[]; finished: FinishedRun[] }> {
  const at = formatIsoInstant(options.now, options.timeZone);
  return withContentLock(contentDir, async () => {
    // A run a crash left half done is finished first: a new run never lands on a half-merged folder.
    const finished = await finishPendingRuns(contentDir, at);
    const posts: Post[] = [];
    for (const slug of new Set(slugs)) {
      const located = locatePost(contentDir, slug, options.timeZone, options.env);
      if (located.viaAlias) {
        throw new NewsError(`« ${slug} » est un alias du billet « ${located.slug} », pas un billet : pour supprimer ce billet, news rm ${located.slug}`, 2, { code: 'USAGE' });
      }
      try {
        posts.push(readPostForChange(contentDir, located.file).post);
      } catch (error) {
        if (!(error instanceof NewsError)) throw error;
        posts.push({ slug } as Post);
      }
    }
    const run = await removePosts(contentDir, posts.map((p) => p.slug), options.now, at);
    const done = new Set(run.outcomes.filter((o) => o.result !== 'skipped').map((o) => o.step.slug));
    return { runId: run.runId, removed: posts.filter((p) => done.has(p.slug)), skipped: run.outcomes.filter((o) => o.result === 'skipped'), finished };
  }, { timeoutMs: lockTimeoutFromEnv(options.env) });
}

/** `news restore`, under the lock: refused when its slug or an alias is taken meanwhile. */
export async function restoreTrashedPost(contentDir: string, slug: string, options: RemovalOptions): Promise<{ file: string; post: Post; runId: string; finished: FinishedRun[] }> {
  const at = formatIsoInstant(options.now, options.timeZone);
  return withContentLock(contentDir, async () => {
    const finished = await finishPendingRuns(contentDir, at);
    const claims = new Map<string, string>();
    for (const { post } of loadPostListings(contentDir, options.timeZone, options.env).posts) {
      for (const name of [post.slug, ...post.aliases]) if (!claims.has(name)) claims.set(name, post.slug);
    }
    return { ...restorePost(contentDir, slug, at, (name) => claims.get(name)), finished };
  }, { timeoutMs: lockTimeoutFromEnv(options.env) });
}
