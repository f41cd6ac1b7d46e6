import type { Context } from '../core/context.js';

/* Error lines as `news` prints them: shared by main (errors), program and commands (usage). */

/** Contexts whose command line asked for --no-color: error lines obey it too. */
export const noColorRequested = new WeakSet<Context>();

export function errorLine(ctx: Context, message: string): string {
  const colored = ctx.stderrIsTTY && !ctx.env.NO_COLOR && !noColorRequested.has(ctx);
  return `news : ${colored ? '\u001b[1m\u001b[31merreur\u001b[39m\u001b[22m' : 'erreur'} : ${message}\n`;
}

const ERROR_WORDS: Array<[RegExp, (...m: string[]) => string]> = [
  [/^error: unknown option '([^']*)'(?:\n\(Did you mean (.*)\?\))?/, (_, o, s) => `option inconnue « ${o} »${s ? ` (vouliez-vous dire ${s} ?)` : ''}`],
  [/^error: unknown command '([^']*)'(?:\n\(Did you mean (.*)\?\))?/, (_, c, s) => `commande inconnue « ${c} »${s ? ` (vouliez-vous dire ${s} ?)` : ''}`],
  [/^error: missing required argument '([^']*)'/, (_, a) => `argument obligatoire manquant : <${a}>`],
  [/^error: too many arguments(?: for '([^']*)')?\. Expected (\d+) arguments? but got (\d+)\./, (_, c, e, g) => `trop d’arguments${c ? ` pour « ${c} »` : ''} : ${e} attendu(s), ${g} reçu(s)`],
  [/^error: option '([^']*)' argument missing/, (_, o) => `l’option ${o} attend une valeur`],
  [/^error: option '([^']*)' argument '([^']*)' is invalid\. (.*)/s, (_, _o, _v, why) => why.trim()],
  [/^error: command-argument value '([^']*)' is invalid for argument '([^']*)'\. (.*)/s, (_, _v, _a, why) => why.trim()],
  [/^error: required option '([^']*)' not specified/, (_, o) => `option obligatoire manquante : ${o}`],
  [/^error: option '([^']*)' cannot be used with option '([^']*)'/, (_, a, b) => `les options ${a} et ${b} ne vont pas ensemble`],
];

function translateCommanderError(message: string): string {
  const text = message.trim();
  for (const [pattern, render] of ERROR_WORDS) {
    const match = pattern.exec(text);
    if (match) return render(...match);
  }
  return text.replace(/^error: /, '');
}

/** A usage error in French, pointing at the help of the command it came from. */
export function usageErrorLine(ctx: Context, commanderMessage: string, commandPath: string): string {
  const message = translateCommanderError(commanderMessage).replace(/\.$/, '');
  return errorLine(ctx, `${message}. Voir ${commandPath} --help.`);
}

