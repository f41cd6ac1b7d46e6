import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { prepareCommand, type CommandEnv } from '../cli/command.js';
import type { Context } from '../core/context.js';
import { NewsError } from '../core/errors.js';
import { collect, globalOptions } from '../cli/options.js';
import { formatIsoInstant } from '../core/dates.js';
import { parseEditFile, renderEditFile } from '../core/editfile.js';
import { tagKey } from '../core/filters.js';
import type { Post } from '../core/post.js';
import { uniqueTags } from '../core/tags.js';
import { changePost, locatePost, readPostForChange, writeChanges, type ChangeResult } from '../store/change.js';
import { loadSite, resolveContentDir } from '../store/content.js';
import { lockTimeoutFromEnv, withContentLock } from '../store/lock.js';
import { readBodyFile } from '../store/read.js';
import { finishPendingRuns } from '../store/unfinished.js';
import { addChangeOutputOptions, reportChange, typedDateOrFail } from './shared.js';

export interface EditOptions {
  dir?: string;
  slug: string;
  title?: string;
  summary?: string;
  body?: string;
  bodyFile?: string;
  date?: string;
  author?: string;
  tag?: string[];
  addTag?: string[];
  removeTag?: string[];
  json: boolean;
  quiet: boolean;
}

const FIELD_FLAGS = ['title', 'summary', 'body', 'bodyFile', 'date', 'author', 'tag', 'addTag', 'removeTag'] as const;

export function register(program: Command, env: CommandEnv): void {
  const command = program
    .command('edit')
    .description('modifie un billet : par options (scripts) ou dans votre éditeur ($VISUAL, $EDITOR)')
    .argument('<slug>', 'slug du billet (ou un de ses alias)')
    .option('--title <titre>', 'nouveau titre')
    .option('--summary <texte>', 'nouveau chapeau ("" pour l’enlever)')
    .option('--body <texte>', 'nouveau texte (Markdown)')
    .option('--body-file <chemin|->', 'lit le nouveau texte dans un fichier, ou sur l’entrée standard avec -')
    .option('--date <date>', 'AAAA-MM-JJ, ou AAAA-MM-JJ HH:MM à l’heure du site, ou ISO 8601')
    .option('--author <nom>', 'nouvel auteur ("" pour l’enlever)')
    .option('--tag <étiquette>', 'remplace les étiquettes (répétable)', collect)
    .option('--add-tag <étiquette>', 'ajoute une étiquette (répétable)', collect)
    .option('--remove-tag <étiquette>', 'retire une étiquette, sans tenir compte de la casse ni des accents (répétable)', collect);
  addChangeOutputOptions(command).addHelpText('after', [
    '',
    'Avec des options, seuls ces champs changent. Sans option, dans un terminal, le billet s’ouvre',
    'dans $VISUAL ou $EDITOR (sinon vi) : un en-tête (title, date, status, tags, summary, author)',
    'puis le texte. À l’enregistrement, le billet est vérifié ; en cas de problème l’éditeur se',
    'rouvre avec la raison en tête. Fichier vidé, ou éditeur quitté en erreur : rien ne change.',
    'Le slug ne change jamais ici : voir news rename.',
    '',
    'Exemples :',
    '  news edit portes-ouvertes',
    '  news edit portes-ouvertes --title "Portes ouvertes 2026" --add-tag agenda',
    '  news edit portes-ouvertes --date "2026-11-30 08:00"',
    '  news edit portes-ouvertes --body-file texte.md --quiet',
    '',
  ].join('\n'));
  prepareCommand(program, command, env).action(async (slug: string, opts: Omit<EditOptions, 'dir' | 'slug'>, cmd: Command) => {
    env.setExitCode(await runEdit({ ...opts, slug, dir: globalOptions(cmd).dir }, env.ctx));
  });
}

/** The fields the flags ask for, worked out from the post as it is now (tags added to its current ones). */
function flagChanges(opts: EditOptions, body: string | undefined, date: string | undefined): (post: Post) => Record<string, unknown> {
  return (post) => {
    const changes: Record<string, unknown> = {};
    if (opts.title !== undefined) changes.title = opts.title.trim();
    if (opts.summary !== undefined) changes.summary = opts.summary.trim() || undefined;
    if (body !== undefined) changes.body = body;
    if (date !== undefined) changes.date = date;
    if (opts.author !== undefined) changes.author = opts.author.trim() || undefined;
    if (opts.tag || opts.addTag || opts.removeTag) {
      let tags = opts.tag ? uniqueTags(opts.tag) : post.tags;
      if (opts.addTag) tags = uniqueTags([...tags, ...opts.addTag]);
      if (opts.removeTag) {
        const gone = new Set(opts.removeTag.map(tagKey));
        tags = tags.filter((t) => !gone.has(tagKey(t)));
      }
      changes.tags = tags;
    }
    return changes;
  };
}

