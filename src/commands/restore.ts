import type { Command } from 'commander';
import { prepareCommand, type CommandEnv } from '../cli/command.js';
import type { Context } from '../core/context.js';
import { addQuietOption, globalOptions } from '../cli/options.js';
import { loadSite, resolveContentDir, TRASH_DIR } from '../store/content.js';
import { restoreTrashedPost } from '../store/removal.js';
import { reportChange, reportFinishedRun } from './shared.js';

export interface RestoreOptions {
  dir?: string;
  slug: string;
  json: boolean;
  quiet: boolean;
}

export function register(program: Command, env: CommandEnv): void {
  const command = program
    .command('restore')
    .description('remet un billet de la corbeille à sa place (refusé si son slug ou un alias a été repris)')
    .argument('<slug>', 'slug du billet supprimé (voir news trash)')
    .option('--json', 'affiche le billet restauré en JSON au lieu de son chemin', false);
  addQuietOption(command, 'rien sur la sortie d’erreur en cas de succès');
  command.addHelpText('after', '\nExemples :\n  news trash\n  news restore portes-ouvertes-2014\n');
  prepareCommand(program, command, env).action(async (slug: string, opts: Omit<RestoreOptions, 'dir' | 'slug'>, cmd: Command) => {
    env.setExitCode(await runRestore({ ...opts, slug, dir: globalOptions(cmd).dir }, env.ctx));
  });
}

export async function runRestore(opts: RestoreOptions, ctx: Context): Promise<number> {
  const dir = resolveContentDir(opts.dir, ctx.env, ctx.cwd);
  const site = loadSite(dir);
  const restored = await restoreTrashedPost(dir, opts.slug, { now: ctx.now(), timeZone: site.timeZone, env: ctx.env });
  for (const run of restored.finished) reportFinishedRun(ctx, run);
  reportChange(ctx, 'restore', { file: restored.file, post: restored.post, changes: [] }, { json: opts.json, quiet: true });
  if (!opts.quiet) ctx.stderr.write(`news restore : ${restored.post.slug} remis en place (depuis ${TRASH_DIR}/${restored.runId}/).\n`);
  return 0;
}
