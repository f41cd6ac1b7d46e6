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

export function parseChoice<T extends string>(flag: string, choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`${flag} attend l'une des valeurs ${choices.join(', ')} (reçu « ${value} »)`);
    }
    return value as T;
  };
}

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
