import { InvalidArgumentError } from 'commander';
import { parseChoice } from '../../src/cli/options.js';
import { makePost, runNewsSync, tempContent } from '../helpers/cli.js';

/* Values users type, in French as well as in English: `--sort vues`, `brouillon`, `publié`. */

test('a choice accepts the French word, any case, with or without accents', () => {
  const status = parseChoice('--statut', ['published', 'draft'] as const);
  expect(['brouillon', 'Brouillon', 'draft', 'DRAFT'].map(status)).toEqual(['draft', 'draft', 'draft', 'draft']);
  expect(['publié', 'publie', 'Publié', 'published'].map(status)).toEqual(['published', 'published', 'published', 'published']);
  const sort = parseChoice('--sort', ['date', 'views', 'title'] as const);
  expect(['vues', 'titre', 'date', 'views', 'title'].map(sort)).toEqual(['views', 'title', 'date', 'views', 'title']);
  // Only the words of this choice: `brouillon` is no sort key.
  expect(() => sort('brouillon')).toThrow(InvalidArgumentError);
  expect(() => sort('auteur')).toThrow('--sort attend l’une des valeurs date, views, title, vues, titre (reçu « auteur »)');
  expect(status.completionValues).toEqual(['published', 'draft', 'brouillon', 'publié']);
});

test('news list --sort vues and --sort titre sort as views and title', () => {
  const dir = tempContent({
    a: makePost('a', { title: 'Zèbre', views: 5, date: '2013-01-01' }),
    b: makePost('b', { title: 'Abeille', views: 50, date: '2013-01-02' }),
    c: makePost('c', { title: 'Moineau', views: 1, date: '2013-01-03' }),
  });
  const slugs = (args: string[]) => runNewsSync(['list', '--dir', dir, ...args]).stdout.trim().split('\n').map((l) => l.split(/\s+/).pop());
  expect(slugs(['--sort', 'vues'])).toEqual(slugs(['--sort', 'views']));
  expect(slugs(['--sort', 'vues'])).toEqual(['b', 'a', 'c']);
  expect(slugs(['--sort', 'titre'])).toEqual(['b', 'c', 'a']);
  expect(slugs(['--sort', 'date'])).toEqual(['c', 'b', 'a']);
});

test('news dedupe --threshold takes a decimal comma as well as a point', () => {
  const dir = tempContent({ a: makePost('a'), b: makePost('b') });
  const comma = runNewsSync(['dedupe', '--dir', dir, '--json', '--threshold', '0,95']);
  const point = runNewsSync(['dedupe', '--dir', dir, '--json', '--threshold', '0.95']);
  expect(comma.code).toBe(0);
  expect(comma.stdout).toBe(point.stdout);
  const bad = runNewsSync(['dedupe', '--dir', dir, '--threshold', '1,5']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('par exemple 0,9');
});
