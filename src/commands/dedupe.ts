import fs from 'node:fs';
import os from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { prepareCommand, type CommandEnv } from '../cli/command.js';
import type { Context } from '../core/context.js';
import { EXIT_FOUND, EXIT_OK, NewsError } from '../core/errors.js';
import { addQuietOption, globalOptions } from '../cli/options.js';
import { writeJson } from '../cli/json.js';
import { formatIsoInstant } from '../core/dates.js';
import { buildMergePlan, DEFAULT_WINDOW_DAYS, DuplicateFinder, FingerprintPacker, isEmptyPlan, type DedupeFindings, type MergePlan, type PackedFingerprints } from '../core/dedupe/index.js';
import { serializePost, type Post } from '../core/post.js';
import { failOnProblems, listPostFiles, loadPostFile, loadSite, postFile, resolveContentDir, TRASH_DIR, type PostProblem } from '../store/content.js';
import { lockTimeoutFromEnv, withContentLock } from '../store/lock.js';
import {
  applyJournal, pendingRuns, readJournal, runStatus, sha256, startRun, trashStep, undoJournal,
  type JournalStep, type StepHook, type StepOutcome,
} from '../store/journal.js';
import { isRunId, listRunIds } from '../store/trash.js';
import { finishPendingRuns } from '../store/unfinished.js';
import { colors } from '../format/color.js';
import { formatCountFr } from '../format/french.js';
import { warnProblems, warningLabel } from './shared.js';

export interface DedupeOptions {
  dir?: string;
  json: boolean;
  check: boolean;
  apply: boolean;
  undo?: string;
  threshold: number;
  /** Posts dated more than this many days apart are not duplicates. */
  window: number;
  quiet: boolean;
  verbose: boolean;
}

export const DEFAULT_THRESHOLD = 0.9;

/** `--threshold`: a number in ]0, 1], with a point or a French comma. */
export function parseThreshold(value: string): number {
  const text = value.trim().replace(',', '.');
  const number = /^(?:\d+(?:\.\d*)?|\.\d+)$/.test(text) ? Number(text) : Number.NaN;
  if (!(number > 0 && number <= 1)) {
    throw new InvalidArgumentError(`--threshold attend un nombre supérieur à 0 et au plus 1, par exemple 0,9 ou 0.85 (reçu « ${value} »)`);
  }
  return number;
}

/** `--window`: a whole number of days, 0 or more. */
export function parseWindow(value: string): number {
  const text = value.trim();
  if (!/^\d{1,6}$/.test(text)) {
    throw new InvalidArgumentError(`--window attend un nombre entier de jours, 0 ou plus, par exemple 30 (reçu « ${value} »)`);
  }
  return Number(text);
}

export function register(program: Command, env: CommandEnv): void {
  const command = program
    .command('dedupe')
    .description('trouve les billets en double et les blocs répétés ; --apply les fusionne (sans rien perdre)')
    .option('--json', 'rapport JSON sur la sortie standard', false)
    .option('--check', 'code de sortie 1 si quelque chose est trouvé (rien n’est modifié)', false)
    .option('--apply', 'fusionne les doublons et supprime les blocs répétés (journal et corbeille dans .trash/)', false)
    .option('--undo <exécution>', 'annule une exécution de --apply (son identifiant est dans .trash/)')
    .addOption(new Option('--threshold <seuil>', 'similarité minimale des quasi-doublons, entre 0 et 1 (virgule ou point décimal)').argParser(parseThreshold).default(DEFAULT_THRESHOLD, '0,9'))
    .option('--window <jours>', 'des billets datés à plus de <jours> jours d’écart ne sont jamais des doublons', parseWindow, DEFAULT_WINDOW_DAYS)
    .option('-v, --verbose', 'une ligne par fusion et par billet nettoyé sur la sortie d’erreur', false)
    .addHelpText('after', [
      '',
      'Sans --apply, rien n’est modifié. Pour cron : news dedupe --apply (ne pose jamais de question).',
      'Un billet dont le fichier porte "dedupe": false n’est jamais fusionné ni nettoyé.',
      '',
      'Exemples :',
      '  news dedupe',
      '  news dedupe --check --json',
      '  news dedupe --apply --verbose',
      '  news dedupe --window 7 --threshold 0,95',
      '  news dedupe --undo 20261125-030000-3fa2c1',
      '',
    ].join('\n'));
  addQuietOption(command, 'aucune ligne de résumé sur la sortie d’erreur');
  prepareCommand(program, command, env).action(async (opts: Omit<DedupeOptions, 'dir'>, cmd: Command) => {
    env.setExitCode(await runDedupe({ ...opts, dir: globalOptions(cmd).dir }, env.ctx));
  });
}

