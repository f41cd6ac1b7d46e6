import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT, runNews } from '../helpers/cli.js';
import { dedupeFolder } from '../fixtures/dedupe/folder.js';

/**
 * `news new` while `news dedupe --apply` runs: both take the content lock, so the new post is
 * created either before dedupe reads the folder or after it is done, and is never lost.
 * NEWS_TEST_STEP_DELAY_MS (test only) makes dedupe hold the lock for a while after each step.
 */
test('a post created by news new during dedupe --apply survives it', async () => {
  const dir = dedupeFolder();
  const started = Date.now();
  const dedupe = runNews(['dedupe', '--dir', dir, '--apply', '--json'], { env: { NEWS_TEST_STEP_DELAY_MS: '300' } }).then((r) => ({ ...r, at: Date.now() }));
  // Wait until dedupe holds the lock and has written its journal.
  const trash = path.join(dir, '.trash');
  while (!(fs.existsSync(trash) && fs.readdirSync(trash).some((run) => fs.existsSync(path.join(trash, run, 'journal.json'))))) {
    if (Date.now() - started > 20_000) throw new Error('dedupe --apply did not start');
    await sleep(20);
  }
  const created = await runNews(['new', '--dir', dir, '--title', 'Le miroir brisé des réseaux sociaux', '--body', 'Un billet écrit pendant le dédoublonnage.', '--yes']).then((r) => ({ ...r, at: Date.now() }));
  const merged = await dedupe;
  expect(merged.code).toBe(0);
  expect(created.code).toBe(0);
  // news new waited for the lock: it finished after dedupe.
  expect(created.at).toBeGreaterThanOrEqual(merged.at - 50);
  const file = path.resolve(ROOT, created.stdout.trim());
  expect(path.dirname(file)).toBe(path.join(dir, 'posts'));
  const post = JSON.parse(fs.readFileSync(file, 'utf8'));
  expect(post.body).toBe('Un billet écrit pendant le dédoublonnage.');
  // Its slug avoided the merged ones (now aliases of the kept post).
  expect(['original', 'copie-exacte', 'brouillon-ancien', 'meme-titre']).not.toContain(post.slug);
  const report = JSON.parse(merged.stdout);
  expect(report.groups[0].keep).toBe('original');
  // The next run leaves it alone too: it is not a duplicate of anything.
  const again = await runNews(['dedupe', '--dir', dir, '--json']);
  expect(JSON.parse(again.stdout)).toMatchObject({ groups: [], repeated: [] });
});
