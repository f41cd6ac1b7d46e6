import { confirm, editor, input, select } from '@inquirer/prompts';
import type { Prompter } from './prompter.js';

export interface PromptStreams {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/** The real prompts, drawn on `output` (stderr, so stdout keeps only data). */
export function createInquirerPrompter(streams: PromptStreams): Prompter {
  const context = { input: streams.input, output: streams.output, clearPromptOnDone: false };
  return {
    input: (o) =>
      input({ message: o.message, default: o.default, validate: o.validate }, context as never),
    editor: (o) =>
      editor({ message: o.message, default: o.default, postfix: '.md', waitForUserInput: false }, context as never),
    confirm: (o) => confirm({ message: o.message, default: o.default }, context as never),
    select: (o) =>
      select({ message: o.message, choices: o.choices.map((c) => ({ name: c.name, value: c.value })), default: o.default }, context as never),
  };
}