/** Test hooks: stop dead after step k (like SIGKILL), or wait after each step while holding the lock. */
function stepHook(ctx: Context): StepHook {
  const crashAfter = ctx.env.NEWS_TEST_CRASH_AFTER_STEP ? Number(ctx.env.NEWS_TEST_CRASH_AFTER_STEP) : undefined;
  const delayMs = ctx.env.NEWS_TEST_STEP_DELAY_MS ? Number(ctx.env.NEWS_TEST_STEP_DELAY_MS) : 0;
  let step = 0;
  return async () => {
    step++;
    if (crashAfter !== undefined && step >= crashAfter) process.kill(process.pid, 'SIGKILL');
    if (delayMs > 0) await sleep(delayMs);
  };
}

function plural(n: number, one: string, many: string = `${one}s`): string {
  return `${formatCountFr(n)} ${n > 1 ? many : one}`;
}

interface Progress {
  update(done: number, total: number): void;
  done(): void;
}

/** Progress on stderr, only on a terminal and only for a large folder. */
function progress(ctx: Context, quiet: boolean): Progress {
  let shown = false;
  return {
    update(done, total) {
      if (quiet || !ctx.stderrIsTTY || total < 5000) return;
      shown = true;
      ctx.stderr.write(`\r\x1b[KAnalyse : ${formatCountFr(done)} / ${formatCountFr(total)} billets`);
    },
    done() {
      if (shown) ctx.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}

interface Scanned {
  findings: DedupeFindings;
  problems: PostProblem[];
}

/** A slice of the post files, read and fingerprinted by a worker thread. */
interface ScanJob {
  kind: 'news-dedupe-scan';
  dir: string;
  files: string[];
}

interface ScanChunk {
  packed: PackedFingerprints;
  problems: PostProblem[];
  /** The files that held a sound post, in order (one per fingerprint). */
  loaded: string[];
}

/** Below this many files one thread does it all: starting a worker costs more than it saves. */
const WORKER_MIN_FILES = 4000;
const MAX_THREADS = 4;

/**
 * How many threads read the folder: one per core left idle by the rest of the machine (its
 * one-minute load average), so a busy machine is not made busier for nothing.
 * NEWS_DEDUPE_THREADS=n sets it (tests, tuning).
 */
function threadCount(files: number, env: Context['env']): number {
  const forced = Number(env.NEWS_DEDUPE_THREADS);
  if (Number.isInteger(forced) && forced >= 1) return Math.min(forced, MAX_THREADS, Math.max(1, files));
  if (files < WORKER_MIN_FILES) return 1;
  const spare = Math.floor(os.availableParallelism() - os.loadavg()[0]! - 0.5);
  return Math.max(1, Math.min(MAX_THREADS, 1 + spare));
}

/** Reads post files in order and hands each sound post to `sink` (the finder, or a worker's packer). */
function scanFiles(dir: string, files: string[], sink: { add(post: Post): boolean }, onProgress: (done: number) => void = () => undefined): Omit<ScanChunk, 'packed'> {
  const problems: PostProblem[] = [];
  const loaded: string[] = [];
  for (const [k, file] of files.entries()) {
    if (k % 2000 === 1999) onProgress(k + 1);
    const result = loadPostFile(dir, file, true);
    if (result.problems.length > 0) {
      problems.push(...result.problems);
      continue;
    }
    // A post excluded with "dedupe": false is not in the finder: `load` is never asked for it.
    if (sink.add(result.post!)) loaded.push(file);
  }
  return { problems, loaded };
}

function runWorker(job: ScanJob): Promise<ScanChunk> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: job });
    worker.once('message', (message: ScanChunk | { error: string }) => {
      if ('error' in message) reject(new NewsError(message.error));
      else resolve(message);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new NewsError(`l’analyse en parallèle s’est arrêtée (code ${code}) : relancez news dedupe`));
    });
  });
}

