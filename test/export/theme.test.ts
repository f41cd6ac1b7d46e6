import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

import { frenchTypography } from '../../src/core/typography.js';
import { makePost, ROOT, runNews, tempContent } from '../helpers/cli.js';
import { feedparser, listFiles, serve, tempDir, xmllint } from './helpers.js';


/** Spawning news, Java and Chromium on a loaded 2-core machine: generous timeouts. */
const SLOW = 240_000;
const NNBSP = '\u202F';
const NBSP = '\u00A0';
const work = tempDir('news-theme-');
const contentDirs: string[] = [];
const AXE = fs.readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const VNU = path.join(ROOT, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');
const XSD = path.join(ROOT, 'test', 'fixtures', 'theme', 'sitemap.xsd');

/** Inputs and what readers must see (SPEC: French typography, never in code or URLs). */
const TYPOGRAPHY: Array<[string, string]> = [
  ['Rendez-vous à 12:30 précises', 'Rendez-vous à 12:30 précises'],
  ['Voir https://exemple.fr/a?b=1:2 ici', 'Voir https://exemple.fr/a?b=1:2 ici'],
  ['«Oui»', `«${NNBSP}Oui${NNBSP}»`],
  ['« Oui »', `«${NNBSP}Oui${NNBSP}»`],
  ['Bonjour !', `Bonjour${NNBSP}!`],
  ['Bonjour!', `Bonjour${NNBSP}!`],
  ["l'été", 'l’été'],
  ['Pourquoi ? Parce que ; enfin', `Pourquoi${NNBSP}? Parce que${NNBSP}; enfin`],
  ['Note : voici', `Note${NBSP}: voici`],
  ['Note: voici', `Note${NBSP}: voici`],
  ['Quoi ?!', `Quoi${NNBSP}?!`],
  [`Déjà${NNBSP}! fait`, `Déjà${NNBSP}! fait`],
];

test.each(TYPOGRAPHY)('typography: %j', (input, expected) => {
  expect(frenchTypography(input)).toBe(expected);
  expect(frenchTypography(expected)).toBe(expected); // idempotent
});

/** A text node of a body knows the character before it (`**Oui**!`): a mark at its start gets its space after a word. */
const AFTER: Array<[string, string | undefined, string]> = [
  ['! x', 'a', `${NNBSP}! x`],
  ['! x', ' ', '! x'],
  ['! x', undefined, '! x'],
  ['! voir www. ici', 'a', `${NNBSP}! voir www. ici`], // may hold a URL, holds none
  ['voir https://ex.fr/a!', 'a', `voir https://ex.fr/a${NNBSP}!`],
];

test.each(AFTER)('typography after a character: %j after %j', (input, before, expected) => {
  expect(frenchTypography(input, before)).toBe(expected);
});

const BODY = [
  'Rendez-vous à 12:30 précises. Voir https://exemple.fr/a?b=1:2 ici.',
  '',
  "Il a dit «Oui» puis « Oui », Bonjour ! et l'été, **gras**!",
  '',
  "Le code `l'été : x ? y ; z !` reste tel quel.",
  '',
  '```',
  "const s = 'Bonjour !'; // «Oui»",
  '```',
  '',
  '| colonne une très longue pour déborder | colonne deux très longue pour déborder | colonne trois très longue pour déborder |',
  '| --- | --- | --- |',
  '| une cellule avec beaucoup de texte dedans | https://exemple.fr/un/chemin/tres/long/qui/ne/se/coupe/pas/du/tout | et une troisième cellule assez longue |',
].join('\n');

function hashTree(dir: string): string {
  const hash = createHash('sha256');
  for (const file of listFiles(dir)) hash.update(file).update('\0').update(fs.readFileSync(path.join(dir, file))).update('\0');
  return hash.digest('hex');
}

let content: string;
let themed: string;
const site = path.join(work, 'site');
const custom = path.join(work, 'custom');
const HEADER = '<header class="site-header org-header">\n{{#if (eq page.kind "home")}}<h1 class="site-title">{{else}}<p class="site-title">{{/if}}'
  + '<a href="{{page.home}}">Organisme de formation — {{site.title}}</a>{{#if (eq page.kind "home")}}</h1>{{else}}</p>{{/if}}\n'
  + '<nav aria-label="Menu de l’organisme"><a href="https://exemple.fr/">Accueil de l’organisme</a></nav>\n</header>\n';

beforeAll(async () => {
  const posts: Record<string, unknown> = {
    typographie: makePost('typographie', { title: "L'été : «Oui» ou non ?", summary: 'Bonjour ! Un résumé ; court.', tags: ["l'été", 'agenda'], body: BODY, date: '2014-08-01', aliases: ['ancienne-typo'] }),
  };
  // 45 posts: a first page and page/1/ (pages are counted from the oldest post).
  for (let i = 1; i <= 44; i++) posts[`billet-${i}`] = makePost(`billet-${i}`, { date: `2013-${String(1 + Math.floor((i - 1) / 28)).padStart(2, '0')}-${String(1 + ((i - 1) % 28)).padStart(2, '0')}`, tags: i % 2 ? ['agenda'] : [], views: i * 100 });
  content = tempContent(posts);
  themed = tempContent(posts);
  contentDirs.push(content, themed);
  const init = await runNews(['theme', 'init', '--dir', themed]);
  expect(init.code).toBe(0);
  fs.writeFileSync(path.join(themed, 'theme', 'partials', 'header.hbs'), HEADER);
  fs.appendFileSync(path.join(themed, 'theme', 'style.css'), '.org-header { border-top: 4px solid #0b57d0; }\n');
  fs.mkdirSync(path.join(themed, 'static', 'images'), { recursive: true });
  fs.writeFileSync(path.join(themed, 'static', 'images', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
  for (const [dir, out] of [[content, site], [themed, custom]] as const) {
    const r = await runNews(['export', 'html', '--dir', dir, '--out', out]);
    expect(r.stderr).toMatch(/^Site exporté/);
    expect(r.code).toBe(0);
  }
}, SLOW);

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
  for (const dir of contentDirs) fs.rmSync(dir, { recursive: true, force: true });
});

test('the site has the web basics: sitemap (sitemaps.org XSD), robots.txt, 404, tag index, favicon', () => {
  const files = listFiles(site);
  expect(files).toEqual(expect.arrayContaining(['404.html', 'robots.txt', 'sitemap.xml', 'tag/index.html', 'favicon.svg', 'style.css', 'page/1/index.html']));
  const lint = spawnSync('xmllint', ['--noout', '--schema', XSD, path.join(site, 'sitemap.xml')], { encoding: 'utf8' });
  expect([lint.status, lint.stderr.trim()]).toEqual([0, `${path.join(site, 'sitemap.xml')} validates`]);
  const sitemap = fs.readFileSync(path.join(site, 'sitemap.xml'), 'utf8');
  const locs = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
  expect(locs).toEqual(expect.arrayContaining(['https://exemple.fr/actualites/typographie/', 'https://exemple.fr/actualites/', 'https://exemple.fr/actualites/page/1/', 'https://exemple.fr/actualites/tag/agenda/', 'https://exemple.fr/actualites/tag/']));
  expect(locs).not.toContain('https://exemple.fr/actualites/ancienne-typo/');
  expect(sitemap).toContain('<url><loc>https://exemple.fr/actualites/typographie/</loc><lastmod>2014-08-01T00:00:00+02:00</lastmod></url>');
  expect(fs.readFileSync(path.join(site, 'robots.txt'), 'utf8')).toBe('User-agent: *\nDisallow:\n\nSitemap: https://exemple.fr/actualites/sitemap.xml\n');
  const notFound = fs.readFileSync(path.join(site, '404.html'), 'utf8');
  expect(notFound).toContain('<h1>Page introuvable</h1>');
  expect(notFound).toContain('href="/actualites/style.css"');
});

test('every page: description ≤ 160, canonical, Open Graph, Twitter card, title as Post — Site, skip link; JSON-LD on posts', () => {
  for (const file of listFiles(site).filter((f) => f.endsWith('.html'))) {
    const html = fs.readFileSync(path.join(site, file), 'utf8');
    const description = /<meta name="description" content="([^"]*)">/.exec(html)?.[1];
    expect(description).toBeTruthy();
    expect([...description!.replace(/&#?\w+;/g, 'x')].length).toBeLessThanOrEqual(160);
    expect(html).toMatch(/<link rel="canonical" href="https:\/\/exemple\.fr\/actualites\/[^"]*">/);
    if (file.includes('ancienne-typo')) continue;
    for (const property of ['og:title', 'og:description', 'og:url', 'og:type', 'og:site_name']) expect(html).toContain(`<meta property="${property}" content="`);
    expect(html).toContain('<meta property="og:locale" content="fr_FR">');
    expect(html).toContain('<meta name="twitter:card" content="summary">');
    expect(html).toContain('<a class="skip-link" href="#contenu">Aller au contenu</a>');
  }
  const post = fs.readFileSync(path.join(site, 'typographie/index.html'), 'utf8');
  expect(post).toContain(`<title>L’été${NBSP}: «${NNBSP}Oui${NNBSP}» ou non${NNBSP}? — C’est d’actualité…</title>`);
  expect(post).toContain('<meta property="og:type" content="article">');
  expect(post).toContain('<meta property="article:published_time" content="2014-08-01T00:00:00+02:00">');
  const ld = JSON.parse(/<script type="application\/ld\+json">(.*)<\/script>/.exec(post)![1]!);
  expect(ld).toMatchObject({ '@type': 'NewsArticle', headline: `L’été${NBSP}: «${NNBSP}Oui${NNBSP}» ou non${NNBSP}?`, datePublished: '2014-08-01T00:00:00+02:00', author: { name: 'Équipe formation' }, publisher: { '@type': 'Organization', name: 'C’est d’actualité…' } });
  // The newest post has only an older neighbour: « Billet précédent ».
  expect(post).toContain('<a rel="prev" href="../billet-44/"><span class="post-nav-label">Billet précédent</span>');
  expect(post).not.toContain('Billet suivant');
  const older = fs.readFileSync(path.join(site, 'billet-10/index.html'), 'utf8');
  expect(older).toContain('<a rel="prev" href="../billet-9/"><span class="post-nav-label">Billet précédent</span>');
  expect(older).toContain('<a rel="next" href="../billet-11/"><span class="post-nav-label">Billet suivant</span>');
  // Without a summary, the description is the body's start cut at a word.
  expect(older).toContain('<meta name="description" content="Texte du billet billet-10.">');
});

test('typography in the HTML text, never in code, URLs or attributes', () => {
  const post = fs.readFileSync(path.join(site, 'typographie/index.html'), 'utf8');
  expect(post).toContain(`<p>Rendez-vous à 12:30 précises. Voir https://exemple.fr/a?b=1:2 ici.</p>`);
  expect(post).toContain(`Il a dit «${NNBSP}Oui${NNBSP}» puis «${NNBSP}Oui${NNBSP}», Bonjour${NNBSP}! et l’été, <strong>gras</strong>${NNBSP}!`);
  expect(post).toContain("<code>l'été : x ? y ; z !</code>");
  expect(post).toContain("const s = 'Bonjour !'; // «Oui»");
  expect(post).toContain(`<a href="../tag/l-ete/" dir="auto">l’été</a>`);
  expect(post).toContain(`<p class="lead" dir="auto">Bonjour${NNBSP}! Un résumé${NNBSP}; court.</p>`);
  expect(post).toMatch(/<h1 dir="auto">L’été\u00A0: «\u202FOui\u202F» ou non\u202F\?<\/h1>/);
  const tag = fs.readFileSync(path.join(site, 'tag/agenda/index.html'), 'utf8');
  expect(tag).toContain(`<h1>Étiquette «&#8239;<span dir="auto">agenda</span>&#8239;»</h1>`);
});

test('typography in the three feeds too, which still pass feedparser and xmllint', async () => {
  const feeds: Record<string, string> = {};
  for (const format of ['rss', 'atom', 'json'] as const) {
    const file = path.join(work, `feed.${format}`);
    const r = await runNews(['export', format, '--dir', content, '--out', file]);
    expect(r.code).toBe(0);
    feeds[format] = file;
  }
  const title = `L’été${NBSP}: «${NNBSP}Oui${NNBSP}» ou non${NNBSP}?`;
  for (const format of ['rss', 'atom'] as const) {
    expect(xmllint(feeds[format]!)).toEqual({ code: 0, stderr: '' });
    const parsed = feedparser(feeds[format]!);
    expect(parsed.bozo).toBe(0);
    const entry = parsed.entries.find((e) => e.link.endsWith('/typographie/'))!;
    expect(entry.title).toBe(title);
    expect(entry.tags).toContain('l’été');
    expect(entry.content).toContain(`Bonjour${NNBSP}! et l’été`);
    expect(entry.content).toContain("<code>l'été : x ? y ; z !</code>");
    expect(entry.content).toContain('https://exemple.fr/a?b=1:2 ici');
  }
  const json = JSON.parse(fs.readFileSync(feeds.json!, 'utf8'));
  const item = json.items.find((i: { url: string }) => i.url.endsWith('/typographie/'));
  expect(item.title).toBe(title);
  expect(item.summary).toBe(`Bonjour${NNBSP}! Un résumé${NNBSP}; court.`);
  expect(item.content_html).toContain('12:30 précises');
  expect(item.content_html).toContain("<code>l'été : x ? y ; z !</code>");
}, SLOW);

test('an overridden header is on every page; static files are copied; other files keep the default', () => {
  const pages = listFiles(custom).filter((f) => f.endsWith('.html'));
  expect(pages.length).toBeGreaterThan(8);
  for (const file of pages) expect(fs.readFileSync(path.join(custom, file), 'utf8')).toContain('Organisme de formation — C’est d’actualité…');
  expect(fs.readFileSync(path.join(custom, 'images/logo.svg'), 'utf8')).toContain('<svg');
  expect(fs.readFileSync(path.join(custom, 'style.css'), 'utf8')).toContain('.org-header');
  // The footer was not touched: same bytes as the default theme's.
  expect(fs.readFileSync(path.join(custom, 'index.html'), 'utf8')).toContain('<footer class="site-footer">');
});

test('the output is byte-identical run to run (default and overridden theme)', async () => {
  for (const [dir, out] of [[content, site], [themed, custom]] as const) {
    const again = `${out}-again`;
    const r = await runNews(['export', 'html', '--dir', dir, '--out', again]);
    expect(r.code).toBe(0);
    expect(hashTree(again)).toBe(hashTree(out));
  }
}, SLOW);

describe('broken theme: exit 2 naming the file and line, --out untouched', () => {
  const cases: Array<[string, string, string, RegExp]> = [
    ['syntax error', 'partials/footer.hbs', '<footer>\n\n{{#if page.root}}\n{{/each}}\n</footer>\n', /partials\/footer\.hbs, ligne 3 : le bloc « if » ouvert à cette ligne est fermé par \{\{\/each\}\}/],
    ['unclosed block', 'partials/footer.hbs', '<footer>\n{{#if page.root}}\n</footer>\n', /partials\/footer\.hbs, ligne \d : fin du fichier dans un bloc ouvert/],
    ['unknown helper', 'post.hbs', '{{#> layouts/base}}\n<h1>\n{{majuscules entry.title}}</h1>\n{{/layouts/base}}\n', /post\.hbs, ligne 3 : assistant inconnu « majuscules »/],
    ['missing partial', 'partials/header.hbs', '<header>\n{{> partials/menu}}\n</header>\n', /partials\/header\.hbs, ligne 2 : modèle inclus introuvable « partials\/menu »/],
    ['partial outside the theme', 'partials/header.hbs', '<header>\n{{> ../../site.json}}\n</header>\n', /partials\/header\.hbs, ligne 2 : modèle inclus introuvable « \.\.\/\.\.\/site\.json »/],
    ['computed partial name', 'partials/header.hbs', '<header>\n{{> (lookup page "kind")}}\n</header>\n', /partials\/header\.hbs, ligne 2 : un nom de modèle inclus ne peut pas être calculé/],
    ['unknown variable in a partial', 'partials/header.hbs', '<header>\n{{page.menu}}\n</header>\n', /partials\/header\.hbs, ligne 2 : variable inconnue « page\.menu »/],
    ['unknown variable in a page inside its layout', 'tag.hbs', '{{#> layouts/base}}\n<h1>{{tag.name}}</h1>\n<p>{{tag.color}}</p>\n{{/layouts/base}}\n', /tag\.hbs, ligne 3 : variable inconnue « tag\.color »/],
    ['a partial that includes itself', 'partials/header.hbs', '<header>\n{{> partials/header}}\n</header>\n', /partials\/header\.hbs : inclusion sans fin/],
    ['a template of the old Liquid theme', 'partials/header.liquid', '<header>{{ site.title }}</header>\n', /header\.liquid est un modèle Liquid : les modèles du thème sont des fichiers Handlebars \(\.hbs\)/],
  ];
  test.each(cases)('%s', async (_what, name, source, message) => {
    const dir = tempContent({ a: makePost('a', { tags: ['x'], aliases: ['b'] }) });
    contentDirs.push(dir);
    const out = path.join(work, `broken-${contentDirs.length}`);
    expect((await runNews(['export', 'html', '--dir', dir, '--out', out])).code).toBe(0);
    const before = hashTree(out);
    fs.mkdirSync(path.dirname(path.join(dir, 'theme', name)), { recursive: true });
    fs.writeFileSync(path.join(dir, 'theme', name), source);
    const r = await runNews(['export', 'html', '--dir', dir, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain(path.join(dir, 'theme', name));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(hashTree(out)).toBe(before);
  });

  test('a static file that would replace a generated page is refused', async () => {
    const dir = tempContent({ a: makePost('a') });
    contentDirs.push(dir);
    fs.mkdirSync(path.join(dir, 'static', 'a'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'static', 'a', 'index.html'), 'pirate');
    const out = path.join(work, 'static-clash');
    const r = await runNews(['export', 'html', '--dir', dir, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('static/a/index.html remplacerait a/index.html');
    expect(fs.existsSync(out)).toBe(false);
  });
});

test('news theme init keeps files already there and says so (--json)', async () => {
  const r = await runNews(['theme', 'init', '--dir', themed, '--json']);
  expect(r.code).toBe(0);
  const result = JSON.parse(r.stdout);
  expect(result.copied).toEqual([]);
  expect(result.kept).toEqual(expect.arrayContaining(['partials/header.hbs', 'style.css', 'post.hbs', 'layouts/base.hbs']));
  expect(fs.readFileSync(path.join(themed, 'theme', 'partials', 'header.hbs'), 'utf8')).toBe(HEADER);
});

/** One page of each type. */
const PAGE_TYPES = ['index.html', 'page/1/index.html', 'typographie/index.html', 'tag/agenda/index.html', 'tag/index.html', 'ancienne-typo/index.html', '404.html'];

test('the Nu Html Checker: 0 errors and 0 warnings on every page type, default and overridden theme', () => {
  const files = [site, custom].flatMap((root) => PAGE_TYPES.map((p) => path.join(root, p)));
  const r = spawnSync('java', ['-jar', VNU, '--Werror', '--format', 'gnu', ...files], { encoding: 'utf8', timeout: 180_000 });
  expect(r.stderr + r.stdout).toBe('');
  expect(r.status).toBe(0);
}, SLOW);

describe('in Chromium', () => {
  let browser: Browser;
  let server: { url: string; close: () => Promise<void> };
  beforeAll(async () => {
    server = await serve(work);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'] });
  }, SLOW);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('axe-core: 0 violations (WCAG 2.1 AA) on every page type, light and dark, default and overridden theme', async () => {
    const violations: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      const page = await browser.newPage({ colorScheme: scheme });
      await page.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.fulfill({ status: 204, body: '' })));
      for (const root of ['site', 'custom']) {
        for (const p of PAGE_TYPES.filter((t) => !t.startsWith('ancienne'))) {
          await page.goto(`${server.url}${root}/${p}`);
          await page.addScriptTag({ content: AXE });
          const result = (await page.evaluate("axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })")) as { violations: Array<{ id: string; nodes: unknown[] }> };
          for (const v of result.violations) violations.push(`${scheme} ${root}/${p}: ${v.id} (${v.nodes.length})`);
        }
      }
      await page.close();
    }
    expect(violations).toEqual([]);
  }, SLOW);

  /** Runs in the page: page and table widths, and every French punctuation mark that starts a line of text. */
  const MEASURE = `(() => {
    const box = document.querySelector('.table-scroll');
    const starts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let lastTop = -1;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('code, pre, script, style, head')) continue;
      const text = node.textContent;
      for (let i = 0; i < text.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getClientRects()[0];
        if (!rect || rect.width === 0) continue;
        if (lastTop >= 0 && rect.top > lastTop + 2 && /[;:!?»]/.test(text[i])) starts.push(text.slice(Math.max(0, i - 12), i + 1));
        lastTop = rect.top;
      }
    }
    return { page: document.documentElement.scrollWidth, table: box ? box.scrollWidth : 0, box: box ? box.clientWidth : 0, starts };
  })()`;

  test('on phones (320 to 390 px): tables and code scroll in their own box, the page never widens, no line starts with French punctuation', async () => {
    for (const width of [320, 360, 390]) {
      const page = await browser.newPage({ viewport: { width, height: 844 } });
      for (const root of ['site', 'custom']) {
        for (const p of ['typographie/', 'tag/l-ete/', '']) {
          await page.goto(`${server.url}${root}/${p}`);
          const m = (await page.evaluate(MEASURE)) as { page: number; table: number; box: number; starts: string[] };
          expect({ at: `${width} ${root}/${p}`, page: m.page <= width, starts: m.starts }).toEqual({ at: `${width} ${root}/${p}`, page: true, starts: [] });
          if (p === 'typographie/') expect(m.table).toBeGreaterThan(m.box); // the table scrolls inside its own box
        }
      }
      await page.close();
    }
  }, SLOW);
});
