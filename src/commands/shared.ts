import path from 'node:path';
import type { Command } from 'commander';
import { addQuietOption } from '../cli/options.js';
import { writeJson } from '../cli/json.js';
import type { Post } from '../core/post.js';
import type { FieldChange } from '../store/change.js';
import { formatCountFr } from '../format/french.js';
import { printableText } from '../format/table.js';
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
  throw new NewsError(`${label} « ${value} » : ${typed.reason ?? DATE_FORMS_HINT}`, 2, { code: 'USAGE' });
}

/** The forms a typed date may take, for messages and prompts. */
export const DATE_FORMS_HINT = 'attendu AAAA-MM-JJ (ex. 2026-11-30), AAAA-MM-JJ HH:MM à l’heure du site (ex. 2026-11-30 08:00) ou ISO 8601 avec Z ou un décalage (ex. 2026-11-30T08:00:00+01:00)';

const FIELD_LABELS: Record<string, string> = {
  title: 'titre', summary: 'chapeau', body: 'texte', date: 'date', author: 'auteur', tags: 'étiquettes',
  status: 'statut', views: 'lectures', aliases: 'alias', slug: 'slug',
};

function shownValue(field: string, value: unknown): string {
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) return '(vide)';
  if (field === 'status') return value === 'draft' ? 'brouillon' : value === 'published' ? 'publié' : String(value);
  if (field === 'views' && typeof value === 'number') return formatCountFr(value);
  if (Array.isArray(value)) return value.map(String).join(', ');
  const text = printableText(String(value), true);
  return `« ${text.length > 60 ? `${text.slice(0, 59)}…` : text} »`;
}

/** One line per changed field, as `news edit` and its kin print them on stderr. */
export function describeChanges(changes: readonly FieldChange[]): string[] {
  return changes.map(({ field, before, after }) => {
    const label = FIELD_LABELS[field] ?? field;
    if (field === 'body') return `  ${label} : modifié (${String(before ?? '').length} → ${String(after ?? '').length} caractères)`;
    return `  ${label} : ${shownValue(field, before)} → ${shownValue(field, after)}`;
  });
}

/** `--json` and `--quiet` of the commands that change a post, declared once. */
export function addChangeOutputOptions(command: Command): Command {
  command.option('--json', 'affiche le billet en JSON au lieu de son chemin', false);
  return addQuietOption(command, 'rien sur la sortie d’erreur en cas de succès (le chemin reste sur la sortie standard)');
}

/**
 * What a changing command prints: what changed on stderr (unless --quiet), the post's path
 * on stdout, or the post itself with --json.
 */
export function reportChange(
  ctx: Context,
  verb: string,
  result: { file: string; post: Post; changes: readonly FieldChange[]; located?: { viaAlias?: string }; finished?: readonly FinishedRun[] },
  opts: { json: boolean; quiet: boolean },
  nothingToDo = 'rien à changer',
): void {
  for (const run of result.finished ?? []) reportFinishedRun(ctx, run);
  if (!opts.quiet) {
    const via = result.located?.viaAlias ? ` (trouvé par son alias « ${result.located.viaAlias} »)` : '';
    if (result.changes.length === 0) ctx.stderr.write(`news ${verb} : ${result.post.slug}${via} : ${nothingToDo}, fichier inchangé.\n`);
    else ctx.stderr.write(`news ${verb} : ${result.post.slug}${via} modifié :\n${describeChanges(result.changes).join('\n')}\n`);
  }
  if (opts.json) writeJson(ctx.stdout, result.post);
  else ctx.stdout.write(`${shownPath(result.file, ctx.cwd)}\n`);
}

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
