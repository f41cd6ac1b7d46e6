import type { Context } from '../core/context.js';
import { EXIT_ERROR, EXIT_OK, isNewsError } from '../core/errors.js';
import { errorLine, noColorRequested } from './messages.js';
import { packageVersion } from '../version.js';
import { describeUncaughtSystemError } from '../store/errors.js';

/*
 * The edge of the program: runs `news`, turns every error into a French message and an exit
 * code. Commander and the commands load lazily (./program.ts), so `news --version` pays for
 * nothing and `news list` never loads markdown-it.
 */

/** Runs `news` with these arguments; returns the exit code. Never calls process.exit. */
export async function main(argv: string[], ctx: Context): Promise<number> {
  const args = argv.slice(2);
  if (args.length === 1 && (args[0] === '-V' || args[0] === '--version')) {
    ctx.stdout.write(`${packageVersion()}\n`);
    return EXIT_OK;
  }
  if (args[0] === '__complete') {
    const { runComplete } = await import('./complete.js');
    return runComplete(args.slice(1), ctx);
  }
  const optionWords = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
  if (optionWords.includes('--no-color')) noColorRequested.add(ctx);
  try {
    const { runProgram } = await import('./program.js');
    return await runProgram(argv, ctx);
  } catch (error) {
    return reportError(error, ctx);
  }
}

function reportError(error: unknown, ctx: Context): number {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('commander.')) {
    // Commander has already printed its (translated) message; help and version end well.
    // `news --help` ends well; help shown because the command line was incomplete (`news`
    // alone) is a usage error.
    const exitCode = (error as { exitCode?: unknown }).exitCode;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return EXIT_OK;
    if (code === 'commander.help') return exitCode === 0 ? EXIT_OK : EXIT_ERROR;
    return EXIT_ERROR;
  }
  if (isNewsError(error)) {
    ctx.stderr.write(errorLine(ctx, error.message));
    if (ctx.env.NEWS_DEBUG === '1' && error.stack) ctx.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const err = error as NodeJS.ErrnoException;
  // A system error no command translated (full disk, permissions…): still French, naming the file.
  const system = describeUncaughtSystemError(error);
  if (system !== undefined) {
    ctx.stderr.write(errorLine(ctx, system));
    if (ctx.env.NEWS_DEBUG === '1' && err?.stack) ctx.stderr.write(`${err.stack}\n`);
    return EXIT_ERROR;
  }
  const detail = err && typeof err === 'object' && 'message' in err ? err.message : String(error);
  ctx.stderr.write(errorLine(ctx, `erreur inattendue : ${detail}. Relancez avec NEWS_DEBUG=1 pour le détail, et signalez-la.`));
  if (ctx.env.NEWS_DEBUG === '1' && err?.stack) ctx.stderr.write(`${err.stack}\n`);
  return EXIT_ERROR;
}
