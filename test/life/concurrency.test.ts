// Ten `news edit --add-tag` at once on one post: the lock makes each read-modify-write whole.
import fs from 'node:fs';
import path from 'node:path';
import { jest } from '@jest/globals';
import { makePost, runNews, tempContent } from '../helpers/cli.js';

jest.setTimeout(180_000);

test('10 parallel edit --add-tag on one post: all 10 tags present, no temp file left, validate clean', async () => {
  const dir = tempContent({ a: makePost('a', { tags: ['départ'] }) });
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) => runNews(['edit', 'a', '--dir', dir, '--add-tag', `étiquette ${i}`, '--quiet'], { timeoutMs: 120_000 })));
  for (const r of results) expect([r.code, r.stderr]).toEqual([0, '']);
  const post = JSON.parse(fs.readFileSync(path.join(dir, 'posts', 'a.json'), 'utf8'));
  expect([...post.tags].sort()).toEqual(['départ', ...Array.from({ length: 10 }, (_, i) => `étiquette ${i}`)].sort());
  expect(fs.readdirSync(path.join(dir, 'posts'))).toEqual(['a.json']);
  expect(fs.existsSync(path.join(dir, '.news.lock'))).toBe(false);
  expect((await runNews(['validate', '--dir', dir])).code).toBe(0);
});
