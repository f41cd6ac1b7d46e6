import type { Command } from 'commander';
import { prepareCommand, type CommandEnv } from '../cli/command.js';
import type { Context } from '../core/context.js';
import { globalOptions } from '../cli/options.js';
import { writeJson } from '../cli/json.js';
import { countTags } from '../core/tags.js';
import { loadSite, resolveContentDir } from '../store/content.js';
import { loadPostListings } from '../store/cache.js';
import { formatCountFr } from '../format/french.js';
import { printableText, renderTable } from '../format/table.js';
import { colors } from '../format/color.js';
import { warnProblems } from './shared.js';

export interface TagsOptions {
  dir?: string;
  json: boolean;
}

export function register(program: Command, env: CommandEnv): void {
  const command = program
    .command('tags')
    .description('liste les étiquettes, dans l’ordre alphabétique français, avec leur nombre de billets')
    .option('--json', 'la liste en JSON', false)
    .addHelpText('after', [
      '',
      'Deux étiquettes qui ne diffèrent que par la casse, les accents ou les espaces sont la même',
      '(« Rentrée », « rentree ») : elle est comptée une fois, sous son orthographe la plus courante.',
      '',
      'Exemples :',
      '  news tags',
      '  news tags --json',
      '  news list --tag rentree',
      '',
    ].join('\n'));
  prepareCommand(program, command, env).action(async (opts: { json: boolean }, cmd: Command) => {
    env.setExitCode(await runTags({ ...opts, dir: globalOptions(cmd).dir }, env.ctx));
  });
}

export async function runTags(opts: TagsOptions, ctx: Context): Promise<number> {
  const dir = resolveContentDir(opts.dir, ctx.env, ctx.cwd);
  const site = loadSite(dir);
  const { posts, problems } = loadPostListings(dir, site.timeZone, ctx.env);
  warnProblems(ctx, problems);
  const tags = countTags(posts.map(({ post }) => post));
  if (opts.json) {
    writeJson(ctx.stdout, tags);
    return 0;
  }
  if (tags.length === 0) {
    ctx.stderr.write('Aucune étiquette.\n');
    return 0;
  }
  const rows = tags.map((t) => [printableText(t.tag, true), `${formatCountFr(t.count)} billet${t.count > 1 ? 's' : ''}`]);
  ctx.stdout.write(`${renderTable(rows, [{ style: (s) => colors.bold(s) }, { align: 'right', style: (s) => colors.dim(s) }]).join('\n')}\n`);
  return 0;
}
