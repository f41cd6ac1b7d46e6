// `news list`, `news show`, `news validate`, help and usage errors, run as a user would (built bin/news.js).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, cleanEnv, makePost, runNews, snapshotTree, tempContent } from '../helpers/cli.js';

const NNBSP = '\u202f';
const ESC = '\u001b[';
const NO_STACK = /^\s+at /m;

// One content folder for the whole file: a scheduled post, a draft, date-times in winter and
// summer (Paris), tags differing in case, an alias and an unknown field.
const POSTS = {
  'le-miroir-brise-des-reseaux-sociaux': makePost('le-miroir-brise-des-reseaux-sociaux', {
    id: '6f1c2a9e-3b7d-5e41-9a0c-2d8e4f6b1a37',
    title: 'Le miroir brisé des réseaux sociaux',
    date: '2013-10-29',
    tags: ['réseaux sociaux'],
    body: 'Que disent-ils ?\n\nDes choses.',
    views: 787,
    aliases: ['ancien-miroir'],
    legacyId: 42,
  }),
  rentree: makePost('rentree', { title: 'Rentrée', date: '2014-07-31T22:30:00Z', tags: ['Agenda'], views: 1234, summary: 'La rentrée approche.' }),
  'nuit-d-hiver': makePost('nuit-d-hiver', { title: 'Nuit d’hiver', date: '2013-10-29T23:30:00Z', tags: ['agenda'], views: 5 }),
  'zebre-en-brouillon': makePost('zebre-en-brouillon', { title: 'Zèbre en brouillon', date: '2015-03-01', status: 'draft', views: 0 }),
  'dans-le-futur': makePost('dans-le-futur', { title: 'Dans le futur', date: '2099-01-01', views: 2 }),
  'avant-tout': makePost('avant-tout', { title: 'Avant tout', date: '2012-01-01', views: 100, author: 'Marie' }),
};
const dir = tempContent(POSTS);
const before = snapshotTree(dir);

afterAll(() => {
  // Reading commands never write: the folder is byte for byte what it was.
  expect(snapshotTree(dir)).toEqual(before);
});

/** The slug column of `news list` output: the last word of each line. */
function slugs(stdout: string): string[] {
  return stdout.trimEnd().split('\n').map((line) => line.split(' ').pop()!);
}

async function list(...args: string[]) {
  const r = await runNews(['list', '--dir', dir, ...args]);
  expect(r.code).toBe(0);
  expect(r.stdout).not.toContain(ESC); // not a terminal: no colour
  return r;
}

