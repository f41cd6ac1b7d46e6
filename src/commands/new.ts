import path from 'node:path';
import type { Command } from 'commander';
import { prepareCommand, type CommandEnv } from '../cli/command.js';
import type { Context } from '../core/context.js';
import { NewsError } from '../core/errors.js';
import { addQuietOption, collect, globalOptions } from '../cli/options.js';
import { writeJson } from '../cli/json.js';
import { formatIsoDay, parseTypedDate, today } from '../core/dates.js';
import type { Post } from '../core/post.js';
import { isValidSlug } from '../core/slug.js';
import { loadSite, resolveContentDir, type Site } from '../store/content.js';
import { lockTimeoutFromEnv } from '../store/lock.js';
import { addPost } from '../store/new-post.js';
import { readBodyFile } from '../store/read.js';
import { formatDateFr } from '../format/french.js';
import { colors } from '../format/color.js';
import type { Prompter } from '../prompts/prompter.js';
import { shownPath, typedDateOrFail, warningLabel } from './shared.js';
import { uniqueTags } from '../core/tags.js';

export interface NewOptions {
  dir?: string;
  title?: string;
  summary?: string;
  body?: string;
  bodyFile?: string;
  date?: string;
  author?: string;
  tag?: string[];
  draft: boolean;
  slug?: string;
  yes: boolean;
  json: boolean;
  quiet?: boolean;
}

export function register(program: Command, env: CommandEnv): void {
  const command = program
    .command('new')
    .description('crée un billet (questions en français dans un terminal, options pour les scripts)')
    .option('--title <titre>', 'titre du billet')
    .option('--summary <texte>', 'chapeau (facultatif)')
    .option('--body <texte>', 'texte du billet (Markdown)')
    .option('--body-file <chemin|->', 'lit le texte dans un fichier, ou sur l’entrée standard avec -')
    .option('--date <date>', 'AAAA-MM-JJ, ou AAAA-MM-JJ HH:MM à l’heure du site, ou ISO 8601 (par défaut : aujourd’hui)')
    .option('--author <nom>', 'auteur (par défaut : celui de site.json)')
    .option('--tag <étiquette>', 'étiquette (répétable)', collect)
    .option('--draft', 'enregistrer comme brouillon', false)
    .option('--slug <slug>', 'slug imposé (sinon tiré du titre)')
    .option('-y, --yes', 'ne pas demander de confirmation', false)
    .option('--json', 'affiche le billet créé en JSON au lieu de son chemin', false)
    .addHelpText('after', [
      '',
      'Sans terminal (script, cron), --title et --body (ou --body-file) sont obligatoires.',
      '',
      'Exemples :',
      '  news new',
      '  news new --title "Portes ouvertes" --body "Samedi 12 mars, de 9 h à 17 h." --tag agenda --yes',
      '  echo "Texte du billet" | news new --title "Un titre" --body-file - --draft',
      '  news new --title "Un titre" --body-file billet.md --quiet',
      '',
    ].join('\n'));
  addQuietOption(command);
  prepareCommand(program, command, env).action(async (opts: Omit<NewOptions, 'dir'>, cmd: Command) => {
    env.setExitCode(await runNew({ ...opts, dir: globalOptions(cmd).dir }, env.ctx));
  });
}

function checkSlugFlag(value: string): string {
  if (!isValidSlug(value)) {
    throw new NewsError(`--slug « ${value} » : un slug ne contient que des lettres minuscules sans accent, des chiffres et des tirets simples (ex. portes-ouvertes-2014), 80 caractères au plus`);
  }
  return value;
}

function splitTags(text: string): string[] {
  return text.split(',').map((t) => t.trim()).filter(Boolean);
}

interface Draft {
  title: string;
  summary?: string;
  body: string;
  date: string;
  author?: string;
  tags: string[];
  status: Post['status'];
}

async function askMissing(opts: NewOptions, given: Partial<Draft>, site: Site, ctx: Context, prompter: Prompter): Promise<Draft> {
  const notEmpty = (label: string) => (v: string) => (v.trim() ? true : `${label} est obligatoire`);
  const title = given.title ?? (await prompter.input({ message: 'Titre :', validate: notEmpty('Le titre') })).trim();
  const summary = opts.summary ?? ((await prompter.input({ message: 'Chapeau (facultatif, Entrée pour passer) :' })).trim() || undefined);
  let body = given.body;
  if (body === undefined) {
    if (ctx.env.VISUAL || ctx.env.EDITOR) {
      body = await prompter.editor({ message: 'Texte du billet (Markdown), dans votre éditeur :' });
    } else {
      const paragraphs: string[] = [];
      for (;;) {
        const line = await prompter.input({
          message: paragraphs.length === 0 ? 'Texte, un paragraphe par ligne (ligne vide pour finir) :' : `Paragraphe ${paragraphs.length + 1} (ligne vide pour finir) :`,
          validate: paragraphs.length === 0 ? notEmpty('Le texte') : undefined,
        });
        if (!line.trim()) break;
        paragraphs.push(line.trim());
      }
      body = paragraphs.join('\n\n');
    }
    if (!body.trim()) throw new NewsError('le texte du billet est vide : aucun billet créé');
  }
  const date = given.date ?? typedDateOrFail('date', (await prompter.input({
    message: 'Date (AAAA-MM-JJ, ou AAAA-MM-JJ HH:MM pour une heure) :',
    default: formatIsoDay(today(ctx.now(), site.timeZone)),
    validate: (v) => {
      const typed = parseTypedDate(v, site.timeZone);
      return typed.ok ? true : typed.reason ?? 'attendu par exemple 2026-11-30 ou 2026-11-30 08:00';
    },
  })).trim(), site.timeZone);
  const author = opts.author !== undefined
    ? opts.author.trim() || undefined
    : (await prompter.input({ message: 'Auteur :', default: site.author ?? '' })).trim() || undefined;
  const tags = opts.tag ? given.tags! : splitTags(await prompter.input({ message: 'Étiquettes (séparées par des virgules) :' }));
  const status = opts.draft
    ? 'draft'
    : await prompter.select<Post['status']>({
        message: 'Statut :',
        choices: [{ name: 'publié', value: 'published' }, { name: 'brouillon', value: 'draft' }],
        default: 'published',
      });
  return { title, summary, body, date, author, tags: uniqueTags(tags), status };
}

