import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { HtmlValidate } from 'html-validate';
import { chromium, type Browser, type Page } from 'playwright-core';
import { makePost, ROOT, snapshotTree, tempContent } from '../helpers/cli.js';
import { exportWith, feedparser, FIXTURE_SITE, listFiles, serve, tempDir, xmllint } from './helpers.js';

const BASE = 'https://www.example.org/actualites/';
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const work = tempDir();
const site = path.join(work, 'site');
const paged = path.join(work, 'paged');
const hostile = path.join(work, 'hostile');
const contentDirs: string[] = [];

const nasty = '<script>alert("titre")</script> <img src=x onerror=alert(1)> & " \' ]]>';
const controls = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('');

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer after ${ms} ms`)), ms);
    }),
  ]);
}

let browser: Browser;
let server: { url: string; close: () => Promise<void> };
const problems: string[] = [];
const dialogs: string[] = [];

async function open(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  // Nothing leaves the machine: every other host gets an empty answer.
  await page.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.fulfill({ status: 204, body: '' })));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`${page.url()}: ${msg.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(url);
  return page;
}

beforeAll(async () => {
  const posts: Record<string, unknown> = {};
  const two = (n: number) => String(n).padStart(2, '0');
  for (let i = 1; i <= 65; i++) posts[`billet-${i}`] = makePost(`billet-${i}`, { date: `2020-${two(Math.ceil(i / 28))}-${two((i - 1) % 28 + 1)}`, views: i });
  const pagedContent = tempContent(posts);
  const hostileContent = tempContent({
    hostile: makePost('hostile', {
      title: `Titre ${nasty}${controls}\uFFFE\uD800 😀 שלום`,
      summary: `Résumé ${nasty}`,
      tags: [`<script>alert("tag")</script>`, `x" onmouseover="alert(2)`, '😀'],
      author: `<b onclick="alert(3)">auteur</b>`,
      body: `${nasty}\n\n<iframe src="javascript:alert(4)"></iframe>\n\n[clic](javascript:alert(5)) ${controls}\n\nمرحبا بالعالم`,
      aliases: ['ancien-hostile'],
    }),
  });
  contentDirs.push(pagedContent, hostileContent);
  for (const [dir, out] of [[FIXTURE_SITE, site], [pagedContent, paged], [hostileContent, hostile]] as const) {
    const { code, ctx } = await exportWith({ format: 'html', dir, out });
    expect(ctx.err()).toMatch(/^Site exporté dans/);
    expect(code).toBe(0);
  }
  server = await serve(work);
  browser = await withTimeout(
    chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    }),
    30_000,
    'chromium launch',
  );
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  fs.rmSync(work, { recursive: true, force: true });
  for (const dir of contentDirs) fs.rmSync(dir, { recursive: true, force: true });
});

test('the site has its pages, feeds, tag pages and tag feeds, alias redirects, stylesheet and marker', () => {
  expect(listFiles(site)).toEqual([
    '.news-export', '404.html', 'apres-le-changement-d-heure/index.html', 'atom.xml', 'favicon.svg', 'feed.json', 'feed.xml', 'index.html',
    'la-nuit-du-changement-d-heure/index.html', 'la-nuit-du-numerique/index.html', 'le-miroir-brise-des-reseaux-sociaux/index.html',
    'miroir-brise/index.html', 'robots.txt', 'sitemap.xml', 'strategie-web-et-mobilite/index.html', 'style.css',
    'tag/agenda/feed.xml', 'tag/agenda/index.html', 'tag/index.html', 'tag/mobilite/feed.xml', 'tag/mobilite/index.html',
    'tag/reseaux-sociaux/feed.xml', 'tag/reseaux-sociaux/index.html', 'tag/strategie-web/feed.xml', 'tag/strategie-web/index.html',
  ]);
  const index = fs.readFileSync(path.join(site, 'index.html'), 'utf8');
  expect(index).toContain('<html lang="fr">');
  expect(index).toContain(`<link rel="alternate" type="application/rss+xml" title="C’est d’actualité… (RSS)" href="${BASE}feed.xml">`);
  expect(index).toContain(`type="application/atom+xml" title="C’est d’actualité… (Atom)" href="${BASE}atom.xml">`);
  expect(index).toContain(`type="application/feed+json" title="C’est d’actualité… (JSON Feed)" href="${BASE}feed.json">`);
  expect(index).toContain('<time datetime="2013-10-29">le 29 octobre 2013</time> <span class="views">(lu 787 fois)</span>');
  expect(index).toContain('<time datetime="2014-08-01">le 1er août 2014</time> <span class="views">(lu 1\u202f234 fois)</span>');
  expect(index).toContain('<time datetime="2013-10-30T00:30:00+01:00">le 30 octobre 2013</time>');
  expect(index).not.toContain('Brouillon en cours');
  expect(index).not.toContain('Billet programmé');
  const tagPage = fs.readFileSync(path.join(site, 'tag/reseaux-sociaux/index.html'), 'utf8');
  expect(tagPage).toContain(`<link rel="alternate" type="application/rss+xml" title="C’est d’actualité… — Réseaux sociaux (RSS)" href="${BASE}tag/reseaux-sociaux/feed.xml">`);
  expect(tagPage.match(/<article class="entry">/g)).toHaveLength(2);
});