export async function runEdit(opts: EditOptions, ctx: Context): Promise<number> {
  const dir = resolveContentDir(opts.dir, ctx.env, ctx.cwd);
  const site = loadSite(dir);
  const withFlags = FIELD_FLAGS.some((flag) => opts[flag] !== undefined);
  if (!withFlags) return editInEditor(opts, dir, site.timeZone, ctx);

  if (opts.body !== undefined && opts.bodyFile !== undefined) throw new NewsError('--body et --body-file ne vont pas ensemble : choisissez-en un', 2, { code: 'USAGE' });
  if (opts.title !== undefined && !opts.title.trim()) throw new NewsError('--title : le titre est vide', 2, { code: 'USAGE' });
  for (const [flag, values] of [['--tag', opts.tag], ['--add-tag', opts.addTag], ['--remove-tag', opts.removeTag]] as const) {
    if (values?.some((t) => !t.trim())) throw new NewsError(`${flag} : une étiquette ne peut pas être vide`, 2, { code: 'USAGE' });
  }
  const date = opts.date === undefined ? undefined : typedDateOrFail('--date', opts.date, site.timeZone);
  const body = opts.bodyFile !== undefined ? await readBodyFile(opts.bodyFile, ctx.cwd, ctx.stdin) : opts.body;
  if (body !== undefined && !body.trim()) throw new NewsError(`${opts.bodyFile !== undefined ? '--body-file' : '--body'} : le texte du billet est vide`, 2, { code: 'USAGE' });
  const result = await changePost(dir, opts.slug, flagChanges(opts, body, date), { now: ctx.now(), timeZone: site.timeZone, env: ctx.env });
  reportChange(ctx, 'edit', result, opts);
  return 0;
}

/** The editor command: $VISUAL, else $EDITOR, else vi (as crontab -e and git do). */
function editorCommand(env: Context['env']): string {
  return env.VISUAL?.trim() || env.EDITOR?.trim() || 'vi';
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

async function editInEditor(opts: EditOptions, dir: string, timeZone: string, ctx: Context): Promise<number> {
  if (!ctx.stdinIsTTY || !ctx.stdoutIsTTY) {
    throw new NewsError(
      `sans option, news edit ouvre le billet dans votre éditeur, ce qui demande un terminal. Dans un script, donnez les champs à changer, par exemple : news edit ${opts.slug} --title "Nouveau titre"`,
      2, { code: 'USAGE' },
    );
  }
  const located = locatePost(dir, opts.slug, timeZone, ctx.env);
  const original = readPostForChange(dir, located.file).post;
  const editor = editorCommand(ctx.env);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'news-edit-'));
  const file = path.join(folder, `${original.slug}.md`);
  let keepFile = false;
  try {
    fs.writeFileSync(file, renderEditFile(original), { mode: 0o600 });
    for (;;) {
      // Through the shell, as git does: EDITOR="code --wait" is a command line, not a program name.
      const run = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'news-edit', file], { stdio: 'inherit' });
      if (run.error || run.status !== 0) {
        const why = run.error ? run.error.message : run.signal ? `arrêté par ${run.signal}` : `code de sortie ${run.status}`;
        throw new NewsError(`l’éditeur « ${editor} » s’est terminé en erreur (${why}) : édition abandonnée, le billet n’a pas changé`, 2, { code: 'ERROR' });
      }
      const text = fs.readFileSync(file, 'utf8');
      const edited = parseEditFile(text, original, timeZone);
      if (edited.kind === 'empty') {
        if (!opts.quiet) ctx.stderr.write(`news edit : fichier vide, édition abandonnée : ${original.slug} n’a pas changé.\n`);
        return 0;
      }
      if (edited.kind === 'problem') {
        fs.writeFileSync(file, renderEditFile(original, edited.reason, text));
        continue;
      }
      // The fields the person changed, applied to the post as it is now (a script may have changed others meanwhile).
      const wanted = Object.fromEntries(Object.entries(edited.fields).filter(([field, value]) => !same(original[field], value)));
      const at = formatIsoInstant(ctx.now(), timeZone);
      let result: ChangeResult;
      try {
        result = await withContentLock(dir, async () => {
          const finished = await finishPendingRuns(dir, at);
          const current = readPostForChange(dir, located.file);
          const clash = Object.keys(wanted).filter((field) => !same(current.post[field], original[field]));
          if (clash.length > 0) {
            keepFile = true;
            throw new NewsError(`le billet a été modifié pendant l’édition (${clash.join(', ')}) : rien n’a été écrit ; votre version est gardée dans ${file}`, 2, { code: 'CONFLICT' });
          }
          return { file: located.file, located, finished, ...writeChanges(dir, located.file, current, wanted, at) };
        }, { timeoutMs: lockTimeoutFromEnv(ctx.env) });
      } catch (error) {
        if (error instanceof NewsError && error.code === 'USAGE') {
          fs.writeFileSync(file, renderEditFile(original, error.message, text));
          continue;
        }
        throw error;
      }
      reportChange(ctx, 'edit', result, opts, 'aucun changement');
      return 0;
    }
  } finally {
    if (!keepFile) fs.rmSync(folder, { recursive: true, force: true });
  }
}
