import { jest } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { makePost, runNewsSync, snapshotTree, tempContent } from '../helpers/cli.js';
import { tempDir } from './helpers.js';

/**
 * A full export of many posts shares the post pages between two threads (store/site-worker.ts).
 * The site must be byte for byte the one a single thread makes, the record must serve the next
 * export, and a failure in either thread must leave `--out` as it was. NEWS_PARALLEL_MIN_POSTS
 * lowers the threshold (2,000 posts by default) so that a small site takes the same path.
 */

jest.setTimeout(120_000);

const TAGS = ['Formation', 'Éducation', 'numérique', 'Vie associative', 'Été'];
let content: string;
let root: string;

beforeAll(() => {
  const posts: Record<string, unknown> = {};
  for (let i = 0; i < 150; i++) {
    const slug = `billet-${String(i).padStart(3, '0')}`;
    posts[slug] = makePost(slug, {
      title: `Billet ${i} : « l'actualité » !`,
      date: i % 7 === 0 ? `2024-02-${String(1 + (i % 28)).padStart(2, '0')}T09:${String(i % 60).padStart(2, '0')}:00+01:00` : `2023-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
      tags: [TAGS[i % 5]!, ...(i % 4 === 0 ? [TAGS[(i + 2) % 5]!] : [])],
      body: `Paragraphe ${i}, avec du *Markdown*.\n\nUn second paragraphe ; un [lien](https://exemple.fr/${i}).`,
      views: i * 13,
      ...(i % 3 === 0 ? { summary: `Résumé du billet ${i}.` } : {}),
      ...(i % 10 === 0 ? { aliases: [`ancien-${i}`] } : {}),
      ...(i % 11 === 0 ? { updatedAt: '2025-06-01T10:00:00+02:00' } : {}),
    });
  }
  content = tempContent(posts);
  root = tempDir('news-parallel-');
});

afterAll(() => {
  fs.rmSync(content, { recursive: true, force: true });
  fs.rmSync(root, { recursive: true, force: true });
});

const exportTo = (out: string, env: Record<string, string> = {}) =>
  runNewsSync(['export', 'html', '--dir', content, '--out', out], { env });

test('two threads make the site one thread makes, byte for byte, and the next export writes nothing', () => {
  const two = path.join(root, 'two');
  const one = path.join(root, 'one');
  const parallel = exportTo(two, { NEWS_PARALLEL_MIN_POSTS: '10' });
  expect(parallel.code).toBe(0);
  expect(parallel.stderr).toContain('pages faites sur 2 fils d’exécution');
  const single = exportTo(one, { NEWS_PARALLEL_MIN_POSTS: '100000' });
  expect(single.code).toBe(0);
  expect(single.stderr).not.toContain('fils d’exécution');
  expect(snapshotTree(two)).toEqual(snapshotTree(one));
  expect(Object.keys(snapshotTree(two)).length).toBeGreaterThan(150);
  const again = exportTo(two, { NEWS_PARALLEL_MIN_POSTS: '10' });
  expect(again.code).toBe(0);
  expect(again.stderr).toMatch(/\(0 écrit\(s\), 0 supprimé\(s\)\)/);
});

test('a template that fails on a post page, in either thread, leaves --out as it was and no build folder', () => {
  const out = path.join(root, 'broken');
  fs.mkdirSync(path.join(content, 'theme'));
  try {
    fs.writeFileSync(path.join(content, 'theme', 'post.hbs'), '{{#> layouts/base}}{{entry.nothing.here}}{{/layouts/base}}\n');
    const result = exportTo(out, { NEWS_PARALLEL_MIN_POSTS: '10' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/post\.hbs/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(root).filter((name) => name.includes('news-build'))).toEqual([]);
  } finally {
    fs.rmSync(path.join(content, 'theme'), { recursive: true, force: true });
  }
});
