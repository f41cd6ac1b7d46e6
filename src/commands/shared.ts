import path from 'node:path';
import type { Context } from '../core/context.js';
import type { PostProblem } from '../store/content.js';
import { colors } from '../format/color.js';
import { NewsError } from '../core/errors.js';
import { parseTypedDate } from '../core/dates.js';

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
