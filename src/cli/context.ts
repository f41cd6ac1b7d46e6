import type { Prompter } from '../prompts/prompter.js';
import type { Context } from '../core/context.js';

export type { Context, TextSink } from '../core/context.js';

export function systemContext(): Context {
  let prompter: Promise<Prompter> | undefined;
  ignoreClosedPipes();
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
    prompter() {
      prompter ??= import('../prompts/inquirer.js').then((m) =>
        m.createInquirerPrompter({ input: process.stdin, output: process.stderr }),
      );
      return prompter;
    },
  };
}

let pipesWatched = false;

/**
 * Output that cannot be written must not end in a Node stack trace. `news list | head -1`:
 * once the reader is gone a write fails with EPIPE; that is not an error of ours (the exit
 * code stays the command's) and the rest of the output is dropped. Any other failure
 * (`news list > /dev/full`: ENOSPC) is named in French on stderr and the exit code becomes 2.
 */
function ignoreClosedPipes(): void {
  if (pipesWatched) return;
  pipesWatched = true;
  let failed = false;
  const watch = (stream: NodeJS.WriteStream, name: string) =>
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || failed) return;
      failed = true;
      if (stream === process.stderr) return;
      try {
        process.stderr.write(`news : erreur : écriture impossible sur ${name} (${error.code ?? error.message}) : vérifiez la destination de la sortie (disque plein ?) puis relancez\n`);
        if (process.env.NEWS_DEBUG === '1' && error.stack) process.stderr.write(`${error.stack}\n`);
      } catch {
        // stderr is gone too; the exit code still tells
      }
    });
  watch(process.stdout, 'la sortie standard');
  watch(process.stderr, "la sortie d’erreur");
  process.once('exit', () => {
    if (failed) process.exitCode = 2;
  });
}
