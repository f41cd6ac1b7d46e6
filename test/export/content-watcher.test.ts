import fs from 'node:fs';
import path from 'node:path';
import { NewsError } from '../../src/core/errors.js';
import { watchContent, type ContentWatcher } from '../../src/store/content-watcher.js';
import { makePost, tempContent } from '../helpers/cli.js';

/**
 * What news serve watches (store/content-watcher.ts): one watch per folder, never one per file
 * (Node 20's recursive watch puts one on every file on Linux: 10,000 for 10,000 posts), and
 * every change that matters reported: post files, site.json, theme/ and static/ (made after the
 * start, nested, removed), posts/ replaced by another folder.
 */

let content: string;
let watcher: ContentWatcher | undefined;
/** Reported changes (undefined: look at everything), in order. */
let seen: Array<string | undefined>;
let errors: string[];

beforeEach(() => {
  const posts: Record<string, ReturnType<typeof makePost>> = {};
  for (let i = 0; i < 40; i++) posts[`billet-${i}`] = makePost(`billet-${i}`, { title: `Billet ${i}`, date: '2024-03-01' });
  content = tempContent(posts);
  seen = [];
  errors = [];
});

afterEach(() => {
  watcher?.close();
  watcher = undefined;
  fs.rmSync(content, { recursive: true, force: true });
});

const start = () => (watcher = watchContent(content, (name) => seen.push(name), (message) => errors.push(message)));

/** Waits until `check` holds of what was reported (events come from the kernel, a moment later). */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: never reported; seen ${JSON.stringify(seen)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** inotify watches held by this process (Linux: one line per watch in the inotify descriptor's fdinfo). */
function inotifyWatches(): number {
  let count = 0;
  for (const fd of fs.readdirSync('/proc/self/fdinfo')) {
    let info: string;
    try {
      info = fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
    } catch {
      continue; // closed meanwhile (the readdir's own descriptor)
    }
    count += (info.match(/^inotify /gm) ?? []).length;
  }
  return count;
}

test('one watch for the content folder and one for posts/, whatever the number of posts', () => {
  const before = inotifyWatches();
  start();
  // 40 posts: a watch per file would make 41 or more.
  expect(inotifyWatches() - before).toBe(2);
  watcher!.close();
  watcher = undefined;
  expect(inotifyWatches()).toBe(before);
});

test('post files and site.json are reported by their path in the content folder; the lock and the trash are not', async () => {
  start();
  fs.writeFileSync(path.join(content, 'posts', 'billet-3.json'), `${JSON.stringify(makePost('billet-3', { title: 'Revu', date: '2024-03-01' }))}\n`);
  await until(() => seen.includes(path.join('posts', 'billet-3.json')), 'posts/billet-3.json');
  fs.writeFileSync(path.join(content, 'posts', 'nouveau.json'), `${JSON.stringify(makePost('nouveau', { title: 'Nouveau', date: '2024-03-02' }))}\n`);
  await until(() => seen.includes(path.join('posts', 'nouveau.json')), 'posts/nouveau.json');
  fs.rmSync(path.join(content, 'posts', 'billet-4.json'));
  await until(() => seen.includes(path.join('posts', 'billet-4.json')), 'posts/billet-4.json removed');
  // posts/ itself touched (its mode set again), not replaced: nothing to look at again.
  fs.chmodSync(path.join(content, 'posts'), 0o755);
  fs.mkdirSync(path.join(content, '.news.lock'));
  fs.mkdirSync(path.join(content, '.trash'));
  fs.writeFileSync(path.join(content, 'site.json'), fs.readFileSync(path.join(content, 'site.json')));
  await until(() => seen.includes('site.json'), 'site.json');
  expect(seen.filter((name) => name?.startsWith('.'))).toEqual([]);
  expect(seen).not.toContain(undefined);
  expect(errors).toEqual([]);
});

test('theme/ and static/ made after the start are followed, nested folders too, and their removal is seen', async () => {
  start();
  fs.mkdirSync(path.join(content, 'theme', 'partials'), { recursive: true });
  await until(() => seen.includes(undefined), 'theme/ made');
  fs.writeFileSync(path.join(content, 'theme', 'partials', 'head.hbs'), '<title>x</title>\n');
  await until(() => seen.includes(path.join('theme', 'partials', 'head.hbs')), 'theme/partials/head.hbs');
  fs.mkdirSync(path.join(content, 'static', 'images'), { recursive: true });
  fs.writeFileSync(path.join(content, 'static', 'images', 'logo.svg'), '<svg/>\n');
  await new Promise((resolve) => setTimeout(resolve, 100));
  // Written right after the folder was made: either named, or covered by the look at everything that follows the folder.
  fs.writeFileSync(path.join(content, 'static', 'images', 'logo.svg'), '<svg></svg>\n');
  await until(() => seen.includes(path.join('static', 'images', 'logo.svg')), 'static/images/logo.svg');
  seen = [];
  fs.rmSync(path.join(content, 'theme'), { recursive: true });
  await until(() => seen.includes(undefined), 'theme/ removed');
  expect(errors).toEqual([]);
});

test('posts/ replaced by another folder: its files are reported from the new one', async () => {
  start();
  fs.renameSync(path.join(content, 'posts'), path.join(content, 'posts-old'));
  fs.mkdirSync(path.join(content, 'posts'));
  await until(() => seen.includes(undefined), 'posts/ replaced');
  seen = [];
  fs.writeFileSync(path.join(content, 'posts', 'seul.json'), `${JSON.stringify(makePost('seul', { title: 'Seul', date: '2024-03-01' }))}\n`);
  await until(() => seen.includes(path.join('posts', 'seul.json')), 'posts/seul.json in the new folder');
  // The old folder is not watched any more.
  seen = [];
  fs.writeFileSync(path.join(content, 'posts-old', 'billet-1.json'), '{}\n');
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(seen.filter((name) => name?.startsWith(`posts${path.sep}`))).toEqual([]);
});

test('a content folder that cannot be watched is a French error naming it', () => {
  const missing = path.join(content, 'absent');
  expect(() => watchContent(missing, () => undefined, () => undefined)).toThrow(NewsError);
  expect(() => watchContent(missing, () => undefined, () => undefined)).toThrow(/surveillance impossible de .*absent/);
});
