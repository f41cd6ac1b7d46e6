import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makePost, tempContent } from '../helpers/cli.js';

export const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0';
export const SAFARI = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15';
export const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
export const CURL = 'curl/7.88.1';

export interface Hit {
  ip?: string;
  time?: string;
  method?: string;
  path?: string;
  request?: string;
  status?: number;
  size?: string;
  referer?: string;
  agent?: string;
}

/** One `combined` line. */
export function line(hit: Hit): string {
  const request = hit.request ?? `${hit.method ?? 'GET'} ${hit.path ?? '/actualites/'} HTTP/1.1`;
  return `${hit.ip ?? '203.0.113.7'} - - [${hit.time ?? '29/Oct/2013:09:12:00 +0100'}] "${request}" ${hit.status ?? 200} ${hit.size ?? '5120'} "${hit.referer ?? '-'}" "${hit.agent ?? FIREFOX}"`;
}

export function lines(hits: Hit[]): string {
  return hits.map((h) => `${line(h)}\n`).join('');
}

/** A content folder with three posts (one with an alias) below https://exemple.fr/actualites/. */
export function viewsContent(): string {
  return tempContent({
    'portes-ouvertes': makePost('portes-ouvertes', { views: 10, aliases: ['journee-portes-ouvertes'], garder: { inconnu: true } }),
    'le-miroir-brise': makePost('le-miroir-brise', { views: 787 }),
    'formation-excel': makePost('formation-excel', { views: 0 }),
  });
}

export function views(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const file of fs.readdirSync(path.join(dir, 'posts')).filter((f) => f.endsWith('.json')).sort()) {
    out[file.replace(/\.json$/, '')] = JSON.parse(fs.readFileSync(path.join(dir, 'posts', file), 'utf8')).views;
  }
  return out;
}

export function tempLogDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'news-logs-'));
}
