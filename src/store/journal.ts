import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { NewsError } from '../core/errors.js';
import { writeFileAtomic } from './atomic.js';
import { postFile } from './content.js';
import { parseJsonText, ReadProblem } from './read.js';
import { clearUnfinished, ensureDurableDir, listRunIds, markUnfinished, moveDurably, newRunId, removeRunDir, runDir, trashedPostFile } from './trash.js';

/**
 * The journal of a run that moves posts to the trash or rewrites them: `news dedupe --apply`
 * (merges, collapses) and `news rm` (removals), `.trash/<run-id>/journal.json`: the whole plan,
 * written (atomically, fsynced) before any post is touched. Each step says what the file is
 * before and after, by SHA-256, so it can be redone safely: a step whose result is already
 * there is skipped, one whose file is in neither state (changed by hand since) is left alone
 * and reported. `status.json` appears when the run is complete; a journal without it is an
 * unfinished run, which the next `--apply` finishes first.
 *
 * Order: every kept post is rewritten (its new aliases claim the removed slugs) before any
 * duplicate is moved to the trash, so at no moment is a merged slug free for `news new`.
 */

export const JOURNAL_FORMAT = 'news-dedupe-journal';
export const JOURNAL_VERSION = 1;

export type JournalStep =
  | {
      op: 'rewrite';
      slug: string;
      reason: 'merge' | 'collapse';
      /** The file as it was: its hash and bytes (base64), for --undo. */
      before: { sha256: string; base64: string };
      after: { sha256: string; text: string };
    }
  | {
      op: 'trash';
      slug: string;
      /** The kept post this one was merged into (dedupe); absent for a post removed by `news rm`. */
      into?: string;
      sha256: string;
    };

export interface Journal {
  format: typeof JOURNAL_FORMAT;
  version: typeof JOURNAL_VERSION;
  runId: string;
  /** The command that made the run; absent in journals written before `news rm` existed (dedupe). */
  command?: JournalCommand;
  createdAt: string;
  /** dedupe's similarity threshold. */
  threshold?: number;
  /** dedupe's `--window`, in days (absent in journals written before it existed). */
  window?: number;
  steps: JournalStep[];
  /** The report the run acted on (for people reading the trash). */
  report?: unknown;
}

export type JournalCommand = 'dedupe' | 'rm';

/** The command that made a run (journals without `command` were written by dedupe). */
export function journalCommand(journal: Journal): JournalCommand {
  return journal.command ?? 'dedupe';
}

export type RunStatus = 'unfinished' | 'applied' | 'undoing' | 'undone';

export interface StepOutcome {
  step: JournalStep;
  result: 'done' | 'already' | 'skipped';
  /** Why a step was skipped, in French. */
  reason?: string;
}

/** Called after each durable step (journal written, each step, status written). May wait. */
export type StepHook = () => void | Promise<void>;

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function journalFile(contentDir: string, runId: string): string {
  return path.join(runDir(contentDir, runId), 'journal.json');
}

function statusFile(contentDir: string, runId: string): string {
  return path.join(runDir(contentDir, runId), 'status.json');
}

