import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { prepareCommand, type CommandEnv } from '../cli/command.js';
import type { Context } from '../core/context.js';
import { addQuietOption, globalOptions, parseChoice } from '../cli/options.js';
import { writeJson } from '../cli/json.js';
import { loadSite, resolveContentDir } from '../store/content.js';
import { changeViews, type AppliedViews } from '../store/views.js';
import { importViews, type ViewsImportReport } from '../import/views.js';
import { LOG_FORMATS, type LogFormat, type SkipReason } from '../import/accesslog.js';
import { ProgressBar } from '../import/progress.js';
import { formatCountFr } from '../format/french.js';
import { shownPath, warningLabel } from './shared.js';

export interface ViewsImportCommandOptions {
  dir?: string;
  logs: string[];
  format?: LogFormat;
  baseUrl?: string;
  dryRun: boolean;
  json: boolean;
  quiet: boolean;
}

export interface ViewsChangeOptions {
  dir?: string;
  slug: string;
  mode: 'set' | 'add';
  value: number;
  json: boolean;
  quiet: boolean;
}

function parseViewsNumber(mode: 'set' | 'add') {
  return (value: string): number => {
    const ok = mode === 'set' ? /^\+?\d+$/.test(value) : /^[+-]?\d+$/.test(value);
    const n = Number(value);
    if (!ok || !Number.isSafeInteger(n)) {
      throw new InvalidArgumentError(mode === 'set'
        ? `<n> attend un nombre entier de lectures ≥ 0 (reçu « ${value} »)`
        : `<n> attend un nombre entier de lectures, négatif pour en retirer (reçu « ${value} »)`);
    }
    return n;
  };
}

export function register(program: Command, env: CommandEnv): void {
  const views = program
    .command('views')
    .description('nombre de lectures des billets : compté dans les journaux du serveur web, ou fixé à la main')
    .addHelpText('after', [
      '',
      'Exemples :',
      '  news views import /var/log/nginx/access.log /var/log/nginx/access.log.1',
      '  news views set le-miroir-brise-des-reseaux-sociaux 787',
      '  news views add le-miroir-brise-des-reseaux-sociaux -3',
      '',
    ].join('\n'));
  prepareCommand(program, views, env);

  const importCommand = views
    .command('import')
    .description('ajoute aux billets les lectures trouvées dans des journaux d’accès nginx ou Apache (combined ou common, gzip ou non)')
    .argument('<journal...>', 'fichiers journaux (access.log, access.log.1, access.log.2.gz…), ou - pour l’entrée standard')
    .option('--format <format>', 'impose le format (sinon reconnu sur les premières lignes) : combined ou common', parseChoice('--format', LOG_FORMATS))
    .option('--base-url <url>', 'adresse de la rubrique sur le site (sinon baseUrl de site.json), ou son chemin : /actualites/')
    .option('--dry-run', 'compte et affiche le rapport sans rien écrire', false)
    .option('--json', 'rapport JSON', false)
    .addHelpText('after', [
      '',
      'Une lecture : un GET servi en 200 ou 304 de la page d’un billet (<slug>/, <slug> ou <slug>/index.html,',
      'ou d’un de ses alias), par un navigateur (les robots sont écartés), comptée une fois par adresse,',
      'navigateur, billet et jour. Ce qui a été compté est retenu dans <contenu>/.news/ : relire le même',
      'journal, sa suite ou sa copie après rotation (access.log.1, access.log.2.gz) n’ajoute que les lignes nouvelles.',
      '',
      'Exemples :',
      '  news views import /var/log/nginx/access.log /var/log/nginx/access.log.1',
      '  news views import --dry-run /var/log/apache2/access.log.2.gz',
      '  zcat /var/log/nginx/access.log.*.gz | news views import -',
      '  news views import --json --base-url https://exemple.fr/actualites/ access.log',
      '',
      'Dans une crontab (chaque heure, muet sauf erreur) :',
      '  5 * * * * news --dir /srv/actualites views import --quiet /var/log/nginx/access.log /var/log/nginx/access.log.1',
      '',
    ].join('\n'));
  addQuietOption(importCommand);
  prepareCommand(program, importCommand, env).action(async (logs: string[], opts: Omit<ViewsImportCommandOptions, 'dir' | 'logs'>, cmd: Command) => {
    env.setExitCode(await runViewsImport({ ...opts, logs, dir: globalOptions(cmd).dir }, env.ctx));
  });

  for (const mode of ['set', 'add'] as const) {
    const command = views
      .command(mode)
      .description(mode === 'set' ? 'fixe le nombre de lectures d’un billet' : 'ajoute (ou retire, si négatif) des lectures à un billet')
      .argument('<slug>', 'slug du billet (ou un ancien slug devenu alias)')
      .argument('<n>', mode === 'set' ? 'nombre de lectures (entier ≥ 0)' : 'lectures à ajouter (entier, négatif pour en retirer)', parseViewsNumber(mode))
      .option('--json', 'affiche le billet modifié en JSON au lieu de son chemin', false)
      .addHelpText('after', mode === 'set'
        ? '\nExemples :\n  news views set le-miroir-brise-des-reseaux-sociaux 787\n  news views set le-miroir-brise-des-reseaux-sociaux 0 --json\n'
        : '\nExemples :\n  news views add le-miroir-brise-des-reseaux-sociaux 12\n  news views add le-miroir-brise-des-reseaux-sociaux -3\n');
    addQuietOption(command);
    prepareCommand(program, command, env).action(async (slug: string, value: number, opts: { json: boolean; quiet: boolean }, cmd: Command) => {
      env.setExitCode(await runViewsChange({ slug, value, mode, json: opts.json, quiet: opts.quiet, dir: globalOptions(cmd).dir }, env.ctx));
    });
  }
}

