import fs from 'node:fs';
import path from 'node:path';
import { runNews, snapshotTree } from '../helpers/cli.js';
import { dedupeFolder, jsonFiles } from '../fixtures/dedupe/folder.js';

/**
 * Crash safety: `news dedupe --apply` is stopped dead (SIGKILL, through the test-only hook
 * NEWS_TEST_CRASH_AFTER_STEP=k) after each durable step k in turn: journal written, each
 * rewrite, each move to the trash, status written. After each, the folder holds every post
 * exactly once, and a rerun finishes the journal and ends where an uninterrupted run ends.
 */

/** posts/ after a run, without the stamp of the run's clock. */
function postsState(dir: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const file of jsonFiles(path.join(dir, 'posts'))) {
    const post = JSON.parse(fs.readFileSync(path.join(dir, 'posts', file), 'utf8'));
    delete post.updatedAt;
    out[file] = post;
  }
  return out;
}

/** Every post slug, wherever it is (posts/ or a run's trash), with how many copies. */
function slugCounts(dir: string): Record<string, number> {
  const counts: Record<string, number> = {};
  const add = (folder: string) => {
    for (const file of jsonFiles(folder)) counts[path.basename(file, '.json')] = (counts[path.basename(file, '.json')] ?? 0) + 1;
  };
  add(path.join(dir, 'posts'));
  const trash = path.join(dir, '.trash');
  if (fs.existsSync(trash)) for (const run of fs.readdirSync(trash)) add(path.join(trash, run, 'posts'));
  return counts;
}

/** What proper-lockfile sees after a process died holding the lock long ago. */
function ageLock(dir: string): void {
  const lock = path.join(dir, '.news.lock');
  if (fs.existsSync(lock)) {
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, past, past);
  }
}

test('killed after any step k, a rerun completes; no post is lost or doubled; --undo still restores everything', async () => {
  const reference = dedupeFolder();
  expect((await runNews(['dedupe', '--dir', reference, '--apply'])).code).toBe(0);
  const expected = postsState(reference);
  const allSlugs = Object.keys(slugCounts(reference)).sort();
  const [referenceRun] = fs.readdirSync(path.join(reference, '.trash'));
  const journal = JSON.parse(fs.readFileSync(path.join(reference, '.trash', referenceRun!, 'journal.json'), 'utf8'));
  // The journal, each of its steps, the status: the points where a crash can stop the run.
  const durableSteps = 1 + journal.steps.length + 1;
  expect(durableSteps).toBe(6);

  let completedAt: number | undefined;
  for (let k = 1; k <= 20 && completedAt === undefined; k++) {
    const dir = dedupeFolder();
    const before = snapshotTree(dir);
    const crashed = await runNews(['dedupe', '--dir', dir, '--apply'], { env: { NEWS_TEST_CRASH_AFTER_STEP: String(k) } });
    if (crashed.signal !== 'SIGKILL') {
      // k is past the last step: the run ended normally.
      expect(crashed.code).toBe(0);
      completedAt = k;
      break;
    }
    // Right after the kill: every post is somewhere, and only once.
    const counts = slugCounts(dir);
    expect(Object.keys(counts).sort()).toEqual(allSlugs);
    expect(Object.values(counts).every((n) => n === 1)).toBe(true);

    ageLock(dir);
    const rerun = await runNews(['dedupe', '--dir', dir, '--apply']);
    expect(rerun.code).toBe(0);
    if (k < durableSteps) expect(rerun.stderr).toMatch(/l’exécution interrompue \d{8}-\d{6}-[0-9a-f]{6} a été terminée/);
    else expect(rerun.stderr).toMatch(/rien à faire/);
    expect(postsState(dir)).toEqual(expected);
    expect(slugCounts(dir)).toEqual(slugCounts(reference));
    const runs = fs.readdirSync(path.join(dir, '.trash'));
    expect(runs).toHaveLength(1);
    expect(JSON.parse(fs.readFileSync(path.join(dir, '.trash', runs[0]!, 'status.json'), 'utf8')).status).toBe('applied');

    const undo = await runNews(['dedupe', '--dir', dir, '--undo', runs[0]!]);
    expect(undo.code).toBe(0);
    expect(snapshotTree(dir)).toEqual(before);
  }
  // Journal, 2 rewrites, 2 moves, status: crashed after each of the 6, then a run ran through.
  expect(completedAt).toBe(durableSteps + 1);
});

test('killed in the middle of an --undo, the next --undo (or --apply) finishes it', async () => {
  const dir = dedupeFolder();
  const before = snapshotTree(dir);
  const { runId } = JSON.parse((await runNews(['dedupe', '--dir', dir, '--apply', '--json'])).stdout);
  const crashed = await runNews(['dedupe', '--dir', dir, '--undo', runId], { env: { NEWS_TEST_CRASH_AFTER_STEP: '3' } });
  expect(crashed.signal).toBe('SIGKILL');
  ageLock(dir);
  const finish = await runNews(['dedupe', '--dir', dir, '--undo', runId]);
  expect(finish.code).toBe(0);
  expect(snapshotTree(dir)).toEqual(before);
});
