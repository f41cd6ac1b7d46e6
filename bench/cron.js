#!/usr/bin/env node
// Issue 13, item 1: what `news list` pays to make sure no killed `dedupe --apply` is shown half
// done. With nothing unfinished the check is one readdir of .trash/ before reading and one after
// (store/unfinished.ts). Rows, at 10,000 posts, warm metadata cache, alternating order, medians
// of the wall time: `list --limit 20` without .trash/, and with a .trash/ of 365 finished runs
// (a year of nightly runs); plus the check itself, timed in process.
// Writes bench/results/cron.md and .json.
//   node bench/cron.js [--runs=9] [--count=10000]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCorpus } from './generate.js';
import { trashEntries, unfinishedRunIds } from '../dist/store/trash.js';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const BIN = path.join(ROOT, 'bin', 'news.js');
const option = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const runs = Number(option('runs', '9'));
const count = Number(option('count', '10000'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'news-bench-cron-'));
const corpus = path.join(work, 'corpus');
const env = { ...process.env, NEWS_CACHE_DIR: path.join(work, 'cache'), NEWS_DIR: corpus };
for (const k of ['NEWS_CACHE', 'NO_COLOR', 'NODE_OPTIONS']) delete env[k];
writeCorpus({ count, seed: 13, out: corpus });
const headCommit = spawnSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();

// A year of finished nightly runs: each a folder with its journal and status, as dedupe leaves them.
const trash = path.join(corpus, '.trash');
const parked = path.join(corpus, '.trash-parked');
for (let d = 0; d < 365; d++) {
  const day = new Date(Date.UTC(2025, 0, 1 + d)).toISOString().slice(0, 10).replaceAll('-', '');
  const run = path.join(trash, `${day}-030000-${String(d).padStart(6, '0')}`);
  fs.mkdirSync(path.join(run, 'posts'), { recursive: true });
  fs.writeFileSync(path.join(run, 'journal.json'), '{"format":"news-dedupe-journal","version":1,"steps":[]}\n');
  fs.writeFileSync(path.join(run, 'status.json'), '{"status":"applied"}\n');
}
fs.renameSync(trash, parked);

function timed(args) {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, BIN, ...args], { encoding: 'utf8', env });
  const line = r.stderr.split('\n').find((l) => l.startsWith('TIME '));
  if (r.status !== 0 || !line) throw new Error(`échec de news ${args.join(' ')}\n${r.stderr}`);
  const [wall, user, sys] = line.slice(5).split(' ').map(Number);
  return { wall, cpu: user + sys };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const setups = {
  'list --limit 20, sans .trash/': () => fs.existsSync(trash) && fs.renameSync(trash, parked),
  'list --limit 20, .trash/ de 365 exécutions finies': () => fs.existsSync(parked) && fs.renameSync(parked, trash),
};
const names = Object.keys(setups);
const rows = Object.fromEntries(names.map((n) => [n, []]));
const load = [];
timed(['list', '--limit', '20']); // warm-up: the metadata cache filled
timed(['list', '--limit', '20']);
for (let i = 0; i < runs; i++) {
  load.push(os.loadavg()[0]);
  const order = i % 2 === 0 ? names : [...names].reverse();
  for (const name of order) {
    setups[name]();
    rows[name].push(timed(['list', '--limit', '20']));
  }
}

// The check itself, in process: the readdir before and after a read, and the search for marks.
function check(rounds) {
  const start = process.hrtime.bigint();
  for (let k = 0; k < rounds; k++) {
    unfinishedRunIds(trashEntries(corpus));
    trashEntries(corpus);
  }
  return Number(process.hrtime.bigint() - start) / rounds / 1000;
}
setups[names[0]]();
const checkNone = median([check(2000), check(2000), check(2000)]);
setups[names[1]]();
const checkYear = median([check(500), check(500), check(500)]);

const result = {
  commit: headCommit,
  date: new Date().toISOString(),
  posts: count,
  runs,
  loadAverage: { min: Math.min(...load), max: Math.max(...load) },
  rows: Object.fromEntries(names.map((n) => [n, { wallMedianS: median(rows[n].map((r) => r.wall)), cpuMedianS: median(rows[n].map((r) => r.cpu)), walls: rows[n].map((r) => r.wall) }])),
  checkMicroseconds: { noTrash: checkNone, trash365: checkYear },
};
const [base, year] = names.map((n) => result.rows[n].wallMedianS);
const md = [
  `# news list et les exécutions interrompues (issue 13, point 1)`,
  '',
  `Commit ${headCommit}, ${new Date().toISOString().slice(0, 16)} UTC, ${count} billets, cache des métadonnées chaud, ${runs} passages en ordre alterné, médianes (temps écoulé). Charge de la machine (moyenne sur 1 min) pendant la mesure : de ${result.loadAverage.min.toFixed(2)} à ${result.loadAverage.max.toFixed(2)} sur 2 cœurs partagés.`,
  '',
  '| ligne | temps écoulé (médiane) | CPU (médiane) | rapport |',
  '| --- | --- | --- | --- |',
  ...names.map((n) => `| ${n} | ${result.rows[n].wallMedianS.toFixed(3)} s | ${result.rows[n].cpuMedianS.toFixed(3)} s | ${(result.rows[n].wallMedianS / base).toFixed(2)}× |`),
  '',
  `La vérification elle-même (lecture de \`.trash/\` avant et après la lecture des billets, recherche des marques \`.unfinished\`), mesurée dans le processus : ${checkNone.toFixed(1)} µs sans \`.trash/\`, ${checkYear.toFixed(1)} µs avec 365 exécutions finies, contre ${(base * 1000).toFixed(0)} ms pour toute la commande : ${year > base * 1.05 ? 'l’écart entre les deux lignes dépasse 5 %, à relire avec la charge' : 'l’écart entre les deux lignes est du bruit'}.`,
  '',
].join('\n');
fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'cron.md'), md);
fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'cron.json'), `${JSON.stringify(result, null, 2)}\n`);
fs.rmSync(work, { recursive: true, force: true });
process.stdout.write(md);
