import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { makePost, runNews, tempContent } from '../helpers/cli.js';

/**
 * Issue 13, item 11: a named pipe (FIFO) or a folder named `x.json` in posts/ is never skipped
 * silently: validate reports it as a problem (exit 1); list, the exports and dedupe name it in
 * a warning and carry on. A FIFO is never opened (it would block until a writer comes).
 */

const LONG = 120_000;

function folderWithSpecialEntries(): string {
  const dir = tempContent({ bon: makePost('bon', { title: 'Le bon billet' }) });
  execFileSync('mkfifo', [path.join(dir, 'posts', 'tube.json')]);
  fs.mkdirSync(path.join(dir, 'posts', 'dossier.json'));
  return dir;
}

test('validate reports both as problems (exit 1), naming each', async () => {
  const dir = folderWithSpecialEntries();
  const r = await runNews(['validate', '--dir', dir], { timeoutMs: 20_000 });
  expect(r.signal).toBeNull();
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('posts/tube.json : c’est un tube nommé (FIFO), pas un fichier de billet');
  expect(r.stdout).toContain('posts/dossier.json : c’est un dossier, pas un fichier de billet');
  const json = JSON.parse((await runNews(['validate', '--dir', dir, '--json'], { timeoutMs: 20_000 })).stdout);
  expect(json.problems.map((p: { file: string }) => p.file).sort()).toEqual(['posts/dossier.json', 'posts/tube.json']);
}, LONG);

test('list, the exports and dedupe --apply warn, naming each, and carry on without hanging', async () => {
  const dir = folderWithSpecialEntries();
  for (const args of [['list'], ['export', 'rss'], ['export', 'json'], ['dedupe', '--apply']]) {
    const r = await runNews([...args, '--dir', dir], { timeoutMs: 20_000 });
    expect({ args, signal: r.signal, code: r.code }).toEqual({ args, signal: null, code: 0 });
    expect(r.stderr).toMatch(/attention : billet ignoré : posts\/tube\.json : c’est un tube nommé \(FIFO\)/);
    expect(r.stderr).toMatch(/attention : billet ignoré : posts\/dossier\.json : c’est un dossier/);
  }
  expect((await runNews(['list', '--dir', dir])).stdout).toContain('Le bon billet');
  const site = `${dir}-site`;
  const html = await runNews(['export', 'html', '--dir', dir, '--out', site], { timeoutMs: 30_000 });
  expect(html.code).toBe(0);
  expect(html.stderr).toMatch(/posts\/tube\.json/);
  fs.rmSync(site, { recursive: true, force: true });
}, LONG);