function reportFinished(ctx: Context, finished: AppliedViews[] | undefined): void {
  if (!finished || finished.length === 0) return;
  ctx.stderr.write(`${warningLabel(ctx)} : un import de lectures interrompu a été terminé d’abord (${formatCountFr(finished.length)} billet(s) mis à jour)\n`);
}

export async function runViewsChange(opts: ViewsChangeOptions, ctx: Context): Promise<number> {
  const dir = resolveContentDir(opts.dir, ctx.env, ctx.cwd);
  const site = loadSite(dir);
  const result = await changeViews(dir, opts.slug, { mode: opts.mode, value: opts.value }, { now: ctx.now(), timeZone: site.timeZone, env: ctx.env });
  reportFinished(ctx, result.finished);
  if (!opts.quiet) {
    const same = result.before === result.post.views ? ' (inchangé)' : '';
    ctx.stderr.write(`${result.post.slug} : lectures ${formatCountFr(result.before)} → ${formatCountFr(result.post.views)}${same}\n`);
  }
  if (opts.json) writeJson(ctx.stdout, result.post);
  else if (!opts.quiet) ctx.stdout.write(`${shownPath(result.file, ctx.cwd)}\n`);
  return 0;
}

const REASONS: Array<[SkipReason, string]> = [
  ['alreadyCounted', 'déjà comptées (import précédent)'],
  ['repeat', 'même visiteur, même billet, même jour'],
  ['robot', 'robots'],
  ['status', 'réponse autre que 200 ou 304'],
  ['method', 'requête autre que GET'],
  ['notPost', 'pas une page de billet'],
  ['unreadable', 'illisibles'],
];

const MIB = 1024 * 1024;

function formatBytes(n: number): string {
  return n >= MIB ? `${(n / MIB).toFixed(n >= 100 * MIB ? 0 : 1).replace('.', ',')} Mio` : `${Math.ceil(n / 1024)} Kio`;
}

export async function runViewsImport(opts: ViewsImportCommandOptions, ctx: Context): Promise<number> {
  const dir = resolveContentDir(opts.dir, ctx.env, ctx.cwd);
  const progress = new ProgressBar(ctx.stderr, ctx.stderrIsTTY && !opts.quiet, formatBytes);
  let report: ViewsImportReport;
  try {
    report = await importViews({
      contentDir: dir,
      logs: opts.logs,
      stdin: ctx.stdin,
      cwd: ctx.cwd,
      baseUrl: opts.baseUrl,
      format: opts.format,
      dryRun: opts.dryRun,
      now: ctx.now(),
      env: ctx.env,
      onProgress: (done, total, file) => progress.update(done, total, file),
      commitHook: crashHook(ctx),
    });
  } finally {
    progress.clear();
  }
  reportFinished(ctx, report.finished);
  for (const line of report.unreadable) {
    ctx.stderr.write(`${warningLabel(ctx)} : ${line.file}:${line.line} : ligne illisible, ignorée : ${line.text}\n`);
  }
  if (report.skipped.unreadable > report.unreadable.length) {
    ctx.stderr.write(`${warningLabel(ctx)} : … et ${formatCountFr(report.skipped.unreadable - report.unreadable.length)} autre(s) ligne(s) illisible(s)\n`);
  }
  if (opts.json) {
    writeJson(ctx.stdout, report);
    return 0;
  }
  if (opts.quiet) return 0;
  const lines: string[] = [];
  const verb = report.dryRun ? 'seraient ajoutées' : 'ajoutées';
  lines.push(`${formatCountFr(report.added)} lecture(s) ${verb} à ${formatCountFr(report.posts.length)} billet(s)${report.dryRun ? ' (--dry-run : rien n’a été écrit)' : ''}`);
  const width = Math.max(0, ...report.posts.map((p) => p.slug.length));
  for (const p of report.posts) lines.push(`  ${p.slug.padEnd(width)}  +${formatCountFr(p.added)}  (lu ${formatCountFr(p.views)} fois)`);
  const skippedTotal = REASONS.reduce((sum, [reason]) => sum + report.skipped[reason], 0);
  lines.push(`${formatCountFr(skippedTotal)} ligne(s) sans lecture nouvelle :`);
  for (const [reason, label] of REASONS) lines.push(`  ${label} : ${formatCountFr(report.skipped[reason])}`);
  for (const f of report.files) {
    const state = f.state === 'grown' ? 'suite d’un journal déjà lu' : f.state === 'replaced' ? 'remplacé, relu depuis le début' : 'nouveau';
    const format = f.format === 'empty' ? 'vide' : f.format;
    lines.push(`${f.file} : ${format}, ${state}, ${formatCountFr(f.lines)} ligne(s) lue(s), ${formatCountFr(f.alreadyCounted)} déjà comptée(s), ${formatCountFr(f.reads)} lecture(s)`);
  }
  ctx.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** Test hook, as for dedupe: stop dead after the k-th durable step of the commit. */
function crashHook(ctx: Context): (() => void) | undefined {
  const crashAfter = ctx.env.NEWS_TEST_CRASH_AFTER_STEP ? Number(ctx.env.NEWS_TEST_CRASH_AFTER_STEP) : undefined;
  if (crashAfter === undefined) return undefined;
  let step = 0;
  return () => {
    step++;
    if (step >= crashAfter) process.kill(process.pid, 'SIGKILL');
  };
}
