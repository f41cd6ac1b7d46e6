import { jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runExport, type ExportOptions } from '../../src/commands/export.js';
import { ROOT } from '../helpers/cli.js';
import { testContext, type TestContext } from '../helpers/context.js';

export const FIXTURE_SITE = path.join(ROOT, 'test', 'fixtures', 'export', 'site');

/**
 * Counts the files read through fs.readFileSync until `stop()`: `name` says how a file is
 * recorded in `reads`, or undefined to leave it out. Tests of what an export leaves unread.
 */
export function watchReads(name: (file: string) => string | undefined): { reads: string[]; stop(): void } {
  const reads: string[] = [];
  const original = fs.readFileSync;
  const spy = jest.spyOn(fs, 'readFileSync').mockImplementation(((file: fs.PathOrFileDescriptor, options?: unknown) => {
    const named = typeof file === 'string' ? name(file) : undefined;
    if (named !== undefined) reads.push(named);
    return (original as (f: fs.PathOrFileDescriptor, o?: unknown) => string | Buffer)(file, options);
  }) as typeof fs.readFileSync);
  return { reads, stop: () => spy.mockRestore() };
}

export function tempDir(prefix = 'news-export-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Runs `news export` in-process with a test context (fixed clock 2026-11-25T12:00:00Z). */
export async function exportWith(opts: Partial<ExportOptions> & Pick<ExportOptions, 'format'>, ctx: TestContext = testContext()): Promise<{ code: number; ctx: TestContext }> {
  const code = await runExport({ future: false, drafts: false, ...opts }, ctx);
  return { code, ctx };
}

export interface ParsedEntry {
  title: string;
  link: string;
  id: string;
  published: string;
  published_utc: string | null;
  updated: string | null;
  tags: string[];
  summary: string;
  content: string;
  author: string | null;
}

export interface ParsedFeed {
  bozo: number;
  bozo_exception: string | null;
  version: string;
  title: string;
  language: string | null;
  updated: string | null;
  links: Array<{ rel: string; href: string }>;
  entries: ParsedEntry[];
}

const FEEDPARSER = `
import calendar, json, sys, feedparser
d = feedparser.parse(sys.argv[1])
def utc(t):
    return None if t is None else calendar.timegm(t)
out = {
  'bozo': int(d.bozo),
  'bozo_exception': str(d.get('bozo_exception')) if d.bozo else None,
  'version': d.get('version', ''),
  'title': d.feed.get('title', ''),
  'language': d.feed.get('language'),
  'updated': d.feed.get('updated'),
  'links': [{'rel': l.get('rel', ''), 'href': l.get('href', '')} for l in d.feed.get('links', [])],
  'entries': [{
    'title': e.get('title', ''),
    'link': e.get('link', ''),
    'id': e.get('id', ''),
    'published': e.get('published', ''),
    'published_utc': utc(e.get('published_parsed')),
    'updated': e.get('updated'),
    'tags': [t.get('term') for t in e.get('tags', [])],
    'summary': e.get('summary', ''),
    'content': (e.get('content') or [{}])[0].get('value', ''),
    'author': e.get('author'),
  } for e in d.entries],
}
print(json.dumps(out))
`;

/** Debian's python3-feedparser, the parser many feed readers are built on. */
export function feedparser(file: string): ParsedFeed {
  const r = spawnSync('/usr/bin/python3', ['-c', FEEDPARSER, file], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`feedparser failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ParsedFeed;
}

/** `xmllint --noout`: well-formedness; returns its stderr (empty when clean) and exit code. */
export function xmllint(file: string): { code: number | null; stderr: string } {
  const r = spawnSync('xmllint', ['--noout', file], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stderr: r.stderr };
}

/** Every file below a folder, relative paths with `/`. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(path.relative(dir, full).split(path.sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** A GET's status and body (text). */
export function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d) => (body += d)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** Serves a folder on 127.0.0.1 like a static host: a folder URL serves its index.html. */
export function serve(root: string): Promise<{ url: string; close: () => Promise<void> }> {
  const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.svg': 'image/svg+xml', '.xml': 'application/xml', '.json': 'application/json' };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let file = path.join(root, decodeURIComponent(url.pathname));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}
