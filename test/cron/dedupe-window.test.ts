import fs from 'node:fs';
import path from 'node:path';
import { makePost, runNews, tempContent } from '../helpers/cli.js';

/**
 * Issue 13, item 2: a recurring announcement is not a duplicate. Posts dated more than
 * `--window` days apart (30 by default) are never merged; a post whose file says
 * `"dedupe": false` is never merged nor cleaned.
 */

const LONG = 120_000;

const SUMMER = 'Le centre de formation sera fermé du 21 juillet au 17 août. Bonnes vacances à tous nos stagiaires, et à la rentrée !';
const announcement = (slug: string, date: string, extra: Record<string, unknown> = {}) =>
  makePost(slug, { title: 'Fermeture estivale', date, body: SUMMER, views: 10, ...extra });
const posts = (dir: string) => fs.readdirSync(path.join(dir, 'posts')).sort();

test('"Fermeture estivale" dated 2025-07-20 and 2026-07-20 stays two posts; a copy 21 days later is merged', async () => {
  const dir = tempContent({
    'fermeture-estivale': announcement('fermeture-estivale', '2025-07-20'),
    'fermeture-estivale-2': announcement('fermeture-estivale-2', '2026-07-20'),
    'fermeture-estivale-3': announcement('fermeture-estivale-3', '2026-08-10T09:00:00+02:00'),
  });
  const report = await runNews(['dedupe', '--dir', dir, '--json']);
  expect(report.code).toBe(0);
  // This year's copy posted twice is one group; last year's post is no duplicate of either.
  expect(JSON.parse(report.stdout).groups).toEqual([
    { keep: 'fermeture-estivale-2', duplicates: [{ slug: 'fermeture-estivale-3', kind: 'exact', similarity: 1 }] },
  ]);
  const applied = await runNews(['dedupe', '--dir', dir, '--apply']);
  expect(applied.code).toBe(0);
  expect(posts(dir)).toEqual(['fermeture-estivale-2.json', 'fermeture-estivale.json']);
  expect(JSON.parse(fs.readFileSync(path.join(dir, 'posts', 'fermeture-estivale.json'), 'utf8')).views).toBe(10);
  expect(JSON.parse(fs.readFileSync(path.join(dir, 'posts', 'fermeture-estivale-2.json'), 'utf8')).views).toBe(20);
  expect((await runNews(['dedupe', '--dir', dir, '--check'])).code).toBe(0);
}, LONG);

test('--window sets the distance: --window 400 merges the two years, --window 0 keeps even a copy of the next day', async () => {
  const two = () => tempContent({
    a: announcement('a', '2025-07-20'),
    b: announcement('b', '2026-07-20'),
    c: announcement('c', '2026-07-21'),
  });
  const wide = JSON.parse((await runNews(['dedupe', '--dir', two(), '--json', '--window', '400'])).stdout);
  expect(wide.groups).toEqual([{ keep: 'a', duplicates: [{ slug: 'b', kind: 'exact', similarity: 1 }, { slug: 'c', kind: 'exact', similarity: 1 }] }]);
  const none = JSON.parse((await runNews(['dedupe', '--dir', two(), '--json', '--window', '0'])).stdout);
  expect(none.groups).toEqual([]);
  const bad = await runNews(['dedupe', '--dir', two(), '--window', 'trente']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/--window attend un nombre entier de jours.*« trente »/);
  expect(bad.stderr).not.toMatch(/at .*\.js:\d+/);
}, LONG);

test('"dedupe": false: the post is never merged (neither kept nor trashed) nor cleaned of repeated paragraphs; validate checks the field', async () => {
  const refrain = 'Refrain : nous irons tous au bord de la mer, chanter et danser jusqu’au soir.';
  const poem = [refrain, 'Premier couplet, tout au long de la plage, on ramasse des coquillages pour la classe.', refrain, 'Second couplet, le soleil se couche doucement sur les dunes et les cabanes.', refrain].join('\n\n');
  const dir = tempContent({
    'fermeture-estivale': announcement('fermeture-estivale', '2025-07-20', { dedupe: false }),
    'fermeture-estivale-2': announcement('fermeture-estivale-2', '2025-07-22'),
    'fermeture-estivale-3': announcement('fermeture-estivale-3', '2025-07-25'),
    chanson: makePost('chanson', { title: 'La chanson de l’été', date: '2025-06-01', body: poem, dedupe: false }),
  });
  const report = JSON.parse((await runNews(['dedupe', '--dir', dir, '--json'])).stdout);
  // The two others are still merged with each other; the excluded one is named in the report.
  expect(report.groups).toEqual([{ keep: 'fermeture-estivale-2', duplicates: [{ slug: 'fermeture-estivale-3', kind: 'exact', similarity: 1 }] }]);
  expect(report.repeated).toEqual([]);
  expect(report.excluded).toEqual(['chanson', 'fermeture-estivale']);
  const excludedBytes = fs.readFileSync(path.join(dir, 'posts', 'fermeture-estivale.json'));
  const songBytes = fs.readFileSync(path.join(dir, 'posts', 'chanson.json'));
  expect((await runNews(['dedupe', '--dir', dir, '--apply'])).code).toBe(0);
  expect(fs.readFileSync(path.join(dir, 'posts', 'fermeture-estivale.json'))).toEqual(excludedBytes);
  expect(fs.readFileSync(path.join(dir, 'posts', 'chanson.json'))).toEqual(songBytes);
  expect(posts(dir)).toEqual(['chanson.json', 'fermeture-estivale-2.json', 'fermeture-estivale.json']);

  // A value that is not a boolean is a problem, not silently "true".
  fs.writeFileSync(path.join(dir, 'posts', 'chanson.json'), `${JSON.stringify(makePost('chanson', { dedupe: 'non' }), null, 2)}\n`);
  const validate = await runNews(['validate', '--dir', dir]);
  expect(validate.code).toBe(1);
  expect(validate.stdout).toMatch(/posts\/chanson\.json : champ dedupe : dedupe doit valoir true ou false/);
}, LONG);
