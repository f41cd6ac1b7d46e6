import path from 'node:path';
import type { Context } from '../core/context.js';
import type { PostProblem } from '../store/content.js';
import { colors } from '../format/color.js';

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
