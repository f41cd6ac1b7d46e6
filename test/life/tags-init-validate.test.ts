// news tags, tag matching in every --tag filter, news init, validate's key checks — on the built binary.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { makePost, runNews, snapshotTree, tempContent } from '../helpers/cli.js';
import { TmuxSession } from '../foundation/tmux.js';

jest.setTimeout(120_000);

describe('tags', () => {
  const dir = tempContent({
    a: makePost('a', { tags: ['Rentrée', 'réseaux sociaux'] }),
    b: makePost('b', { tags: ['rentree', 'Écoles'] }),
    c: makePost('c', { tags: ['Rentrée', 'zèbre', 'Été'], status: 'draft' }),
    d: makePost('d', { tags: ['RÉSEAUX  SOCIAUX', 'abeille'] }),
  });

  test('every tag once, spellings counted together, French order, counts', async () => {
    const r = await runNews(['tags', '--dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe([
      'abeille           1 billet',
      'Écoles            1 billet',
      'Été               1 billet',
      'Rentrée          3 billets',
      'réseaux sociaux  2 billets',
      'zèbre             1 billet',
      '',
    ].join('\n'));
    const json = JSON.parse((await runNews(['tags', '--dir', dir, '--json'])).stdout);
    expect(json.find((t: { tag: string }) => t.tag === 'Rentrée')).toEqual({ tag: 'Rentrée', count: 3, published: 2, spellings: ['Rentrée', 'rentree'] });
  });

  test.each([['rentree'], ['RENTRÉE'], ['  Rentree ']])('list --tag %j matches every spelling of Rentrée', async (tag) => {
    const r = await runNews(['list', '--dir', dir, '--all', '--tag', tag]);
    expect(r.stdout.trim().split('\n').map((l) => l.split(/\s+/).pop()).sort()).toEqual(['a', 'b', 'c']);
  });

  test('export rss --tag "RESEAUX SOCIAUX" finds the posts tagged réseaux sociaux', async () => {
    const r = await runNews(['export', 'rss', '--dir', dir, '--tag', 'RESEAUX SOCIAUX']);
    expect(r.code).toBe(0);
    expect((r.stdout.match(/<item>/g) ?? []).length).toBe(2);
  });
});

describe('init', () => {
  test('flags: site.json and posts/, then new and list work in it', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'news-init-'));
    const r = await runNews(['init', 'actualites', '--title', 'Actualités', '--description', 'Les nouvelles', '--base-url', 'https://exemple.fr/actualites/', '--time-zone', 'America/Martinique'], { cwd: parent });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('actualites\n');
    expect(JSON.parse(fs.readFileSync(path.join(parent, 'actualites', 'site.json'), 'utf8'))).toEqual({
      title: 'Actualités', description: 'Les nouvelles', baseUrl: 'https://exemple.fr/actualites/', language: 'fr-FR', timeZone: 'America/Martinique',
    });
    expect(fs.readdirSync(path.join(parent, 'actualites', 'posts'))).toEqual([]);
    expect((await runNews(['new', '--dir', 'actualites', '--title', 'Premier', '--body', 'x'], { cwd: parent })).code).toBe(0);
    expect((await runNews(['list', '--dir', 'actualites'], { cwd: parent })).stdout).toContain('Premier');
  });

  test.each([
    ['a folder with site.json', { 'site.json': '{}' }, /contient déjà site\.json : c’est déjà un dossier de contenu/],
    ['a folder with posts/', { 'posts/': '' }, /contient déjà posts/],
  ])('refuses %s (exit 2, nothing written)', async (_name, files, message) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'news-init-'));
    for (const [name, text] of Object.entries(files)) {
      if (name.endsWith('/')) fs.mkdirSync(path.join(dir, name));
      else fs.writeFileSync(path.join(dir, name), text);
    }
    const before = snapshotTree(dir);
    const r = await runNews(['init', dir, '--title', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(snapshotTree(dir)).toEqual(before);
  });

  test.each([
    ['--base-url', ['--base-url', 'exemple.fr'], /--base-url « exemple\.fr » : une adresse absolue est attendue/],
    ['--time-zone', ['--time-zone', 'Europe/Pariss'], /--time-zone « Europe\/Pariss » : fuseau horaire inconnu/],
  ])('refuses a bad %s', async (_name, args, message) => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'news-init-'));
    const r = await runNews(['init', 'c', ...args], { cwd: parent });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(fs.existsSync(path.join(parent, 'c'))).toBe(false);
  });

  test('on a terminal, asks what the flags did not give', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'news-init-'));
    const session = new TmuxSession();
    try {
      session.start(['init', 'site', '--description', ''], { cwd: parent });
      await session.waitFor(/Titre du site/);
      session.type('Mes actualités');
      session.press('Enter');
      await session.waitFor(/Adresse publique/);
      session.type('pas-une-url');
      session.press('Enter');
      await session.waitFor(/une adresse absolue est attendue/);
      session.press('C-u');
      session.type('https://exemple.fr/');
      session.press('Enter');
      await session.waitFor(/Fuseau horaire/);
      session.press('Enter');
      expect(await session.exitCode()).toBe(0);
    } finally {
      session.kill();
    }
    expect(JSON.parse(fs.readFileSync(path.join(parent, 'site', 'site.json'), 'utf8'))).toEqual({
      title: 'Mes actualités', baseUrl: 'https://exemple.fr/', language: 'fr-FR', timeZone: 'Europe/Paris',
    });
  });
});

describe('validate: keys', () => {
  test('a misspelt top-level key is a warning with the suggestion (exit code unchanged)', async () => {
    const dir = tempContent({ a: makePost('a', { summry: 'Chapeau', autor: 'Moi', notes: 'libre' }) });
    const r = await runNews(['validate', '--dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('attention : posts/a.json : clé inconnue « summry » : vouliez-vous dire « summary » ?');
    expect(r.stderr).toContain('« autor » : vouliez-vous dire « author » ?');
    expect(r.stderr).not.toContain('notes');
    const json = JSON.parse((await runNews(['validate', '--dir', dir, '--json'])).stdout);
    expect(json.ok).toBe(true);
    expect(json.warnings).toHaveLength(2);
  });

  test('a key given twice in one object is a problem (exit 1) with its line and column', async () => {
    const dir = tempContent({ a: '{\n  "schemaVersion": 1, "slug": "a", "title": "A", "date": "2013-10-29", "status": "published",\n  "body": "x", "views": 1,\n  "views": 2,\n  "extra": {"k": 1, "k": 2}\n}\n' });
    const r = await runNews(['validate', '--dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('posts/a.json:4:3 : la clé « views » est donnée deux fois dans le même objet :');
    expect(r.stdout).toContain('posts/a.json:5:21 : la clé « k » est donnée deux fois dans le même objet (extra) :');
  });
});
