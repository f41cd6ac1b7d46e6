import path from 'node:path';
import type { Command } from 'commander';
import { prepareCommand, type CommandEnv } from '../cli/command.js';
import type { Context } from '../core/context.js';
import { addQuietOption, collect, globalOptions, parseChoice, parsePositiveInt } from '../cli/options.js';
import { holdOptimizer, releaseOptimizer } from '../cli/optimizer.js';
import { DEFAULT_FEED_LIMIT } from '../export/plan-key.js';
import { resolveContentDir } from '../store/content.js';
import { EXPORT_FORMATS, exportContent, FEED_NAMES, type ExportFormat } from '../store/export.js';
import { EXPORT_MARKER } from '../store/site-output.js';
import { reportFinishedRun, warningLabel, warnProblems } from './shared.js';

export const FORMATS = EXPORT_FORMATS;
export type { ExportFormat };

export interface ExportOptions {
  dir?: string;
  format: ExportFormat;
  out?: string;
  baseUrl?: string;
  limit?: number;
  tag?: string[];
  future: boolean;
  drafts: boolean;
  quiet?: boolean;
}

export { EXPORT_MARKER };


export function register(program: Command, env: CommandEnv): void {
  const command = program
    .command('export')
    .description('exporte le site statique (html) ou un flux (rss, atom, json)')
    .argument('<format>', 'html, rss, atom ou json', parseChoice('<format>', FORMATS))
    .option('-o, --out <chemin>', 'dossier du site (html, obligatoire) ou fichier du flux (sinon sortie standard)')
    .option('--base-url <url>', 'adresse publique du site, ex. https://exemple.fr/actualites/ (sinon baseUrl de site.json)')
    .option('-n, --limit <n>', `au plus n billets, les plus récents (flux : ${DEFAULT_FEED_LIMIT} par défaut ; html : tous)`, parsePositiveInt('--limit'))
    .option('-t, --tag <étiquette>', 'seulement les billets portant cette étiquette', collect)
    .option('--future', 'inclut les billets programmés (datés après maintenant)', false)
    .option('--drafts', 'inclut les brouillons', false)
    .addHelpText('after', '\nExemples :\n  news export html --out public/\n  news export rss --out public/feed.xml\n  news export json --tag "réseaux sociaux" --limit 10\n  news export html --out public/ --quiet\n');
  addQuietOption(command);
  prepareCommand(program, command, env).action(async (format: ExportFormat, opts: Omit<ExportOptions, 'dir' | 'format'>, cmd: Command) => {
    env.setExitCode(await runExport({ ...opts, format, dir: globalOptions(cmd).dir }, env.ctx));
  });
}

export async function runExport(opts: ExportOptions, ctx: Context): Promise<number> {
  const contentDir = resolveContentDir(opts.dir, ctx.env, ctx.cwd);
  const out = opts.out === undefined ? undefined : path.resolve(ctx.cwd, opts.out);
  // A site export that finds its last record renders a few pages: compiling its loops over
  // every post while they run costs more than it saves (cli/optimizer.ts). It is given back
  // when the export says a long run is ahead (onLongRun), and at the end of the command.
  if (opts.format === 'html') holdOptimizer();
  try {
    return await exportTo(opts, ctx, contentDir, out);
  } finally {
    releaseOptimizer();
  }
}

async function exportTo(opts: ExportOptions, ctx: Context, contentDir: string, out: string | undefined): Promise<number> {
  const result = await exportContent(contentDir, {
    format: opts.format,
    out,
    baseUrl: opts.baseUrl,
    limit: opts.limit,
    tag: opts.tag,
    future: opts.future,
    drafts: opts.drafts,
    now: ctx.now(),
    env: ctx.env,
    home: ctx.env.HOME,
    onFinished: (run) => reportFinishedRun(ctx, run),
    onLongRun: releaseOptimizer,
  });
  warnProblems(ctx, result.warnings);
  if (result.tag !== undefined && result.matching === 0) ctx.stderr.write(`${warningLabel(ctx)} : aucun billet à exporter ne porte l’étiquette « ${result.tag} ».\n`);
  if (result.document !== undefined) {
    ctx.stdout.write(result.document);
  } else if (!opts.quiet) {
    ctx.stderr.write(result.site
      ? `Site exporté dans ${out} : ${result.posts} billet(s), ${result.site.files} fichier(s) (${result.site.written} écrit(s), ${result.site.removed} supprimé(s))${result.site.threads > 1 ? `, pages faites sur ${result.site.threads} fils d’exécution` : ''}.\n`
      : `Flux ${FEED_NAMES[opts.format as keyof typeof FEED_NAMES]} écrit dans ${out} : ${result.posts} billet(s).\n`);
  }
  return 0;
}
