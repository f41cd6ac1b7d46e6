// Usage errors through main() in process (the same commander program bin/news.js runs):
// exit 2, one French line on stderr, nothing on stdout.
import { main } from '../../src/cli/main.js';
import { makePost, tempContent } from '../helpers/cli.js';
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
  [['show', 'a', 'b'], "trop d'arguments pour « show » : 1 attendu(s), 2 reçu(s)"],
  [['list', '--limit'], "l'option -n, --limit <n> attend une valeur"],
  [['list', '--sort', 'auteur'], "--sort attend l'une des valeurs date, views, title (reçu « auteur »)"],
  [['list', '--limit', '0'], '--limit attend un entier ≥ 1 (reçu « 0 »)'],
  [['list', '--limit', 'dix'], '--limit attend un entier ≥ 1 (reçu « dix »)'],
  [['list', '--since', '2014-02-30'], '--since attend une date AAAA-MM-JJ (ex. 2013-10-29), reçu « 2014-02-30 »'],
  [['list', '--until', 'hier'], '--until attend une date AAAA-MM-JJ (ex. 2013-10-29), reçu « hier »'],
  [['new', '--tag'], "l'option --tag <étiquette> attend une valeur"],
  [['validate', '--jsonn'], 'option inconnue « --jsonn » (vouliez-vous dire --json ?)'],
])('news %j', async (args, message) => {
  const ctx = testContext();
  expect(await main(['node', 'news', ...args, '--dir', dir], ctx)).toBe(2);
  expect(ctx.out()).toBe('');
  expect(ctx.err()).toBe(`news : erreur : ${message}. Voir news --help.\n`);
});
