import fs from 'node:fs';
import path from 'node:path';
import { NewsError } from '../core/errors.js';
import { postsDir } from './content.js';
import { isProcessRunning } from './atomic.js';
import {
  applyJournal, journalCommand, pendingRuns, readJournal, runStatus, undoJournal,
  type JournalCommand, type StepHook, type StepOutcome,
} from './journal.js';
import { withContentLock } from './lock.js';
import { clearUnfinished, removeLeftovers, trashEntries, unfinishedRunIds } from './trash.js';

/**
 * Runs that a crash or a kill left half done (a `dedupe --apply`, an `--undo`, an `rm`) are
 * never shown: every reader finishes them first, under the content lock, or refuses naming
 * them when it cannot write. A run in progress is marked in `.trash/` (see markUnfinished), so
 * finding that there is nothing to finish costs one readdir.
 */

export interface FinishedRun {
  runId: string;
  command: JournalCommand;
  /** What was interrupted: the run itself, or its undo. */
  status: 'unfinished' | 'undoing';
  outcomes: StepOutcome[];
}

/**
 * Finishes every run left half done (marked, or found by a full look at the trash), oldest
 * first, and removes stale marks and leftovers. The caller holds the content lock.
 */
export async function finishPendingRuns(contentDir: string, at: string, hook: StepHook = () => undefined): Promise<FinishedRun[]> {
  const finished: FinishedRun[] = [];
  for (const { runId, status } of pendingRuns(contentDir)) {
    const journal = readJournal(contentDir, runId);
    const outcomes = status === 'undoing' ? await undoJournal(contentDir, journal, at, hook) : await applyJournal(contentDir, journal, at, hook);
    finished.push({ runId, command: journalCommand(journal), status, outcomes });
  }
  // Marks whose run is complete (or never got its journal: it changed nothing).
  for (const runId of unfinishedRunIds(trashEntries(contentDir))) {
    const status = runStatus(contentDir, runId);
    if (status !== 'unfinished' && status !== 'undoing') clearUnfinished(contentDir, runId);
  }
  removeLeftovers(contentDir);
  if (finished.length > 0) removeDeadTempFiles(postsDir(contentDir));
  return finished;
}

/** `.<name>.<pid>.<hex>.tmp`: a temp file of writeFileAtomic (store/atomic.ts). */
const TEMP_FILE = /^\..+\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/**
 * Removes the temp files a killed run left in posts/ (written aside, never renamed into place;
 * readers skip them, but they would stay forever). Only those of processes no longer running.
 */
function removeDeadTempFiles(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const match = TEMP_FILE.exec(name);
    if (!match || isProcessRunning(Number(match[1]))) continue;
    fs.rmSync(path.join(dir, name), { force: true });
  }
}


/** `news dedupe --apply`, `news dedupe --undo`, `news rm`: how a run is named to users. */
export function describeRun(command: JournalCommand, status: 'unfinished' | 'undoing'): string {
  if (status === 'undoing') return 'news dedupe --undo';
  return command === 'rm' ? 'news rm' : 'news dedupe --apply';
}

function describeMarked(contentDir: string, runIds: string[]): string {
  return runIds
    .map((runId) => {
      let what = 'news dedupe --apply';
      try {
        const status = runStatus(contentDir, runId);
        if (status === 'unfinished' || status === 'undoing') what = describeRun(journalCommand(readJournal(contentDir, runId)), status);
      } catch {
        // named by its id alone
      }
      return `${runId} (${what})`;
    })
    .join(', ');
}

const CANNOT_WRITE = new Set(['EACCES', 'EPERM', 'EROFS']);

/** The refusal of a reader that must not show a half-done run and cannot finish it. */
export function unfinishedRunRefusal(contentDir: string, runIds: string[], reason: string): NewsError {
  const several = runIds.length > 1;
  return new NewsError(
    `${several ? 'des exécutions interrompues ne sont pas terminées' : 'une exécution interrompue n’est pas terminée'} : ${describeMarked(contentDir, runIds)} ; ` +
      `${reason}, donc ${several ? 'elles ne peuvent' : 'elle ne peut'} pas être ${several ? 'terminées' : 'terminée'} maintenant, et les billets seraient montrés à moitié fusionnés. ` +
      `Relancez avec les droits d’écriture sur ${contentDir} (news dedupe --apply ${several ? 'les termine' : 'la termine'}), ou ${several ? 'annulez-les' : 'annulez-la'} : news dedupe --undo ${runIds[0]}`,
    2,
    { code: 'IO' },
  );
}

export interface SettleOptions {
  /** The time written in each finished run's status (ISO 8601, site's zone). */
  at: string;
  /** How long to wait for the lock (NEWS_LOCK_TIMEOUT). */
  timeoutMs: number;
}

/** The system error code behind an error, wrapped or not. */
function systemCode(error: unknown): string | undefined {
  const e = error as { errno?: unknown; code?: unknown; cause?: { code?: unknown } } | null;
  for (const code of [e?.errno, e?.cause?.code, e?.code]) if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  return undefined;
}

function cannotWriteReason(code: string): string {
  return code === 'EROFS' ? 'le dossier de contenu est en lecture seule (EROFS)' : `le dossier de contenu n’est pas accessible en écriture (${code})`;
}

/**
 * For a reader that holds the content lock, or tried to (`held` false: the folder cannot be
 * written): finishes the marked runs, if any (one readdir when there are none); refuses (exit 2,
 * naming them) when it cannot write.
 */
export async function finishMarkedRuns(contentDir: string, held: boolean, at: string): Promise<FinishedRun[]> {
  const marked = unfinishedRunIds(trashEntries(contentDir));
  if (marked.length === 0) return [];
  if (!held) throw unfinishedRunRefusal(contentDir, marked, 'le dossier de contenu n’est pas accessible en écriture');
  try {
    return await finishPendingRuns(contentDir, at);
  } catch (error) {
    const code = systemCode(error);
    if (code !== undefined && CANNOT_WRITE.has(code)) throw unfinishedRunRefusal(contentDir, marked, cannotWriteReason(code));
    throw error;
  }
}

/**
 * Reads the content folder as no half-done run: finishes unfinished runs first (taking the
 * lock only when there are some), reads, then looks at the trash again; when a run started or
 * ended meanwhile (its entries changed), reads again under the lock, so a `dedupe --apply`
 * running at the same moment is seen before or after, never in between. `onFinished` is told
 * of each run finished here. For `list`, `show`, `validate`; `export` reads under the lock and
 * calls finishMarkedRuns itself.
 */
export async function readFinished<T>(contentDir: string, read: () => T, options: SettleOptions & { onFinished?: (run: FinishedRun) => void }): Promise<T> {
  const locked = () => withContentLock(contentDir, async ({ held }) => {
    for (const run of await finishMarkedRuns(contentDir, held, options.at)) options.onFinished?.(run);
    return read();
  }, { timeoutMs: options.timeoutMs, readOnly: true });
  const entries = trashEntries(contentDir);
  if (unfinishedRunIds(entries).length > 0) return locked();
  const result = read();
  return sameEntries(entries, trashEntries(contentDir)) ? result : locked();
}

function sameEntries(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const sortedA = [...a].sort();
  const sortedB = [...b].sort();
  return sortedA.every((name, i) => name === sortedB[i]);
}
