// Issue 13, item 12: `news show` prints the text as a reader sees it, without the Markdown
// escapes that import added (`\*gras\*`, `\- pas une liste`).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makePost, runNews, tempContent } from '../helpers/cli.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'news-show-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

test('a page imported with characters Markdown would read as markup: show prints them as written', async () => {
  const dir = tempContent({});
  const page = path.join(work, 'page.txt');
  fs.writeFileSync(page, [
    'Accéder au contenu principal',
    '',
    "C'est d'actualité…",
    '',
    'Les signes du texte',
    '',
    'Un mot entre astérisques : *gras* et un _souligné_.',
    '',
    '- pas une liste',
    '',
    '1. pas une liste non plus',
    '',
    '# pas un titre',
    '',
    'le 29 octobre 2013',
    '(lu 3 fois)',
    '',
  ].join('\n'));
  const imported = await runNews(['import', '--dir', dir, page]);
  expect(imported.code).toBe(0);
  const stored = JSON.parse(fs.readFileSync(path.join(dir, 'posts', 'les-signes-du-texte.json'), 'utf8')).body as string;
  expect(stored).toContain('\\*gras\\*'); // the file keeps the escapes (the site must not show bold)
  const r = await runNews(['show', 'les-signes-du-texte', '--dir', dir]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('Un mot entre astérisques : *gras* et un _souligné_.');
  expect(r.stdout).toContain('\n- pas une liste\n');
  expect(r.stdout).toContain('\n1. pas une liste non plus\n');
  expect(r.stdout).toContain('\n# pas un titre');
  expect(r.stdout).not.toContain('\\');
});

test('Markdown markup is shown as text: emphasis, links, lists, quotes, code, hard breaks', async () => {
  const body = [
    '**Portes ouvertes** le *samedi*, voir [le programme](https://exemple.fr/programme) &amp; `news list`.',
    '',
    '- premier point',
    '- second point',
    '',
    '> une citation',
    '',
    '```',
    'const a = 1; // \\* tel quel',
    '```',
    '',
    'ligne\\',
    'suivante',
  ].join('\n');
  const dir = tempContent({ marques: makePost('marques', { body }) });
  const r = await runNews(['show', 'marques', '--dir', dir]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('Portes ouvertes le samedi, voir le programme (https://exemple.fr/programme) & news list.');
  expect(r.stdout).toContain('- premier point\n- second point');
  expect(r.stdout).toContain('> une citation');
  expect(r.stdout).toContain('const a = 1; // \\* tel quel'); // code is shown as written
  expect(r.stdout).toContain('ligne\nsuivante');
  expect(r.stdout).not.toContain('**');
});