if (!isMainThread && (workerData as ScanJob | undefined)?.kind === 'news-dedupe-scan') {
  const job = workerData as ScanJob;
  try {
    const packer = new FingerprintPacker(job.files.length);
    const chunk: ScanChunk = { ...scanFiles(job.dir, job.files, packer), packed: packer.pack() };
    const { counts, bandKinds, short, long } = chunk.packed;
    parentPort!.postMessage(chunk, [counts.buffer, bandKinds.buffer, short.buffer, long.buffer] as ArrayBuffer[]);
  } catch (error) {
    parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
}

/**
 * Reads every post file and fingerprints it at once, letting its text go: at 100,000 posts,
 * holding every body costs more time in garbage collection than the analysis itself. A large
 * folder is shared out between this thread and worker threads (one per idle core), each
 * taking a contiguous slice, so the order and the result are the same as with one thread.
 * Same files, order and checks as loadPosts (loadPostFile does the reading and checking).
 */
async function scanFolder(dir: string, opts: DedupeOptions, timeZone: string, ctx: Context): Promise<Scanned> {
  const { files: candidates, problems } = listPostFiles(dir);

  const files: string[] = [];
  const finder = new DuplicateFinder({ threshold: opts.threshold, windowDays: opts.window, timeZone, load: (i) => reloadPost(dir, files[i]!, 'news dedupe') });
  const threads = threadCount(candidates.length, ctx.env);
  const share = Math.ceil(candidates.length / threads);
  // Slices 1.. go to workers, started first; this thread reads slice 0 meanwhile.
  const workers = Array.from({ length: threads - 1 }, (_, w) =>
    runWorker({ kind: 'news-dedupe-scan', dir, files: candidates.slice((w + 1) * share, (w + 2) * share) }));
  // Should this thread's own slice throw, a worker failing later must not become an unhandled
  // rejection (a crash with a stack trace): mark them handled here; Promise.all below still sees them.
  for (const worker of workers) worker.catch(() => undefined);
  const bar = progress(ctx, opts.quiet);
  try {
    // This thread's slice goes straight into the finder; the workers' slices follow, in order.
    const own = scanFiles(dir, candidates.slice(0, share), finder, (done) => bar.update(done * threads, candidates.length));
    problems.push(...own.problems);
    files.push(...own.loaded);
    for (const chunk of await Promise.all(workers)) {
      problems.push(...chunk.problems);
      files.push(...chunk.loaded);
      finder.addPacked(chunk.packed);
    }
  } finally {
    bar.done();
  }
  problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { findings: finder.finish(), problems };
}

/** A post read again after the scan (its text was let go); it must still be sound. */
function reloadPost(dir: string, file: string, rerun: string): Post {
  const { post, problems } = loadPostFile(dir, file, true);
  if (!post || problems.length > 0) throw new NewsError(`${path.relative(dir, file)} a changé pendant l’analyse : relancez ${rerun}`);
  return post;
}

/** The posts a plan needs, read again from their files (a sound post's file is named by its slug). */
function readPosts(dir: string, slugs: Iterable<string>): Map<string, Post> {
  const posts = new Map<string, Post>();
  for (const slug of slugs) posts.set(slug, reloadPost(dir, postFile(dir, slug), 'news dedupe --apply'));
  return posts;
}

function foundSomething(findings: DedupeFindings): boolean {
  return findings.groups.length > 0 || findings.repeated.length > 0;
}

function jsonReport(findings: DedupeFindings, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    groups: findings.groups,
    repeated: findings.repeated,
    posts: findings.posts,
    excluded: findings.excluded,
    ...extra,
  };
}

function describeKind(d: { kind: 'exact' | 'near'; similarity: number }): string {
  return d.kind === 'exact' ? 'identique une fois normalisé' : `quasi identique (similarité ${d.similarity.toLocaleString('fr-FR')})`;
}

/** The report for people, on stdout. */
function humanReport(findings: DedupeFindings, applied: boolean): string {
  const lines: string[] = [];
  if (findings.groups.length > 0) {
    lines.push(colors.bold(`${applied ? 'Doublons fusionnés' : 'Doublons'} (${plural(findings.groups.length, 'groupe')}) :`));
    for (const group of findings.groups) {
      lines.push(`  ${applied ? 'gardé' : 'garder'} ${colors.green(group.keep)}`);
      group.duplicates.forEach((d, i) => {
        const branch = i === group.duplicates.length - 1 ? '└─' : '├─';
        lines.push(`    ${branch} ${d.slug} : ${describeKind(d)}`);
      });
    }
  }
  if (findings.repeated.length > 0) {
    if (lines.length) lines.push('');
    lines.push(colors.bold(`${applied ? 'Blocs répétés supprimés' : 'Blocs répétés'} (${plural(findings.repeated.length, 'billet')}) :`));
    for (const r of findings.repeated) {
      lines.push(`  ${colors.green(r.slug)} : ${plural(r.paragraphs, 'paragraphe')}, ${plural(r.removed, applied ? 'supprimé' : 'en trop', applied ? 'supprimés' : 'en trop')}`);
    }
  }
  if (lines.length === 0) lines.push(`Aucun doublon ni bloc répété parmi ${plural(findings.posts, 'billet')}.`);
  return `${lines.join('\n')}\n`;
}

