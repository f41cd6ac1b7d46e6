import { jest } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, cleanEnv, collectRun, makePost } from '../helpers/cli.js';
import { listFiles, tempDir } from './helpers.js';

/**
 * SPEC (export html): each file is replaced atomically, so a web server serving `--out` never
 * gets a missing or half-written page, at any moment, crash included; the next export repairs
 * what a crash left; `--out` never disappears. Issue 13 item 7: no run leaves no site.
 *
 * `news export html` is killed (SIGKILL) at exact system calls (strace: the n-th rename, the
 * first unlink) and at random moments of an incremental run that rewrites every page, while
 * a reader process reads every page of the old site that also belongs to the new one, in a
 * loop, and checks that each is there and whole.
 */

jest.setTimeout(600_000);

const work = tempDir('news-kill-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const READER = `
import fs from 'node:fs';
const [out, list, stop] = process.argv.slice(2);
const files = fs.readFileSync(list, 'utf8').split('\\n').filter(Boolean);
function whole(file, text) {
  if (file.endsWith('.html')) return text.startsWith('<!DOCTYPE html>') && text.endsWith('</html>\\n');
  if (file.endsWith(".xml")) return /<\\/(rss|feed|urlset)>\\n?$/.test(text);
  if (file.endsWith(".svg")) return text.trimEnd().endsWith("</svg>");
  if (file.endsWith('.json')) { try { JSON.parse(text); return true; } catch { return false; } }
  return text.length > 0;
}
let reads = 0;
let problems = 0;
while (!fs.existsSync(stop)) {
  for (const f of files) {
    let text;
    try {
      text = fs.readFileSync(out + '/' + f, 'utf8');
    } catch (e) {
      problems++;
      process.stdout.write('MISSING ' + f + ' ' + e.code + '\\n');
      continue;
    }
    reads++;
    if (!whole(f, text)) {
      problems++;
      process.stdout.write('PARTIAL ' + f + ' ' + text.length + '\\n');
    }
  }
}
process.stdout.write('READS ' + reads + ' PROBLEMS ' + problems + '\\n');
`;

function writeContent(dir: string, count: number, title: string): void {
  fs.mkdirSync(path.join(dir, 'posts'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'site.json'), JSON.stringify({ title, baseUrl: 'https://exemple.fr/actualites/', timeZone: 'Europe/Paris' }));
  for (let i = 1; i <= count; i++) {
    const slug = `billet-${i}`;
    const day = `2020-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    fs.writeFileSync(path.join(dir, 'posts', `${slug}.json`), JSON.stringify(makePost(slug, {
      date: day, tags: [`thème ${i % 7}`], body: `Paragraphe du billet ${i}.\n\n${'Texte assez long. '.repeat(40)}`, views: i,
    }), null, 2));
  }
}

function exportArgs(dir: string, out: string): string[] {
  return [BIN, 'export', 'html', '--dir', dir, '--out', out];
}

async function runExport(dir: string, out: string): Promise<void> {
  const r = await collectRun(spawn(process.execPath, exportArgs(dir, out), { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] }), 300_000);
  expect([r.code, r.stderr]).toEqual([0, expect.stringContaining('Site exporté')]);
}

/** One export killed at the `when`-th call of one of `calls` (strace fault injection). */
function killAt(dir: string, out: string, calls: string, when: number): number | string | null {
  const r = spawnSync('strace', ['-f', '-o', '/dev/null', '-e', `trace=${calls}`, '-e', `inject=${calls}:signal=KILL:when=${when}`, process.execPath, ...exportArgs(dir, out)], {
    env: cleanEnv(), encoding: 'utf8', timeout: 300_000,
  });
  return r.status ?? r.signal;
}

