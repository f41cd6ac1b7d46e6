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
