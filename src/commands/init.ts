import path from 'node:path';
import type { Command } from 'commander';
import { prepareCommand, type CommandEnv } from '../cli/command.js';
import type { Context } from '../core/context.js';
import { NewsError } from '../core/errors.js';
import { addQuietOption, globalOptions } from '../cli/options.js';
import { writeJson } from '../cli/json.js';
import { isValidTimeZone } from '../core/dates.js';
import { existingContent, initContentFolder, type NewSite } from '../store/init.js';
import { writeEditorSettings } from '../store/editor.js';
import { DEFAULT_TIME_ZONE } from '../format/french.js';
import { shownPath } from './shared.js';

export interface InitOptions {
  /** The folder to make: the argument, else --dir, else $NEWS_DIR, else ./content. */
  folder?: string;
  dir?: string;
  title?: string;
  description?: string;
  baseUrl?: string;
  timeZone?: string;
  json: boolean;
  quiet: boolean;
}

export function register(program: Command, env: CommandEnv): void {
  const command = program
    .command('init')
    .description('crée un dossier de contenu (site.json et posts/)')
    .argument('[dossier]', 'dossier à créer (par défaut : --dir, $NEWS_DIR, sinon ./content)')
    .option('--title <titre>', 'titre du site')
    .option('--description <texte>', 'description du site')
    .option('--base-url <url>', 'adresse publique de la rubrique (ex. https://exemple.fr/actualites/)')
    .option('--time-zone <fuseau>', `fuseau horaire (par défaut : ${DEFAULT_TIME_ZONE})`)
    .option('--json', 'affiche site.json au lieu du chemin du dossier', false);
  addQuietOption(command, 'rien sur la sortie d’erreur en cas de succès');
  command.addHelpText('after', [
    '',
    'Dans un terminal, les réglages non donnés en option sont demandés. Refuse un dossier qui',
    'contient déjà site.json ou posts/.',
    '',
    'Exemples :',
    '  news init',
    '  news init actualites --title "C’est d’actualité…" --base-url https://exemple.fr/actualites/',
    '  news init /srv/actualites --title Actualités --description "Les nouvelles" --time-zone Europe/Paris --base-url https://exemple.fr/',
    '',
  ].join('\n'));
  prepareCommand(program, command, env).action(async (folder: string | undefined, opts: Omit<InitOptions, 'dir' | 'folder'>, cmd: Command) => {
    env.setExitCode(await runInit({ ...opts, folder, dir: globalOptions(cmd).dir }, env.ctx));
  });
}

function baseUrlProblem(value: string): string | undefined {
  if (value === '') return undefined;
  return /^https?:\/\/[^\s/]+/.test(value) && URL.canParse(value) ? undefined : 'une adresse absolue est attendue, par exemple https://exemple.fr/actualites/';
}

export async function runInit(opts: InitOptions, ctx: Context): Promise<number> {
  const chosen = opts.folder ?? opts.dir ?? (ctx.env.NEWS_DIR || undefined) ?? 'content';
  if (chosen.trim() === '') throw new NewsError('le dossier à créer est vide : indiquez un chemin, par exemple news init actualites', 2, { code: 'USAGE' });
  const dir = path.resolve(ctx.cwd, chosen);
  const found = existingContent(dir);
  if (found) {
    throw new NewsError(`${dir} contient déjà ${found} : c’est déjà un dossier de contenu (news list --dir ${shownPath(dir, ctx.cwd)}) ; choisissez un dossier neuf ou vide`, 2, { code: 'CONFLICT' });
  }
  if (opts.baseUrl !== undefined) {
    const problem = baseUrlProblem(opts.baseUrl);
    if (problem) throw new NewsError(`--base-url « ${opts.baseUrl} » : ${problem}`, 2, { code: 'USAGE' });
  }
  if (opts.timeZone !== undefined && !isValidTimeZone(opts.timeZone)) {
    throw new NewsError(`--time-zone « ${opts.timeZone} » : fuseau horaire inconnu ; attendu un nom de la base IANA, par exemple Europe/Paris ou America/Martinique`, 2, { code: 'USAGE' });
  }
  const site: NewSite = {
    title: opts.title?.trim() || undefined,
    description: opts.description?.trim() || undefined,
    baseUrl: opts.baseUrl?.trim() || undefined,
    language: 'fr-FR',
    timeZone: opts.timeZone ?? DEFAULT_TIME_ZONE,
  };
  if (ctx.stdinIsTTY) {
    const prompter = await ctx.prompter();
    try {
      if (opts.title === undefined) site.title = (await prompter.input({ message: 'Titre du site :', default: 'C’est d’actualité…' })).trim() || undefined;
      if (opts.description === undefined) site.description = (await prompter.input({ message: 'Description (facultative) :' })).trim() || undefined;
      if (opts.baseUrl === undefined) {
        site.baseUrl = (await prompter.input({
          message: 'Adresse publique de la rubrique (ex. https://exemple.fr/actualites/, Entrée pour plus tard) :',
          validate: (v) => baseUrlProblem(v.trim()) ?? true,
        })).trim() || undefined;
      }
      if (opts.timeZone === undefined) {
        site.timeZone = (await prompter.input({
          message: 'Fuseau horaire :',
          default: DEFAULT_TIME_ZONE,
          validate: (v) => (isValidTimeZone(v.trim()) ? true : 'fuseau horaire inconnu, par exemple Europe/Paris'),
        })).trim();
      }
    } catch (error) {
      if ((error as Error)?.name === 'ExitPromptError' || (error as Error)?.name === 'AbortPromptError') {
        throw new NewsError('saisie interrompue : aucun dossier créé');
      }
      throw error;
    }
  }
  initContentFolder(dir, site);
  const editor = writeEditorSettings(dir);
  if (!opts.quiet) {
    const shown = shownPath(dir, ctx.cwd);
    ctx.stderr.write(`news init : dossier de contenu créé : ${shown}/site.json et ${shown}/posts/.${site.baseUrl ? '' : ' Ajoutez baseUrl à site.json avant d’exporter.'} Ensuite : news new --dir ${shown}\n`);
    ctx.stderr.write(editor.kept.length === 0
      ? `news init : ${shown}/.vscode/ : les schémas JSON des billets et de site.json, pour l’éditeur.\n`
      : `news init : ${shown}/.vscode/ : ${editor.kept.map((f) => path.basename(f)).join(', ')} existai(en)t déjà, laissé(s) tel(s) quel(s).\n`);
  }
  if (opts.json) writeJson(ctx.stdout, Object.fromEntries(Object.entries(site).filter(([, v]) => v !== undefined)));
  else ctx.stdout.write(`${shownPath(dir, ctx.cwd)}\n`);
  return 0;
}