function readBytes(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Starts a run: picks a run id not used yet, writes the journal (folder created, fsynced).
 * Nothing has moved yet; applyJournal carries the steps out.
 */
export function startRun(contentDir: string, now: Date, fields: Omit<Journal, 'format' | 'version' | 'runId'>): Journal {
  let runId = newRunId(now);
  while (fs.existsSync(runDir(contentDir, runId))) runId = newRunId(now);
  const journal: Journal = { format: JOURNAL_FORMAT, version: JOURNAL_VERSION, runId, ...fields };
  // Marked before anything exists: killed between the mark and the journal, the run did nothing
  // and the mark alone is cleaned up by the next finisher.
  markUnfinished(contentDir, runId);
  writeJournal(contentDir, journal);
  return journal;
}

/** A step that moves a post file, as it is now, to the run's trash. */
export function trashStep(contentDir: string, slug: string, into?: string): JournalStep {
  return { op: 'trash', slug, ...(into !== undefined ? { into } : {}), sha256: sha256(fs.readFileSync(postFile(contentDir, slug))) };
}

/** Creates the run's folder and writes its journal, durably. */
export function writeJournal(contentDir: string, journal: Journal): void {
  ensureDurableDir(path.join(runDir(contentDir, journal.runId), 'posts'));
  writeFileAtomic(journalFile(contentDir, journal.runId), `${JSON.stringify(journal, null, 2)}\n`);
}

export function readJournal(contentDir: string, runId: string): Journal {
  const file = journalFile(contentDir, runId);
  let value: unknown;
  try {
    // Not readJsonStrict: a journal holds every rewritten post twice and may pass its 1 MiB cap.
    value = parseJsonText(fs.readFileSync(file, 'utf8'), file);
  } catch (error) {
    if (error instanceof ReadProblem) throw new NewsError(`journal illisible : ${error.describe(path.relative(contentDir, file))} ; ne le modifiez pas à la main`);
    const code = (error as NodeJS.ErrnoException).code;
    if (code) throw new NewsError(`journal illisible : ${path.relative(contentDir, file)} (${code})`);
    throw error;
  }
  const journal = value as Journal;
  if (journal?.format !== JOURNAL_FORMAT || journal.version !== JOURNAL_VERSION || !Array.isArray(journal.steps)) {
    throw new NewsError(`${path.relative(contentDir, file)} n’est pas un journal de news (format ${JOURNAL_VERSION} attendu)`);
  }
  return journal;
}

export function runStatus(contentDir: string, runId: string): RunStatus | undefined {
  if (!fs.existsSync(journalFile(contentDir, runId))) return undefined;
  const bytes = readBytes(statusFile(contentDir, runId));
  if (!bytes) return 'unfinished';
  try {
    const status = (JSON.parse(bytes.toString('utf8')) as { status?: string }).status;
    if (status === 'applied' || status === 'undoing' || status === 'undone') return status;
  } catch {
    // a status file cut short cannot happen (atomic write); treat it as unfinished
  }
  return 'unfinished';
}

export function writeStatus(contentDir: string, runId: string, status: RunStatus, at: string, notes: string[] = []): void {
  writeFileAtomic(statusFile(contentDir, runId), `${JSON.stringify({ status, at, ...(notes.length ? { notes } : {}) }, null, 2)}\n`);
}

/** Runs whose apply or undo did not finish (a crash, a kill), oldest first. */
export function pendingRuns(contentDir: string): Array<{ runId: string; status: 'unfinished' | 'undoing' }> {
  const pending: Array<{ runId: string; status: 'unfinished' | 'undoing' }> = [];
  for (const runId of listRunIds(contentDir)) {
    const status = runStatus(contentDir, runId);
    if (status === 'unfinished' || status === 'undoing') pending.push({ runId, status });
  }
  return pending;
}

/** Carries out one step; safe to call again on its own result. */
export function applyStep(contentDir: string, runId: string, step: JournalStep): StepOutcome {
  const file = postFile(contentDir, step.slug);
  const current = readBytes(file);
  if (step.op === 'rewrite') {
    if (current && sha256(current) === step.after.sha256) return { step, result: 'already' };
    if (!current) return { step, result: 'skipped', reason: `posts/${step.slug}.json a disparu depuis le plan ; rien n’est réécrit` };
    if (sha256(current) !== step.before.sha256) {
      return { step, result: 'skipped', reason: `posts/${step.slug}.json a été modifié depuis le plan ; il est laissé tel quel` };
    }
    writeFileAtomic(file, step.after.text);
    return { step, result: 'done' };
  }
  const target = trashedPostFile(contentDir, runId, step.slug);
  if (fs.existsSync(target)) return { step, result: 'already' };
  if (!current) return { step, result: 'skipped', reason: `posts/${step.slug}.json a disparu depuis le plan` };
  if (sha256(current) !== step.sha256) {
    return { step, result: 'skipped', reason: `posts/${step.slug}.json a été modifié depuis le plan ; il reste en place` };
  }
  moveDurably(file, target);
  return { step, result: 'done' };
}

/** Puts one step back; safe to call again on its own result. */
export function undoStep(contentDir: string, runId: string, step: JournalStep): StepOutcome {
  const file = postFile(contentDir, step.slug);
  if (step.op === 'rewrite') {
    const current = readBytes(file);
    if (current && sha256(current) === step.before.sha256) return { step, result: 'already' };
    if (!current || sha256(current) !== step.after.sha256) {
      return { step, result: 'skipped', reason: `posts/${step.slug}.json a changé depuis la fusion : gardé tel quel ; l’original est dans le journal` };
    }
    writeFileAtomic(file, Buffer.from(step.before.base64, 'base64'));
    return { step, result: 'done' };
  }
  const target = trashedPostFile(contentDir, runId, step.slug);
  const inTrash = fs.existsSync(target);
  const inPosts = fs.existsSync(file);
  if (!inTrash) {
    return inPosts
      ? { step, result: 'already' }
      : { step, result: 'skipped', reason: `${path.relative(contentDir, target)} est introuvable` };
  }
  if (inPosts) {
    return { step, result: 'skipped', reason: `posts/${step.slug}.json existe de nouveau : la copie de la corbeille y reste (${path.relative(contentDir, target)})` };
  }
  moveDurably(target, file);
  return { step, result: 'done' };
}

/** Carries out a journal from its first step (steps already done are recognised), then marks it applied. */
export async function applyJournal(contentDir: string, journal: Journal, at: string, afterStep: StepHook = () => undefined): Promise<StepOutcome[]> {
  const outcomes: StepOutcome[] = [];
  for (const step of journal.steps) {
    outcomes.push(applyStep(contentDir, journal.runId, step));
    await afterStep();
  }
  const notes = outcomes.filter((o) => o.reason).map((o) => o.reason!);
  writeStatus(contentDir, journal.runId, 'applied', at, notes);
  clearUnfinished(contentDir, journal.runId);
  await afterStep();
  return outcomes;
}

/**
 * Undoes a run, last step first. When everything is back, the run's folder is deleted (the
 * content folder is then as it was, byte for byte); otherwise it stays, marked undone, with
 * what could not be put back.
 */
export async function undoJournal(contentDir: string, journal: Journal, at: string, afterStep: StepHook = () => undefined): Promise<StepOutcome[]> {
  markUnfinished(contentDir, journal.runId);
  writeStatus(contentDir, journal.runId, 'undoing', at);
  await afterStep();
  const outcomes: StepOutcome[] = [];
  for (const step of [...journal.steps].reverse()) {
    outcomes.push(undoStep(contentDir, journal.runId, step));
    await afterStep();
  }
  const notes = outcomes.filter((o) => o.reason).map((o) => o.reason!);
  if (notes.length === 0) {
    // Every post is back: from here on nothing is half done, whatever stops the removal.
    clearUnfinished(contentDir, journal.runId);
    removeRunDir(contentDir, journal.runId);
  } else {
    writeStatus(contentDir, journal.runId, 'undone', at, notes);
    clearUnfinished(contentDir, journal.runId);
  }
  return outcomes;
}
