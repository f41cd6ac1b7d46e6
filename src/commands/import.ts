import type { Command } from 'commander';
import { prepareCommand, type CommandEnv } from '../cli/command.js';
import type { Context } from '../core/context.js';
import { isNewsError, NewsError } from '../core/errors.js';
import { fileSystemError } from '../store/errors.js';
import { addQuietOption, collect, globalOptions, parseChoice } from '../cli/options.js';
import { writeJson } from '../cli/json.js';
import { loadSite, resolveContentDir } from '../store/content.js';
import { lockTimeoutFromEnv, withContentLock } from '../store/lock.js';
import { addImportedPosts, type AlreadyThere, type ImportedFile } from '../store/import-posts.js';
import { collectImportFiles, IMPORT_SOURCES, readImportSource, type ImportCandidate, type ImportProblem, type ImportSource } from '../import/sources.js';
import { ProgressBar } from '../import/progress.js';
import { colors } from '../format/color.js';
import { printableText } from '../format/table.js';
import { shownPath, warningLabel, warnProblems } from './shared.js';

const SOURCES = IMPORT_SOURCES;
type Source = ImportSource;

export interface ImportOptions {
  dir?: string;
  paths: string[];
  from: Source;
  dryRun: boolean;
  json: boolean;
  tag?: string[];
  quiet?: boolean;
}

export function register(program: Command, env: CommandEnv): void {
  const command = program
    .command('import')
    .description("importe des pages de l’ancien site, ou les éléments d’un flux RSS, Atom ou JSON Feed")
    .argument('<fichier|dossier...>', 'pages (.txt) ou flux ; un dossier est parcouru avec ses sous-dossiers')
    .option('--from <format>', 'legacy (pages de l’ancien site), rss, atom ou json', parseChoice('--from', SOURCES), 'legacy')
    .option('--dry-run', 'montre ce qui serait créé, sans rien écrire', false)
    .option('--json', 'rapport JSON : billets créés, déjà présents, et problèmes', false)
    .option('-t, --tag <étiquette>', 'étiquette ajoutée à chaque billet importé (répétable)', collect)
    .addHelpText('after', [
      '',
      'Une page ou un élément déjà importé (même id) est signalé « déjà présent » et n’est pas recréé.',
      'Code de sortie : 0 si tout a été lu, 2 si un fichier ou un élément n’a pas pu l’être (les autres sont importés).',
      '',
      'Exemples :',
      '  news import ancien-site/',
      '  news import --dry-run page-1.txt page-2.txt',
      '  news import --from rss --tag partenaires flux.xml',
      '  news import --from json feed.json --json',
      '  news import --from rss --quiet flux.xml',
      '',
    ].join('\n'));
  addQuietOption(command);
  prepareCommand(program, command, env).action(async (paths: string[], opts: Omit<ImportOptions, 'dir' | 'paths'>, cmd: Command) => {
    env.setExitCode(await runImport({ ...opts, paths, dir: globalOptions(cmd).dir }, env.ctx));
  });
}

/** A file and feed item as named on the terminal: their text comes from outside, so no control character passes. */
function where(source: string, item?: string): string {
  return printableText(item ? `${source} (${item})` : source, true);
}

