#!/usr/bin/env node
// Issue 9: the commands of a post's life at 10,000 posts, each against `news list --limit 20`
// with a warm metadata cache, in the same run, alternating order, medians of the wall time.
// Target: each ≤ 2× list. Writes bench/results/life.md and .json.
//   node bench/life.js [--runs=5] [--count=10000]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCorpus } from './generate.js';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const BIN = path.join(ROOT, 'bin', 'news.js');
const option = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const runs = Number(option('runs', '5'));
const count = Number(option('count', '10000'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'news-bench-life-'));
const corpus = path.join(work, 'corpus');
const env = { ...process.env, NEWS_CACHE_DIR: path.join(work, 'cache'), NEWS_DIR: corpus };
for (const k of ['NEWS_CACHE', 'NO_COLOR', 'NODE_OPTIONS']) delete env[k];
writeCorpus({ count, seed: 9, out: corpus });
const headCommit = spawnSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
const hasViewsAdd = spawnSync(process.execPath, [BIN, 'views', 'add', '--help'], { encoding: 'utf8', env }).status === 0;

function timed(args) {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, BIN, ...args], { encoding: 'utf8', env });
  const line = r.stderr.split('\n').find((l) => l.startsWith('TIME '));
  if (r.status !== 0 || !line) throw new Error(`échec de news ${args.join(' ')}\n${r.stderr}`);
  const [wall, user, sys, rss] = line.slice(5).split(' ').map(Number);
  return { wall, cpu: user + sys, rssMB: rss / 1024 };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// Posts the changing commands act on: a different one per run where a run consumes it (rm, rename).
const slugs = fs.readdirSync(path.join(corpus, 'posts')).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)).sort();
const pick = (i, k) => slugs[(i * 97 + k * 1013) % slugs.length];
const commands = {
  'list --limit 20': () => ['list', '--limit', '20'],
  'edit --title': (i) => ['edit', pick(i, 1), '--title', `Titre changé ${i}`, '--quiet'],
  'publish --at': (i) => ['publish', pick(i, 2), '--at', `2030-0${1 + (i % 9)}-15 08:00`, '--quiet'],
  rename: (i) => ['rename', pick(i, 3), `${pick(i, 3).slice(0, 60)}-renomme-${i}`, '--quiet'],
  rm: (i) => ['rm', pick(i, 4), '--quiet'],
  new: (i) => ['new', '--title', `Nouveau billet ${i}`, '--body', `Texte du nouveau billet ${i}.`, '--quiet'],
  ...(hasViewsAdd ? { 'views add': (i) => ['views', 'add', pick(i, 5), '3'] } : {}),
};
const names = Object.keys(commands);
const rows = Object.fromEntries(names.map((n) => [n, []]));
const load = [];
// Warm-up: the metadata cache filled (list), then new once (its look-alike keys filled).
timed(commands['list --limit 20']());
timed(['new', '--title', 'Échauffement', '--body', 'Échauffement.', '--quiet']);
timed(commands['list --limit 20']());
for (let i = 0; i < runs; i++) {
  load.push(os.loadavg()[0]);
  // Rotate the order, so a slow moment of the machine hurts every row alike.
  const order = names.map((_, k) => names[(k + i) % names.length]);
  for (const name of order) rows[name].push(timed(commands[name](i)));
}
fs.rmSync(work, { recursive: true, force: true });

const m = (name) => median(rows[name].map((r) => r.wall));
const list = m('list --limit 20');
const result = {
  date: new Date().toISOString(), count, runs, head: headCommit, loadavg: load, viewsAdd: hasViewsAdd,
  rows: Object.fromEntries(names.map((n) => [n, { runs: rows[n], median: m(n), ratio: m(n) / list }])),
  target: 2,
};
const spread = (name) => `${Math.min(...rows[name].map((r) => r.wall)).toFixed(2)}–${Math.max(...rows[name].map((r) => r.wall)).toFixed(2)} s`;
const table = names.map((n) => `| \`news ${n}\` | ${m(n).toFixed(2)} s | ${spread(n)} | ${median(rows[n].map((r) => r.cpu)).toFixed(2)} s | ${median(rows[n].map((r) => r.rssMB)).toFixed(0)} MB | ${(m(n) / list).toFixed(2)}× | ${n === 'list --limit 20' ? '—' : m(n) / list <= 2 ? 'met' : 'NOT met'} |`).join('\n');
const md = `# A post's life at ${count.toLocaleString('en')} posts (issue 9)

Each command on a ${count.toLocaleString('en')}-post corpus (bench/generate.js, seed 9), metadata cache warm, against
\`news list --limit 20\` in the same run: ${runs} rounds after a warm-up, the order rotated each round; medians of the
wall time. Build \`${headCommit}\`. Load average (1 min) at each round: ${load.map((l) => l.toFixed(2)).join(', ')}
(2 cores, shared with other engineers: the spread column says how noisy it was).
${hasViewsAdd ? '' : '\n`news views add` is not on this build (issue 10): no row for it.\n'}
| command | wall (median) | wall (range) | CPU user+sys | peak RSS | ratio to list | target ≤ 2× |
| --- | --- | --- | --- | --- | --- | --- |
${table}
`;
fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'life.md'), md);
fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'life.json'), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(md);
