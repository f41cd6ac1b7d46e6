import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { staticKeyOf } from '../../src/export/theme-files.js';
import { loadStaticSources } from '../../src/store/static-sources.js';
import { BIN, cleanEnv } from '../helpers/cli.js';
import { FIXTURE_SITE, tempDir, watchReads } from './helpers.js';

/**
 * An export takes static/'s unchanged files from its record by their identity, unread: a folder
 * of images costs an export with nothing changed nothing but a stat per file. A file changed
 * since is read again; one written too lately for its identity to prove anything is not kept.
 */

const work = tempDir('news-statics-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function contentWithStatics(name: string): string {
  const dir = path.join(work, name);
  fs.cpSync(FIXTURE_SITE, dir, { recursive: true });
  fs.mkdirSync(path.join(dir, 'static', 'images'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'static', 'images', 'photo.jpg'), Buffer.alloc(4096, 7));
  fs.writeFileSync(path.join(dir, 'static', 'credits.txt'), 'Photos : service communication.\n');
  return dir;
}

/** Reads of files under `dir` made through fs.readFileSync while `run` runs. */
function readsUnder<T>(dir: string, run: () => T): { result: T; reads: string[] } {
  const watch = watchReads((file) => (file.startsWith(dir) ? path.relative(dir, file) : undefined));
  try {
    return { result: run(), reads: watch.reads };
  } finally {
    watch.stop();
  }
}

test('unchanged files keep their key unread, and are read (and checked) only when written', async () => {
  const dir = contentWithStatics('unchanged');
  await sleep(150); // older than the racy margin (100 ms on a file system with fine times)
  const first = loadStaticSources(dir, undefined);
  expect(first.files.map((f) => f.path)).toEqual(['credits.txt', 'images/photo.jpg']);
  expect(first.table.paths).toEqual(['credits.txt', 'images/photo.jpg']);
  expect(first.files[1]!.key).toBe(staticKeyOf(Buffer.alloc(4096, 7)));

  const { result: second, reads } = readsUnder(dir, () => loadStaticSources(dir, first.table));
  expect(reads).toEqual([]);
  expect(second.files.map((f) => f.key)).toEqual(first.files.map((f) => f.key));
  expect(second.table).toEqual(first.table);
  const { result: bytes, reads: onWrite } = readsUnder(dir, () => second.files[1]!.read());
  expect(onWrite).toEqual([path.join('static', 'images', 'photo.jpg')]);
  expect(Buffer.from(bytes).equals(Buffer.alloc(4096, 7))).toBe(true);
});

test('a file changed since (same size) is read again; one just written is not kept in the table', async () => {
  const dir = contentWithStatics('changed');
  await sleep(150);
  const first = loadStaticSources(dir, undefined);
  fs.writeFileSync(path.join(dir, 'static', 'images', 'photo.jpg'), Buffer.alloc(4096, 9));
  const { result: second, reads } = readsUnder(dir, () => loadStaticSources(dir, first.table));
  expect(reads).toEqual([path.join('static', 'images', 'photo.jpg')]);
  expect(second.files[1]!.key).toBe(staticKeyOf(Buffer.alloc(4096, 9)));
  // Written a moment ago: its identity could still hide a change, so the next export reads it again.
  expect(second.table.paths).toEqual(['credits.txt']);
});

test('a file whose bytes are not the ones its key says stops the export when it must be written', async () => {
  const dir = contentWithStatics('swapped');
  await sleep(150);
  const first = loadStaticSources(dir, undefined);
  // The same identity with another key: what a change the identity missed would look like.
  const table = { ...first.table, keys: first.table.keys.map((k, i) => (i === 1 ? staticKeyOf(Buffer.from('autre')) : k)) };
  const second = loadStaticSources(dir, table);
  expect(() => second.files[1]!.read()).toThrow(/photo\.jpg a changé pendant l’export ; relancez-le/);
});

test('news export html: a static file changed after two exports is in the site, as in a fresh export', async () => {
  const dir = contentWithStatics('e2e');
  const out = path.join(work, 'e2e-site');
  const run = (to: string) => execFileSync(process.execPath, [BIN, 'export', 'html', '--dir', dir, '--out', to], { env: cleanEnv(), stdio: 'pipe' });
  run(out);
  await sleep(150);
  run(out);
  run(out); // the static files now come from the record, unread
  // The same size: only the file's times and inode say it changed.
  fs.writeFileSync(path.join(dir, 'static', 'credits.txt'), 'PHOTOS : SERVICE COMMUNICATION.\n');
  run(out);
  expect(fs.readFileSync(path.join(out, 'credits.txt'), 'utf8')).toBe('PHOTOS : SERVICE COMMUNICATION.\n');
  const fresh = path.join(work, 'e2e-fresh');
  run(fresh);
  execFileSync('diff', ['-r', out, fresh]);
});
