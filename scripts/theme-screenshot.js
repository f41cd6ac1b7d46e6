#!/usr/bin/env node
// Refait docs/screenshot-theme.png : le site de test exporté avec un en-tête, un pied de page et
// des couleurs d'organisme mis dans <contenu>/theme/ (news theme init, puis trois fichiers
// modifiés), photographié par Chromium sans interface (Debian, /usr/bin/chromium).
//   npm run build && node scripts/theme-screenshot.js
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'news-theme-shot-'));
const content = path.join(work, 'content');
const out = path.join(work, 'site');
fs.cpSync(path.join(ROOT, 'test', 'fixtures', 'export', 'site'), content, { recursive: true });
const news = (...args) => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'news.js'), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
};
news('theme', 'init', '--dir', content);
const theme = path.join(content, 'theme');
fs.writeFileSync(path.join(theme, 'partials', 'header.hbs'), `<header class="site-header org-header">
<p class="org-bar"><img src="{{page.root}}images/logo.svg" alt="" width="28" height="28"> <a href="https://exemple.fr/">Organisme de formation Exemple</a>
<span class="org-menu"><a href="https://exemple.fr/formations/">Formations</a> <a href="https://exemple.fr/contact/">Contact</a></span></p>
{{#if (eq page.kind "home")}}
<h1 class="site-title"><a href="{{page.home}}">{{site.title}}</a></h1>
{{else}}
<p class="site-title"><a href="{{page.home}}">{{site.title}}</a></p>
{{/if}}
</header>
`);
fs.appendFileSync(path.join(theme, 'style.css'), `
.org-header { max-width: none; background: #14365d; color: #fff; padding: 0.75rem 1rem 1rem; border-bottom: 0; }
.org-header a { color: #fff; }
.org-bar { display: flex; align-items: center; gap: 0.5rem; flex-wrap: wrap; margin: 0 0 0.75rem; font-size: 0.95rem; }
.org-menu { margin-left: auto; display: flex; gap: 1rem; }
.org-header .site-title { max-width: 42rem; margin: 0 auto; padding: 0 1rem; }
`);
fs.mkdirSync(path.join(content, 'static', 'images'), { recursive: true });
fs.writeFileSync(path.join(content, 'static', 'images', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 28 28"><circle cx="14" cy="14" r="13" fill="#f2b705"/><path d="M8 19V9h3l6 6.5V9h3v10h-3l-6-6.5V19z" fill="#14365d"/></svg>\n');
news('export', 'html', '--dir', content, '--out', out);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1000, height: 760 } });
await page.goto(`file://${out}/index.html`);
await page.screenshot({ path: path.join(ROOT, 'docs', 'screenshot-theme.png') });
await browser.close();
fs.rmSync(work, { recursive: true, force: true });
process.stdout.write('docs/screenshot-theme.png\n');