export async function runImport(opts: ImportOptions, ctx: Context): Promise<number> {
  const dir = resolveContentDir(opts.dir, ctx.env, ctx.cwd);
  const site = loadSite(dir);
  const progress = new ProgressBar(ctx.stderr, ctx.stderrIsTTY);
  const say = (line: string) => progress.message(line);
  // Labels on stderr are coloured only when stderr is a terminal (`2> journal.txt` gets none).
  const warn = (line: string) => say(`${warningLabel(ctx)} : ${printableText(line, true)}`);
  const problemLabel = ctx.stderrIsTTY ? colors.red('problème') : 'problème';

  const { files, problems, notes } = collectImportFiles(opts.paths, opts.from, ctx.cwd);
  for (const note of notes) say(printableText(note, true));

  const candidates: ImportCandidate[] = [];
  files.forEach((file, index) => {
    const source = shownPath(file, ctx.cwd);
    progress.update(index, files.length, where(source));
    const read = readImportSource(file, source, opts.from, site, warn);
    candidates.push(...read.candidates);
    problems.push(...read.problems);
  });
  progress.clear();

  const work = (): { created: ImportedFile[]; skipped: AlreadyThere[]; refused: ImportProblem[]; failure?: unknown } => {
    const added = addImportedPosts(dir, candidates, {
      dryRun: opts.dryRun,
      tags: opts.tag,
      onProgress: (done, total, candidate) => progress.update(done, total, where(candidate.source)),
    });
    progress.clear();
    warnProblems(ctx, added.contentProblems);
    return {
      created: added.created.map((c) => ({ ...c, file: shownPath(c.file, ctx.cwd) })),
      skipped: added.skipped.map((s) => ({ ...s, file: shownPath(s.file, ctx.cwd) })),
      refused: added.refused,
      failure: added.failure,
    };
  };
  // A dry run writes nothing, so it needs no lock and never waits for one.
  const { created, skipped, refused, failure } = candidates.length === 0
    ? { created: [], skipped: [], refused: [] }
    : opts.dryRun ? work() : await withContentLock(dir, work, { timeoutMs: lockTimeoutFromEnv(ctx.env) });
  problems.push(...refused);
  const failed = failure === undefined ? undefined : fileSystemError(failure, dir);
  if (failed !== undefined && !isNewsError(failed)) throw failed;

  if (opts.json) {
    writeJson(ctx.stdout, { dryRun: opts.dryRun, created, skipped, problems, ...(failed ? { error: (failed as Error).message } : {}) });
  } else if (failed) {
    // What was written before the failure is listed even with --quiet: it is part of the error report.
    if (created.length > 0) ctx.stdout.write(`${created.map((c) => `${colors.green('créé')} : ${c.file} ← ${where(c.source, c.item)}`).join('\n')}\n`);
  } else {
    const verb = opts.dryRun ? 'serait créé' : 'créé';
    const lines = [
      ...created.map((c) => `${colors.green(verb)} : ${c.file} ← ${where(c.source, c.item)}`),
      ...skipped.map((s) => `${colors.dim('déjà présent')} : ${where(s.source, s.item)} (${s.file})`),
    ];
    if (lines.length > 0 && !opts.quiet) ctx.stdout.write(`${lines.join('\n')}\n`);
  }
  if (failed) {
    const done = created.length === 0
      ? 'aucun billet n’a été créé avant l’erreur'
      : `${created.length} billet(s) créé(s) avant l’erreur, listé(s) ci-dessus (${created.slice(0, 5).map((c) => c.file).join(', ')}${created.length > 5 ? ', …' : ''})`;
    throw new NewsError(`${(failed as Error).message}\nnews import interrompu : ${done} ; une fois le problème réglé, relancez la même commande : ce qui est déjà importé sera signalé « déjà présent ».`, 2, { cause: failure, code: 'IO' });
  }
  for (const problem of problems) {
    const what = problem.missing.length > 0 ? `non importé, il manque : ${problem.missing.join(', ')} — ` : 'non importé : ';
    say(`${problemLabel} : ${where(problem.source, problem.item)} : ${what}${printableText(problem.reasons.join(' ; '), true)}`);
  }
  const counts = [
    `${created.length} billet(s) ${opts.dryRun ? 'à créer (simulation, rien n’est écrit)' : 'créé(s)'}`,
    `${skipped.length} déjà présent(s)`,
    ...(problems.length > 0 ? [`${problems.length} non importé(s)`] : []),
  ];
  if (problems.length === 0 && !opts.quiet) say(`${counts.join(', ')}.`);
  if (problems.length > 0) {
    throw new NewsError(`${problems.length} page(s) ou élément(s) non importé(s) (voir ci-dessus) ; ${created.length} billet(s) ${opts.dryRun ? 'seraient créés' : 'créé(s)'}, ${skipped.length} déjà présent(s). Corrigez ces fichiers puis relancez : ce qui est déjà importé sera signalé « déjà présent ».`);
  }
  return 0;
}
