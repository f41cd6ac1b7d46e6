import type { Prompter } from '../prompts/prompter.js';

/** Something text can be written to: process.stdout, or a buffer in tests. */
export interface TextSink {
  write(chunk: string): unknown;
}

/**
 * Everything a command may take from the world. Nothing below `main` reads `process`
 * or the clock directly, so tests build one of these with buffers and a fixed clock.
 */
export interface Context {
  stdout: TextSink;
  stderr: TextSink;
  stdin: NodeJS.ReadableStream;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  now(): Date;
  /** Created on first use: loading inquirer costs time that `list` should not pay. */
  prompter(): Promise<Prompter>;
}

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
 * `news list | head -1`: once the reader is gone, a write fails with EPIPE. That is not an
 * error of ours (no stack trace, the exit code stays the command's); the rest of the output
 * has nowhere to go and is dropped. Any other stream error is still thrown.
 */
function ignoreClosedPipes(): void {
  if (pipesWatched) return;
  pipesWatched = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
}
