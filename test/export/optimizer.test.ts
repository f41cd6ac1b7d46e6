import { jest } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { holdOptimizer, optimizerHeld, releaseOptimizer } from '../../src/cli/optimizer.js';
import { exportContent } from '../../src/store/export.js';
import { recordFileOf } from '../../src/store/site-output.js';
import { makePost, tempContent } from '../helpers/cli.js';
import { exportWith, tempDir } from './helpers.js';

/**
 * cli/optimizer.ts: `news export html` holds V8's OSR back for a short run and gives it back
 * when the export says a long run is ahead (a full export, many pages to render, no post table
 * to rely on: ExportRequest.onLongRun) and at the end of the command, success or failure.
 */

const NOW = new Date('2026-11-25T12:00:00Z');
const work = tempDir('news-optimizer-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
afterEach(() => releaseOptimizer());

/** A content folder of `n` posts, one a day from 1 January 2020. */
function content(n: number): string {
  const posts: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    const day = new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10);
    posts[`billet-${i}`] = makePost(`billet-${i}`, { date: day, tags: [i % 2 === 0 ? 'formation' : 'numérique'] });
  }
  return tempContent(posts);
}

/** Exports with OSR held and given back on a long run, as the command does: whether it is still held when the export returns. */
async function heldAfterExport(dir: string, out: string): Promise<boolean> {
  holdOptimizer();
  await exportContent(dir, { format: 'html', out, now: NOW, env: {}, onLongRun: releaseOptimizer });
  return optimizerHeld();
}

function addPost(dir: string, slug: string): void {
  fs.writeFileSync(path.join(dir, 'posts', `${slug}.json`), `${JSON.stringify(makePost(slug, { date: '2026-11-20' }))}\n`);
}

test('holdOptimizer and releaseOptimizer set V8 flags once each, in turn', () => {
  const flags = jest.spyOn(v8, 'setFlagsFromString');
  try {
    holdOptimizer();
    holdOptimizer();
    expect(optimizerHeld()).toBe(true);
    releaseOptimizer();
    releaseOptimizer();
    expect(optimizerHeld()).toBe(false);
    expect(flags.mock.calls).toEqual([['--no-use-osr'], ['--use-osr']]);
  } finally {
    flags.mockRestore();
  }
});

test('a full export into an empty folder gives OSR back, with or without the last export’s record', async () => {
  const dir = content(10);
  const out = path.join(work, 'fresh');
  expect(await heldAfterExport(dir, out)).toBe(false);
  // The site removed (rm -rf), its record beside it kept: the post table is there, the site is not.
  fs.rmSync(out, { recursive: true });
  expect(fs.existsSync(recordFileOf(out))).toBe(true);
  expect(await heldAfterExport(dir, out)).toBe(false);
});

test('an export that renders a few pages keeps it held; one that renders many gives it back', async () => {
  const dir = content(100);
  const out = path.join(work, 'update');
  await exportContent(dir, { format: 'html', out, now: NOW, env: {} });
  addPost(dir, 'nouveau');
  expect(await heldAfterExport(dir, out)).toBe(true);
  releaseOptimizer();
  // A new site title: every page of the 100 posts changes.
  const site = JSON.parse(fs.readFileSync(path.join(dir, 'site.json'), 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(path.join(dir, 'site.json'), JSON.stringify({ ...site, title: 'Nouveau titre' }));
  expect(await heldAfterExport(dir, out)).toBe(false);
});

test('without the last export’s post table every post is read: OSR given back', async () => {
  const dir = content(10);
  const out = path.join(work, 'no-record');
  await exportContent(dir, { format: 'html', out, now: NOW, env: {} });
  fs.rmSync(recordFileOf(out));
  addPost(dir, 'nouveau');
  expect(await heldAfterExport(dir, out)).toBe(false);
});

test('news export html holds OSR for its run only, success or failure; a feed export leaves V8 alone', async () => {
  const dir = content(10);
  const out = path.join(work, 'command');
  const flags = jest.spyOn(v8, 'setFlagsFromString');
  try {
    expect((await exportWith({ format: 'html', dir, out })).code).toBe(0);
    addPost(dir, 'nouveau');
    expect((await exportWith({ format: 'html', dir, out })).code).toBe(0);
    fs.writeFileSync(path.join(dir, 'posts', 'casse.json'), '{ pas du JSON');
    await expect(exportWith({ format: 'html', dir, out })).rejects.toThrow(/casse\.json/);
    expect(optimizerHeld()).toBe(false);
    // The fresh export gave it back early; the end of the command found nothing to give back.
    expect(flags.mock.calls).toEqual([['--no-use-osr'], ['--use-osr'], ['--no-use-osr'], ['--use-osr'], ['--no-use-osr'], ['--use-osr']]);
    flags.mockClear();
    fs.rmSync(path.join(dir, 'posts', 'casse.json'));
    expect((await exportWith({ format: 'rss', dir })).code).toBe(0);
    expect(flags).not.toHaveBeenCalled();
  } finally {
    flags.mockRestore();
  }
});
