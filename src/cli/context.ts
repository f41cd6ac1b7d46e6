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
