#!/usr/bin/env node
// Benchmark of `news views import` (issue 10) on a generated ~1 GB nginx `combined` log
// (4.6 million lines, 10,000 posts, 20 % robot lines), side by side with:
//   - the floor: a bare Node loop that only splits the file into lines (bench/views-floor.js);
//   - GoAccess (Debian `goaccess`): goaccess <log> -o report.json --log-format=COMBINED.
// Rows are timed in alternating rounds (floor, dry run, import, GoAccess, floor, …); medians.
// Peak memory (RSS) from /usr/bin/time. Memory flatness: the dry run on a quarter of the log.
//   npm run bench:views            (corpus and log under /tmp/views, deleted with --clean)
//   node bench/views.js --rounds 5 --lines 4600000 --clean
//   node bench/views.js --goaccess-runs 0   (GoAccess not run again: its row is taken from the
//                                            previous bench/results/views.json, and says so)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { writeCorpus } from './generate.js';
import { writeLog } from './generate-log.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH_DIR, '..');
const BIN = path.join(ROOT, 'bin', 'news.js');
const RESULTS = path.join(BENCH_DIR, 'results');

function parseArgs(argv) {
  const opts = { rounds: 3, goaccessRuns: 1, lines: 4_600_000, work: '/tmp/views', clean: false };
  for (let i = 0; i < argv.length; i++) {
    const value = () => argv[++i];
    if (argv[i] === '--rounds') opts.rounds = Number(value());
    else if (argv[i] === '--lines') opts.lines = Number(value());
    else if (argv[i] === '--goaccess-runs') opts.goaccessRuns = Number(value());
    else if (argv[i] === '--work') opts.work = value();
    else if (argv[i] === '--clean') opts.clean = true;
    else throw new Error(`option inconnue « ${argv[i]} »`);
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const WORK = opts.work;
const log = (s) => process.stderr.write(`${s}\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fr = (n, digits = 2) => n.toLocaleString('fr-FR', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function cleanEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('NEWS_') && k !== 'NODE_OPTIONS') env[k] = v;
  env.NEWS_CACHE_DIR = path.join(WORK, 'cache');
  return env;
}

/** One timed run under /usr/bin/time: wall seconds (from here), peak RSS, CPU. */
function runOnce(cmd, args, { cwd = WORK, capture = false } = {}) {
  const timeFile = path.join(WORK, 'time.txt');
  fs.rmSync(timeFile, { force: true });
  const started = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', '-o', timeFile, cmd, ...args], {
    cwd, env: cleanEnv(), stdio: ['ignore', capture ? 'pipe' : 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024, encoding: 'utf8',
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const lines = fs.readFileSync(timeFile, 'utf8').trim().split('\n');
  const [rssKiB, user, sys] = lines[lines.length - 1].split(' ').map(Number);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} : code ${r.status} ${r.stderr}`);
  return { seconds, peakMiB: rssKiB / 1024, cpu: user + sys, stdout: r.stdout };
}

function loadAverage() {
  return os.loadavg().map((x) => fr(x, 1)).join(' / ');
}

fs.mkdirSync(WORK, { recursive: true });
const content = path.join(WORK, 'content');
if (!fs.existsSync(path.join(content, 'posts'))) {
  log('corpus de 10 000 billets…');
  writeCorpus({ count: 10_000, seed: 1, out: content });
}
const logFile = path.join(WORK, 'access.log');
const plantedFile = path.join(WORK, 'planted.json');
let planted = fs.existsSync(plantedFile) ? JSON.parse(fs.readFileSync(plantedFile, 'utf8') || 'null') : null;
if (!planted || planted.lines !== opts.lines || !fs.existsSync(logFile) || fs.statSync(logFile).size !== planted.bytes) {
  log(`journal de ${opts.lines} lignes…`);
  planted = writeLog({ contentDir: content, out: logFile, lines: opts.lines });
  fs.writeFileSync(plantedFile, JSON.stringify(planted));
}
// A quarter of the log, for the memory row.
const quarterFile = path.join(WORK, 'quarter.log');
if (!fs.existsSync(quarterFile)) {
  const fd = fs.openSync(logFile, 'r');
  const want = Math.floor(planted.bytes / 4);
  const buf = Buffer.alloc(want + 4096);
  const n = fs.readSync(fd, buf, 0, buf.length, 0);
  fs.closeSync(fd);
  fs.writeFileSync(quarterFile, buf.subarray(0, buf.lastIndexOf(10, Math.min(n, want)) + 1));
}
// A copy of the content that the writing import changes (its state is removed before each run).
const importContent = path.join(WORK, 'import-content');
if (!fs.existsSync(path.join(importContent, 'posts'))) fs.cpSync(content, importContent, { recursive: true });
const stateFile = path.join(importContent, '.news', 'views.json');

// GoAccess takes more than ten minutes on this log: --goaccess-runs 0 keeps its last measure.
const previousResults = path.join(RESULTS, 'views.json');
const previous = opts.goaccessRuns === 0 && fs.existsSync(previousResults) ? JSON.parse(fs.readFileSync(previousResults, 'utf8')) : undefined;
const carriedGoaccess = previous?.rows.find((r) => r.id === 'goaccess');
if (opts.goaccessRuns === 0 && !carriedGoaccess) throw new Error('--goaccess-runs 0 : pas de mesure précédente de GoAccess dans bench/results/views.json');
const carriedFrom = carriedGoaccess ? carriedGoaccess.carriedFrom ?? previous.date : undefined;
const goaccessVersion = spawnSync('goaccess', ['--version'], { encoding: 'utf8' }).stdout?.split('\n')[0] ?? 'absent';
const rows = [
  { id: 'floor', label: 'plancher : boucle Node qui découpe le fichier en lignes', cmd: process.execPath, args: [path.join(BENCH_DIR, 'views-floor.js'), logFile] },
  { id: 'dry', label: 'news views import --dry-run (lecture et comptage)', cmd: process.execPath, args: [BIN, '--dir', content, 'views', 'import', '--dry-run', '--quiet', logFile] },
  { id: 'import', label: 'news views import (premier import : état, puis chaque billet réécrit)', cmd: process.execPath, args: [BIN, '--dir', importContent, 'views', 'import', '--quiet', logFile], prepare: () => fs.rmSync(stateFile, { force: true }) },
  carriedGoaccess
    ? { id: 'goaccess', carried: true, label: `${carriedGoaccess.label.replace(/ \(non relancé.*$/, '')} (non relancé : mesure du ${carriedFrom})` }
    : { id: 'goaccess', slow: true, label: `GoAccess (${goaccessVersion}) : goaccess log -o report.json --log-format=COMBINED`, cmd: 'goaccess', args: [logFile, '-o', path.join(WORK, 'report.json'), '--log-format=COMBINED'] },
  { id: 'quarter', label: 'news views import --dry-run sur le premier quart du journal (mémoire)', cmd: process.execPath, args: [BIN, '--dir', content, 'views', 'import', '--dry-run', '--quiet', quarterFile] },
];

// Warm-up (untimed): page cache, the metadata cache, and a check of what the import counts.
log(`charge avant : ${loadAverage()}`);
const loadBefore = loadAverage();
const check = runOnce(process.execPath, [BIN, '--dir', content, 'views', 'import', '--dry-run', '--json', logFile], { capture: true });
const report = JSON.parse(check.stdout);
const linesSeen = report.files[0].lines;
if (linesSeen !== planted.lines) throw new Error(`le journal a ${planted.lines} lignes, l’import en a lu ${linesSeen}`);
const skippedTotal = Object.values(report.skipped).reduce((a, b) => a + b, 0);
if (skippedTotal + report.added !== planted.lines) throw new Error('chaque ligne doit être une lecture ou une raison');
for (const row of rows) {
  if (row.carried) {
    row.times = carriedGoaccess.times;
    row.peaks = [carriedGoaccess.peakMiB];
    row.cpus = [carriedGoaccess.cpuMedian];
    continue;
  }
  row.prepare?.();
  // GoAccess takes minutes on this log: no warm-up run, and --goaccess-runs timed runs (1 by default).
  if (!row.slow) runOnce(row.cmd, row.args);
  row.times = [];
  row.peaks = [];
  row.cpus = [];
}
for (let round = 0; round < opts.rounds; round++) {
  for (const row of rows) {
    if (row.carried || (row.slow && round >= opts.goaccessRuns)) continue;
    row.prepare?.();
    const r = runOnce(row.cmd, row.args);
    row.times.push(r.seconds);
    row.peaks.push(r.peakMiB);
    row.cpus.push(r.cpu);
    log(`[${round + 1}/${opts.rounds}] ${row.id} ${fr(r.seconds)} s, ${fr(r.peakMiB, 0)} Mio`);
  }
}
const loadAfter = loadAverage();

const get = (id) => rows.find((r) => r.id === id);
const mib = planted.bytes / 2 ** 20;
const result = {
  date: new Date().toISOString(),
  machine: `${os.cpus().length} cœurs, ${os.cpus()[0]?.model ?? '?'}, Node ${process.version}`,
  load: { before: loadBefore, after: loadAfter },
  log: { lines: planted.lines, bytes: planted.bytes, robotLines: planted.robotLines, postLines: planted.postLines, posts: planted.posts },
  counted: { added: report.added, posts: report.posts.length, skipped: report.skipped },
  rows: rows.map((r) => ({
    id: r.id, label: r.label, times: r.times, median: median(r.times), min: Math.min(...r.times), max: Math.max(...r.times),
    peakMiB: Math.max(...r.peaks), cpuMedian: median(r.cpus), ...(r.carried ? { carriedFrom } : {}),
  })),
};
const row = (id) => result.rows.find((r) => r.id === id);
const ratio = (a, b) => row(a).median / row(b).median;
result.checks = {
  dryVsFloor: ratio('dry', 'floor'),
  importVsFloor: ratio('import', 'floor'),
  dryVsGoaccess: ratio('dry', 'goaccess'),
  importVsGoaccess: ratio('import', 'goaccess'),
  peakMiB: Math.max(row('dry').peakMiB, row('import').peakMiB),
  quarterPeakMiB: row('quarter').peakMiB,
};

const lines = [
  '# `news views import` — banc d’essai',
  '',
  `Mesuré le ${result.date} (${result.machine}) ; charge moyenne (1/5/15 min) ${result.load.before} avant, ${result.load.after} après :`,
  'la machine est partagée avec les autres ingénieurs, les durées absolues varient beaucoup ; les rapports sont mesurés',
  `côte à côte, en ${opts.rounds} tours alternés (plancher, essai à blanc, import${carriedGoaccess ? '' : ', GoAccess'}, quart), médianes ;`,
  carriedGoaccess
    ? `GoAccess, qui prend plus de dix minutes sur ce journal, n’a pas été relancé : sa ligne est la mesure du ${carriedFrom} (même journal, même commande).`
    : `GoAccess, qui prend plusieurs minutes sur ce journal, est mesuré ${opts.goaccessRuns} fois (au premier tour, entre les autres lignes).`,
  '',
  `Journal généré (bench/generate-log.js) : ${planted.lines.toLocaleString('fr-FR')} lignes, ${fr(mib, 0)} Mio, ${planted.posts.toLocaleString('fr-FR')} billets,`,
  `${fr((100 * planted.robotLines) / planted.lines, 1)} % de lignes de robots, ${fr((100 * planted.postLines) / planted.lines, 1)} % de lignes vers une page de billet ; 7 jours.`,
  `Compté : ${report.added.toLocaleString('fr-FR')} lectures sur ${report.posts.length.toLocaleString('fr-FR')} billets ; écartées : ${Object.entries(report.skipped).map(([k, v]) => `${k} ${v.toLocaleString('fr-FR')}`).join(', ')}.`,
  '',
  '| ligne | médiane (s) | min – max (s) | CPU (s) | débit (Mio/s) | pic mémoire (Mio) |',
  '| --- | --- | --- | --- | --- | --- |',
  ...result.rows.map((r) => `| ${r.label} | ${fr(r.median)} | ${fr(r.min)} – ${fr(r.max)} | ${fr(r.cpuMedian)} | ${r.id === 'quarter' ? fr(mib / 4 / r.median, 0) : fr(mib / r.median, 0)} | ${fr(r.peakMiB, 0)} |`),
  '',
  '| objectif | mesure | verdict |',
  '| --- | --- | --- |',
  `| débit ≥ GoAccess | import : ${fr(result.checks.importVsGoaccess)}× la durée de GoAccess ; essai à blanc : ${fr(result.checks.dryVsGoaccess)}× | ${result.checks.importVsGoaccess <= 1 ? 'atteint' : '**non atteint**'} |`,
  `| ≤ 2× le plancher | essai à blanc : ${fr(result.checks.dryVsFloor)}× ; import complet : ${fr(result.checks.importVsFloor)}× | ${result.checks.dryVsFloor <= 2 ? 'atteint (lecture)' : '**non atteint**'}${result.checks.importVsFloor <= 2 ? ', atteint (import)' : ''} |`,
  `| mémoire plate, ≤ 300 Mio | pic ${fr(result.checks.peakMiB, 0)} Mio sur le journal entier, ${fr(result.checks.quarterPeakMiB, 0)} Mio sur son quart | ${result.checks.peakMiB <= 300 ? 'atteint' : '**non atteint**'} |`,
  '',
];
fs.mkdirSync(RESULTS, { recursive: true });
fs.writeFileSync(path.join(RESULTS, 'views.md'), `${lines.join('\n')}\n`);
fs.writeFileSync(path.join(RESULTS, 'views.json'), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${lines.join('\n')}\n`);
if (opts.clean) fs.rmSync(WORK, { recursive: true, force: true });