function preview(draft: Draft, site: Site): string {
  const lines = [
    '',
    colors.bold(draft.title),
    `${formatDateFr(draft.date, site.timeZone)} · ${draft.status === 'draft' ? 'brouillon' : 'publié'}${draft.author ? ` · ${draft.author}` : ''}`,
  ];
  if (draft.tags.length) lines.push(`Étiquettes : ${draft.tags.join(', ')}`);
  if (draft.summary) lines.push(draft.summary);
  const body = draft.body.trim();
  lines.push('', body.length > 600 ? `${body.slice(0, 600)}…` : body, '');
  return lines.join('\n');
}

export async function runNew(opts: NewOptions, ctx: Context): Promise<number> {
  const dir = resolveContentDir(opts.dir, ctx.env, ctx.cwd);
  const site = loadSite(dir);
  if (opts.slug !== undefined) checkSlugFlag(opts.slug);
  const typedDate = opts.date === undefined ? undefined : typedDateOrFail('--date', opts.date, site.timeZone);
  if (opts.body !== undefined && opts.bodyFile !== undefined) {
    throw new NewsError('--body et --body-file ne vont pas ensemble : choisissez-en un');
  }
  const interactive = ctx.stdinIsTTY;
  if (!interactive) {
    const missing = [opts.title?.trim() ? '' : '--title', opts.body?.trim() || opts.bodyFile ? '' : '--body (ou --body-file)'].filter(Boolean);
    if (missing.length > 0) {
      throw new NewsError(`il manque ${missing.join(' et ')} : sans terminal, news new ne pose pas de questions. Exemple : news new --title "Titre" --body "Texte"`);
    }
  }
  const body = opts.bodyFile !== undefined ? await readBodyFile(opts.bodyFile, ctx.cwd, ctx.stdin) : opts.body;
  if (body !== undefined && !body.trim()) throw new NewsError(`${opts.bodyFile !== undefined ? '--body-file' : '--body'} : le texte du billet est vide`);
  if (opts.title !== undefined && !opts.title.trim()) throw new NewsError('--title : le titre est vide');

  const given: Partial<Draft> = {
    title: opts.title?.trim(),
    body,
    date: typedDate,
    tags: opts.tag ? uniqueTags(opts.tag) : undefined,
  };
  let draft: Draft;
  if (interactive) {
    const prompter = await ctx.prompter();
    try {
      draft = await askMissing(opts, given, site, ctx, prompter);
      if (!opts.yes) {
        ctx.stderr.write(preview(draft, site));
        if (!(await prompter.confirm({ message: 'Créer ce billet ?', default: true }))) {
          ctx.stderr.write('Aucun billet créé.\n');
          return 0;
        }
      }
    } catch (error) {
      if ((error as Error)?.name === 'ExitPromptError' || (error as Error)?.name === 'AbortPromptError') {
        throw new NewsError('saisie interrompue : aucun billet créé');
      }
      throw error;
    }
  } else {
    draft = {
      title: given.title!,
      summary: opts.summary?.trim() || undefined,
      body: body!,
      date: typedDate ?? formatIsoDay(today(ctx.now(), site.timeZone)),
      // --author "" means no author, not an empty one.
      author: opts.author !== undefined ? opts.author.trim() || undefined : site.author,
      tags: given.tags ?? [],
      status: opts.draft ? 'draft' : 'published',
    };
  }

  const sizeLabel = opts.bodyFile !== undefined ? `--body-file ${opts.bodyFile}` : opts.body !== undefined ? '--body' : 'texte du billet';
  const { file, post, lookalikes } = await addPost(dir, { ...draft, slug: opts.slug }, { now: ctx.now(), lockTimeoutMs: lockTimeoutFromEnv(ctx.env), sizeLabel, env: ctx.env });

  if (lookalikes.length > 0) {
    ctx.stderr.write(`${warningLabel(ctx)} : ce billet ressemble à un billet existant (${lookalikes.join(', ')}) ; voir news dedupe\n`);
  }
  if (opts.json) writeJson(ctx.stdout, post);
  else if (!opts.quiet) ctx.stdout.write(`${shownPath(file, ctx.cwd)}\n`);
  return 0;
}