describe('news list', () => {
  test('published posts, newest first, French dates and views, aligned, the slug a word of its own', async () => {
    const r = await list();
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      // A post dated with a time shows it, in the site's zone (SPEC: list and show show the time).
      'le 1er janvier 2099          Dans le futur [programmé]                lu 2 fois  dans-le-futur',
      `le 1er août 2014 à 0 h 30    Rentrée                              lu 1${NNBSP}234 fois  rentree`,
      'le 30 octobre 2013 à 0 h 30  Nuit d’hiver                             lu 5 fois  nuit-d-hiver',
      'le 29 octobre 2013           Le miroir brisé des réseaux sociaux    lu 787 fois  le-miroir-brise-des-reseaux-sociaux',
      'le 1er janvier 2012          Avant tout                             lu 100 fois  avant-tout',
    ]);
    // Every column starts at the same place on every line.
    const slugColumn = lines.map((line) => [...line].length - line.split(' ').pop()!.length);
    expect(new Set(slugColumn).size).toBe(1);
  });

  test('the same output whatever the machine time zone', async () => {
    const reference = (await list()).stdout;
    const all = (await list('--all')).stdout;
    for (const TZ of ['UTC', 'America/Los_Angeles', 'Pacific/Auckland']) {
      const r = await runNews(['list', '--dir', dir, '--all'], { env: { TZ } });
      expect(r.stdout).toBe(all);
      expect(r.stdout).toContain('le 30 octobre 2013'); // 23:30 UTC is the next day in Paris (winter, UTC+1)
      expect(r.stdout).toContain('le 1er août 2014'); // 22:30 UTC is the next day in Paris (summer, UTC+2)
      expect(r.stdout).toContain('le 29 octobre 2013'); // a calendar date is never shifted
    }
    expect(reference).not.toContain('brouillon');
  });

  test('--all adds drafts, marked; --drafts shows only them', async () => {
    const all = (await list('--all')).stdout;
    expect(slugs(all)).toEqual(['dans-le-futur', 'zebre-en-brouillon', 'rentree', 'nuit-d-hiver', 'le-miroir-brise-des-reseaux-sociaux', 'avant-tout']);
    expect(all).toMatch(/Zèbre en brouillon \[brouillon\]/);
    expect(slugs((await list('--drafts')).stdout)).toEqual(['zebre-en-brouillon']);
  });

  test('--tag ignores case', async () => {
    expect(slugs((await list('--tag', 'agenda')).stdout)).toEqual(['rentree', 'nuit-d-hiver']);
    expect(slugs((await list('--tag', 'AGENDA')).stdout)).toEqual(['rentree', 'nuit-d-hiver']);
    expect(slugs((await list('-t', 'réseaux sociaux')).stdout)).toEqual(['le-miroir-brise-des-reseaux-sociaux']);
  });

  test('--since and --until compare the day a reader sees, bounds included', async () => {
    expect(slugs((await list('--since', '2013-10-30')).stdout)).toEqual(['dans-le-futur', 'rentree', 'nuit-d-hiver']);
    expect(slugs((await list('--until', '2013-10-29')).stdout)).toEqual(['le-miroir-brise-des-reseaux-sociaux', 'avant-tout']);
    expect(slugs((await list('--since', '2013-01-01', '--until', '2014-08-01')).stdout)).toEqual(['rentree', 'nuit-d-hiver', 'le-miroir-brise-des-reseaux-sociaux']);
  });

  test('--sort views|title|date, --reverse, --limit', async () => {
    expect(slugs((await list('--sort', 'views')).stdout)).toEqual(['rentree', 'le-miroir-brise-des-reseaux-sociaux', 'avant-tout', 'nuit-d-hiver', 'dans-le-futur']);
    expect(slugs((await list('--sort', 'title')).stdout)).toEqual(['avant-tout', 'dans-le-futur', 'le-miroir-brise-des-reseaux-sociaux', 'nuit-d-hiver', 'rentree']);
    expect(slugs((await list('--sort', 'date', '--reverse')).stdout)).toEqual(['avant-tout', 'le-miroir-brise-des-reseaux-sociaux', 'nuit-d-hiver', 'rentree', 'dans-le-futur']);
    expect(slugs((await list('-s', 'views', '-r', '-n', '2')).stdout)).toEqual(['dans-le-futur', 'nuit-d-hiver']);
    expect(slugs((await list('--limit', '1')).stdout)).toEqual(['dans-le-futur']);
  });

  test('--json: an array of the stored post objects, unknown fields included', async () => {
    const r = await list('--json', '--all', '--sort', 'title');
    expect(r.stderr).toBe('');
    const posts = JSON.parse(r.stdout);
    expect(posts.map((p: { slug: string }) => p.slug)).toEqual(['avant-tout', 'dans-le-futur', 'le-miroir-brise-des-reseaux-sociaux', 'nuit-d-hiver', 'rentree', 'zebre-en-brouillon']);
    expect(posts[2]).toEqual(POSTS['le-miroir-brise-des-reseaux-sociaux']);
    expect(posts[2].legacyId).toBe(42);
    expect(JSON.parse((await list('--json', '--tag', 'nulle-part')).stdout)).toEqual([]);
  });

  test('nothing matches: exit 0, stdout empty, a French note on stderr', async () => {
    const r = await list('--tag', 'nulle-part');
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('Aucun billet ne correspond.\n');
  });
  // Bad flag values and the other usage errors are checked in process: test/unit/usage.test.ts.
});

