import type { Command } from 'commander';
import { prepareCommand, type CommandEnv } from '../cli/command.js';
import type { Context } from '../core/context.js';
import { globalOptions } from '../cli/options.js';
import { writeJson } from '../cli/json.js';
import { loadSite, resolveContentDir } from '../store/content.js';
import { trashedPosts } from '../store/removal.js';
import { formatDateTimeFr } from '../format/french.js';
import { printableText, renderTable } from '../format/table.js';
import { colors } from '../format/color.js';

export interface TrashOptions {
  dir?: string;
  json: boolean;
}

export function register(program: Command, env: CommandEnv): void {
  const command = program
    .command('trash')
    .description('liste les billets de la corbeille (supprimés par news rm ou fusionnés par news dedupe)')
    .option('--json', 'la liste en JSON', false)
    .addHelpText('after', '\nExemples :\n  news trash\n  news trash --json\n  news restore portes-ouvertes-2014\n');
  prepareCommand(program, command, env).action(async (opts: { json: boolean }, cmd: Command) => {
    env.setExitCode(await runTrash({ ...opts, dir: globalOptions(cmd).dir }, env.ctx));
  });
}

export async function runTrash(opts: TrashOptions, ctx: Context): Promise<number> {
  const dir = resolveContentDir(opts.dir, ctx.env, ctx.cwd);
  const site = loadSite(dir);
  const entries = trashedPosts(dir);
  if (opts.json) {
    writeJson(ctx.stdout, entries.map(({ slug, title, runId, command, removedAt, into }) => ({ slug, title: title ?? null, runId, command, removedAt, into: into ?? null })));
    return 0;
  }
  if (entries.length === 0) {
    ctx.stderr.write('La corbeille est vide.\n');
    return 0;
  }
  const rows = entries.map((e) => [
    formatDateTimeFr(e.removedAt, site.timeZone),
    e.slug,
    printableText(e.title ?? '(illisible)', true),
    e.command === 'rm' ? `supprimé (${e.runId})` : `fusionné dans ${e.into ?? '?'} (news dedupe --undo ${e.runId})`,
  ]);
  const lines = renderTable(rows, [
    { style: (s) => colors.cyan(s) },
    { style: (s) => colors.green(s) },
    { maxWidth: 50, style: (s) => colors.bold(s) },
    { style: (s) => colors.dim(s) },
  ]);
  ctx.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
