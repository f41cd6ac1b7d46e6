// Usage errors through main() in process (the same commander program bin/news.js runs):
// exit 2, one French line on stderr, nothing on stdout.
import { main } from '../../src/cli/main.js';
import fs from 'node:fs';
import path from 'node:path';
import { makePost, snapshotTree, tempContent } from '../helpers/cli.js';
import { testContext } from '../helpers/context.js';

const dir = tempContent({ a: makePost('a') });

// An unknown command loads every command module at once; jest's ESM loader (not Node) trips
// over concurrent first imports of the same package, so load them one by one first.
beforeAll(async () => {
  for (const name of ['new', 'list', 'show', 'validate', 'import', 'dedupe', 'export']) {
    await import(`../../src/commands/${name}.js`).catch(() => undefined);
  }
});

test.each([
  [['lsit'], 'commande inconnue « lsit » (vouliez-vous dire list ?)'],
  [['show'], 'argument obligatoire manquant : <slug>'],
  [['show', 'a', 'b'], "trop d’arguments pour « show » : 1 attendu(s), 2 reçu(s)"],
  [['list', '--limit'], "l’option -n, --limit <n> attend une valeur"],
  [['list', '--sort', 'auteur'], "--sort attend l’une des valeurs date, views, title, vues, titre (reçu « auteur »)"],
  [['list', '--limit', '0'], '--limit attend un entier ≥ 1 (reçu « 0 »)'],
  [['list', '--limit', 'dix'], '--limit attend un entier ≥ 1 (reçu « dix »)'],
  [['list', '--since', '2014-02-30'], '--since attend une date AAAA-MM-JJ (ex. 2013-10-29), reçu « 2014-02-30 »'],
  [['list', '--until', 'hier'], '--until attend une date AAAA-MM-JJ (ex. 2013-10-29), reçu « hier »'],
  [['new', '--tag'], "l’option --tag <étiquette> attend une valeur"],
  [['validate', '--jsonn'], 'option inconnue « --jsonn » (vouliez-vous dire --json ?)'],
])('news %j', async (args, message) => {
  const ctx = testContext();
  expect(await main(['node', 'news', ...args, '--dir', dir], ctx)).toBe(2);
  expect(ctx.out()).toBe('');
  const helpOf = args[0] === 'lsit' ? 'news' : `news ${args[0]}`;
  expect(ctx.err()).toBe(`news : erreur : ${message}. Voir ${helpOf} --help.\n`);
});

describe('news new: bad flags are exit 2, name the flag, write nothing', () => {
  const content = tempContent({ a: makePost('a') });
  const notUtf8 = path.join(content, '..', `${path.basename(content)}-latin1.txt`);
  fs.writeFileSync(notUtf8, Buffer.from([0x45, 0x74, 0xe9, 0x0a])); // "Eté" in Latin-1

  test.each([
    ['--slug with capitals', ['--title', 'T', '--body', 'x', '--slug', 'Grand'], '--slug « Grand » : un slug ne contient que des lettres minuscules'],
    ['--slug taken by a post', ['--title', 'T', '--body', 'x', '--slug', 'a'], '--slug « a » est déjà pris par un billet (ou un alias) : choisissez-en un autre'],
    ['--date impossible', ['--title', 'T', '--body', 'x', '--date', '2014-02-30'], '--date « 2014-02-30 » : le 2014-02-30 n’existe pas'],
    ['--date without offset', ['--title', 'T', '--body', 'x', '--date', '2014-02-03T10:00:00'], '--date « 2014-02-03T10:00:00 »'],
    ['--body and --body-file', ['--title', 'T', '--body', 'x', '--body-file', '-'], '--body et --body-file ne vont pas ensemble : choisissez-en un'],
    ['empty --title', ['--title', '  ', '--body', 'x'], 'il manque --title'],
    ['empty --body', ['--title', 'T', '--body', ' '], 'il manque --body (ou --body-file)'],
    ['missing --body-file', ['--title', 'T', '--body-file', '/nulle/part.md'], '--body-file /nulle/part.md : fichier introuvable'],
    ['--body-file not UTF-8', ['--title', 'T', '--body-file', notUtf8], 'octets non UTF-8 (octet 2) : réenregistrez le fichier en UTF-8'],
  ])('%s', async (_name, args, expected) => {
    const before = snapshotTree(content);
    const ctx = testContext({ cwd: content });
    expect(await main(['node', 'news', 'new', '--dir', content, ...args], ctx)).toBe(2);
    expect(ctx.out()).toBe('');
    expect(ctx.err()).toMatch(/^news : erreur : /);
    expect(ctx.err()).toContain(expected);
    expect(snapshotTree(content)).toEqual(before);
  });
});