test('every feed in the site is well-formed and accepted by feedparser', () => {
  for (const file of ['feed.xml', 'atom.xml', 'tag/agenda/feed.xml', 'tag/reseaux-sociaux/feed.xml']) {
    for (const root of [site, hostile]) {
      const full = path.join(root, file);
      if (!fs.existsSync(full)) continue;
      expect(xmllint(full)).toEqual({ code: 0, stderr: '' });
      expect(feedparser(full).bozo).toBe(0);
    }
  }
  const agenda = feedparser(path.join(site, 'tag/agenda/feed.xml'));
  expect(agenda.entries.map((e) => e.title)).toEqual(['Après le changement d’heure', 'La nuit du changement d’heure']);
  expect(JSON.parse(fs.readFileSync(path.join(hostile, 'feed.json'), 'utf8')).items).toHaveLength(1);
});

test('html-validate finds no error on any page, hostile content included', async () => {
  const validator = new HtmlValidate({ extends: ['html-validate:recommended'] });
  const messages: string[] = [];
  let pages = 0;
  for (const root of [site, paged, hostile]) {
    for (const file of listFiles(root).filter((f) => f.endsWith('.html'))) {
      pages++;
      const report = await validator.validateFile(path.join(root, file));
      for (const result of report.results) for (const m of result.messages) messages.push(`${root}/${file}:${m.line}:${m.column} ${m.ruleId} ${m.message}`);
    }
  }
  expect(messages).toEqual([]);
  expect(pages).toBeGreaterThan(40);
});

test('in Chromium: the index shows the French date and views, a title opens its post; screenshots', async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const page = await open(`${server.url}site/`);
  const card = page.locator('article.entry', { hasText: 'Le miroir brisé des réseaux sociaux' });
  await expect(card.locator('time').textContent()).resolves.toBe('le 29 octobre 2013');
  await expect(card.locator('.views').textContent()).resolves.toBe('(lu 787 fois)');
  expect(await page.locator('body').innerText()).toContain('le 1er août 2014 (lu 1\u202f234 fois)');
  await page.screenshot({ path: path.join(ARTIFACTS, 'screenshot-index.png'), fullPage: true });
  await card.getByRole('link', { name: 'Le miroir brisé des réseaux sociaux' }).click();
  await page.waitForURL(`${server.url}site/le-miroir-brise-des-reseaux-sociaux/`);
  await expect(page.locator('h1').textContent()).resolves.toBe('Le miroir brisé des réseaux sociaux');
  expect(await page.locator('main').innerText()).toContain('le 29 octobre 2013 (lu 787 fois)');
  await expect(page.locator('main h2').first().textContent()).resolves.toBe('Que disent-ils\u202f?');
  await page.screenshot({ path: path.join(ARTIFACTS, 'screenshot-post.png'), fullPage: true });
  await page.getByRole('link', { name: 'réseaux sociaux', exact: true }).click();
  await page.waitForURL(`${server.url}site/tag/reseaux-sociaux/`);
  expect(await page.locator('article.entry').count()).toBe(2);
  await page.close();
  expect(fs.statSync(path.join(ARTIFACTS, 'screenshot-index.png')).size).toBeGreaterThan(10_000);
});

test('in Chromium: an alias page lands on its post', async () => {
  const page = await open(`${server.url}site/miroir-brise/`);
  await page.waitForURL(`${server.url}site/le-miroir-brise-des-reseaux-sociaux/`);
  await expect(page.locator('h1').textContent()).resolves.toBe('Le miroir brisé des réseaux sociaux');
  await page.close();
  const alias = fs.readFileSync(path.join(site, 'miroir-brise/index.html'), 'utf8');
  expect(alias).toContain(`<link rel="canonical" href="${BASE}le-miroir-brise-des-reseaux-sociaux/">`);
  expect(alias).toContain('<a href="../le-miroir-brise-des-reseaux-sociaux/" dir="auto">Le miroir brisé des réseaux sociaux</a>');
});

