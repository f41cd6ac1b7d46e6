import type { Command } from 'commander';
import { prepareCommand, type CommandEnv } from '../cli/command.js';
import type { Context } from '../core/context.js';
import { globalOptions } from '../cli/options.js';
import { renamePost } from '../store/change.js';
import { loadSite, resolveContentDir } from '../store/content.js';
import { addChangeOutputOptions, reportChange } from './shared.js';

export interface RenameOptions {
  dir?: string;
  slug: string;
  newSlug: string;
  json: boolean;
  quiet: boolean;
}

export function register(program: Command, env: CommandEnv): void {
  const command = program
    .command('rename')
    .description('change le slug (et le nom du fichier) d’un billet ; l’ancien slug devient un alias qui redirige')
    .argument('<slug>', 'slug actuel')
    .argument('<nouveau-slug>', 'nouveau slug : minuscules sans accent, chiffres, tirets');
  addChangeOutputOptions(command).addHelpText('after', '\nExemples :\n  news rename portes-ouvertes portes-ouvertes-2026\n  news rename portes-ouvertes-2026 portes-ouvertes --json\n');
  prepareCommand(program, command, env).action(async (slug: string, newSlug: string, opts: Omit<RenameOptions, 'dir' | 'slug' | 'newSlug'>, cmd: Command) => {
    env.setExitCode(await runRename({ ...opts, slug, newSlug, dir: globalOptions(cmd).dir }, env.ctx));
  });
}

export async function runRename(opts: RenameOptions, ctx: Context): Promise<number> {
  const dir = resolveContentDir(opts.dir, ctx.env, ctx.cwd);
  const site = loadSite(dir);
  const result = await renamePost(dir, opts.slug, opts.newSlug, { now: ctx.now(), timeZone: site.timeZone, env: ctx.env });
  reportChange(ctx, 'rename', result, opts);
  return 0;
}
