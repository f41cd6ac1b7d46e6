// `news new` as scripts and cron run it: flags only, stdin not a terminal.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, cleanEnv, collectRun, makePost, runNews, snapshotTree, tempContent, type RunResult } from '../helpers/cli.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NO_STACK = /^\s+at /m;

/** Today in Paris, computed here independently of the code under test. */
function parisToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

function readPost(dir: string, slug: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(dir, 'posts', `${slug}.json`), 'utf8'));
}

describe('without a terminal, a missing title or body is exit 2 at once, never a hang', () => {
  const dir = tempContent({});

  function expectRefused(r: RunResult): void {
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--title');
    expect(r.stderr).toContain('--body');
    expect(r.stderr).toContain('sans terminal');
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(fs.readdirSync(path.join(dir, 'posts'))).toEqual([]);
  }

  test('stdin an empty, closed pipe', async () => {
    expectRefused(await runNews(['new', '--dir', dir], { timeoutMs: 10_000 }));
  });

  test('stdin /dev/null', async () => {
    expectRefused(await runNews(['new', '--dir', dir], { input: 'ignore', timeoutMs: 10_000 }));
  });

  test('stdin closed (no file descriptor 0 at all)', async () => {
    const child = spawn('/bin/sh', ['-c', `exec "${process.execPath}" "${BIN}" new --dir "${dir}" <&-`], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    expectRefused(await collectRun(child, 10_000));
  });

  test('stdin a pipe that stays open (cron): no wait for it', async () => {
    // stdin is left open (never ended): news must not wait for it.
    const child = spawn(process.execPath, [BIN, 'new', '--dir', dir, '--title', 'Sans texte'], { env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    const r = await collectRun(child, 10_000);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('il manque --body (ou --body-file) : sans terminal');
  });

  test('only the missing flag is named', async () => {
    const r = await runNews(['new', '--dir', dir, '--body', 'Texte']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('il manque --title : sans terminal');
  });
});

describe('every answer as a flag', () => {
  const dir = tempContent({ 'portes-ouvertes': makePost('portes-ouvertes', { title: 'Portes ouvertes', body: 'Tout autre chose.' }) });

  test('--json prints the stored post; the file is the same JSON, 2 spaces, final newline, no BOM', async () => {
    const r = await runNews([
      'new', '--dir', dir, '--title', 'Le miroir brisé des réseaux sociaux', '--summary', 'Un chapeau.', '--body', 'Texte *Markdown*.',
      '--date', '2013-10-29', '--author', 'Quelqu’un', '--tag', 'réseaux sociaux', '--tag', 'Réseaux sociaux', '--tag', 'école', '--draft', '--json',
    ], { env: { TZ: 'Pacific/Auckland' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const printed = JSON.parse(r.stdout);
    const file = path.join(dir, 'posts', 'le-miroir-brise-des-reseaux-sociaux.json');
    const bytes = fs.readFileSync(file);
    expect(bytes[0]).toBe(0x7b);
    expect(bytes.toString('utf8')).toBe(`${JSON.stringify(printed, null, 2)}\n`);
    expect(printed).toEqual({
      schemaVersion: 1,
      id: expect.stringMatching(UUID),
      slug: 'le-miroir-brise-des-reseaux-sociaux',
      title: 'Le miroir brisé des réseaux sociaux',
      date: '2013-10-29',
      status: 'draft',
      author: 'Quelqu’un',
      tags: ['réseaux sociaux', 'école'],
      summary: 'Un chapeau.',
      body: 'Texte *Markdown*.',
      views: 0,
      aliases: [],
      createdAt: expect.stringMatching(/\+0[12]:00$/), // Paris time, even on a machine in Auckland
      updatedAt: printed.createdAt,
    });
    expect(Object.keys(printed)).toEqual(['schemaVersion', 'id', 'slug', 'title', 'date', 'status', 'author', 'tags', 'summary', 'body', 'views', 'aliases', 'createdAt', 'updatedAt']);
  });

  test('defaults: published, today in Paris (whatever TZ), the site author; the path on stdout', async () => {
    for (const tz of ['America/Los_Angeles', 'Pacific/Auckland']) {
      const r = await runNews(['new', '--title', `Par défaut ${tz}`, '--body', 'Texte.'], { cwd: dir, env: { NEWS_DIR: dir, TZ: tz } });
      expect(r.code).toBe(0);
      const slug = `par-defaut-${tz.toLowerCase().replace(/[^a-z]+/g, '-')}`;
      expect(r.stdout).toBe(`posts/${slug}.json\n`);
      const post = readPost(dir, slug);
      expect(post.status).toBe('published');
      expect(post.date).toBe(parisToday());
      expect(post.author).toBe('Équipe formation');
      expect(post.views).toBe(0);
    }
  });

  test('a second post with the same title gets -2 and a look-alike warning on stderr', async () => {
    const r = await runNews(['new', '--dir', dir, '--title', 'Portes ouvertes', '--body', 'Samedi.']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(path.join(dir, 'posts', 'portes-ouvertes-2.json'));
    expect(r.stderr).toBe('attention : ce billet ressemble à un billet existant (portes-ouvertes) ; voir news dedupe\n');
    expect(readPost(dir, 'portes-ouvertes').body).toBe('Tout autre chose.'); // never overwritten
  });

  test('a body equal to an existing one once normalised is also a look-alike', async () => {
    const r = await runNews(['new', '--dir', dir, '--title', 'Autre titre', '--body', '  TOUT autre   chose !']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('ressemble à un billet existant (portes-ouvertes');
  });

  test('--slug is used as given; a taken one is refused', async () => {
    let r = await runNews(['new', '--dir', dir, '--title', 'Quelconque', '--body', 'x', '--slug', 'mon-slug-2014']);
    expect(r.code).toBe(0);
    expect(readPost(dir, 'mon-slug-2014').title).toBe('Quelconque');
    const before = snapshotTree(dir);
    r = await runNews(['new', '--dir', dir, '--title', 'Quelconque', '--body', 'x', '--slug', 'portes-ouvertes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--slug « portes-ouvertes » est déjà pris');
    expect(snapshotTree(dir)).toEqual(before);
  });

  test('--author "" means no author (not the site one, not an empty one); blank --summary too', async () => {
    const r = await runNews(['new', '--dir', dir, '--title', 'Anonyme', '--body', 'x', '--author', ' ', '--summary', '', '--json']);
    expect(r.code).toBe(0);
    const post = readPost(dir, 'anonyme');
    expect('author' in post).toBe(false);
    expect('summary' in post).toBe(false);
    expect(JSON.parse(r.stdout)).toEqual(post);
  });

  test('a title that gives no slug letters falls back to "billet"', async () => {
    const r = await runNews(['new', '--dir', dir, '--title', '« ! »', '--body', 'x']);
    expect(r.code).toBe(0);
    expect(readPost(dir, 'billet').title).toBe('« ! »');
  });

  test('a date-time is kept as written', async () => {
    const r = await runNews(['new', '--dir', dir, '--title', 'Heure', '--body', 'x', '--date', '2014-07-31T22:30:00Z', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).date).toBe('2014-07-31T22:30:00Z');
    const shown = await runNews(['show', '--dir', dir, 'heure']);
    expect(shown.stdout).toContain("le 1er août 2014 à 0 h 30 (lu 0 fois)");
  });

  test('--body-file - reads stdin; --body-file <path> reads a file', async () => {
    let r = await runNews(['new', '--dir', dir, '--title', 'Depuis stdin', '--body-file', '-'], { input: 'Ligne un.\n\nLigne deux, été.\n' });
    expect(r.code).toBe(0);
    expect(readPost(dir, 'depuis-stdin').body).toBe('Ligne un.\n\nLigne deux, été.\n');
    const file = path.join(dir, '..', `${path.basename(dir)}-corps.md`);
    fs.writeFileSync(file, '\uFEFFCorps depuis un fichier.\n');
    r = await runNews(['new', '--dir', dir, '--title', 'Depuis fichier', '--body-file', file]);
    expect(r.code).toBe(0);
    expect(readPost(dir, 'depuis-fichier').body).toBe('Corps depuis un fichier.\n');
  });

  describe('bad flags: exit 2, a French message naming the flag, nothing written', () => {
    const notUtf8 = path.join(dir, '..', `${path.basename(dir)}-latin1.txt`);
    fs.writeFileSync(notUtf8, Buffer.from([0x45, 0x74, 0xe9, 0x0a])); // "Eté" in Latin-1
    test.each([
      ['--slug ../x', ['--title', 'T', '--body', 'x', '--slug', '../x'], '--slug « ../x »'],
      // the other bad flags are checked in process: test/unit/usage.test.ts
    ])('%s', async (_name, args, expected) => {
      const before = snapshotTree(dir);
      const r = await runNews(['new', '--dir', dir, ...args]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^news : erreur : /);
      expect(r.stderr).toContain(expected);
      expect(r.stderr).not.toMatch(NO_STACK);
      expect(snapshotTree(dir)).toEqual(before);
    });

    test('stdin not UTF-8 for --body-file -', async () => {
      const before = snapshotTree(dir);
      const child = spawn(process.execPath, [BIN, 'new', '--dir', dir, '--title', 'T', '--body-file', '-'], { env: cleanEnv() });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
      child.stdin.end(Buffer.from([0x45, 0x74, 0xe9, 0x0a]));
      const code = await new Promise((resolve) => child.on('close', resolve));
      expect(code).toBe(2);
      expect(stderr).toContain("l’entrée standard n’est pas en UTF-8");
      expect(snapshotTree(dir)).toEqual(before);
    });
  });
});

test('20 concurrent news new with the same title: 20 distinct valid files, validate clean', async () => {
  const dir = tempContent({});
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => runNews(['new', '--dir', dir, '--title', 'X', '--body', `Texte numéro ${i}.`, '--json'], { timeoutMs: 60_000 })),
  );
  for (const r of results) {
    expect(r.stderr).not.toMatch(/erreur/);
    expect(r.code).toBe(0);
  }
  const expected = ['x', ...Array.from({ length: 19 }, (_, i) => `x-${i + 2}`)].sort();
  expect(results.map((r) => JSON.parse(r.stdout).slug).sort()).toEqual(expected);
  expect(fs.readdirSync(path.join(dir, 'posts')).sort()).toEqual(expected.map((s) => `${s}.json`).sort());
  const bodies = new Set(expected.map((s) => readPost(dir, s).body));
  expect(bodies.size).toBe(20); // nobody's post was overwritten
  expect(new Set(expected.map((s) => readPost(dir, s).id)).size).toBe(20);
  expect(fs.existsSync(path.join(dir, '.news.lock'))).toBe(false);
  const v = await runNews(['validate', '--dir', dir, '--json']);
  expect(v.code).toBe(0);
  expect(JSON.parse(v.stdout)).toEqual({ ok: true, checked: 20, problems: [], warnings: [] });
});

test('a content folder held by another command: clear message and exit 2 after NEWS_LOCK_TIMEOUT', async () => {
  const dir = tempContent({});
  fs.mkdirSync(path.join(dir, '.news.lock')); // a fresh lock, as a running command holds it
  const r = await runNews(['new', '--dir', dir, '--title', 'T', '--body', 'x'], { env: { NEWS_LOCK_TIMEOUT: '300' } });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('est verrouillé par une autre commande news');
  expect(r.stderr).toContain('NEWS_LOCK_TIMEOUT');
  expect(fs.readdirSync(path.join(dir, 'posts'))).toEqual([]);
});

test('a stale lock left by a killed process is taken over', async () => {
  const dir = tempContent({});
  const lock = path.join(dir, '.news.lock');
  fs.mkdirSync(lock);
  const old = new Date(Date.now() - 60_000);
  fs.utimesSync(lock, old, old);
  const r = await runNews(['new', '--dir', dir, '--title', 'Repris', '--body', 'x'], { env: { NEWS_LOCK_TIMEOUT: '2000' } });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(readPost(dir, 'repris').title).toBe('Repris');
});
