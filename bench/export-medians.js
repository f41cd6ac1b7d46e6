#!/usr/bin/env node
// Mesure répétée de `news export html` sur un corpus : lance l'export <runs> fois (le dossier
// de sortie est effacé avant chaque run, comme le fait bench/run.js) et affiche la médiane du
// temps réel, du temps CPU utilisateur et système et du pic de mémoire (RSS), mesurés par
// /usr/bin/time. Avec --floor, mesure aussi bench/floor-write.js de la même taille, en
// alternance, pour séparer ce qui vient du disque (allocation des inodes) de ce qui vient de news.
// Avec --avec=<autre bin/news.js> (une autre version construite ailleurs), mesure aussi celle-ci,
// en alternance, pour comparer deux versions sous la même charge de la machine.
//   node bench/export-medians.js <corpus> <dossier de sortie> [runs] [--floor] [--avec=<news.js>]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const floor = process.argv.includes('--floor');
const other = process.argv.find((a) => a.startsWith('--avec='))?.slice('--avec='.length);
const [corpus, out] = args;
const runs = Number(args[2] ?? 3);
if (!corpus || !out || !Number.isInteger(runs) || runs < 1) {
  process.stderr.write('Utilisation : node bench/export-medians.js <corpus> <dossier de sortie> [runs] [--floor]\n');
  process.exit(2);
}

function timed(cmd, cmdArgs) {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', cmd, ...cmdArgs], { cwd: ROOT, encoding: 'utf8' });
  const line = r.stderr.split('\n').find((l) => l.startsWith('TIME '));
  if (r.status !== 0 || !line) throw new Error(`échec : ${cmd} ${cmdArgs.join(' ')}\n${r.stderr}`);
  const [wall, user, sys, rss] = line.slice(5).split(' ').map(Number);
  return { wall, user, sys, cpu: user + sys, rssMB: rss / 1024 };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const rows = { export: [], autre: [], floor: [] };
const floorOut = `${out}-floor`;
for (let i = 0; i < runs; i++) {
  fs.rmSync(out, { recursive: true, force: true });
  rows.export.push(timed(process.execPath, [path.join(ROOT, 'bin', 'news.js'), 'export', 'html', '--out', out, '--dir', corpus]));
  if (other) {
    fs.rmSync(out, { recursive: true, force: true });
    rows.autre.push(timed(process.execPath, [path.resolve(other), 'export', 'html', '--out', out, '--dir', corpus]));
  }
  if (floor) {
    fs.rmSync(floorOut, { recursive: true, force: true });
    rows.floor.push(timed(process.execPath, [path.join(ROOT, 'bench', 'floor-write.js'), floorOut, '10423', '6300']));
  }
}
fs.rmSync(floorOut, { recursive: true, force: true });
fs.rmSync(out, { recursive: true, force: true });
for (const [name, list] of Object.entries(rows)) {
  if (list.length === 0) continue;
  const f = (k, d = 2) => median(list.map((r) => r[k])).toFixed(d);
  process.stdout.write(`${name.padEnd(7)} médianes sur ${list.length} : ${f('wall')} s réel, ${f('user')} u, ${f('sys')} s sys, ${f('cpu')} s CPU, ${f('rssMB', 0)} Mo RSS\n`);
  for (const r of list) process.stdout.write(`        ${r.wall.toFixed(2)} ${r.user.toFixed(2)} ${r.sys.toFixed(2)} ${r.rssMB.toFixed(0)}\n`);
}