function countDuplicates(findings: DedupeFindings): number {
  return findings.groups.reduce((n, g) => n + g.duplicates.length, 0);
}

function summaryLine(findings: DedupeFindings, runId?: string): string {
  if (!foundSomething(findings)) return `news dedupe : rien à faire (${plural(findings.posts, 'billet examiné', 'billets examinés')}).`;
  const dups = countDuplicates(findings);
  const parts: string[] = [];
  if (findings.groups.length) parts.push(`${plural(dups, 'doublon')} en ${plural(findings.groups.length, 'groupe')}`);
  if (findings.repeated.length) parts.push(`${plural(findings.repeated.length, 'billet')} avec des blocs répétés`);
  if (runId) {
    const cleaned = findings.repeated.length;
    const done = [
      dups ? `${plural(dups, 'billet')} fusionné${dups > 1 ? 's' : ''}` : '',
      cleaned ? `${plural(cleaned, 'billet')} nettoyé${cleaned > 1 ? 's' : ''}` : '',
    ].filter(Boolean).join(', ');
    return `news dedupe : ${parts.join(', ')} : ${done} ; journal ${TRASH_DIR}/${runId}/ (annuler : news dedupe --undo ${runId})`;
  }
  return `news dedupe : ${parts.join(', ')} ; rien n’a été modifié (news dedupe --apply pour fusionner).`;
}

function reportSkipped(ctx: Context, outcomes: StepOutcome[], quiet: boolean): void {
  if (quiet) return;
  for (const o of outcomes) if (o.result === 'skipped') ctx.stderr.write(`${warningLabel(ctx)} : ${o.reason}\n`);
}

/** Reads the exact bytes of every file the plan touches, and turns the plan into journal steps. */
function journalSteps(dir: string, plan: MergePlan): JournalStep[] {
  const steps: JournalStep[] = [];
  for (const r of plan.rewrites) {
    const bytes = fs.readFileSync(postFile(dir, r.slug));
    const text = serializePost(r.post);
    steps.push({
      op: 'rewrite',
      slug: r.slug,
      reason: r.reason,
      before: { sha256: sha256(bytes), base64: bytes.toString('base64') },
      after: { sha256: sha256(Buffer.from(text, 'utf8')), text },
    });
  }
  for (const t of plan.trash) steps.push(trashStep(dir, t.slug, t.into));
  return steps;
}

/** Finishes the runs a crash left half done (an apply, an undo, an rm), before anything else. */
async function finishInterrupted(dir: string, ctx: Context, at: string, hook: StepHook, quiet: boolean): Promise<void> {
  for (const run of await finishPendingRuns(dir, at, hook)) {
    reportSkipped(ctx, run.outcomes, quiet);
    if (!quiet) {
      ctx.stderr.write(`news dedupe : l’exécution interrompue ${run.runId} a été ${run.status === 'undoing' ? 'annulée' : 'terminée'}.\n`);
    }
  }
}

async function runApply(opts: DedupeOptions, dir: string, ctx: Context, timeZone: string): Promise<number> {
  const hook = stepHook(ctx);
  const at = formatIsoInstant(ctx.now(), timeZone);
  const result = await withContentLock(dir, async () => {
    await finishInterrupted(dir, ctx, at, hook, opts.quiet);
    const { findings, problems } = await scanFolder(dir, opts, timeZone, ctx);
    const ignored = failOnProblems(problems, 'news dedupe --apply refuse de fusionner');
    if (!opts.quiet) warnProblems(ctx, ignored);
    const involved = new Set([...findings.groups.flatMap((g) => [g.keep, ...g.duplicates.map((d) => d.slug)]), ...findings.repeated.map((r) => r.slug)]);
    const plan = buildMergePlan(findings, readPosts(dir, involved), at);
    if (isEmptyPlan(plan)) return { findings, runId: undefined, outcomes: [] as StepOutcome[] };
    const journal = startRun(dir, ctx.now(), {
      command: 'dedupe',
      createdAt: at,
      threshold: opts.threshold,
      window: opts.window,
      steps: journalSteps(dir, plan),
      report: jsonReport(findings),
    });
    const runId = journal.runId;
    await hook();
    const outcomes = await applyJournal(dir, journal, at, hook);
    return { findings, runId, outcomes };
  }, { timeoutMs: lockTimeoutFromEnv(ctx.env) });

  const { findings, runId, outcomes } = result;
  reportSkipped(ctx, outcomes, opts.quiet);
  if (opts.verbose) {
    for (const group of findings.groups) {
      for (const d of group.duplicates) ctx.stderr.write(`fusionné : ${d.slug} → ${group.keep} (${describeKind(d)})\n`);
    }
    for (const r of findings.repeated) ctx.stderr.write(`nettoyé : ${r.slug} (${plural(r.removed, 'paragraphe répété supprimé', 'paragraphes répétés supprimés')})\n`);
  }
  if (opts.json) writeJson(ctx.stdout, jsonReport(findings, { applied: runId !== undefined, runId: runId ?? null }));
  if (!opts.quiet) ctx.stderr.write(`${summaryLine(findings, runId)}\n`);
  return EXIT_OK;
}

