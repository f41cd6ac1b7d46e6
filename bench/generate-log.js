#!/usr/bin/env node
// Seeded generator of an nginx `combined` access log for the views benchmark.
//   node bench/generate-log.js --content <dir> --out <file> [--lines 4000000] [--seed 1] [--robots 0.2]
// The paths are those of the site `news export html` makes of <dir> (below site.json's baseUrl):
// post pages (`<slug>/`, `<slug>`, `<slug>/index.html`, with a query now and then), and everything
// else a site serves (index, pages, tags, feeds, CSS, images, other sections of the server).
// The same options give the same bytes (no clock, no Math.random).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeRng } from './generate.js';

const BROWSERS = [
  (v) => `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`,
  (v) => `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`,
  (v) => `Mozilla/5.0 (X11; Linux x86_64; rv:${v}.0) Gecko/20100101 Firefox/${v}.0`,
  (v) => `Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${v}.0) Gecko/20100101 Firefox/${v}.0`,
  (v) => `Mozilla/5.0 (iPhone; CPU iPhone OS 17_${v % 7} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.${v % 7} Mobile/15E148 Safari/604.1`,
  (v) => `Mozilla/5.0 (Linux; Android 14; SM-S91${v % 10}B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Mobile Safari/537.36`,
  (v) => `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36 Edg/${v}.0.0.0`,
  (v) => `Mozilla/5.0 (Macintosh; Intel Mac OS X 14_${v % 6}) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.${v % 6} Safari/605.1.15`,
];

const ROBOTS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Googlebot/2.1; +http://www.google.com/bot.html) Chrome/120.0.6099.129 Safari/537.36',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)',
  'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
  'Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)',
  'Mozilla/5.0 (compatible; DotBot/1.2; +https://opensiteexplorer.org/dotbot; help@moz.com)',
  'Mozilla/5.0 (compatible; Qwantify/Bleriot/1.1; +https://help.qwant.com/bot)',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  'Twitterbot/1.0',
  'curl/7.88.1',
  'Wget/1.21.3',
  'python-requests/2.31.0',
  'Go-http-client/1.1',
  'Feedly/1.0 (+http://www.feedly.com/fetcher.html; 12 subscribers; like FeedFetcher-Google)',
  '-',
];

const OTHER_PATHS = [
  '', 'style.css', 'feed.xml', 'atom.xml', 'feed.json', 'sitemap.xml', 'robots.txt', 'favicon.ico',
  'tags/', 'tags/agenda/', 'tags/formation/', 'tags/reseaux-sociaux/', 'page/2/', 'page/3/', 'page/17/',
];
const OUTSIDE = ['/', '/formations/', '/contact/', '/images/logo.png', '/images/bandeau.jpg', '/js/site.js', '/css/site.css', '/wp-login.php', '/.env', '/favicon.ico'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function two(n) {
  return n < 10 ? `0${n}` : String(n);
}

/** Slugs of the posts of a content folder, and the base path of its site. */
export function siteOf(contentDir) {
  const site = JSON.parse(fs.readFileSync(path.join(contentDir, 'site.json'), 'utf8'));
  const slugs = fs.readdirSync(path.join(contentDir, 'posts')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
  return { basePath: new URL(site.baseUrl).pathname, slugs };
}

/**
 * Writes the log; returns what was planted (lines, bytes, robot lines, post-page lines).
 * `robots`: share of lines from robot agents.
 */
export function writeLog({ contentDir, out, lines = 4_000_000, seed = 1, robots = 0.2 }) {
  const rng = makeRng(`log:${seed}`);
  const { basePath, slugs } = siteOf(contentDir);
  const browsers = [];
  for (const make of BROWSERS) for (let v = 100; v < 140; v++) browsers.push(make(v));
  const addresses = [];
  for (let i = 0; i < 60_000; i++) {
    addresses.push(i % 9 === 0
      ? `2001:db8:${(i >> 8).toString(16)}::${(i & 255).toString(16)}`
      : `${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`);
  }
  const fd = fs.openSync(out, 'w');
  const start = Date.UTC(2026, 10, 1); // 7 days of traffic from 1 Nov 2026
  const span = 7 * 86_400_000;
  let bytes = 0;
  let robotLines = 0;
  let postLines = 0;
  let batch = '';
  for (let i = 0; i < lines; i++) {
    const t = new Date(start + Math.floor((i / lines) * span));
    const time = `${two(t.getUTCDate())}/${MONTHS[t.getUTCMonth()]}/${t.getUTCFullYear()}:${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())} +0000`;
    const robot = rng.chance(robots);
    if (robot) robotLines++;
    const agent = robot ? rng.pick(ROBOTS) : rng.skewed(browsers);
    const r = rng.next();
    let target;
    if (r < 0.4) {
      postLines++;
      const slug = rng.skewed(slugs);
      const form = rng.next();
      target = `${basePath}${slug}${form < 0.8 ? '/' : form < 0.9 ? '/index.html' : form < 0.95 ? '' : '/?utm_source=lettre'}`;
    } else if (r < 0.75) {
      target = `${basePath}${rng.pick(OTHER_PATHS)}`;
    } else {
      target = rng.pick(OUTSIDE);
    }
    const m = rng.next();
    const method = m < 0.97 ? 'GET' : m < 0.99 ? 'HEAD' : 'POST';
    const s = rng.next();
    const status = s < 0.88 ? 200 : s < 0.94 ? 304 : s < 0.98 ? 404 : 301;
    const size = status === 304 ? 0 : rng.int(200, 60_000);
    const referer = rng.chance(0.3) ? `https://www.example.org${basePath}` : '-';
    batch += `${rng.skewed(addresses)} - - [${time}] "${method} ${target} HTTP/1.1" ${status} ${size} "${referer}" "${agent}"\n`;
    if (batch.length > 4_000_000) {
      bytes += fs.writeSync(fd, batch, null, 'latin1');
      batch = '';
    }
  }
  bytes += fs.writeSync(fd, batch, null, 'latin1');
  fs.closeSync(fd);
  return { lines, bytes, robotLines, postLines, posts: slugs.length };
}

function parseArgs(argv) {
  const opts = { lines: 4_000_000, seed: 1, robots: 0.2 };
  for (let i = 0; i < argv.length; i++) {
    const value = () => argv[++i];
    if (argv[i] === '--content') opts.contentDir = value();
    else if (argv[i] === '--out') opts.out = value();
    else if (argv[i] === '--lines') opts.lines = Number(value());
    else if (argv[i] === '--seed') opts.seed = value();
    else if (argv[i] === '--robots') opts.robots = Number(value());
    else throw new Error(`option inconnue « ${argv[i]} »`);
  }
  if (!opts.contentDir || !opts.out) throw new Error('Utilisation : node bench/generate-log.js --content <dossier> --out <fichier> [--lines 4000000]');
  return opts;
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  try {
    const planted = writeLog(parseArgs(process.argv.slice(2)));
    process.stdout.write(`${JSON.stringify(planted)}\n`);
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
  }
}