test('in Chromium: 65 posts make three index pages, numbered from the oldest, linked both ways', async () => {
  const page = await open(`${server.url}paged/`);
  expect(await page.locator('article.entry').count()).toBe(25);
  await expect(page.locator('article.entry h2').first().textContent()).resolves.toBe('Titre billet-65');
  await page.getByRole('link', { name: 'Billets plus anciens →' }).click();
  await page.waitForURL(`${server.url}paged/page/2/`);
  expect(await page.locator('article.entry').count()).toBe(20);
  await expect(page.locator('article.entry h2').first().textContent()).resolves.toBe('Titre billet-40');
  expect(await page.locator('.pagination').innerText()).toContain('Page 2');
  await page.getByRole('link', { name: 'Billets plus anciens →' }).click();
  await page.waitForURL(`${server.url}paged/page/1/`);
  await expect(page.locator('article.entry h2').last().textContent()).resolves.toBe('Titre billet-1');
  expect(await page.getByRole('link', { name: 'Billets plus anciens →' }).count()).toBe(0);
  await page.getByRole('link', { name: '← Billets plus récents' }).click();
  await page.waitForURL(`${server.url}paged/page/2/`);
  await page.getByRole('link', { name: '← Billets plus récents' }).click();
  await page.waitForURL(`${server.url}paged/`);
  await page.close();
  expect(fs.existsSync(path.join(paged, 'page/3'))).toBe(false);
});

test('hostile text is escaped the way the theme always wrote it: " as &#34;, = and the rest left as they are', () => {
  // The bytes, not the DOM: the theme's own Handlebars compiler (export/theme.ts) keeps these.
  const page = fs.readFileSync(path.join(hostile, 'hostile', 'index.html'), 'utf8');
  expect(page).toContain('<h1 dir="auto">Titre &lt;script&gt;alert(&#34;titre&#34;)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; &amp; &#34; ’ ]]&gt;');
  const tags = fs.readFileSync(path.join(hostile, 'tag', 'index.html'), 'utf8');
  expect(tags).toContain('<a href="../tag/x-onmouseover-alert-2/" dir="auto">x&#34; onmouseover');
});

test('in Chromium: hostile content is shown as text and never runs', async () => {
  const page = await open(`${server.url}hostile/`);
  for (const url of ['', 'hostile/', 'ancien-hostile/', 'tag/script-alert-tag-script/', 'tag/x-onmouseover-alert-2/']) {
    await page.goto(`${server.url}hostile/${url}`);
    await page.waitForLoadState('load');
    if (url === 'hostile/') {
      const h1 = await page.locator('h1').textContent();
      expect(h1).toBe('Titre <script>alert("titre")</script> <img src=x onerror=alert(1)> & " ’ ]]> 😀 שלום');
      expect(await page.locator('.content').innerText()).toContain('<iframe src="javascript:alert(4)"></iframe>');
      expect(await page.locator('img').count()).toBe(0);
      await page.locator('.author').hover();
      await page.locator('.tags a').first().hover();
      await page.locator('.tags a').nth(1).hover();
    }
  }
  await page.close();
  expect(dialogs).toEqual([]);
});

test('no console error and no dialog on any page visited', () => {
  expect(problems).toEqual([]);
  expect(dialogs).toEqual([]);
});

test('export twice gives identical trees; a new export replaces the old site whole', async () => {
  const again = path.join(work, 'again');
  await exportWith({ format: 'html', dir: FIXTURE_SITE, out: again });
  expect(snapshotTree(again)).toEqual(snapshotTree(site));
  const diff = spawnSync('diff', ['-r', site, again], { encoding: 'utf8' });
  expect([diff.status, diff.stdout]).toEqual([0, '']);
  fs.writeFileSync(path.join(again, 'stale.html'), 'old');
  const { code } = await exportWith({ format: 'html', dir: FIXTURE_SITE, out: again });
  expect(code).toBe(0);
  expect(snapshotTree(again)).toEqual(snapshotTree(site));
  // Beside the sites: only their export records (nothing left over from a build).
  expect(fs.readdirSync(work).filter((n) => n.includes('.news-') && !n.endsWith('.news-record'))).toEqual([]);
});

test('sitemap.xml escapes a base URL with & in its path once for every address, and stays well-formed', async () => {
  const out = path.join(work, 'ampersand');
  const { code } = await exportWith({ format: 'html', dir: FIXTURE_SITE, out, baseUrl: 'https://exemple.fr/a&b/' });
  expect(code).toBe(0);
  const file = path.join(out, 'sitemap.xml');
  expect(xmllint(file)).toEqual({ code: 0, stderr: '' });
  const locs = [...fs.readFileSync(file, 'utf8').matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1]!);
  expect(locs.length).toBeGreaterThan(5);
  for (const loc of locs) expect(loc.startsWith('https://exemple.fr/a&amp;b/')).toBe(true);
});
