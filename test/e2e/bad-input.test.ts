// Broken post files (test/fixtures/foundation/broken, plus a symbolic link made here):
// named in French with file, field or line and column; nothing written; no stack trace.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runNews, snapshotTree } from '../helpers/cli.js';

const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'foundation', 'broken');
const NO_STACK = /^\s+at /m;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'news-broken-'));
fs.cpSync(FIXTURE, dir, { recursive: true });
fs.symlinkSync('sain.json', path.join(dir, 'posts', 'lien.json'));
const before = snapshotTree(dir);

afterAll(() => {
  expect(snapshotTree(dir)).toEqual(before); // nothing written, nothing "repaired"
  expect(fs.readlinkSync(path.join(dir, 'posts', 'lien.json'))).toBe('sain.json');
});

const PROBLEMS = [
  'posts/latin1.json:4:16 : octets non UTF-8 (octet 59) : réenregistrez le fichier en UTF-8',
  'posts/lien.json : lien symbolique refusé : remplacez-le par le fichier lui-même',
  'posts/mal-nomme.json : champ slug : « un-autre-nom » diffère du nom du fichier (« mal-nomme ») : renommez le fichier en un-autre-nom.json ou corrigez le slug',
  'posts/mauvais-types.json : champ title : Entrée invalide : chaîne de caractères attendu, nombre reçu',
  'posts/mauvais-types.json : champ date : date invalide : attendu AAAA-MM-JJ (ex. 2013-10-29) ou une date-heure ISO 8601 avec Z ou un décalage (ex. 2013-10-29T09:12:00+01:00)',
  'posts/mauvais-types.json : champ status : status doit valoir "published" ou "draft"',
  'posts/mauvais-types.json : champ tags : Entrée invalide : tableau attendu, chaîne de caractères reçu',
  'posts/mauvais-types.json : champ views : views doit être ≥ 0',
  'posts/syntaxe.json:6:1 : JSON invalide près de "}\\n" (ligne 6, colonne 1)',
  'posts/tronque.json:6:19 : JSON incomplet (fin de fichier inattendue) : le fichier semble tronqué (ligne 6, colonne 19)',
];

test('validate names every problem with its file, field or line and column; exit 1', async () => {
  const r = await runNews(['validate', '--dir', dir]);
  expect(r.code).toBe(1);
  expect(r.stdout.trimEnd().split('\n')).toEqual(PROBLEMS);
  expect(r.stderr).toBe('8 billet(s) vérifié(s) : 10 problème(s).\n');
});

test('validate --json: the same problems as data; exit 1', async () => {
  const r = await runNews(['validate', '--dir', dir, '--json']);
  expect(r.code).toBe(1);
  expect(r.stderr).toBe('');
  const report = JSON.parse(r.stdout);
  expect(report.ok).toBe(false);
  expect(report.checked).toBe(8);
  expect(report.problems.map((p: { message: string }) => p.message)).toEqual(PROBLEMS);
  expect(report.problems.find((p: { file: string }) => p.file === 'posts/tronque.json')).toEqual({
    file: 'posts/tronque.json', line: 6, column: 19, message: PROBLEMS[9],
  });
  expect(report.problems.filter((p: { file: string }) => p.file === 'posts/mauvais-types.json').map((p: { field: string }) => p.field)).toEqual(['title', 'date', 'status', 'tags', 'views']);
  expect(report.problems.find((p: { file: string }) => p.file === 'posts/mal-nomme.json').field).toBe('slug');
});

test('list goes on: the sound posts (the BOM one included) on stdout, each broken file named on stderr', async () => {
  const r = await runNews(['list', '--dir', dir]);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(
    'le 1er août 2014    Écrit par un autre outil  lu 1\u202f234 fois  avec-bom\n' +
    'le 29 octobre 2013  Un billet sain                lu 3 fois  sain\n',
  );
  expect(r.stderr.trimEnd().split('\n')).toEqual(PROBLEMS.map((p) => `attention : billet ignoré : ${p}`));
});

test('a file with a leading BOM is read like any other', async () => {
  const r = await runNews(['show', '--dir', dir, 'avec-bom', '--json']);
  expect(r.code).toBe(0);
  const post = JSON.parse(r.stdout);
  expect(post.slug).toBe('avec-bom'); // the first key is "slug"-clean: no U+FEFF stuck to the object
  expect(post.extra).toEqual({ source: 'bloc-notes' });
  expect(r.stdout.charCodeAt(0)).toBe(0x7b);
});

test.each([
  ['tronque', 'billet illisible :\n  posts/tronque.json:6:19 : JSON incomplet'],
  ['syntaxe', 'posts/syntaxe.json:6:1 : JSON invalide'],
  ['latin1', 'posts/latin1.json:4:16 : octets non UTF-8'],
  ['mauvais-types', 'posts/mauvais-types.json : champ title'],
  ['mal-nomme', '« un-autre-nom » diffère du nom du fichier'],
  ['lien', 'posts/lien.json : lien symbolique refusé'],
])('show %s: exit 2 with the reason, no stack trace', async (slug, message) => {
  const r = await runNews(['show', '--dir', dir, slug]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^news : erreur : /);
  expect(r.stderr).toContain(message);
  expect(r.stderr).not.toMatch(NO_STACK);
});

test('the same errors with NEWS_DEBUG=1 carry the stack (for a developer)', async () => {
  const r = await runNews(['show', '--dir', dir, 'tronque'], { env: { NEWS_DEBUG: '1' } });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('JSON incomplet');
  expect(r.stderr).toMatch(NO_STACK);
});

test('a post file over 1 MiB is refused, named, and the others still listed', async () => {
  const big = fs.mkdtempSync(path.join(os.tmpdir(), 'news-big-'));
  fs.cpSync(path.join(FIXTURE, 'site.json'), path.join(big, 'site.json'));
  fs.mkdirSync(path.join(big, 'posts'));
  fs.copyFileSync(path.join(FIXTURE, 'posts', 'sain.json'), path.join(big, 'posts', 'sain.json'));
  const post = { schemaVersion: 1, slug: 'enorme', title: 'Énorme', date: '2014-08-01', status: 'published', body: 'x'.repeat(1024 * 1024), views: 0 };
  fs.writeFileSync(path.join(big, 'posts', 'enorme.json'), JSON.stringify(post));
  const r = await runNews(['list', '--dir', big]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('sain');
  expect(r.stderr).toMatch(/posts\/enorme\.json : fichier trop gros \(\d+ octets, au plus 1048576\)/);
});

test('a named pipe (FIFO) posing as a post is refused at once, never waited on', async () => {
  const odd = fs.mkdtempSync(path.join(os.tmpdir(), 'news-fifo-'));
  fs.mkdirSync(path.join(odd, 'posts'));
  expect(spawnSync('mkfifo', [path.join(odd, 'posts', 'tube.json')]).status).toBe(0);
  const r = await runNews(['show', '--dir', odd, 'tube'], { timeoutMs: 10_000 });
  expect(r.signal).toBeNull();
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("posts/tube.json : ce n’est pas un fichier ordinaire");
});
