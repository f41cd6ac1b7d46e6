import { jest } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { cacheFileFor } from '../../src/store/cache.js';
import { BIN, cleanEnv, makePost, TEST_CACHE_DIR, tempContent } from '../helpers/cli.js';

/**
 * SPEC `news serve`: the site as export html makes it, drafts and scheduled posts with a French
 * banner; a change under the content folder reloads every open page within a second; a broken
 * post shows its problem and the server keeps running; never writes into the content folder;
 * never serves a file outside the site; Ctrl-C stops it. Driven in headless Chromium.
 */

jest.setTimeout(180_000);

let content: string;
let server: ChildProcess;
let url: string;
let stderr = '';
let browser: Browser;

function writePost(slug: string, fields: Record<string, unknown>): void {
  const file = path.join(content, 'posts', `${slug}.json`);
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(makePost(slug, fields), null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
}

/** Every file of the content folder with its bytes and times: serve must change none. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(`${path.relative(dir, full)} ${fs.statSync(full).mtimeMs} ${fs.readFileSync(full, 'utf8').length}`);
    }
  };
  walk(dir);
  return out;
}

/** A request sent exactly as written (no normalising of `..` by a client library). */
function rawGet(target: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path: target, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d) => (body += d)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

let before: string[];

beforeAll(async () => {
  content = tempContent({
    'premier-billet': makePost('premier-billet', { title: 'Premier billet', date: '2024-03-01', tags: ['formation'] }),
    'second-billet': makePost('second-billet', { title: 'Second billet', date: '2024-03-02' }),
    'un-brouillon': makePost('un-brouillon', { title: 'Un brouillon', status: 'draft', date: '2024-03-03' }),
    'plus-tard': makePost('plus-tard', { title: 'Plus tard', date: '2999-01-01' }),
  });
  before = snapshot(content);
  server = spawn(process.execPath, [BIN, 'serve', '--dir', content, '--port', '0'], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  server.stderr!.setEncoding('utf8').on('data', (d) => (stderr += d));
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 60_000);
    server.stderr!.on('data', () => {
      const m = /Aperçu sur (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) server.kill('SIGKILL');
  fs.rmSync(content, { recursive: true, force: true });
});

test('a saved change shows in the open page by itself, without reloading it by hand', async () => {
  const page = await browser.newPage();
  await page.goto(`${url}premier-billet/`);
  await expect(page.locator('h1').textContent()).resolves.toBe('Premier billet');
  await page.evaluate('window.marker = 1');
  writePost('premier-billet', { title: 'Titre corrigé', date: '2024-03-01', tags: ['formation'] });
  // The delay itself (SPEC: within a second) is measured by bench/incremental.js, not timed here:
  // the machine running the suite is shared and loaded (STANDARDS: speed targets live in benchmarks).
  await page.waitForFunction("document.querySelector('h1')?.textContent === 'Titre corrigé'", undefined, { timeout: 10_000, polling: 20 });
  // The page reloaded itself (the marker set in the old page is gone).
  expect(await page.evaluate('window.marker')).toBeUndefined();
  await page.close();
});

test('a page whose reload connection opens only after a change was rebuilt still reloads by itself', async () => {
  // The change lands between the page being served and its event stream reaching the server
  // (held here by the browser): no reload event can reach the page then, so the server tells
  // each new connection which build is current, and the page compares it with its own.
  const page = await browser.newPage();
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let connections = 0;
  await page.route('**/__news/reload', async (route) => {
    connections++;
    await held;
    await route.continue();
  });
  await page.goto(`${url}premier-billet/`, { waitUntil: 'domcontentloaded' });
  await expect(page.locator('h1').textContent()).resolves.toBe('Titre corrigé');
  const deadline = Date.now() + 10_000;
  while (connections === 0) {
    if (Date.now() > deadline) throw new Error('the page never opened its event stream');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  // The page's stream is held from here until after the rebuild.
  const from = stderr.length;
  writePost('premier-billet', { title: 'Titre revu', date: '2024-03-01', tags: ['formation'] });
  while (!stderr.slice(from).includes('Reconstruit')) {
    if (Date.now() > deadline) throw new Error(`no rebuild seen: ${stderr.slice(from)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(connections).toBe(1);
  release();
  await page.waitForFunction("document.querySelector('h1')?.textContent === 'Titre revu'", undefined, { timeout: 10_000, polling: 20 });
  await page.close();
});

test('drafts and scheduled posts are shown, each with its French banner; published posts without', async () => {
  const page = await browser.newPage();
  await page.goto(`${url}un-brouillon/`);
  await expect(page.locator('.news-preview-banner').textContent()).resolves.toContain('Brouillon : ce billet n’est pas publié');
  await page.goto(`${url}plus-tard/`);
  await expect(page.locator('.news-preview-banner').textContent()).resolves.toContain('Programmé : ce billet sera publié le 1er janvier 2999');
  await page.goto(`${url}second-billet/`);
  expect(await page.locator('.news-preview-banner').count()).toBe(0);
  await page.goto(url);
  expect(await page.locator('main').innerText()).toContain('Un brouillon');
  await page.close();
});

test('a broken post shows its problem in the page; the server keeps running and recovers', async () => {
  const page = await browser.newPage();
  await page.goto(`${url}second-billet/`);
  const file = path.join(content, 'posts', 'second-billet.json');
  const good = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, '{ "slug": "second-billet", "title": ');
  try {
    await page.waitForFunction("document.querySelector('h1')?.textContent === 'Le site ne peut pas être construit'", undefined, { timeout: 10_000, polling: 20 });
    expect(await page.locator('pre').textContent()).toContain('posts/second-billet.json');
    expect(server.exitCode).toBeNull();
  } finally {
    fs.writeFileSync(file, good); // whatever happened above: the tests below need the site whole
  }
  await page.waitForFunction("document.querySelector('h1')?.textContent === 'Second billet'", undefined, { timeout: 10_000, polling: 20 });
  await page.close();
});

test('paths outside the site are refused, plain or encoded; nothing is written into the content folder', async () => {
  for (const target of ['/../package.json', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd', '/%2E%2E/site.json', '/premier-billet/../../site.json', '/./index.html']) {
    const r = await rawGet(target);
    expect([target, r.status]).toEqual([target, 403]);
    expect(r.body).not.toContain('baseUrl');
  }
  expect((await rawGet('/posts/premier-billet.json')).status).toBe(404);
  expect((await rawGet('/site.json')).status).toBe(404);
  const home = await rawGet('/');
  expect(home.status).toBe(200);
  expect(home.body).toContain('/__news/reload');
  // Edits made by the tests above are the only changes; serve added nothing (no lock, no cache, no record).
  const now = snapshot(content).map((l) => l.split(' ')[0]);
  expect(now).toEqual(before.map((l) => l.split(' ')[0]));
});

test('a theme override, a static file and site.json are watched too', async () => {
  const poll = async (target: string, check: (body: string) => boolean) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const r = await rawGet(target);
      if (check(r.body)) return r;
      if (Date.now() > deadline) throw new Error(`${target} never changed: ${r.status} ${r.body.slice(0, 200)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  fs.mkdirSync(path.join(content, 'theme'), { recursive: true });
  fs.writeFileSync(path.join(content, 'theme', 'style.css'), 'body { color: rebeccapurple; }\n');
  await poll('/style.css', (b) => b.includes('rebeccapurple'));
  fs.mkdirSync(path.join(content, 'static', 'images'), { recursive: true });
  fs.writeFileSync(path.join(content, 'static', 'images', 'note.txt'), 'bonjour\n');
  await poll('/images/note.txt', (b) => b === 'bonjour\n');
  const site = JSON.parse(fs.readFileSync(path.join(content, 'site.json'), 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(path.join(content, 'site.json'), JSON.stringify({ ...site, title: 'Aperçu renommé' }));
  await poll('/', (b) => b.includes('Aperçu renommé'));
  fs.rmSync(path.join(content, 'theme'), { recursive: true });
  fs.rmSync(path.join(content, 'static'), { recursive: true });
  fs.writeFileSync(path.join(content, 'site.json'), `${JSON.stringify(site, null, 2)}\n`);
  await poll('/style.css', (b) => !b.includes('rebeccapurple'));
});

test('Ctrl-C stops it cleanly', async () => {
  const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
  server.kill('SIGINT');
  expect(await exited).toBe(0);
  expect(stderr).toContain('Aperçu arrêté.');
  // Stopping keeps serve's post table for the next start, in the cache's folder: still nothing in the content folder.
  expect(snapshot(content).map((l) => l.split(' ')[0])).toEqual(before.map((l) => l.split(' ')[0]));
  expect(stderr).not.toMatch(/\n\s+at /);
});
