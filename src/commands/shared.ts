import path from 'node:path';
import type { Context } from '../core/context.js';
import type { PostProblem } from '../store/content.js';
import { colors } from '../format/color.js';
import { NewsError } from '../core/errors.js';
import { formatIsoInstant, parseTypedDate } from '../core/dates.js';
import { lockTimeoutFromEnv } from '../store/lock.js';
import { describeRun, readFinished, type FinishedRun } from '../store/unfinished.js';

/** Names each broken post file on stderr (for commands that carry on without them). */
export function warnProblems(ctx: Context, problems: PostProblem[]): void {
  for (const problem of problems) {
    ctx.stderr.write(`${warningLabel(ctx)} : billet ignoré : ${problem.message}\n`);
  }
}

/**
 * `attention`, in yellow only when stderr itself is a terminal (colour is decided from
 * stdout; `news list 2> journal.txt` must not put escape codes in the file).
 */
export function warningLabel(ctx: Context): string {
  return ctx.stderrIsTTY ? colors.yellow('attention') : 'attention';
}

/** A path as the user should see it: relative to where they stand when it is below, else absolute. */
export function shownPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/**
 * A date flag or answer as staff type it (see parseTypedDate), as the post will store it;
 * otherwise a French error naming the flag and the forms accepted.
 */
export function typedDateOrFail(label: string, value: string, timeZone: string): string {
  const typed = parseTypedDate(value, timeZone);
  if (typed.ok) return typed.value;
  throw new NewsError(`${label} « ${value} » : ${typed.reason ? `${typed.reason} ; ` : ''}${DATE_FORMS_HINT}`, 2, { code: 'USAGE' });
}

/** The forms a typed date may take, for messages and prompts. */
export const DATE_FORMS_HINT = 'attendu AAAA-MM-JJ (ex. 2026-11-30), AAAA-MM-JJ HH:MM à l’heure du site (ex. 2026-11-30 08:00) ou ISO 8601 avec Z ou un décalage (ex. 2026-11-30T08:00:00+01:00)';

/**
 * Reads the content folder as no half-done run (SPEC: a killed `dedupe --apply` is never
 * shown): an unfinished run is finished first, under the lock, and said on stderr; a folder
 * that cannot be written is refused (exit 2) naming the run. See store/unfinished.ts.
 */
export function readFinishedContent<T>(ctx: Context, dir: string, timeZone: string, read: () => T): Promise<T> {
  return readFinished(dir, read, {
    at: formatIsoInstant(ctx.now(), timeZone),
    timeoutMs: lockTimeoutFromEnv(ctx.env),
    onFinished: (run) => reportFinishedRun(ctx, run),
  });
}

/** One line on stderr for a run a reader finished, and one per step it had to leave alone. */
export function reportFinishedRun(ctx: Context, run: FinishedRun): void {
  for (const o of run.outcomes) if (o.result === 'skipped') ctx.stderr.write(`${warningLabel(ctx)} : ${o.reason}\n`);
  ctx.stderr.write(`news : l’exécution interrompue ${run.runId} (${describeRun(run.command, run.status)}) a été ${run.status === 'undoing' ? 'annulée' : 'terminée'} avant la lecture.\n`);
}
