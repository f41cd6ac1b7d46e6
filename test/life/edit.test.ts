// `news edit` with field flags, on the built binary: only the named fields change, the file keeps
// its key order, unknown keys, id and createdAt; refusals are exit 2 with nothing written.
import fs from 'node:fs';
import path from 'node:path';
import { jest } from '@jest/globals';
import { makePost, runNews, snapshotTree, tempContent } from '../helpers/cli.js';

jest.setTimeout(120_000);

const ID = '6f1c2a9e-3b7d-4e41-9a0c-2d8e4f6b1a37';
/** A post as another tool wrote it: keys in its own order, unknown keys (__proto__ included), a BOM. */
const HAND_WRITTEN = `\ufeff{
  "slug": "rentree",
  "schemaVersion": 1,
  "title": "Rentrée",
  "id": "${ID}",
  "extra": {"nested": [1, 2]},
  "date": "2014-08-01",
  "status": "published",
  "__proto__": {"polluted": true},
  "body": "Texte de la rentrée.",
  "views": 12,
  "tags": ["Agenda"],
  "createdAt": "2014-07-30T10:00:00+02:00",
  "updatedAt": "2014-07-30T10:00:00+02:00",
  "constructor": "garde-moi"
}
`;

function read(dir: string, slug: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(dir, 'posts', `${slug}.json`), 'utf8'));
}

function tempFiles(dir: string): string[] {
  return fs.readdirSync(path.join(dir, 'posts')).filter((name) => name.endsWith('.tmp'));
}

test('flags change only their fields; order, unknown keys, id, createdAt kept; updatedAt moves forward; no BOM written', async () => {
  const dir = tempContent({ rentree: HAND_WRITTEN });
  const before = JSON.parse(HAND_WRITTEN.slice(1));
  const r = await runNews(['edit', 'rentree', '--dir', dir, '--title', 'Rentrée 2014', '--add-tag', 'école', '--summary', 'Un chapeau.']);
  expect(r.stderr).toBe('news edit : rentree modifié :\n  titre : « Rentrée » → « Rentrée 2014 »\n  chapeau : (vide) → « Un chapeau. »\n  étiquettes : Agenda → Agenda, école\n');
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(`${path.join(dir, 'posts', 'rentree.json')}\n`);
  const text = fs.readFileSync(path.join(dir, 'posts', 'rentree.json'), 'utf8');
  expect(text.charCodeAt(0)).not.toBe(0xfeff);
  expect(text.endsWith('}\n')).toBe(true);
  const after = JSON.parse(text);
  // Key order as the file had it; summary (new) where the schema places it, after tags.
  expect(Object.keys(after)).toEqual(['slug', 'schemaVersion', 'title', 'id', 'extra', 'date', 'status', '__proto__', 'body', 'views', 'tags', 'summary', 'createdAt', 'updatedAt', 'constructor']);
  expect(after.__proto__).toEqual({ polluted: true });
  expect(after.updatedAt > before.updatedAt).toBe(true);
  const expected = JSON.parse(HAND_WRITTEN.slice(1));
  expected.title = 'Rentrée 2014';
  expected.tags = ['Agenda', 'école'];
  expected.summary = 'Un chapeau.';
  expected.updatedAt = after.updatedAt;
  expect(after).toEqual(expected);
  expect(tempFiles(dir)).toEqual([]);
});

