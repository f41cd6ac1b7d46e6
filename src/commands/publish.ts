import type { Command } from 'commander';
import { prepareCommand, type CommandEnv } from '../cli/command.js';
import type { Context } from '../core/context.js';
import { globalOptions } from '../cli/options.js';
import { isDue } from '../core/filters.js';
import { changePost } from '../store/change.js';
import { loadSite, resolveContentDir } from '../store/content.js';
import { formatDateTimeFr } from '../format/french.js';
import { addChangeOutputOptions, reportChange, typedDateOrFail } from './shared.js';

export interface PublishOptions {
  dir?: string;
  slug: string;
  /** A date as staff type it: the post is scheduled for then (or dated then, when it has passed). */
  at?: string;
  json: boolean;
  quiet: boolean;
}

export function register(program: Command, env: CommandEnv): void {
  const command = program
    .command('publish')
    .description('publie un billet (maintenant, ou à une date avec --at)')
    .argument('<slug>', 'slug du billet (ou un de ses alias)')
    .option('--at <date>', 'date de parution : AAAA-MM-JJ, ou AAAA-MM-JJ HH:MM à l’heure du site, ou ISO 8601');
  addChangeOutputOptions(command).addHelpText('after', [
    '',
    'Un billet publié daté dans le futur est programmé : les exports l’ignorent jusqu’à sa date.',
    '',
    'Exemples :',
    '  news publish portes-ouvertes',
    '  news publish portes-ouvertes --at "2026-11-30 08:00"',
    '  news publish portes-ouvertes --at 2026-12-01 --json',
    '',
  ].join('\n'));
  prepareCommand(program, command, env).action(async (slug: string, opts: Omit<PublishOptions, 'dir' | 'slug'>, cmd: Command) => {
    env.setExitCode(await runPublish({ ...opts, slug, dir: globalOptions(cmd).dir }, env.ctx));
  });
}

export async function runPublish(opts: PublishOptions, ctx: Context): Promise<number> {
  const dir = resolveContentDir(opts.dir, ctx.env, ctx.cwd);
  const site = loadSite(dir);
  const date = opts.at === undefined ? undefined : typedDateOrFail('--at', opts.at, site.timeZone);
  const now = ctx.now();
  const result = await changePost(dir, opts.slug, () => ({ status: 'published', ...(date !== undefined ? { date } : {}) }), {
    now, timeZone: site.timeZone, env: ctx.env,
  });
  reportChange(ctx, 'publish', result, opts, 'déjà publié à cette date');
  if (!opts.quiet && !isDue(result.post, now, site.timeZone)) {
    ctx.stderr.write(`Programmé : paraîtra ${formatDateTimeFr(result.post.date, site.timeZone)} (les exports l’ignorent d’ici là).\n`);
  }
  return 0;
}