describe('news show', () => {
  test('a post as a reader sees it', async () => {
    const r = await runNews(['show', '--dir', dir, 'le-miroir-brise-des-reseaux-sociaux']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('Le miroir brisé des réseaux sociaux\nle 29 octobre 2013 (lu 787 fois)\nÉtiquettes : réseaux sociaux\n\nQue disent-ils ?\n\nDes choses.\n');
  });

  test('summary, author, date-time in the site zone, grouped views', async () => {
    const r = await runNews(['show', '--dir', dir, 'rentree'], { env: { TZ: 'America/Los_Angeles' } });
    expect(r.stdout).toBe(`Rentrée\nle 1er août 2014 à 0 h 30 (lu 1${NNBSP}234 fois)\nÉtiquettes : Agenda\n\nLa rentrée approche.\n\nTexte du billet rentree.\n`);
    const a = await runNews(['show', '--dir', dir, 'avant-tout']);
    expect(a.stdout).toContain('\npar Marie\n');
  });

  test('a draft is marked', async () => {
    const r = await runNews(['show', '--dir', dir, 'zebre-en-brouillon']);
    expect(r.stdout.split('\n')[1]).toBe('le 1er mars 2015 (lu 0 fois) [brouillon]');
  });

  test('an alias finds its post', async () => {
    const byAlias = await runNews(['show', '--dir', dir, 'ancien-miroir']);
    const bySlug = await runNews(['show', '--dir', dir, 'le-miroir-brise-des-reseaux-sociaux']);
    expect(byAlias.code).toBe(0);
    expect(byAlias.stdout).toBe(bySlug.stdout);
  });

  test('--json: the stored object', async () => {
    const r = await runNews(['show', 'ancien-miroir', '--json'], { env: { NEWS_DIR: dir } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(POSTS['le-miroir-brise-des-reseaux-sociaux']);
  });

  test('an unknown slug: exit 2, the nearest slugs suggested, nothing on stdout', async () => {
    const r = await runNews(['show', '--dir', dir, 'miroir-brise']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^news : erreur : aucun billet « miroir-brise » \(ni slug ni alias\)\. Slugs proches : le-miroir-brise-des-reseaux-sociaux/);
    const typo = await runNews(['show', '--dir', dir, 'rentre']);
    expect(typo.stderr).toContain('Slugs proches : rentree');
    const far = await runNews(['show', '--dir', dir, 'zzzzzzzzzzzzzz']);
    expect(far.code).toBe(2);
    expect(far.stderr).toContain('Voir news list --all pour les slugs existants.');
  });

  test('a slug that is not a slug is refused, never used as a path', async () => {
    const r = await runNews(['show', '--dir', dir, '../site']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('aucun billet « ../site »');
  });
});

describe('news validate', () => {
  test('a sound folder: exit 0, nothing on stdout, a count on stderr', async () => {
    const r = await runNews(['validate', '--dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('6 billet(s) vérifié(s) : aucun problème.\n');
    const j = await runNews(['validate', '--dir', dir, '--json']);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout)).toEqual({ ok: true, checked: 6, problems: [], warnings: [] });
  });

  test('a slug or alias claimed twice: exit 1, both files named', async () => {
    const twice = tempContent({
      a: makePost('a', { aliases: ['b'] }),
      b: makePost('b'),
      c: makePost('c', { aliases: ['z', 'z'] }),
    });
    const r = await runNews(['validate', '--dir', twice]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('posts/a.json : « b » est revendiqué plusieurs fois (a.json (alias), b.json (slug))');
    expect(r.stdout).toContain('posts/b.json : « b » est revendiqué plusieurs fois');
    expect(r.stdout).not.toContain('« z »'); // the same alias twice in one post is not a conflict
    expect(r.stderr).toBe('3 billet(s) vérifié(s) : 2 problème(s).\n');
    const j = JSON.parse((await runNews(['validate', '--dir', twice, '--json'])).stdout);
    expect(j.ok).toBe(false);
    expect(j.problems.map((p: { file: string; field: string }) => `${p.file} ${p.field}`).sort()).toEqual(['posts/a.json aliases', 'posts/b.json slug']);
  });

  test('a broken site.json is reported', async () => {
    const bad = tempContent({ a: makePost('a') }, { timeZone: 'Europe/Pariss', baseUrl: 'pas une url' });
    const r = await runNews(['validate', '--dir', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/site\.json : champ (timeZone|baseUrl)/);
  });
});

describe('help and usage errors, in French', () => {
  test('news --help and news <cmd> --help: French, on stdout, exit 0', async () => {
    const main = await runNews(['--help']);
    expect(main.code).toBe(0);
    expect(main.stderr).toBe('');
    expect(main.stdout).toMatch(/^Utilisation : news \[options\] <commande>/);
    for (const word of ['Options :', 'Commandes :', 'affiche la version', "affiche l’aide", 'new', 'list', 'show', 'validate']) expect(main.stdout).toContain(word);
    for (const args of [['new', '--help'], ['list', '--help'], ['show', '-h'], ['help', 'validate']]) {
      const command = args[0] === 'help' ? args[1]! : args[0]!;
      const r = await runNews(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Utilisation : news ${command}`);
      expect(r.stdout).toContain('Exemples :');
      expect(r.stdout).toContain('--dir <chemin>');
      expect(r.stdout).not.toMatch(/\bdefault\b|Usage:|Options:|display help/);
      if (command === 'list') expect(r.stdout).toContain('(par défaut : "date")');
    }
  });

  test('news --version and -V: the package version, exit 0', async () => {
    const version = JSON.parse(fs.readFileSync(path.join(BIN, '..', '..', 'package.json'), 'utf8')).version;
    for (const flag of ['--version', '-V']) {
      const r = await runNews([flag]);
      expect(r).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });

  test.each([
    [['frob'], 'news : erreur : commande inconnue « frob »', 'Voir news --help.'],
    [['list', '--revers'], 'news : erreur : option inconnue « --revers » (vouliez-vous dire --reverse ?)', 'Voir news list --help.'],
  ])('news %j: exit 2, French, nothing on stdout', async (args, message, hint) => {
    const r = await runNews([...args, '--dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain(hint);
    expect(r.stderr).not.toMatch(/error:|unknown|Did you mean/);
  });
});

describe('the content folder', () => {
  test('--dir, then NEWS_DIR, then ./content', async () => {
    const other = tempContent({ seul: makePost('seul') });
    expect(slugs((await runNews(['list'], { env: { NEWS_DIR: other } })).stdout)).toEqual(['seul']);
    expect(slugs((await runNews(['list', '--dir', dir], { env: { NEWS_DIR: other } })).stdout)).toContain('rentree');
    expect(slugs((await runNews(['list'], { cwd: path.dirname(dir), env: { NEWS_DIR: path.basename(other) } })).stdout)).toEqual(['seul']);
  });

  test.each(['list', 'show x', 'validate', 'new --title T --body x'])('news %s: missing folder or a file given as folder is exit 2, named, no stack', async (command) => {
    const args = command.split(' ');
    const missing = await runNews([...args, '--dir', path.join(dir, 'nulle-part')]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toBe(`news : erreur : le dossier de contenu ${path.join(dir, 'nulle-part')} (--dir) n’existe pas : indiquez un dossier existant avec --dir <chemin> ou NEWS_DIR, ou créez-le avec un sous-dossier posts/\n`);
    const file = await runNews(args, { env: { NEWS_DIR: path.join(dir, 'site.json') } });
    expect(file.code).toBe(2);
    expect(file.stderr).toContain(`${path.join(dir, 'site.json')} (NEWS_DIR) est un fichier, pas un dossier de contenu`);
    expect(file.stderr).not.toMatch(NO_STACK);
    expect(fs.existsSync(path.join(dir, 'nulle-part'))).toBe(false);
  });
});

describe('output streams', () => {
  test('a reader that goes away (news list | head): no stack trace, exit 0', async () => {
    const big = tempContent(Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`b${i}`, makePost(`b${i}`)])));
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'list', '--dir', big], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy(); // the reader is gone before the first line
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  test('stdout that cannot be written (disk full): a French message and exit 2, no stack; a stack with NEWS_DEBUG=1', async () => {
    const run = (env: Record<string, string>) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const full = fs.openSync('/dev/full', 'w');
        const child = spawn(process.execPath, [BIN, 'show', '--dir', dir, 'rentree'], { env: cleanEnv(env), stdio: ['ignore', full, 'pipe'] });
        fs.closeSync(full);
        let stderr = '';
        child.stderr!.setEncoding('utf8').on('data', (d) => (stderr += d));
        child.on('close', (code) => resolve({ code, stderr }));
      });
    const plain = await run({});
    expect(plain.code).toBe(2);
    expect(plain.stderr).toBe('news : erreur : écriture impossible sur la sortie standard (ENOSPC) : vérifiez la destination de la sortie (disque plein ?) puis relancez\n');
    const debug = await run({ NEWS_DEBUG: '1' });
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(NO_STACK);
  });
});

test('control characters in a post (terminal escape sequences) never reach the terminal', async () => {
  const hostile = tempContent({
    x: makePost('x', { title: 'Titre\u001b]0;pirate\u0007\u001b[31mrouge', body: 'ligne\r\nsuite\u001b[2J fin\ttab', tags: ['a\u001b[5mb'], author: 'Moi\u009b' }),
  });
  const listed = await runNews(['list', '--dir', hostile]);
  const shown = await runNews(['show', '--dir', hostile, 'x']);
  for (const r of [listed, shown]) {
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  }
  expect(shown.stdout).toBe('Titre]0;pirate[31mrouge\nle 29 octobre 2013 (lu 0 fois)\npar Moi\nÉtiquettes : a[5mb\n\nligne\nsuite[2J fin\ttab\n');
  // --json keeps the stored text exactly (JSON escapes it)
  const json = await runNews(['show', '--dir', hostile, 'x', '--json']);
  expect(JSON.parse(json.stdout).title).toBe('Titre\u001b]0;pirate\u0007\u001b[31mrouge');
});
