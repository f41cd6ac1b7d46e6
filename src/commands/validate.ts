import type { Command } from 'commander';
import { prepareCommand, type CommandEnv } from '../cli/command.js';
import type { Context } from '../core/context.js';
import { addQuietOption, globalOptions } from '../cli/options.js';
import { writeJson } from '../cli/json.js';
import { loadPosts, resolveContentDir } from '../store/content.js';
import { checkSiteFile, validateLoaded } from '../store/validate.js';
import path from 'node:path';
import { readFinishedContent, warningLabel } from './shared.js';

export interface ValidateOptions {
  dir?: string;
  json: boolean;
  quiet?: boolean;
}

export function register(program: Command, env: CommandEnv): void {
  const command = program
    .command('validate')
    .description('vérifie chaque fichier de billet (JSON, schéma, slug, doublons de slug ou d’alias)')
    .option('--json', 'rapport JSON', false)
    .addHelpText('after', '\nCode de sortie : 0 si tout va bien, 1 si un problème est trouvé, 2 en cas d’erreur.\n\nExemples :\n  news validate\n  news validate --json\n  news validate --quiet\n');
  addQuietOption(command);
  prepareCommand(program, command, env).action(async (opts: { json: boolean; quiet: boolean }, cmd: Command) => {
    env.setExitCode(await runValidate({ json: opts.json, quiet: opts.quiet, dir: globalOptions(cmd).dir }, env.ctx));
  });
}

export async function runValidate(opts: ValidateOptions, ctx: Context): Promise<number> {
  const dir = resolveContentDir(opts.dir, ctx.env, ctx.cwd);
  const site = checkSiteFile(dir);
  const loaded = await readFinishedContent(ctx, dir, site.timeZone, () => loadPosts(dir));
  const { checked, problems, warnings } = validateLoaded(dir, site.problems, loaded);
  for (const warning of warnings) ctx.stderr.write(`${warningLabel(ctx)} : ${warning}\n`);
  if (opts.json) {
    writeJson(ctx.stdout, {
      ok: problems.length === 0,
      checked,
      problems: problems.map((p) => ({ file: path.relative(dir, p.file), field: p.field, line: p.line, column: p.column, message: p.message })),
      warnings,
    });
  } else {
    for (const problem of problems) ctx.stdout.write(`${problem.message}\n`);
    if (problems.length > 0 || !opts.quiet) ctx.stderr.write(
      problems.length === 0
        ? `${checked} billet(s) vérifié(s) : aucun problème.\n`
        : `${checked} billet(s) vérifié(s) : ${problems.length} problème(s).\n`,
    );
  }
  return problems.length === 0 ? 0 : 1;
}