function startReader(out: string, list: string[], stop: string): ChildProcess {
  const script = path.join(work, 'reader.mjs');
  fs.writeFileSync(script, READER);
  const listFile = path.join(work, `list-${Date.now()}`);
  fs.writeFileSync(listFile, list.join('\n'));
  return spawn(process.execPath, [script, out, listFile, stop], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Two versions of the content: every page differs (the site's title is on all), a post comes, one goes. */
function contentState(dir: string, state: 'A' | 'B'): void {
  writeContent(dir, state === 'A' ? 150 : 152, state === 'A' ? 'Actualités' : 'Actualités du centre');
  const seven = path.join(dir, 'posts', 'billet-7.json');
  if (state === 'B') fs.rmSync(seven);
  fs.rmSync(path.join(dir, 'posts', state === 'A' ? 'billet-151.json' : 'billet-none.json'), { force: true });
  fs.rmSync(path.join(dir, 'posts', state === 'A' ? 'billet-152.json' : 'billet-none.json'), { force: true });
}

test('killed at any point, the site stays whole for readers; the next export gives the fresh result', async () => {
  const dir = path.join(work, 'content');
  const out = path.join(work, 'public');
  const fresh = { A: path.join(work, 'fresh-A'), B: path.join(work, 'fresh-B') };
  for (const state of ['A', 'B'] as const) {
    contentState(dir, state);
    await runExport(dir, fresh[state]);
  }
  const inB = new Set(listFiles(fresh.B));
  const both = listFiles(fresh.A).filter((f) => inB.has(f) && f !== '.news-export');
  expect(both.length).toBeGreaterThan(150);
  contentState(dir, 'A');
  await runExport(dir, out);

  const stop = path.join(work, 'stop');
  const reader = startReader(out, both, stop);
  const readerDone = collectRun(reader, 600_000);
  try {
    // Each run goes from one state to the other, so every page is rewritten in each.
    let state: 'A' | 'B' = 'A';
    // The killed run before may have left a mix of both states: finish it (the repair), then
    // change every page again, so the next kill point is reached.
    const flip = async () => {
      await runExport(dir, out);
      contentState(dir, (state = state === 'A' ? 'B' : 'A'));
    };
    const outcomes: string[] = [];
    // Exact points: the first renames, some in the middle, the last ones (the record's), the first removals.
    for (const when of [1, 2, 5, 20, 80, 140, 170, 175]) {
      await flip();
      outcomes.push(`rename#${when}:${killAt(dir, out, 'rename', when)}`);
      expect(fs.statSync(out).isDirectory()).toBe(true);
    }
    for (const [call, when] of [['unlink', 1], ['unlink', 3], ['rmdir', 1], ['rmdir', 2]] as const) {
      await flip();
      outcomes.push(`${call}#${when}:${killAt(dir, out, call, when)}`);
    }
    // Random moments of a whole run.
    for (const delay of [150, 300, 500, 700, 1000, 1500, 2500]) {
      await flip();
      const child = spawn(process.execPath, exportArgs(dir, out), { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      const r = await collectRun(child, 300_000);
      clearTimeout(timer);
      outcomes.push(`${delay}ms:${r.signal ?? r.code}`);
      expect(fs.statSync(out).isDirectory()).toBe(true);
    }
    // Most runs were really killed (strace kills itself with its tracee's signal).
    const killed = outcomes.filter((o) => o.endsWith(':SIGKILL'));
    expect({ outcomes, killed: killed.length >= 14 }).toEqual({ outcomes, killed: true });

    await runExport(dir, out);
    // Repaired: byte for byte the fresh export, nothing left over inside or beside.
    expect(spawnSync('diff', ['-r', out, fresh[state]], { encoding: 'utf8' }).stdout).toBe('');
    expect(listFiles(out).filter((f) => f.includes('.news-tmp-'))).toEqual([]);
    expect(fs.readdirSync(work).filter((n) => n.startsWith('.public.')).sort()).toEqual(['.public.news-record']);
  } finally {
    fs.writeFileSync(stop, '');
  }
  const reading = await readerDone;
  expect(reading.stdout.split('\n').filter((l) => /^(MISSING|PARTIAL)/.test(l))).toEqual([]);
  const reads = Number(/READS (\d+)/.exec(reading.stdout)?.[1]);
  expect(reads).toBeGreaterThan(both.length * 3);
});

test('issue 13 item 7: an old copy left by a swap killed between its renames is put back, and the site updated', async () => {
  const dir = path.join(work, 'content-7');
  writeContent(dir, 5, 'Actualités');
  const place = path.join(work, 'place-7');
  fs.mkdirSync(place);
  const out = path.join(place, 'public');
  await runExport(dir, out);
  // What the two-rename swap of earlier versions left when killed between its renames:
  // no site, the complete old copy beside it under a dead process's number.
  fs.renameSync(out, path.join(place, '.public.news-old-999999999-abcd1234'));
  fs.rmSync(path.join(place, '.public.news-record'));
  writeContent(dir, 6, 'Actualités');
  await runExport(dir, out);
  const fresh = path.join(work, 'fresh-7');
  await runExport(dir, fresh);
  expect(spawnSync('diff', ['-r', out, fresh], { encoding: 'utf8' }).stdout).toBe('');
  expect(fs.readdirSync(place).sort()).toEqual(['.public.news-record', 'public']);
});

test('a failing export (a broken post) leaves --out untouched, record included', async () => {
  const dir = path.join(work, 'content-broken');
  writeContent(dir, 30, 'Actualités');
  const out = path.join(work, 'public-broken');
  await runExport(dir, out);
  const snapshot = (root: string) => listFiles(root).map((f) => [f, fs.statSync(path.join(root, f)).mtimeMs, fs.readFileSync(path.join(root, f), 'utf8')]);
  const was = snapshot(out);
  const record = fs.readFileSync(path.join(work, '.public-broken.news-record'));
  writeContent(dir, 31, 'Autre titre');
  fs.writeFileSync(path.join(dir, 'posts', 'billet-3.json'), '{ "slug": "billet-3", ');
  const r = await collectRun(spawn(process.execPath, exportArgs(dir, out), { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] }));
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('posts/billet-3.json');
  expect(snapshot(out)).toEqual(was);
  expect(fs.readFileSync(path.join(work, '.public-broken.news-record')).equals(record)).toBe(true);
});
