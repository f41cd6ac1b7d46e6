// `news new` in a real pseudo-terminal (tmux): real keystrokes, French prompts, the file it writes.
import fs from 'node:fs';
import path from 'node:path';
import { makePost, tempContent } from '../helpers/cli.js';
import { TmuxSession } from '../foundation/tmux.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ESC = '\u001b[';

let session: TmuxSession | undefined;
afterEach(() => {
  session?.kill();
  session = undefined;
});

function postFiles(dir: string): string[] {
  return fs.readdirSync(path.join(dir, 'posts')).sort();
}

test('every French prompt answered with keystrokes, confirmed, writes the post', async () => {
  const dir = tempContent({});
  session = new TmuxSession();
  session.start(['new'], { cwd: dir, env: { NEWS_DIR: dir } });

  await session.waitFor(/\? Titre :/);
  session.type('L’œuvre de Cæsar');
  session.press('Enter');
  await session.waitFor(/\? Chapeau \(facultatif, Entrée pour passer\) :/);
  session.type('Une œuvre, un chapeau.');
  session.press('Enter');
  await session.waitFor(/\? Texte, un paragraphe par ligne \(ligne vide pour finir\) :/);
  session.press('Enter'); // empty first paragraph: refused with a French reason
  await session.waitFor(/Le texte est obligatoire/);
  session.type('Premier paragraphe, accentué : été.');
  session.press('Enter');
  await session.waitFor(/\? Paragraphe 2 \(ligne vide pour finir\) :/);
  session.type('Second paragraphe.');
  session.press('Enter');
  await session.waitFor(/\? Paragraphe 3 \(ligne vide pour finir\) :/);
  session.press('Enter');
  const dateScreen = await session.waitFor(/\? Date \(AAAA-MM-JJ, ou AAAA-MM-JJ HH:MM pour une heure\) :/);
  expect(dateScreen).toMatch(/Date \(AAAA-MM-JJ, ou AAAA-MM-JJ HH:MM pour une heure\) : \(\d{4}-\d{2}-\d{2}\)/); // today offered as the default
  session.type('2014-13-01');
  session.press('Enter');
  await session.waitFor(/le 2014-13-01 n’existe pas/);
  session.press(...Array(10).fill('BSpace'));
  session.type('2014-08-01');
  session.press('Enter');
  await session.waitFor(/\? Auteur : \(Équipe formation\)/);
  session.press('Enter'); // keeps the site's author
  await session.waitFor(/\? Étiquettes \(séparées par des virgules\) :/);
  session.type('art, histoire, Art');
  session.press('Enter');
  const statusScreen = await session.waitFor(/\? Statut :/);
  expect(statusScreen).toContain('publié');
  expect(statusScreen).toContain('brouillon');
  expect(statusScreen).toContain('↑↓ pour choisir, Entrée pour valider');
  session.press('Down', 'Enter');
  const preview = await session.waitFor(/\? Créer ce billet \? \(O\/n\)/);
  expect(preview).toContain('le 1er août 2014 · brouillon · Équipe formation');
  expect(preview).toContain('Étiquettes : art, histoire');
  expect(preview).not.toMatch(/\bYes\b|\(Y\/n\)|navigate/);
  session.type('o');
  session.press('Enter');

  expect(await session.exitCode()).toBe(0);
  const screen = session.screen();
  expect(screen).toContain('✔ Créer ce billet ? oui');
  expect(screen).toMatch(/^posts\/l-oeuvre-de-caesar\.json$/m);
  expect(postFiles(dir)).toEqual(['l-oeuvre-de-caesar.json']);
  const text = fs.readFileSync(path.join(dir, 'posts', 'l-oeuvre-de-caesar.json'), 'utf8');
  expect(text.endsWith('}\n')).toBe(true);
  const post = JSON.parse(text);
  expect(post).toMatchObject({
    schemaVersion: 1,
    slug: 'l-oeuvre-de-caesar',
    title: 'L’œuvre de Cæsar',
    summary: 'Une œuvre, un chapeau.',
    body: 'Premier paragraphe, accentué : été.\n\nSecond paragraphe.',
    date: '2014-08-01',
    status: 'draft',
    author: 'Équipe formation',
    tags: ['art', 'histoire'],
    views: 0,
    aliases: [],
  });
  expect(post.id).toMatch(UUID);
  expect(post.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[12]:00$/);
  expect(post.updatedAt).toBe(post.createdAt);
});

test('answering "n" at the confirmation writes nothing and says so', async () => {
  const dir = tempContent({});
  session = new TmuxSession();
  session.start(['new', '--title', 'Portes ouvertes', '--body', 'Samedi.', '--summary', '', '--date', '2014-08-01', '--author', 'A', '--tag', 'agenda'], { cwd: dir, env: { NEWS_DIR: dir } });
  await session.waitFor(/\? Statut :/);
  session.press('Enter');
  await session.waitFor(/\? Créer ce billet \? \(O\/n\)/);
  session.type('n');
  session.press('Enter');
  expect(await session.exitCode()).toBe(0);
  expect(session.screen()).toContain('Aucun billet créé.');
  expect(postFiles(dir)).toEqual([]);
});

test('Ctrl-C in the middle stops with exit 2 and writes nothing', async () => {
  const dir = tempContent({});
  session = new TmuxSession();
  session.start(['new'], { cwd: dir, env: { NEWS_DIR: dir } });
  await session.waitFor(/\? Titre :/);
  session.type('Interrompu');
  session.press('Enter');
  await session.waitFor(/\? Chapeau/);
  session.press('C-c');
  expect(await session.exitCode()).toBe(2);
  expect(session.screen()).toContain('saisie interrompue : aucun billet créé');
  expect(postFiles(dir)).toEqual([]);
});

test('with $EDITOR set, the body is written in the editor', async () => {
  const dir = tempContent({});
  const editor = path.join(dir, 'editeur.sh');
  // A real editor program: it writes the text into the file it is given, then quits.
  fs.writeFileSync(editor, '#!/bin/sh\nprintf "Texte écrit dans l’éditeur.\\n\\nDeuxième paragraphe.\\n" > "$1"\n', { mode: 0o755 });
  session = new TmuxSession();
  session.start(['new', '--title', 'Depuis l’éditeur', '--summary', '', '--date', '2014-08-01', '--author', 'A', '--tag', 'x', '--draft', '--yes'], {
    cwd: dir,
    env: { NEWS_DIR: dir, EDITOR: editor },
  });
  expect(await session.exitCode()).toBe(0);
  expect(session.screen()).toContain('Texte du billet (Markdown), dans votre éditeur :');
  const post = JSON.parse(fs.readFileSync(path.join(dir, 'posts', 'depuis-l-editeur.json'), 'utf8'));
  expect(post.body).toBe('Texte écrit dans l’éditeur.\n\nDeuxième paragraphe.\n');
  expect(post.status).toBe('draft');
});

describe('colour', () => {
  const dir = tempContent({ a: makePost('a', { title: 'Premier', views: 1234 }) });

  test('on in a terminal', async () => {
    session = new TmuxSession();
    session.start(['list'], { cwd: dir, env: { NEWS_DIR: dir } });
    expect(await session.exitCode()).toBe(0);
    expect(session.screen(true)).toContain(ESC);
    expect(session.screen()).toMatch(/le 29 octobre 2013 {2}Premier {2}lu 1\u202f234 fois {2}a/);
  });

  test.each([
    ['--no-color', ['list', '--no-color'], {}],
    ['--no-color before the command', ['--no-color', 'list'], {}],
    ['NO_COLOR', ['list'], { NO_COLOR: '1' }],
  ])('off with %s', async (_name, args, env) => {
    session = new TmuxSession();
    session.start(args, { cwd: dir, env: { NEWS_DIR: dir, ...env } });
    expect(await session.exitCode()).toBe(0);
    const screen = session.screen(true);
    expect(screen).toContain('Premier');
    expect(screen).not.toContain(ESC);
  });

  test('stdout on a terminal, stderr to a file: the warnings in the file carry no colour codes', async () => {
    const broken = tempContent({ a: makePost('a', { title: 'Premier' }), b: '{"tronqué' });
    const log = path.join(broken, '..', `${path.basename(broken)}-stderr.txt`);
    session = new TmuxSession();
    session.start(['list', '--dir', broken], { cwd: broken, stderrFile: log });
    expect(await session.exitCode()).toBe(0);
    expect(session.screen(true)).toContain(ESC);
    const written = fs.readFileSync(log, 'utf8');
    expect(written).toMatch(/^attention : billet ignoré : posts\/b\.json:1:\d+ : JSON incomplet/);
    expect(written).not.toContain(ESC);
  });

  test('the error label is red in a terminal, plain with --no-color', async () => {
    session = new TmuxSession();
    session.start(['list', '--dir', path.join(dir, 'absent')], { cwd: dir });
    expect(await session.exitCode()).toBe(2);
    expect(session.screen(true)).toMatch(/news : \u001b\[[\d;]*m.*erreur/);
    session.kill();
    session = new TmuxSession();
    session.start(['list', '--no-color', '--dir', path.join(dir, 'absent')], { cwd: dir });
    expect(await session.exitCode()).toBe(2);
    const screen = session.screen(true);
    expect(screen).toContain("news : erreur : le dossier de contenu");
    expect(screen).not.toContain(ESC);
  });
});
