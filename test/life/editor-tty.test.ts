// `news edit <slug>` without flags, in a real pseudo-terminal (tmux): a scripted $EDITOR (accept,
// a broken header re-opened with the reason then fixed, abandon), and Debian's real vi driven by keystrokes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { makePost, tempContent } from '../helpers/cli.js';
import { TmuxSession } from '../foundation/tmux.js';

jest.setTimeout(120_000);

let session: TmuxSession | undefined;
afterEach(() => {
  session?.kill();
  session = undefined;
});

function read(dir: string, slug: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(dir, 'posts', `${slug}.json`), 'utf8'));
}

/** An editor program: a shell script that rewrites the file it is given and logs each call. */
function fakeEditor(dir: string, script: string): string {
  const file = path.join(dir, 'editeur.sh');
  fs.writeFileSync(file, `#!/bin/sh\necho appel >> "${dir}/appels.log"\ncp "$1" "${dir}/vu-$(wc -l < "${dir}/appels.log" | tr -d ' ').md"\n${script}\n`, { mode: 0o755 });
  return file;
}

function editFolders(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('news-edit-'));
}

const post = () => makePost('rentree', { title: 'Rentrée', tags: ['Agenda'], body: 'Texte de la rentrée.', unknownKey: { kept: true }, id: '6f1c2a9e-3b7d-4e41-9a0c-2d8e4f6b1a37', createdAt: '2014-07-30T10:00:00+02:00' });

test('accepted: the header and body the editor saved become the post; only the changed fields differ', async () => {
  const dir = tempContent({ rentree: post() });
  const before = read(dir, 'rentree');
  const editor = fakeEditor(dir, `sed -i -e 's/^title: .*/title: "Rentrée : le programme"/' -e 's/^tags: .*/tags: [ Agenda, École ]/' -e 's/^Texte de la rentrée\\./Nouveau texte./' "$1"`);
  const foldersBefore = editFolders();
  session = new TmuxSession();
  session.start(['edit', 'rentree'], { cwd: dir, env: { NEWS_DIR: dir, EDITOR: editor } });
  expect(await session.exitCode(30_000)).toBe(0);
  const shown = fs.readFileSync(path.join(dir, 'vu-1.md'), 'utf8');
  expect(shown).toContain('---\ntitle: Rentrée\ndate: 2013-10-29\nstatus: published\ntags: [ Agenda ]\nsummary:\nauthor:\n---\nTexte de la rentrée.\n');
  const after = read(dir, 'rentree');
  expect(after).toEqual({ ...before, title: 'Rentrée : le programme', tags: ['Agenda', 'École'], body: 'Nouveau texte.', updatedAt: after.updatedAt });
  // The file's own key order; updatedAt, new, right after createdAt.
  expect(Object.keys(after)).toEqual([...Object.keys(before), 'updatedAt']);
  expect(session.screen()).toContain('news edit : rentree modifié :');
  expect(editFolders()).toEqual(foldersBefore);
});

test('a broken header re-opens the editor with the reason at the top; fixed on the second try', async () => {
  const dir = tempContent({ rentree: post() });
  // First call: an unclosed bracket and a date in the DST gap; second call: a sound header.
  const editor = fakeEditor(dir, [
    `if [ "$(wc -l < "${dir}/appels.log" | tr -d ' ')" = 1 ]; then`,
    `  sed -i -e 's/^tags: .*/tags: [ Agenda, École/' "$1"`,
    'else',
    `  sed -i -e 's/^tags: .*/tags: [ Agenda, École ]/' -e 's/^date: .*/date: 2026-11-30 08:00/' "$1"`,
    'fi',
  ].join('\n'));
  session = new TmuxSession();
  session.start(['edit', 'rentree'], { cwd: dir, env: { NEWS_DIR: dir, VISUAL: editor } });
  expect(await session.exitCode(30_000)).toBe(0);
  const second = fs.readFileSync(path.join(dir, 'vu-2.md'), 'utf8');
  expect(second).toMatch(/^# news edit rentree\n#\n# PROBLÈME — corrigez puis enregistrez \(ou videz le fichier pour abandonner\) :\n#   ligne \d+ : syntaxe de l’en-tête incorrecte/);
  // The person's own text comes back, not the original.
  expect(second).toContain('tags: [ Agenda, École\n');
  expect(read(dir, 'rentree')).toMatchObject({ tags: ['Agenda', 'École'], date: '2026-11-30T08:00:00+01:00' });
});

test.each([
  ['the file saved empty', ': > "$1"', 0, /fichier vide, édition abandonnée/],
  ['the editor exits non-zero', 'exit 3', 2, /s’est terminé en erreur \(code de sortie 3\) : édition abandonnée/],
])('abandoned when %s: nothing changes', async (_name, script, code, message) => {
  const dir = tempContent({ rentree: post() });
  const before = fs.readFileSync(path.join(dir, 'posts', 'rentree.json'));
  const stderr = path.join(dir, 'stderr.txt');
  session = new TmuxSession();
  session.start(['edit', 'rentree'], { cwd: dir, env: { NEWS_DIR: dir, EDITOR: fakeEditor(dir, script) }, stderrFile: stderr });
  expect(await session.exitCode(30_000)).toBe(code);
  expect(fs.readFileSync(stderr, 'utf8')).toMatch(message);
  expect(fs.readFileSync(path.join(dir, 'posts', 'rentree.json')).equals(before)).toBe(true);
});

test('a real vi, driven by keystrokes: change the title, save, quit', async () => {
  const dir = tempContent({ rentree: post() });
  const before = read(dir, 'rentree');
  session = new TmuxSession();
  session.start(['edit', 'rentree'], { cwd: dir, env: { NEWS_DIR: dir, EDITOR: 'vi -u NONE -N' } });
  await session.waitFor(/title: Rentrée/, 20_000);
  session.type('/^title:');
  session.press('Enter');
  session.type('C');
  session.type('title: Rentrée dans vi');
  session.press('Escape');
  session.type(':wq');
  session.press('Enter');
  expect(await session.exitCode(30_000)).toBe(0);
  const after = read(dir, 'rentree');
  expect(after).toEqual({ ...before, title: 'Rentrée dans vi', updatedAt: after.updatedAt });
});

test('a real vi: :cq abandons', async () => {
  const dir = tempContent({ rentree: post() });
  const before = fs.readFileSync(path.join(dir, 'posts', 'rentree.json'));
  session = new TmuxSession();
  session.start(['edit', 'rentree'], { cwd: dir, env: { NEWS_DIR: dir, EDITOR: 'vi -u NONE -N' } });
  await session.waitFor(/title: Rentrée/, 20_000);
  session.type('ddddddd:cq');
  session.press('Enter');
  expect(await session.exitCode(30_000)).toBe(2);
  expect(fs.readFileSync(path.join(dir, 'posts', 'rentree.json')).equals(before)).toBe(true);
});
