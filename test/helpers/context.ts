import { PassThrough } from 'node:stream';
import type { Context } from '../../src/core/context.js';
import type { Prompter } from '../../src/prompts/prompter.js';

export interface TestContext extends Context {
  out(): string;
  err(): string;
}

/** A Context with buffers, a fixed clock and no terminal, for calling run<Verb> directly. */
export function testContext(overrides: Partial<Context> = {}): TestContext {
  let out = '';
  let err = '';
  const stdin = new PassThrough();
  stdin.end();
  const ctx: TestContext = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    stdin,
    stdinIsTTY: false,
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: {},
    cwd: process.cwd(),
    now: () => new Date('2026-11-25T12:00:00Z'),
    prompter: () => Promise.reject(new Error('no prompter in this test')),
    out: () => out,
    err: () => err,
    ...overrides,
  };
  return ctx;
}

/** A Prompter that answers from a script, in order, and records the questions. */
export function scriptedPrompter(answers: Array<string | boolean>): Prompter & { asked: string[] } {
  const queue = [...answers];
  const asked: string[] = [];
  const next = (message: string) => {
    asked.push(message);
    if (queue.length === 0) throw new Error(`no scripted answer for: ${message}`);
    return queue.shift()!;
  };
  return {
    asked,
    input: async (o) => {
      const answer = next(o.message);
      const value = answer === '' && o.default !== undefined ? o.default : String(answer);
      const valid = o.validate?.(value);
      if (valid !== undefined && valid !== true) throw new Error(`invalid scripted answer for ${o.message}: ${valid}`);
      return value;
    },
    editor: async (o) => String(next(o.message)),
    confirm: async (o) => Boolean(next(o.message)),
    select: async (o) => next(o.message) as never,
  };
}
