import { confirm, editor, input, select } from '@inquirer/prompts';
import type { Prompter } from './prompter.js';

export interface PromptStreams {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/** inquirer's own words (`Y/n`, `Yes`, `navigate`, `Press enter…`) in French; `y` and `n` still work. */
export const FRENCH_CONFIRM = {
  keywords: { yes: 'oui', no: 'non', error: () => 'répondez « o » (oui) ou « n » (non)' },
};
export const FRENCH_SELECT = {
  style: { keysHelpTip: () => '↑↓ pour choisir, Entrée pour valider' },
};
export const FRENCH_EDITOR = {
  style: {
    loadingMessage: () => 'vérification…',
    waitingMessage: () => "(enregistrez puis fermez l’éditeur pour continuer)",
  },
};

/** The real prompts, drawn on `output` (stderr, so stdout keeps only data). */
export function createInquirerPrompter(streams: PromptStreams): Prompter {
  const context = { input: streams.input, output: streams.output, clearPromptOnDone: false };
  return {
    input: (o) =>
      input({ message: o.message, default: o.default, validate: o.validate }, context as never),
    editor: (o) =>
      editor({ message: o.message, default: o.default, postfix: '.md', waitForUserInput: false, theme: FRENCH_EDITOR }, context as never),
    confirm: (o) => confirm({ message: o.message, default: o.default, theme: FRENCH_CONFIRM }, context as never),
    select: (o) =>
      select({ message: o.message, choices: o.choices.map((c) => ({ name: c.name, value: c.value })), default: o.default, theme: FRENCH_SELECT }, context as never),
  };
}
