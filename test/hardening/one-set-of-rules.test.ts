// Issue 13, item 9: validate and the exports apply one set of rules: what validate accepts
// exports, what an export refuses validate reports.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makePost, runNews, tempContent } from '../helpers/cli.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'news-rules-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const FORMATS = [['rss'], ['atom'], ['json'], ['html']] as const;

async function exportTo(format: string, dir: string) {
  const out = path.join(work, `${path.basename(dir)}-${format}`);
  return runNews(['export', format, '--out', format === 'html' ? out : `${out}.out`, '--dir', dir]);
}

describe('site.json baseUrl "javascript:alert(1)//"', () => {
  const dir = tempContent({ billet: makePost('billet') }, { title: 'Site', baseUrl: 'javascript:alert(1)//' });

  test('validate reports it, naming site.json and the field, exit 1', async () => {
    const r = await runNews(['validate', '--json', '--dir', dir]);
    expect(r.code).toBe(1);
    const { problems } = JSON.parse(r.stdout) as { problems: Array<{ file: string; message: string }> };
    expect(problems).toHaveLength(1);
    expect(problems[0]!.file).toBe('site.json');
    expect(problems[0]!.message).toContain('champ baseUrl : doit être une adresse http(s) absolue');
  });

  test.each(FORMATS)('export %s refuses it the same way, exit 2', async (format) => {
    const r = await exportTo(format, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('site.json : champ baseUrl : doit être une adresse http(s) absolue');
  });

  test.each(['ftp://exemple.fr/', 'data:text/html,x', '/actualites/'])('%s: refused by both', async (baseUrl) => {
    const other = tempContent({ billet: makePost('billet') }, { baseUrl });
    expect((await runNews(['validate', '--dir', other])).code).toBe(1);
    expect((await runNews(['export', 'rss', '--dir', other])).code).toBe(2);
  });

  test('a sound baseUrl is accepted by both', async () => {
    const other = tempContent({ billet: makePost('billet') }, { baseUrl: 'https://exemple.fr/actualites' });
    expect((await runNews(['validate', '--dir', other])).code).toBe(0);
    expect((await runNews(['export', 'rss', '--dir', other])).code).toBe(0);
  });
});

describe('a slug claimed twice (a slug and another post’s alias)', () => {
  const dir = tempContent({
    ancien: makePost('ancien', { title: 'Ancien', aliases: ['nouveau'] }),
    nouveau: makePost('nouveau', { title: 'Nouveau' }),
    autre: makePost('autre'),
  });

  test('validate names both files, exit 1', async () => {
    const r = await runNews(['validate', '--dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('posts/ancien.json : « nouveau » est revendiqué plusieurs fois (ancien.json (alias), nouveau.json (slug))');
    expect(r.stdout).toContain('posts/nouveau.json : « nouveau » est revendiqué plusieurs fois');
  });

  test.each(FORMATS)('export %s fails naming both files instead of dropping the alias page, exit 2', async (format) => {
    const r = await exportTo(format, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('posts/ancien.json : « nouveau » est revendiqué plusieurs fois');
    expect(r.stderr).toContain('posts/nouveau.json : « nouveau » est revendiqué plusieurs fois');
    if (format === 'html') expect(fs.existsSync(path.join(work, `${path.basename(dir)}-html`))).toBe(false);
  });

  test('even a feed that would show only other posts refuses (every file is checked)', async () => {
    const r = await runNews(['export', 'rss', '--tag', 'nulle-part', '--dir', dir]);
    expect(r.code).toBe(2);
  });
});
