import { InvalidArgumentError, type Command } from 'commander';
import { parsePostDate, type CalendarDay } from '../core/dates.js';

/** Options every command accepts, before or after its name. */
export interface GlobalOptions {
  dir?: string;
  color: boolean;
}

/** Declared once, added to the program and to every command (`news --dir x list` and `news list --dir x`). */
export function addGlobalOptions(command: Command): Command {
  return command
    .option('-d, --dir <chemin>', 'dossier de contenu (sinon $NEWS_DIR, sinon ./content)')
    .option('--no-color', 'sans couleur (aussi avec NO_COLOR ou hors terminal)');
}

/** Merges the program's and the command's global options; the command's win. */
export function globalOptions(command: Command): GlobalOptions {
  let dir: string | undefined;
  let color = true;
  for (let c: Command | null = command; c; c = c.parent) {
    const o = c.opts<{ dir?: string; color?: boolean }>();
    if (dir === undefined && o.dir !== undefined) dir = o.dir;
    if (o.color === false) color = false;
  }
  return { dir, color };
}

/**
 * `-q, --quiet`, declared once for every command that prints a line when all went well:
 * with it, success prints nothing (cron mails only warnings and errors). Data asked for
 * (`--json`) and problems are still printed.
 */
export function addQuietOption(command: Command, description = 'rien affiché en cas de succès, seulement les avertissements et les erreurs (pour cron)'): Command {
  return command.option('-q, --quiet', description, false);
}

export function parsePositiveInt(flag: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1) {
      throw new InvalidArgumentError(`${flag} attend un entier ≥ 1 (reçu « ${value} »)`);
    }
    return Number(value);
  };
}

export function parseDayFlag(flag: string) {
  return (value: string): CalendarDay => {
    const parsed = parsePostDate(value);
    if (!parsed || parsed.kind !== 'calendar') {
      throw new InvalidArgumentError(`${flag} attend une date AAAA-MM-JJ (ex. 2013-10-29), reçu « ${value} »`);
    }
    return parsed.day;
  };
}

/**
 * Words a user may type in French for a value the program knows in English: `--sort vues`
 * is `--sort views`, `brouillon` is `draft`. Accents and case do not matter (`publie`, `Publié`).
 */
export const FRENCH_VALUES: Readonly<Record<string, string>> = {
  brouillon: 'draft',
  publie: 'published',
  vues: 'views',
  titre: 'title',
  ancien: 'legacy',
};

/** A choice parser: also tells shell completion which words it accepts (see cli/completion.ts). */
export interface ChoiceParser<T extends string> {
  (value: string): T;
  /** Every word accepted, French ones included, in the order completion offers them. */
  completionValues: string[];
}

const fold = (word: string): string => word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

export function parseChoice<T extends string>(flag: string, choices: readonly T[]): ChoiceParser<T> {
  const french = Object.entries(FRENCH_VALUES).filter(([, english]) => (choices as readonly string[]).includes(english));
  const parse = (value: string): T => {
    const folded = fold(value.trim());
    const chosen = choices.find((c) => fold(c) === folded) ?? french.find(([word]) => word === folded)?.[1];
    if (chosen === undefined) {
      const words = [...choices, ...french.map(([word]) => frenchSpelling(word))];
      throw new InvalidArgumentError(`${flag} attend l’une des valeurs ${words.join(', ')} (reçu « ${value} »)`);
    }
    return chosen as T;
  };
  return Object.assign(parse, { completionValues: [...choices, ...french.map(([word]) => frenchSpelling(word))] });
}

/** The word as it is written (the table keys are folded). */
function frenchSpelling(word: string): string {
  return word === 'publie' ? 'publié' : word;
}

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
