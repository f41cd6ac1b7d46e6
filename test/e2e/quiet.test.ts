// Issue 13, item 14: `--quiet` on every command that prints a success line, so cron mails only
// what goes wrong (warnings and errors are still printed).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makePost, ROOT, runNews, tempContent } from '../helpers/cli.js';


const PAGE = path.join(ROOT, 'test', 'fixtures', 'import', 'pages', '01-portes-ouvertes.txt');

describe('--quiet: nothing printed when all went well', () => {
  const dir = tempContent({ ancien: makePost('ancien', { title: 'Un billet ancien', views: 3 }) });
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'news-quiet-'));

  test.each([
    ['new', ['new', '--title', 'Portes ouvertes', '--body', 'Samedi 12 mars.', '--quiet']],
    ['export html', ['export', 'html', '--out', path.join(out, 'site'), '--quiet']],
    ['export rss', ['export', 'rss', '--out', path.join(out, 'feed.xml'), '-q']],
    ['export atom', ['export', 'atom', '--out', path.join(out, 'atom.xml'), '-q']],
    ['export json', ['export', 'json', '--out', path.join(out, 'feed.json'), '-q']],
    ['validate', ['validate', '--quiet']],
    ['import', ['import', '--quiet', PAGE]],
    ['dedupe --apply', ['dedupe', '--apply', '--quiet']],
  ])('%s', async (_name, args) => {
    const loud = args.filter((a) => a !== '--quiet' && a !== '-q');
    if (_name === 'new') loud.splice(loud.indexOf('Portes ouvertes'), 3, 'Journée découverte', '--body', 'Mardi 3 avril.');
    if (_name !== 'import' && _name !== 'dedupe --apply') {
      // The same command without --quiet does print a success line (so the test can fail).
      const r = await runNews([...loud, '--dir', dir]);
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).not.toBe('');
    }
    const r = await runNews([...args, '--dir', dir]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
  });

  test('import prints its lines without --quiet', async () => {
    const other = tempContent({});
    const r = await runNews(['import', PAGE, '--dir', other]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('créé');
  });

  test('the posts and the site were really written', () => {
    expect(fs.existsSync(path.join(dir, 'posts', 'portes-ouvertes.json'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'site', 'index.html'))).toBe(true);
    expect(fs.readFileSync(path.join(out, 'feed.xml'), 'utf8')).toContain('<rss');
  });
});

describe('--quiet keeps what goes wrong', () => {
  test('validate --quiet still names a problem, exit 1', async () => {
    const dir = tempContent({ casse: '{"slug": ' });
    const r = await runNews(['validate', '--quiet', '--dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('casse.json');
    expect(r.stderr).toContain('problème');
  });

  test('export --quiet still fails loudly on a broken post, exit 2', async () => {
    const dir = tempContent({ casse: '{"slug": ' });
    const r = await runNews(['export', 'rss', '--quiet', '--dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('casse.json');
  });

  test('every command that prints a success line lists --quiet in its help', async () => {
    for (const name of ['new', 'import', 'export', 'validate', 'dedupe']) {
      const r = await runNews([name, '--help']);
      expect(r.stdout).toContain('-q, --quiet');
    }
  });
});
