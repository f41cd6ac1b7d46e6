// rm / restore / trash on the dedupe journal, and rm racing dedupe --apply, on the built binary.
import fs from 'node:fs';
import path from 'node:path';
import { jest } from '@jest/globals';
import { makePost, runNews, snapshotTree, tempContent } from '../helpers/cli.js';

jest.setTimeout(180_000);

function runs(dir: string): string[] {
  const trash = path.join(dir, '.trash');
  return fs.existsSync(trash) ? fs.readdirSync(trash).filter((n) => /^\d{8}-\d{6}-[0-9a-f]{6}$/.test(n)).sort() : [];
}

test('rm moves posts to a journaled run; trash lists them; restore puts one back byte for byte (plus updatedAt); the run goes when empty', async () => {
  const dir = tempContent({ a: makePost('a', { title: 'Premier' }), b: makePost('b', { title: 'Second' }), c: makePost('c') });
  const original = JSON.parse(fs.readFileSync(path.join(dir, 'posts', 'a.json'), 'utf8'));
  let r = await runNews(['rm', 'a', 'b', '--dir', dir]);
  expect(r.code).toBe(0);
  const [run] = runs(dir);
  expect(r.stdout).toBe(`${path.join(dir, '.trash', run!, 'posts', 'a.json')}\n${path.join(dir, '.trash', run!, 'posts', 'b.json')}\n`);
  expect(r.stderr).toContain(`2 billets mis à la corbeille (.trash/${run}/) : a, b`);
  const journal = JSON.parse(fs.readFileSync(path.join(dir, '.trash', run!, 'journal.json'), 'utf8'));
  expect(journal).toMatchObject({ format: 'news-dedupe-journal', command: 'rm', steps: [{ op: 'trash', slug: 'a' }, { op: 'trash', slug: 'b' }] });
  expect(JSON.parse(fs.readFileSync(path.join(dir, '.trash', run!, 'status.json'), 'utf8')).status).toBe('applied');
  expect(fs.readdirSync(path.join(dir, 'posts')).sort()).toEqual(['c.json']);

  r = await runNews(['trash', '--dir', dir, '--json']);
  expect(JSON.parse(r.stdout).map((e: { slug: string; command: string }) => [e.slug, e.command])).toEqual([['a', 'rm'], ['b', 'rm']]);
  r = await runNews(['trash', '--dir', dir]);
  expect(r.stdout).toMatch(/a +Premier +supprimé/);

  r = await runNews(['restore', 'a', '--dir', dir]);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(`${path.join(dir, 'posts', 'a.json')}\n`);
  const back = JSON.parse(fs.readFileSync(path.join(dir, 'posts', 'a.json'), 'utf8'));
  expect(back).toEqual({ ...original, updatedAt: back.updatedAt });
  expect(runs(dir)).toEqual([run]);
  expect((await runNews(['restore', 'b', '--dir', dir, '--quiet'])).stderr).toBe('');
  // Every post back: the run has nothing left to undo and is gone.
  expect(runs(dir)).toEqual([]);
  expect((await runNews(['trash', '--dir', dir])).stderr).toBe('La corbeille est vide.\n');
});

