import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { jest } from '@jest/globals';
import { ROOT } from '../helpers/cli.js';

/*
 * package.json lists exactly what the code imports (knip: no unused, no missing dependency;
 * knip.json names what tests use by file path, not by import: axe-core.min.js, vnu.jar),
 * and the import graph of src/ keeps the layering a library needs: nothing outside src/cli
 * and src/commands imports them, and no module imports itself through others.
 */

jest.setTimeout(120_000);

const KNIP = path.join(ROOT, 'node_modules', '.bin', 'knip');

function knip(cwd: string) {
  // System programs the tests run (xmllint, strace, mount…) come from scripts/test-deps.sh, not npm.
  return spawnSync(KNIP, ['--dependencies', '--exclude', 'binaries', '--no-progress'], { cwd, encoding: 'utf8', timeout: 90_000 });
}

test('knip finds no unused, unlisted or unresolved dependency in the project', () => {
  const result = knip(ROOT);
  expect(result.stdout + result.stderr).toBe('');
  expect(result.status).toBe(0);
});

test('the same check fails on a project with an unused and a missing dependency', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'news-knip-'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0', type: 'module', dependencies: { 'left-pad': '1.0.0' } }));
  fs.writeFileSync(path.join(dir, 'index.js'), "import kleur from 'kleur';\nconsole.log(kleur);\n");
  const result = knip(dir);
  fs.rmSync(dir, { recursive: true, force: true });
  expect(result.status).toBe(1);
  expect(result.stdout).toMatch(/Unused dependencies[\s\S]*left-pad/);
  expect(result.stdout).toMatch(/Unlisted dependencies[\s\S]*kleur/);
});

/** src/ modules (relative to src, without extension) and what each imports from src/, type-only imports included. */
function importGraph(): Map<string, string[]> {
  const src = path.join(ROOT, 'src');
  const graph = new Map<string, string[]>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) {
        const info = ts.preProcessFile(fs.readFileSync(full, 'utf8'), true, true);
        const from = path.relative(src, full).replace(/\.ts$/, '');
        const targets = info.importedFiles
          .map((f) => f.fileName)
          .filter((name) => name.startsWith('.'))
          .map((name) => path.relative(src, path.resolve(path.dirname(full), name)).replace(/\.js$/, ''));
        graph.set(from, targets);
      }
    }
  };
  walk(src);
  return graph;
}

test('the graph is read for real (dynamic imports of the command table included)', () => {
  const graph = importGraph();
  expect(graph.get('cli/program')).toEqual(expect.arrayContaining(['commands/list', 'commands/export', 'core/context']));
  expect(graph.get('commands/list')).toEqual(expect.arrayContaining(['cli/command', 'store/content']));
  for (const targets of graph.values()) for (const target of targets) expect(graph.has(target)).toBe(true);
});

test('no module outside src/cli and src/commands imports them (src/index.ts included)', () => {
  const offenders: string[] = [];
  for (const [from, targets] of importGraph()) {
    if (from.startsWith('cli/') || from.startsWith('commands/')) continue;
    for (const target of targets) {
      if (target.startsWith('cli/') || target.startsWith('commands/')) offenders.push(`${from} → ${target}`);
    }
  }
  expect(offenders).toEqual([]);
});

test('no import cycle in src/', () => {
  const graph = importGraph();
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next].join(' → '));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  expect(cycles).toEqual([]);
});
