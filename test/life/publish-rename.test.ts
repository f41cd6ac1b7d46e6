// publish / unpublish / scheduling in local time / list --scheduled / show [programmé] / rename, on the built binary.
import fs from 'node:fs';
import path from 'node:path';
import { jest } from '@jest/globals';
import { makePost, runNews, snapshotTree, tempContent } from '../helpers/cli.js';

jest.setTimeout(120_000);

function read(dir: string, slug: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(dir, 'posts', `${slug}.json`), 'utf8'));
}

describe('publish and unpublish', () => {
  test('publish --at a wall-clock time in the site zone: stored with that day’s offset, scheduled, shown with its time', async () => {
    const dir = tempContent({ brouillon: makePost('brouillon', { status: 'draft', title: 'Bientôt' }), vieux: makePost('vieux') });
    const before = read(dir, 'brouillon');
    let r = await runNews(['publish', 'brouillon', '--dir', dir, '--at', '2099-11-30 08:00']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${path.join(dir, 'posts', 'brouillon.json')}\n`);
    expect(r.stderr).toContain('statut : brouillon → publié');
    expect(r.stderr).toContain('Programmé : paraîtra le 30 novembre 2099 à 8 h 00');
    const after = read(dir, 'brouillon');
    expect(after).toEqual({ ...before, status: 'published', date: '2099-11-30T08:00:00+01:00', updatedAt: after.updatedAt });
    // Summer: +02:00.
    r = await runNews(['publish', 'brouillon', '--dir', dir, '--at', '2099-07-01T08:00', '--quiet']);
    expect(r.stderr).toBe('');
    expect(read(dir, 'brouillon').date).toBe('2099-07-01T08:00:00+02:00');

    r = await runNews(['list', '--dir', dir, '--scheduled']);
    expect(r.stdout).toBe('le 1er juillet 2099 à 8 h 00  Bientôt [programmé]  lu 0 fois  brouillon\n');
    r = await runNews(['show', 'brouillon', '--dir', dir]);
    expect(r.stdout.split('\n')[1]).toBe('le 1er juillet 2099 à 8 h 00 (lu 0 fois) [programmé]');
    // Not in the feeds until then.
    r = await runNews(['export', 'json', '--dir', dir]);
    expect(JSON.parse(r.stdout).items.map((i: { title: string }) => i.title)).toEqual(['Titre vieux']);
  });

  test('unpublish sets draft; a second time changes nothing; --json prints the post', async () => {
    const dir = tempContent({ a: makePost('a') });
    let r = await runNews(['unpublish', 'a', '--dir', dir, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).status).toBe('draft');
    expect(read(dir, 'a').status).toBe('draft');
    const before = snapshotTree(dir);
    r = await runNews(['unpublish', 'a', '--dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('déjà en brouillon, fichier inchangé');
    expect(snapshotTree(dir)).toEqual(before);
  });

  test.each([
    ['unknown slug', ['publish', 'inconnu'], /aucun billet « inconnu »/],
    ['DST gap', ['publish', 'a', '--at', '2026-03-29 02:30'], /n’existe pas en Europe\/Paris/],
    ['DST overlap', ['publish', 'a', '--at', '2026-10-25 02:30'], /existe deux fois en Europe\/Paris/],
    ['bad date', ['publish', 'a', '--at', 'lundi'], /--at « lundi » : attendu AAAA-MM-JJ/],
    ['unpublish unknown', ['unpublish', 'aa'], /aucun billet « aa » \(ni slug ni alias\)\. Slugs proches : a/],
  ])('refused (%s): exit 2, nothing written', async (_name, args, message) => {
    const dir = tempContent({ a: makePost('a', { status: 'draft' }) });
    const before = snapshotTree(dir);
    const r = await runNews([...args, '--dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(snapshotTree(dir)).toEqual(before);
  });

  test('new --date takes a wall-clock time too', async () => {
    const dir = tempContent({});
    const r = await runNews(['new', '--dir', dir, '--title', 'Réunion', '--body', 'x', '--date', '2026-11-30 08:00', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).date).toBe('2026-11-30T08:00:00+01:00');
    const gap = await runNews(['new', '--dir', dir, '--title', 'Trou', '--body', 'x', '--date', '2026-03-29 02:30']);
    expect(gap.code).toBe(2);
    expect(gap.stderr).toContain('2026-03-29T02:30+01:00 ou 2026-03-29T02:30+02:00');
  });
});

describe('rename', () => {
  test('file and slug renamed, old slug in aliases, the old name still finds the post; the rest unchanged', async () => {
    const dir = tempContent({ ancien: makePost('ancien', { aliases: ['tres-ancien'], extra: 1 }) });
    const before = read(dir, 'ancien');
    const r = await runNews(['rename', 'ancien', 'nouveau', '--dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${path.join(dir, 'posts', 'nouveau.json')}\n`);
    expect(fs.existsSync(path.join(dir, 'posts', 'ancien.json'))).toBe(false);
    const after = read(dir, 'nouveau');
    expect(after).toEqual({ ...before, slug: 'nouveau', aliases: ['tres-ancien', 'ancien'], updatedAt: after.updatedAt });
    // The file's order kept; updatedAt, new, goes after the last known field before it (aliases).
    expect(Object.keys(after)).toEqual([...Object.keys(before).filter((k) => k !== 'extra'), 'updatedAt', 'extra']);
    expect((await runNews(['show', 'ancien', '--dir', dir, '--json'])).stdout).toContain('"slug": "nouveau"');
    expect((await runNews(['validate', '--dir', dir])).code).toBe(0);
    // Taking an old name of its own back is allowed.
    const back = await runNews(['rename', 'nouveau', 'ancien', '--dir', dir, '--json']);
    expect(back.code).toBe(0);
    expect(JSON.parse(back.stdout).aliases).toEqual(['tres-ancien', 'nouveau']);
  });

  test.each([
    ['invalid new slug', ['rename', 'a', 'Pas Valide'], /nouveau slug invalide « Pas Valide »/],
    ['taken by a post', ['rename', 'a', 'b'], /« b » est déjà le slug d’un autre billet/],
    ['taken by an alias', ['rename', 'a', 'vieux-b'], /« vieux-b » est déjà un alias du billet « b »/],
    ['unknown slug', ['rename', 'c', 'd'], /aucun billet « c »/],
  ])('refused (%s): exit 2, nothing written', async (_name, args, message) => {
    const dir = tempContent({ a: makePost('a'), b: makePost('b', { aliases: ['vieux-b'] }) });
    const before = snapshotTree(dir);
    const r = await runNews([...args, '--dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(snapshotTree(dir)).toEqual(before);
  });
});
