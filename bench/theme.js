#!/usr/bin/env node
// Issue 11: `news export html` of 10,000 posts with the theme's templates (Handlebars) against
// the same export before templates (a build of the commit given by --base, default: the build
// in /tmp/theme-base), measured in the same run, alternating, medians of the wall time.
// Target: ratio ≤ 1.2. Writes bench/results/theme.md and .json.
//   node bench/theme.js [--base=<dossier du build de référence>] [--runs=5] [--count=10000]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCorpus } from './generate.js';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const option = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const base = path.resolve(option('base', '/tmp/theme-base'));
const runs = Number(option('runs', '5'));
const count = Number(option('count', '10000'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'news-bench-theme-'));
const corpus = path.join(work, 'corpus');
writeCorpus({ count, seed: 11, out: corpus });
const baseCommit = spawnSync('git', ['-C', base, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
const headCommit = spawnSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();

function timed(bin, out) {
  fs.rmSync(out, { recursive: true, force: true });
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, bin, 'export', 'html', '--dir', corpus, '--out', out, '--base-url', 'https://exemple.fr/actualites/'], { encoding: 'utf8' });
  const line = r.stderr.split('\n').find((l) => l.startsWith('TIME '));
  if (r.status !== 0 || !line) throw new Error(`échec de ${bin}\n${r.stderr}`);
  const [wall, user, sys, rss] = line.slice(5).split(' ').map(Number);
  return { wall, cpu: user + sys, user, sys, rssMB: rss / 1024, files: Number(/(\d+) fichier/.exec(r.stderr)?.[1] ?? 0) };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const rows = { before: [], theme: [] };
const out = path.join(work, 'out');
const load = [];
timed(path.join(ROOT, 'bin', 'news.js'), out); // warm-up: file cache, JIT
for (let i = 0; i < runs; i++) {
  load.push(os.loadavg()[0]);
  // Alternate which goes first, so a slow moment of the machine hurts both alike.
  const order = i % 2 === 0 ? ['before', 'theme'] : ['theme', 'before'];
  for (const which of order) rows[which].push(timed(which === 'before' ? path.join(base, 'bin', 'news.js') : path.join(ROOT, 'bin', 'news.js'), out));
}
fs.rmSync(work, { recursive: true, force: true });

const m = (which, k) => median(rows[which].map((r) => r[k]));
const ratio = m('theme', 'wall') / m('before', 'wall');
const cpuRatio = m('theme', 'cpu') / m('before', 'cpu');
const userRatio = m('theme', 'user') / m('before', 'user');
const result = {
  date: new Date().toISOString(), count, runs, base: baseCommit, head: headCommit, loadavg: load,
  before: rows.before, theme: rows.theme,
  medians: { beforeWall: m('before', 'wall'), themeWall: m('theme', 'wall'), beforeCpu: m('before', 'cpu'), themeCpu: m('theme', 'cpu'), beforeUser: m('before', 'user'), themeUser: m('theme', 'user'), beforeSys: m('before', 'sys'), themeSys: m('theme', 'sys'), beforeRssMB: m('before', 'rssMB'), themeRssMB: m('theme', 'rssMB') },
  ratio, cpuRatio, userRatio, target: 1.2, pass: ratio <= 1.2,
};
const spread = (which) => `${Math.min(...rows[which].map((r) => r.wall)).toFixed(2)}–${Math.max(...rows[which].map((r) => r.wall)).toFixed(2)} s`;
const md = `# Theme benchmark (issue 11)

\`news export html\` of ${count.toLocaleString('en')} generated posts (bench/generate.js, seed 11), into an emptied folder,
${runs} alternating runs after one warm-up; medians. "before" is a build of \`${baseCommit}\` (main before the
templates), "theme" is \`${headCommit}\` (Handlebars templates, typography, sitemap, 404, tag index…).
System time is mostly the kernel creating 10,000 folders and files (slow and noisy on this ext4 right after
many were deleted; both builds pay it); user time is the work of news itself.
Load average (1 min) at each run: ${load.map((l) => l.toFixed(2)).join(', ')} (2 cores, shared with other engineers).

| build | files | wall (median) | wall (range) | CPU user+sys | user | sys | peak RSS |
| --- | --- | --- | --- | --- | --- | --- | --- |
| before (${baseCommit}) | ${rows.before[0].files} | ${m('before', 'wall').toFixed(2)} s | ${spread('before')} | ${m('before', 'cpu').toFixed(2)} s | ${m('before', 'user').toFixed(2)} s | ${m('before', 'sys').toFixed(2)} s | ${m('before', 'rssMB').toFixed(0)} MB |
| theme (${headCommit}) | ${rows.theme[0].files} | ${m('theme', 'wall').toFixed(2)} s | ${spread('theme')} | ${m('theme', 'cpu').toFixed(2)} s | ${m('theme', 'user').toFixed(2)} s | ${m('theme', 'sys').toFixed(2)} s | ${m('theme', 'rssMB').toFixed(0)} MB |

Ratio theme / before (medians): **${ratio.toFixed(2)}×** wall, ${cpuRatio.toFixed(2)}× CPU, ${userRatio.toFixed(2)}× user CPU (target ≤ 1.2× wall: ${result.pass ? 'met' : 'NOT met'}).
`;
fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'theme.md'), md);
fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'theme.json'), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(md);