test('--tag replaces, --remove-tag ignores case and accents, --date as typed, --json prints the post, --quiet prints nothing on stderr', async () => {
  const dir = tempContent({ a: makePost('a', { tags: ['Réseaux sociaux', 'web'] }) });
  let r = await runNews(['edit', 'a', '--dir', dir, '--remove-tag', 'RESEAUX  SOCIAUX', '--date', '2026-07-01 08:00', '--json', '--quiet']);
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  const printed = JSON.parse(r.stdout);
  expect(printed.tags).toEqual(['web']);
  expect(printed.date).toBe('2026-07-01T08:00:00+02:00');
  expect(read(dir, 'a')).toEqual(printed);
  r = await runNews(['edit', 'a', '--dir', dir, '--tag', 'x', '--tag', 'X', '--tag', 'y', '--author', 'Moi', '--body', 'Nouveau texte.']);
  expect(r.code).toBe(0);
  expect(read(dir, 'a')).toMatchObject({ tags: ['x', 'y'], author: 'Moi', body: 'Nouveau texte.' });
  r = await runNews(['edit', 'a', '--dir', dir, '--author', '', '--body-file', '-'], { input: 'Depuis l’entrée standard.\n' });
  expect(r.code).toBe(0);
  expect('author' in read(dir, 'a')).toBe(false);
  expect(read(dir, 'a').body).toBe('Depuis l’entrée standard.\n');
});

test('a change to what is already there writes nothing', async () => {
  const dir = tempContent({ a: makePost('a', { title: 'Même titre' }) });
  const before = snapshotTree(dir);
  const r = await runNews(['edit', 'a', '--dir', dir, '--title', 'Même titre']);
  expect(r.code).toBe(0);
  expect(r.stderr).toContain('rien à changer, fichier inchangé');
  expect(snapshotTree(dir)).toEqual(before);
});

test('an alias finds its post', async () => {
  const dir = tempContent({ nouveau: makePost('nouveau', { aliases: ['ancien'] }) });
  const r = await runNews(['edit', 'ancien', '--dir', dir, '--title', 'Par l’alias']);
  expect(r.code).toBe(0);
  expect(r.stderr).toContain('(trouvé par son alias « ancien »)');
  expect(read(dir, 'nouveau').title).toBe('Par l’alias');
});

describe('refused: exit 2, a French reason, nothing written', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['unknown slug, nearest suggested', ['edit', 'portes-ouvertes-2013', '--title', 'x'], /aucun billet « portes-ouvertes-2013 » \(ni slug ni alias\)\. Slugs proches : portes-ouvertes-2014/],
    ['bad date', ['edit', 'portes-ouvertes-2014', '--date', '30/11/2026'], /--date « 30\/11\/2026 » : attendu AAAA-MM-JJ/],
    ['impossible day', ['edit', 'portes-ouvertes-2014', '--date', '2026-02-30 08:00'], /le 2026-02-30 n’existe pas/],
    ['DST gap', ['edit', 'portes-ouvertes-2014', '--date', '2026-03-29 02:30'], /2026-03-29 02:30 n’existe pas en Europe\/Paris \(changement d’heure : on passe de \+01:00 à \+02:00\).*2026-03-29T02:30\+01:00 ou 2026-03-29T02:30\+02:00/],
    ['DST overlap', ['edit', 'portes-ouvertes-2014', '--date', '2026-10-25T02:30'], /2026-10-25 02:30 existe deux fois en Europe\/Paris.*2026-10-25T02:30\+02:00 \(la première fois\) ou 2026-10-25T02:30\+01:00 \(la seconde\)/],
    ['empty title', ['edit', 'portes-ouvertes-2014', '--title', '  '], /--title : le titre est vide/],
    ['empty body', ['edit', 'portes-ouvertes-2014', '--body', ''], /--body : le texte du billet est vide/],
    ['no flag, no terminal', ['edit', 'portes-ouvertes-2014'], /sans option, news edit ouvre le billet dans votre éditeur, ce qui demande un terminal/],
    ['broken post file', ['edit', 'casse', '--title', 'x'], /billet illisible : posts\/casse\.json:1:\d+ : JSON/],
  ];
  const dir = tempContent({ 'portes-ouvertes-2014': makePost('portes-ouvertes-2014'), casse: '{"slug": "casse",' });
  test.each(cases)('%s', async (_name, args, message) => {
    const before = snapshotTree(dir);
    const r = await runNews([...args, '--dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(snapshotTree(dir)).toEqual(before);
  });
});
