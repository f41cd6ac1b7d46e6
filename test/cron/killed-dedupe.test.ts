import fs from 'node:fs';
import path from 'node:path';
import { makePost, runNews, snapshotTree, tempContent } from '../helpers/cli.js';
import { ageLock, readableByAll, runNewsAsNobody, runNewsKilledAt } from '../helpers/system.js';

/**
 * Issue 13, item 1: a `dedupe --apply` killed part-way (SIGKILL at an exact rename, through
 * strace) is never shown half merged. `list`, `show`, `validate` and every export finish the
 * run first (taking the lock), or refuse with exit 2 naming the run when they cannot write;
 * the next `--apply` finishes it too. The same for a killed `--undo`.
 */

const LONG = 180_000;
const RENAMES = ['rename', 'renameat', 'renameat2'];
const ORIGINALS = 100;
const COPIES = 3;
/** Views of every post: the total a reader must see, whatever was merged. */
const TOTAL_VIEWS = ORIGINALS * (4 * 100 + 0 + 1 + 2 + 3);

/** 400 posts: 100 announcements each posted 4 times within a few days (300 duplicates). */
function folder(): string {
  const posts: Record<string, unknown> = {};
  for (let i = 0; i < ORIGINALS; i++) {
    for (let c = 0; c <= COPIES; c++) {
      const slug = c === 0 ? `annonce-${i}` : `annonce-${i}-${c + 1}`;
      posts[slug] = makePost(slug, {
        title: `Annonce numéro ${i}`,
        date: `2025-03-0${c + 1}`,
        views: 100 + c,
        body: `Voici le texte complet de l’annonce ${i}, avec assez de mots pour être comparée aux autres : une phrase, puis une autre, et une dernière pour finir.`,
      });
    }
  }
  return tempContent(posts);
}

/** The run's journal is rename 1, the 100 merged posts renames 2–101, the 300 moves to the trash 102–401. */
async function killedAt(rename: number, dir = folder()): Promise<string> {
  const killed = await runNewsKilledAt(RENAMES, rename, ['dedupe', '--dir', dir, '--apply']);
  expect(wasKilled(killed)).toBe(true);
  // Half merged on disk: a post already carries its copies' views while copies are still in posts/.
  const kept = JSON.parse(fs.readFileSync(path.join(dir, 'posts', 'annonce-0.json'), 'utf8'));
  expect(kept.views).toBe(406);
  expect(fs.readdirSync(path.join(dir, 'posts')).length).toBeGreaterThan(ORIGINALS);
  ageLock(dir); // as when the dead process's lock has gone stale (10 s)
  return dir;
}

/** strace ends as its tracee did: killed by SIGKILL (re-raised on itself), or exit 137. */
const wasKilled = (r: { code: number | null; signal: string | null }) => r.signal === 'SIGKILL' || r.code === 137;

const runIdOf = (dir: string) => fs.readdirSync(path.join(dir, '.trash')).find((name) => /^\d{8}-\d{6}-[0-9a-f]{6}$/.test(name))!;

/** posts/ without the clock's stamp, to compare with an uninterrupted run. */
function postsState(dir: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of fs.readdirSync(path.join(dir, 'posts')).sort()) {
    const post = JSON.parse(fs.readFileSync(path.join(dir, 'posts', name), 'utf8'));
    delete post.updatedAt;
    out[name] = post;
  }
  return out;
}

let expected: Record<string, unknown>;
beforeAll(async () => {
  const reference = folder();
  expect((await runNews(['dedupe', '--dir', reference, '--apply'])).code).toBe(0);
  expected = postsState(reference);
  expect(Object.keys(expected)).toHaveLength(ORIGINALS);
}, LONG);

test('list finishes the killed run before listing: no duplicate, no inflated views; the folder ends as an uninterrupted run leaves it', async () => {
  const dir = await killedAt(150);
  const runId = runIdOf(dir);
  const list = await runNews(['list', '--dir', dir, '--json']);
  expect(list.code).toBe(0);
  expect(list.stderr).toContain(`l’exécution interrompue ${runId} (news dedupe --apply) a été terminée avant la lecture`);
  const listed = JSON.parse(list.stdout) as Array<{ slug: string; views: number }>;
  expect(listed).toHaveLength(ORIGINALS);
  expect(listed.reduce((n, p) => n + p.views, 0)).toBe(TOTAL_VIEWS);
  expect(postsState(dir)).toEqual(expected);
  expect(fs.readdirSync(path.join(dir, '.trash'))).toEqual([runId]);
  // Finished once: the next reader says nothing, and dedupe finds nothing left.
  const again = await runNews(['list', '--dir', dir]);
  expect(again.stderr).toBe('');
  expect((await runNews(['validate', '--dir', dir])).code).toBe(0);
  expect((await runNews(['dedupe', '--dir', dir, '--check'])).code).toBe(0);
}, LONG);

