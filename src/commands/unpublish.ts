import type { Command } from 'commander';
import { prepareCommand, type CommandEnv } from '../cli/command.js';
import type { Context } from '../core/context.js';
import { globalOptions } from '../cli/options.js';
import { changePost } from '../store/change.js';
import { loadSite, resolveContentDir } from '../store/content.js';
import { addChangeOutputOptions, reportChange } from './shared.js';

export interface UnpublishOptions {
  dir?: string;
  slug: string;
  json: boolean;
  quiet: boolean;
}

export function register(program: Command, env: CommandEnv): void {
  const command = program
    .command('unpublish')
    .description('repasse un billet en brouillon (il disparaît des exports)')
    .argument('<slug>', 'slug du billet (ou un de ses alias)');
  addChangeOutputOptions(command).addHelpText('after', '\nExemples :\n  news unpublish portes-ouvertes\n  news unpublish portes-ouvertes --json\n');
  prepareCommand(program, command, env).action(async (slug: string, opts: Omit<UnpublishOptions, 'dir' | 'slug'>, cmd: Command) => {
    env.setExitCode(await runUnpublish({ ...opts, slug, dir: globalOptions(cmd).dir }, env.ctx));
  });
}

export async function runUnpublish(opts: UnpublishOptions, ctx: Context): Promise<number> {
  const dir = resolveContentDir(opts.dir, ctx.env, ctx.cwd);
  const site = loadSite(dir);
  const result = await changePost(dir, opts.slug, () => ({ status: 'draft' }), { now: ctx.now(), timeZone: site.timeZone, env: ctx.env });
  reportChange(ctx, 'unpublish', result, opts, 'déjà en brouillon');
  return 0;
}
