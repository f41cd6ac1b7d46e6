// Issue 10: a log of several read chunks, with every kind of line mixed, counted exactly as an
// oracle says line by line. The oracle never parses a line: each line is written from known
// fields, and what it must count as follows from those fields and the rules of docs/views.md.
// Read as a file (lines across chunk boundaries), gzipped, and through stdin in odd-sized
// pieces: the same report each time.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { PassThrough } from 'node:stream';
import { execFileSync, spawn } from 'node:child_process';
import { jest } from '@jest/globals';
import { importViews } from '../../src/import/views.js';
import { SKIP_REASONS, type SkipReason } from '../../src/import/accesslog.js';
import { CURL, FIREFOX, GOOGLEBOT, line, SAFARI, tempLogDir, viewsContent, type Hit } from './helpers.js';

jest.setTimeout(120_000);

const NOW = new Date('2026-11-25T12:00:00Z');
const POSTS = ['portes-ouvertes', 'le-miroir-brise', 'formation-excel'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const PARIS_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

/** A small seeded generator (the same log every run). */
function generator(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}

interface Expected {
  reads: Record<string, number>;
  skipped: Record<SkipReason, number>;
  unreadableLines: number[];
}

/** Lines, and what each must count as. */
function buildLog(count: number): { text: string; expected: Expected } {
  const rng = generator(42);
  const humans = [FIREFOX, SAFARI, 'Mozilla/5.0 \\"Quoted\\" Safari/605.1.15', 'Mozilla/5.0 (Linux; Android 14) Chrome/120.0.0.0 Mobile Safari/537.36'];
  const robots = [GOOGLEBOT, CURL, '-', ''];
  const addresses = ['203.0.113.7', '198.51.100.23', '2001:db8::7', '2001:db8:0:1::42', '192.0.2.200'];
  const postForms = [
    (slug: string) => `/actualites/${slug}/`,
    (slug: string) => `/actualites/${slug}`,
    (slug: string) => `/actualites/${slug}/index.html`,
    (slug: string) => `/actualites/${slug}/?utm_source=lettre`,
    (slug: string) => `/actualites/${slug}#haut`,
    (slug: string) => `/actualites/${slug.replace('e', '%65')}/`,
  ];
  const notPosts = ['/actualites/', '/actualites/feed.xml', '/actualites/tags/agenda/', '/actualites/billet-inconnu/', '/actualites/portes-ouvertes/photo.jpg',
    '/actualites/Portes-Ouvertes/', '/portes-ouvertes/', '/actualites/portes-ouvertes-2/', '/actualites/le-miroir-bris/', '/actualites/%zz/'];
  const garbage = ['ceci n’est pas une ligne de journal', '', '198.51.100.6 - - [29/Oct/2013:09:12:00 +0100] "GET /actualites/portes-ouvertes/ HTTP/1.1" 200 12 "-" "Mozilla/5.0',
    '198.51.100.6 - - [31/Feb/2013:09:12:00 +0100] "GET /actualites/portes-ouvertes/ HTTP/1.1" 200 12 "-" "Mozilla/5.0"'];
  const skipped = Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>;
  const reads: Record<string, number> = {};
  const seen = new Set<string>();
  const unreadableLines: number[] = [];
  const out: string[] = [];
  const start = Date.UTC(2013, 9, 28, 20, 0, 0);
  for (let i = 0; i < count; i++) {
    const instant = start + Math.floor((i / count) * 2 * 86_400_000);
    const zone = rng.next() < 0.5 ? 0 : 60; // the server's offset, minutes east of UTC
    const local = new Date(instant + zone * 60_000);
    const time = `${String(local.getUTCDate()).padStart(2, '0')}/${MONTHS[local.getUTCMonth()]}/${local.getUTCFullYear()}:${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}:${String(local.getUTCSeconds()).padStart(2, '0')} +0${zone / 60}00`;
    const kind = rng.next();
    if (kind < 0.02) {
      out.push(rng.pick(garbage));
      skipped.unreadable++;
      unreadableLines.push(i + 1);
      continue;
    }
    const hit: Hit = { ip: rng.pick(addresses), time, size: rng.next() < 0.1 ? '-' : String(Math.floor(rng.next() * 60_000)) };
    const robot = rng.next() < 0.2;
    hit.agent = robot ? rng.pick(robots) : rng.pick(humans);
    const method = rng.next();
    hit.method = method < 0.9 ? 'GET' : method < 0.95 ? 'HEAD' : 'POST';
    const status = rng.next();
    hit.status = status < 0.8 ? 200 : status < 0.9 ? 304 : status < 0.95 ? 404 : 301;
    const post = rng.next() < 0.6 ? rng.pick([...POSTS, 'journee-portes-ouvertes']) : undefined;
    hit.path = post ? rng.pick(postForms)(post) : rng.pick(notPosts);
    if (rng.next() < 0.01) {
      hit.request = rng.pick(['-', 'CONNECT exemple.fr:443 HTTP/1.1']);
      hit.method = 'other';
    }
    let text = line(hit);
    if (rng.next() < 0.05) text += '\r';
    out.push(text);
    const slug = post === 'journee-portes-ouvertes' ? 'portes-ouvertes' : post;
    if (hit.method !== 'GET') skipped.method++;
    else if (!slug) skipped.notPost++;
    else if (hit.status !== 200 && hit.status !== 304) skipped.status++;
    else if (robot) skipped.robot++;
    else {
      const key = `${hit.ip}|${hit.agent}|${slug}|${PARIS_DAY.format(new Date(instant))}`;
      if (seen.has(key)) skipped.repeat++;
      else {
        seen.add(key);
        reads[slug] = (reads[slug] ?? 0) + 1;
      }
    }
  }
  return { text: `${out.join('\n')}\n`, expected: { reads, skipped, unreadableLines } };
}

const { text, expected } = buildLog(40_000);

function check(report: Awaited<ReturnType<typeof importViews>>): void {
  expect(Object.fromEntries(report.posts.map((p) => [p.slug, p.added]))).toEqual(expected.reads);
  expect(report.skipped).toEqual(expected.skipped);
  expect(report.unreadable.map((u) => u.line)).toEqual(expected.unreadableLines.slice(0, 5));
  expect(report.files[0]!.lines).toBe(40_000);
}

test('the log is big enough to be read in several chunks, and has every kind of line', () => {
  expect(Buffer.byteLength(text, 'latin1')).toBeGreaterThan(6 * 1024 * 1024);
  for (const reason of SKIP_REASONS) if (reason !== 'alreadyCounted') expect(expected.skipped[reason]).toBeGreaterThan(10);
  for (const slug of POSTS) expect(expected.reads[slug]).toBeGreaterThan(10);
});

test('a plain file, a gzipped file and stdin in odd pieces give the oracle’s counts', async () => {
  const logs = tempLogDir();
  fs.writeFileSync(path.join(logs, 'access.log'), text, 'latin1');
  fs.writeFileSync(path.join(logs, 'access.log.gz'), zlib.gzipSync(Buffer.from(text, 'latin1')));
  const options = { contentDir: viewsContent(), now: NOW, env: { NEWS_CACHE: '0' }, dryRun: true };
  check(await importViews({ ...options, logs: [path.join(logs, 'access.log')] }));
  check(await importViews({ ...options, logs: [path.join(logs, 'access.log.gz')] }));
  const stdin = new PassThrough();
  const bytes = Buffer.from(text, 'latin1');
  const piped = importViews({ ...options, logs: ['-'], stdin });
  for (let at = 0; at < bytes.length; at += 7777) stdin.write(bytes.subarray(at, at + 7777));
  stdin.end();
  check(await piped);
});

test('read in two runs (a file that grew mid-line), the totals are the same', async () => {
  const dir = viewsContent();
  const logs = tempLogDir();
  const log = path.join(logs, 'access.log');
  const bytes = Buffer.from(text, 'latin1');
  const cut = Math.floor(bytes.length * 0.6) + 17; // not at a line break
  fs.writeFileSync(log, bytes.subarray(0, cut));
  const first = await importViews({ contentDir: dir, now: NOW, env: { NEWS_CACHE: '0' }, logs: [log] });
  fs.appendFileSync(log, bytes.subarray(cut));
  const second = await importViews({ contentDir: dir, now: NOW, env: { NEWS_CACHE: '0' }, logs: [log] });
  const total: Record<string, number> = {};
  for (const p of [...first.posts, ...second.posts]) total[p.slug] = (total[p.slug] ?? 0) + p.added;
  expect(total).toEqual(expected.reads);
  for (const reason of SKIP_REASONS) {
    if (reason === 'alreadyCounted') continue;
    expect(first.skipped[reason] + second.skipped[reason]).toBe(expected.skipped[reason]);
  }
  expect(first.files[0]!.lines + second.files[0]!.lines).toBe(40_000);
});

test('a FIFO whose first line comes in many small writes gives the oracle’s counts', async () => {
  const logs = tempLogDir();
  const fifo = path.join(logs, 'access.fifo');
  execFileSync('mkfifo', [fifo]);
  const bytes = Buffer.from(text, 'latin1');
  const firstLine = bytes.indexOf(10) + 1;
  // The writer waits for the reader at open(), then sends the first line in eight pieces, a
  // pause between them (each read gets one), then the rest.
  const writer = spawn(process.execPath, ['-e', `
    const fs = require('node:fs');
    const bytes = fs.readFileSync(0);
    const fd = fs.openSync(${JSON.stringify(fifo)}, 'w');
    const piece = Math.ceil(${firstLine} / 8);
    const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    for (let at = 0; at < ${firstLine}; at += piece) { fs.writeSync(fd, bytes, at, Math.min(piece, ${firstLine} - at)); sleep(40); }
    for (let at = ${firstLine}; at < bytes.length; ) at += fs.writeSync(fd, bytes, at, Math.min(65536, bytes.length - at));
    fs.closeSync(fd);
  `], { stdio: ['pipe', 'inherit', 'inherit'] });
  const exited = new Promise((resolve) => writer.once('exit', resolve));
  writer.stdin.end(bytes);
  await new Promise((resolve) => setTimeout(resolve, 300)); // the writer is waiting in open()
  const report = await importViews({ contentDir: viewsContent(), now: NOW, env: { NEWS_CACHE: '0' }, dryRun: true, logs: [fifo] });
  await exited;
  check(report);
});
