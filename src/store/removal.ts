import fs from 'node:fs';
import { NewsError } from '../core/errors.js';
import type { Post } from '../core/post.js';
import { loadPostFile, savePost } from './content.js';
import {
  applyJournal, journalCommand, readJournal, runStatus, startRun, trashStep, undoStep,
  type JournalCommand, type StepHook, type StepOutcome,
} from './journal.js';
import { listRunIds, removeRunDir, trashedPostFile } from './trash.js';

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

