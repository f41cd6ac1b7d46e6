import type { Command } from 'commander';
import { prepareCommand, type CommandEnv } from '../cli/command.js';
import type { Context } from '../core/context.js';
import { isNewsError } from '../core/errors.js';
import { addQuietOption, globalOptions } from '../cli/options.js';
import { writeJson } from '../cli/json.js';
import { listPostFiles, loadPosts, loadSite, resolveContentDir, SITE_FILE, type PostProblem } from '../store/content.js';
import path from 'node:path';
import { duplicateKeys, misspeltKey } from '../core/jsonkeys.js';
import { readRegularTextStrict } from '../store/read.js';
import { DEFAULT_TIME_ZONE } from '../format/french.js';
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
  const problems: PostProblem[] = [];
  let timeZone = DEFAULT_TIME_ZONE;
  try {
    timeZone = loadSite(dir).timeZone;
  } catch (error) {
    if (!isNewsError(error)) throw error;
    problems.push({ file: path.join(dir, SITE_FILE), message: error.message });
  }
  const { posts, problems: fileProblems } = await readFinishedContent(ctx, dir, timeZone, () => loadPosts(dir));
  problems.push(...fileProblems);

  // Every slug and alias must lead to exactly one post.
  const claims = new Map<string, string[]>();
  const claim = (name: string, by: string) => claims.set(name, [...(claims.get(name) ?? []), by]);
  for (const { post } of posts) {
    claim(post.slug, `${post.slug}.json (slug)`);
    for (const alias of new Set(post.aliases)) claim(alias, `${post.slug}.json (alias)`);
  }
  for (const [name, owners] of claims) {
    if (owners.length < 2) continue;
    for (const owner of owners) {
      const file = path.join(dir, 'posts', owner.replace(/ \(.*$/, ''));
      problems.push({
        file,
        field: owner.endsWith('(alias)') ? 'aliases' : 'slug',
        message: `${path.relative(dir, file)} : « ${name} » est revendiqué plusieurs fois (${owners.join(', ')}) : gardez-le sur un seul billet`,
      });
    }
  }

  // What JSON.parse lets through: a key given twice (a problem), a misspelt known key (a warning).
  const warnings: string[] = [];
  for (const file of listPostFiles(dir).files) {
    const found = checkKeys(dir, file);
    problems.push(...found.problems);
    warnings.push(...found.warnings);
  }
  problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const warning of warnings) ctx.stderr.write(`${warningLabel(ctx)} : ${warning}\n`);

  const checked = posts.length + fileProblems.filter((p, i, all) => all.findIndex((q) => q.file === p.file) === i).length;
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

/** Keys given twice in one object (problems) and top-level keys that look misspelt (warnings) in one post file. */
function checkKeys(dir: string, file: string): { problems: PostProblem[]; warnings: string[] } {
  let text: string;
  let value: unknown;
  try {
    text = readRegularTextStrict(file);
    value = JSON.parse(text);
  } catch {
    return { problems: [], warnings: [] }; // already reported by loadPosts
  }
  const shown = path.relative(dir, file);
  const problems = duplicateKeys(text).map((d): PostProblem => ({
    file,
    field: d.path === '(racine)' ? d.key : `${d.path}.${d.key}`,
    line: d.line,
    column: d.column,
    message: `${shown}:${d.line}:${d.column} : la clé « ${d.key} » est donnée deux fois dans le même objet${d.path === "(racine)" ? "" : ` (${d.path})`} : gardez-en une seule (JSON n’en retiendrait que la dernière)`,
  }));
  const warnings: string[] = [];
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const key of Object.keys(value)) {
      const meant = misspeltKey(key);
      if (meant !== undefined && !Object.hasOwn(value, meant)) warnings.push(`${shown} : clé inconnue « ${key} » : vouliez-vous dire « ${meant} » ? (elle est gardée telle quelle, mais news l’ignore)`);
    }
  }
  return { problems, warnings };
}
