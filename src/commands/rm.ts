import type { Command } from 'commander';
import { prepareCommand, type CommandEnv } from '../cli/command.js';
import type { Context } from '../core/context.js';
import { addQuietOption, globalOptions } from '../cli/options.js';
import { writeJson } from '../cli/json.js';
import { loadSite, resolveContentDir, TRASH_DIR } from '../store/content.js';
import { trashPosts } from '../store/removal.js';
import { trashedPostFile } from '../store/trash.js';
import { reportFinishedRun, shownPath, warningLabel } from './shared.js';

export interface RmOptions {
  dir?: string;
  slugs: string[];
  json: boolean;
  quiet: boolean;
}

export function register(program: Command, env: CommandEnv): void {
  const command = program
    .command('rm')
    .alias('delete')
    .description('met des billets à la corbeille (.trash/, avec un journal ; news restore les remet)')
    .argument('<slug...>', 'slug de chaque billet à supprimer')
    .option('--json', 'affiche les billets supprimés en JSON au lieu de leur chemin dans la corbeille', false);
  addQuietOption(command, 'rien sur la sortie d’erreur en cas de succès');
  command.addHelpText('after', [
    '',
    'Rien n’est effacé : chaque billet va dans .trash/<exécution>/posts/, et le journal de cette',
    'exécution dit d’où il vient. news trash liste la corbeille, news restore <slug> remet un billet.',
    '',
    'Exemples :',
    '  news rm portes-ouvertes-2014',
    '  news rm brouillon-1 brouillon-2 --quiet',
    '  news delete portes-ouvertes-2014          (même commande)',
    '  news restore portes-ouvertes-2014',
    '',
  ].join('\n'));
  prepareCommand(program, command, env).action(async (slugs: string[], opts: Omit<RmOptions, 'dir' | 'slugs'>, cmd: Command) => {
    env.setExitCode(await runRm({ ...opts, slugs, dir: globalOptions(cmd).dir }, env.ctx));
  });
}

export async function runRm(opts: RmOptions, ctx: Context): Promise<number> {
  const dir = resolveContentDir(opts.dir, ctx.env, ctx.cwd);
  const site = loadSite(dir);
  const { runId, removed, skipped, finished } = await trashPosts(dir, opts.slugs, { now: ctx.now(), timeZone: site.timeZone, env: ctx.env });
  for (const run of finished) reportFinishedRun(ctx, run);
  for (const s of skipped) ctx.stderr.write(`${warningLabel(ctx)} : ${s.reason}\n`);
  if (!opts.quiet && removed.length > 0) {
    const names = removed.map((p) => p.slug).join(', ');
    ctx.stderr.write(`news rm : ${removed.length > 1 ? `${removed.length} billets mis` : 'billet mis'} à la corbeille (${TRASH_DIR}/${runId}/) : ${names} ; pour annuler : news restore ${removed[0]!.slug}\n`);
  }
  if (opts.json) writeJson(ctx.stdout, removed);
  else for (const p of removed) ctx.stdout.write(`${shownPath(trashedPostFile(dir, runId, p.slug), ctx.cwd)}\n`);
  return skipped.length > 0 ? 2 : 0;
}
