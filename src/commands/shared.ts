import type { Context } from '../cli/context.js';
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