test('every export and show finish it too; validate as well', async () => {
  for (const args of [['export', 'json', '--limit', '1000'], ['export', 'rss', '--limit', '1000'], ['export', 'atom', '--limit', '1000']]) {
    const dir = await killedAt(120);
    const r = await runNews([...args, '--dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/l’exécution interrompue \d{8}-\d{6}-[0-9a-f]{6} \(news dedupe --apply\) a été terminée/);
    const items = args[1] === 'json' ? JSON.parse(r.stdout).items.length : (r.stdout.match(args[1] === 'rss' ? /<item>/g : /<entry>/g) ?? []).length;
    expect(items).toBe(ORIGINALS);
    expect(postsState(dir)).toEqual(expected);
  }
  const site = await killedAt(60);
  const out = path.join(path.dirname(site), `${path.basename(site)}-site`);
  const html = await runNews(['export', 'html', '--dir', site, '--out', out]);
  expect(html.code).toBe(0);
  expect(fs.existsSync(path.join(out, 'annonce-0-2', 'index.html'))).toBe(true); // the old address, as a redirect
  expect(fs.readFileSync(path.join(out, 'annonce-0-2', 'index.html'), 'utf8')).toContain('annonce-0/');
  expect(postsState(site)).toEqual(expected);
  fs.rmSync(out, { recursive: true, force: true });

  const shown = await killedAt(250);
  const show = await runNews(['show', 'annonce-7-3', '--dir', shown]);
  expect(show.code).toBe(0);
  expect(show.stdout).toContain('lu 406 fois');
  expect(postsState(shown)).toEqual(expected);

  const checked = await killedAt(300);
  const validate = await runNews(['validate', '--dir', checked]);
  expect(validate.code).toBe(0);
  expect(postsState(checked)).toEqual(expected);
}, LONG);

test('a reader that cannot write refuses with exit 2 naming the run, and changes nothing; the next --apply finishes it', async () => {
  const dir = await killedAt(200);
  const runId = runIdOf(dir);
  readableByAll(dir);
  const before = snapshotTree(dir);
  for (const args of [['list'], ['show', 'annonce-3'], ['export', 'rss'], ['validate']]) {
    const r = await runNewsAsNobody([...args, '--dir', dir], { NEWS_LOCK_TIMEOUT: '20000' });
    expect({ args, code: r.code }).toEqual({ args, code: 2 });
    expect(r.stderr).toContain(`${runId} (news dedupe --apply)`);
    expect(r.stderr).toMatch(/n’est pas terminée.*pas accessible en écriture.*news dedupe --apply la termine/s);
    expect(r.stdout).toBe('');
  }
  expect(snapshotTree(dir)).toEqual(before);
  const apply = await runNews(['dedupe', '--dir', dir, '--apply']);
  expect(apply.code).toBe(0);
  expect(apply.stderr).toContain(`l’exécution interrompue ${runId} a été terminée`);
  expect(postsState(dir)).toEqual(expected);
}, LONG);

test('a killed --undo is finished by the next reader too: every post back, views as before the merge', async () => {
  const dir = folder();
  const original = postsState(dir);
  const applied = JSON.parse((await runNews(['dedupe', '--dir', dir, '--apply', '--json'])).stdout);
  // The undo writes its status (rename 1), then puts back 300 posts and 100 rewrites: stop it half-way.
  const killed = await runNewsKilledAt(RENAMES, 150, ['dedupe', '--dir', dir, '--undo', applied.runId]);
  expect(wasKilled(killed)).toBe(true);
  ageLock(dir);
  const list = await runNews(['list', '--dir', dir, '--json']);
  expect(list.code).toBe(0);
  expect(list.stderr).toContain(`l’exécution interrompue ${applied.runId} (news dedupe --undo) a été annulée avant la lecture`);
  const listed = JSON.parse(list.stdout) as Array<{ views: number }>;
  expect(listed).toHaveLength(ORIGINALS * (COPIES + 1));
  expect(listed.reduce((n, p) => n + p.views, 0)).toBe(TOTAL_VIEWS);
  expect(postsState(dir)).toEqual(original);
  expect(fs.existsSync(path.join(dir, '.trash'))).toBe(false);
}, LONG);
