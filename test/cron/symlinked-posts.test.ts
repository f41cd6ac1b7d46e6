import fs from 'node:fs';
import path from 'node:path';
import { makePost, runNews, snapshotTree, tempContent } from '../helpers/cli.js';

/**
 * Issue 13, item 10: a `posts/` (or `.trash/`) that is a symbolic link is refused, not followed:
 * the lock of one content folder would not protect the files of the other (chosen over locking
 * the real path: a link can also lead to another file system, where moves to the trash are not
 * atomic, and post files that are links are already refused). The content folder itself may be
 * a link.
 */

const LONG = 120_000;

test('every command refuses a symlinked posts/ with exit 2, naming it and how to fix it; nothing is written on either side', async () => {
  const real = tempContent({ a: makePost('a'), 'a-copie': makePost('a-copie', { body: 'Texte du billet a.', title: 'Titre a' }) });
  const dir = tempContent();
  fs.rmSync(path.join(dir, 'posts'), { recursive: true });
  fs.symlinkSync(path.join(real, 'posts'), path.join(dir, 'posts'));
  const before = snapshotTree(real);
  for (const args of [['list'], ['show', 'a'], ['validate'], ['export', 'rss'], ['dedupe', '--apply'], ['new', '--title', 'Nouveau', '--body', 'Texte.']]) {
    const r = await runNews([...args, '--dir', dir]);
    expect({ args, code: r.code }).toEqual({ args, code: 2 });
    expect(r.stderr).toContain(`${path.join(dir, 'posts')} est un lien symbolique (vers ${fs.realpathSync(path.join(real, 'posts'))})`);
    expect(r.stderr).toMatch(/Remplacez le lien par le dossier lui-même/);
  }
  expect(snapshotTree(real)).toEqual(before);
  expect(fs.existsSync(path.join(dir, '.trash'))).toBe(false);
}, LONG);

test('a symlinked .trash/ is refused too; a content folder that is itself a link works', async () => {
  const dir = tempContent({ a: makePost('a'), b: makePost('b', { body: 'Texte du billet a.', title: 'Titre a' }) });
  const elsewhere = tempContent();
  fs.symlinkSync(elsewhere, path.join(dir, '.trash'));
  const r = await runNews(['dedupe', '--apply', '--dir', dir]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`${path.join(dir, '.trash')} est un lien symbolique`);
  fs.unlinkSync(path.join(dir, '.trash'));

  const link = `${dir}-lien`;
  fs.symlinkSync(dir, link);
  const list = await runNews(['list', '--dir', link]);
  expect(list.code).toBe(0);
  expect(list.stdout).toMatch(/\ba\b/);
  expect((await runNews(['dedupe', '--apply', '--dir', link])).code).toBe(0);
  expect(fs.readdirSync(path.join(dir, 'posts'))).toEqual(['a.json']);
}, LONG);