test('restore is refused when the slug or one of its aliases was taken meanwhile', async () => {
  const dir = tempContent({ a: makePost('a', { aliases: ['vieux-a'] }) });
  expect((await runNews(['rm', 'a', '--dir', dir])).code).toBe(0);
  expect((await runNews(['new', '--dir', dir, '--title', 'A', '--body', 'Autre texte.', '--slug', 'a'])).code).toBe(0);
  let before = snapshotTree(dir);
  let r = await runNews(['restore', 'a', '--dir', dir]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('impossible de restaurer « a » : son slug est déjà pris par le billet « a »');
  expect(snapshotTree(dir)).toEqual(before);
  expect((await runNews(['rename', 'a', 'autre', '--dir', dir])).code).toBe(0); // "a" becomes an alias of "autre"
  expect((await runNews(['rename', 'autre', 'vieux-a', '--dir', dir])).code).toBe(0);
  before = snapshotTree(dir);
  r = await runNews(['restore', 'a', '--dir', dir]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('son slug est déjà pris par le billet « vieux-a »');
  expect(snapshotTree(dir)).toEqual(before);
});

test.each([
  ['unknown slug', ['rm', 'inconnu'], /aucun billet « inconnu »/],
  ['an alias', ['rm', 'vieux'], /« vieux » est un alias du billet « a », pas un billet : pour supprimer ce billet, news rm a/],
  ['restore unknown', ['restore', 'a'], /« a » n’est pas dans la corbeille : voir news trash/],
])('refused (%s): exit 2, nothing written', async (_name, args, message) => {
  const dir = tempContent({ a: makePost('a', { aliases: ['vieux'] }) });
  const before = snapshotTree(dir);
  const r = await runNews([...args, '--dir', dir]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(snapshotTree(dir)).toEqual(before);
});

test('rm while dedupe --apply runs: both journals consistent, nothing lost, restore and --undo work after', async () => {
  // Duplicates for dedupe to merge, and posts for rm to remove, in one folder.
  const posts: Record<string, unknown> = {};
  const body = 'Un texte assez long pour être reconnu comme le même billet deux fois, mot pour mot, sans aucune différence.';
  for (let i = 0; i < 8; i++) {
    posts[`original-${i}`] = makePost(`original-${i}`, { title: `Original ${i}`, body: `${body} Numéro ${i}.`, views: 1 });
    posts[`copie-${i}`] = makePost(`copie-${i}`, { title: `Original ${i}`, body: `${body} Numéro ${i}.`, views: 2, date: '2013-10-30' });
    posts[`seul-${i}`] = makePost(`seul-${i}`, { title: `Seul ${i}`, body: `Texte tout à fait différent, le ${i}e.` });
  }
  const dir = tempContent(posts);
  const all = Object.keys(posts).sort();
  const [dedupe, ...removals] = await Promise.all([
    runNews(['dedupe', '--apply', '--dir', dir]),
    ...[0, 1, 2, 3].map((i) => runNews(['rm', `seul-${i}`, '--dir', dir])),
  ]);
  expect(dedupe!.code).toBe(0);
  for (const r of removals) expect(r.code).toBe(0);
  // Every post is in exactly one place: posts/ or one run's trash.
  const where = new Map<string, string[]>();
  for (const name of fs.readdirSync(path.join(dir, 'posts'))) where.set(name, ['posts']);
  const runIds = runs(dir);
  expect(runIds).toHaveLength(5);
  const commands: string[] = [];
  for (const run of runIds) {
    const journal = JSON.parse(fs.readFileSync(path.join(dir, '.trash', run, 'journal.json'), 'utf8'));
    commands.push(journal.command);
    expect(JSON.parse(fs.readFileSync(path.join(dir, '.trash', run, 'status.json'), 'utf8')).status).toBe('applied');
    for (const step of journal.steps.filter((s: { op: string }) => s.op === 'trash')) {
      const name = `${step.slug}.json`;
      expect(fs.existsSync(path.join(dir, '.trash', run, 'posts', name))).toBe(true);
      where.set(name, [...(where.get(name) ?? []), run]);
    }
  }
  expect(commands.sort()).toEqual(['dedupe', 'rm', 'rm', 'rm', 'rm']);
  expect([...where.keys()].sort()).toEqual(all.map((s) => `${s}.json`));
  for (const places of where.values()) expect(places).toHaveLength(1);
  expect((await runNews(['validate', '--dir', dir])).code).toBe(0);

  // Undo the merge and restore the removals: every post back where it began.
  const dedupeRun = runIds.find((run) => JSON.parse(fs.readFileSync(path.join(dir, '.trash', run, 'journal.json'), 'utf8')).command === 'dedupe')!;
  expect((await runNews(['dedupe', '--undo', dedupeRun, '--dir', dir])).code).toBe(0);
  for (const i of [0, 1, 2, 3]) expect((await runNews(['restore', `seul-${i}`, '--dir', dir])).code).toBe(0);
  expect(fs.readdirSync(path.join(dir, 'posts')).sort()).toEqual(all.map((s) => `${s}.json`));
  expect(runs(dir)).toEqual([]);
});

test('news delete is news rm (what staff coming from WP-CLI or gh type)', async () => {
  const dir = tempContent({ a: makePost('a') });
  const r = await runNews(['delete', 'a', '--dir', dir]);
  expect(r.code).toBe(0);
  expect(r.stderr).toContain('billet mis à la corbeille');
  expect(fs.existsSync(path.join(dir, 'posts', 'a.json'))).toBe(false);
});