async function runUndo(runId: string, opts: DedupeOptions, dir: string, ctx: Context, timeZone: string): Promise<number> {
  if (!isRunId(runId)) {
    throw new NewsError(`--undo « ${runId} » : identifiant d’exécution attendu, de la forme 20261125-030000-3fa2c1 (voir les dossiers de ${TRASH_DIR}/)`);
  }
  const at = formatIsoInstant(ctx.now(), timeZone);
  const outcomes = await withContentLock(dir, async () => {
    const status = runStatus(dir, runId);
    if (status === undefined) {
      const known = listRunIds(dir).filter((id) => runStatus(dir, id) !== undefined);
      throw new NewsError(`--undo ${runId} : aucune exécution de ce nom dans ${path.join(dir, TRASH_DIR)}${known.length ? ` ; exécutions connues : ${known.slice(-5).join(', ')}` : ''}`);
    }
    if (status === 'undone') throw new NewsError(`--undo ${runId} : cette exécution a déjà été annulée (voir ${TRASH_DIR}/${runId}/status.json)`);
    return undoJournal(dir, readJournal(dir, runId), at, stepHook(ctx));
  }, { timeoutMs: lockTimeoutFromEnv(ctx.env) });
  reportSkipped(ctx, outcomes, false);
  const restored = outcomes.filter((o) => o.step.op === 'trash' && o.result !== 'skipped').length;
  const rewritten = outcomes.filter((o) => o.step.op === 'rewrite' && o.result !== 'skipped').length;
  const incomplete = outcomes.some((o) => o.result === 'skipped');
  if (opts.json) writeJson(ctx.stdout, { runId, undone: true, complete: !incomplete, restored, reverted: rewritten });
  if (!opts.quiet) {
    ctx.stderr.write(
      `news dedupe : exécution ${runId} annulée : ${plural(restored, 'billet')} sorti${restored > 1 ? 's' : ''} de la corbeille, ${plural(rewritten, 'billet')} remis en l’état${incomplete ? ` ; certains fichiers ont changé depuis et restent tels quels (voir ${TRASH_DIR}/${runId}/)` : ''}.\n`,
    );
  }
  return EXIT_OK;
}

export async function runDedupe(opts: DedupeOptions, ctx: Context): Promise<number> {
  if (opts.apply && opts.check) throw new NewsError('--apply et --check ne vont pas ensemble : --check vérifie sans rien modifier');
  if (opts.undo !== undefined && (opts.apply || opts.check)) throw new NewsError(`--undo ne va pas avec ${opts.apply ? '--apply' : '--check'} : lancez-les séparément`);
  if (opts.quiet && opts.verbose) throw new NewsError('--quiet et --verbose ne vont pas ensemble : choisissez-en un');
  const dir = resolveContentDir(opts.dir, ctx.env, ctx.cwd);
  const site = loadSite(dir);
  if (opts.undo !== undefined) return runUndo(opts.undo, opts, dir, ctx, site.timeZone);
  if (opts.apply) return runApply(opts, dir, ctx, site.timeZone);

  // Report only: nothing is written, no lock is needed (every write is atomic).
  const { findings, problems } = await scanFolder(dir, opts, site.timeZone, ctx);
  if (!opts.quiet) warnProblems(ctx, problems);
  const pending = pendingRuns(dir);
  if (pending.length > 0 && !opts.quiet) {
    ctx.stderr.write(`${warningLabel(ctx)} : une exécution de news dedupe --apply a été interrompue (${pending.map((p) => p.runId).join(', ')}) ; la prochaine exécution de --apply la terminera.\n`);
  }
  if (opts.json) writeJson(ctx.stdout, jsonReport(findings));
  else ctx.stdout.write(humanReport(findings, false));
  if (!opts.quiet) ctx.stderr.write(`${summaryLine(findings)}\n`);
  return opts.check && foundSomething(findings) ? EXIT_FOUND : EXIT_OK;
}
