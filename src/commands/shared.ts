import type { Context } from '../cli/context.js';
import type { PostProblem } from '../store/content.js';
import { colors } from '../format/color.js';

/** Names each broken post file on stderr (for commands that carry on without them). */
export function warnProblems(ctx: Context, problems: PostProblem[]): void {
  for (const problem of problems) {
    ctx.stderr.write(`${colors.yellow('attention')} : billet ignoré : ${problem.message}\n`);
  }
}
