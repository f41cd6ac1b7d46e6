/** `news import` end to end: the built bin/news.js, as a user runs it, on a temp content folder. */
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { ROOT, runNews, snapshotTree, tempContent } from '../helpers/cli.js';

const PAGES = path.join(ROOT, 'test', 'fixtures', 'import', 'pages');
const FEEDS = path.join(ROOT, 'test', 'fixtures', 'import', 'feeds');
const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** What each page written for these tests must become (every field but the derived id). */
const EXPECTED: Record<string, { file: string; title: string; date: string; views: number; body: string }> = {
  'le-miroir-brise-des-reseaux-sociaux': {
    file: '000_86685fca304575ad.txt',
    title: 'Le miroir brisé des réseaux sociaux',
    date: '2013-10-29',
    views: 787,
    body: JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'import', 'bundled-before-import.json'), 'utf8')).body
      .replace('pistes de solutions !\nMerci', 'pistes de solutions !\\\nMerci'),
  },
  'portes-ouvertes-du-1er-fevrier': {
    file: '01-portes-ouvertes.txt',
    title: 'Portes ouvertes du 1er février',
    date: '2014-02-01',
    views: 12045,
    body: 'Nos portes seront ouvertes toute la journée.\n\n## Pourquoi venir ?\n\nPour rencontrer les formateurs et visiter les salles.\n\nInscription conseillée : \\*places\\* limitées, voir \\<accueil> & \\[plan\\].\\\nMerci de prévenir !',
  },
  'l-ete-des-reseaux-ce-qu-il-faut-savoir': {
    file: '02-l-ete-des-reseaux.txt',
    title: 'L’été des réseaux : ce qu’il faut savoir',
    date: '2015-08-15',
    views: 12045,
    body: 'L’été est là : voici ce qu’il faut retenir.\n\n\\- Un tiret en début de ligne n’est pas une liste.\n\n1\\. Ni un numéro.',
  },
  'fermeture-de-fin-d-annee': {
    file: '03-fermeture.txt',
    title: 'Fermeture de fin d’année',
    date: '2012-12-31',
    views: 12045,
    body: 'Bonne fin d’année à toutes et à tous.\n\nLe centre rouvre le 5 janvier.',
  },
  'nouvelle-session-en-mars': {
    file: '04-mars.txt',
    title: 'Nouvelle session en mars',
    date: '2016-03-03',
    views: 12045,
    body: 'Un seul paragraphe, court.',
  },
  'les-voeux-de-l-equipe': {
    file: '05-windows-1252.txt',
    title: 'Les vœux de l’équipe',
    date: '2011-06-09',
    views: 1234,
    body: 'Cœur de métier : la stratégie Web… et l’accompagnement.\n\nÀ bientôt à la formation « Réseaux sociaux » !',
  },
  'atelier-mobilite-premier-bilan': {
    file: '07-octobre.txt',
    title: 'Atelier « Mobilité » : premier bilan',
    date: '2010-10-01',
    views: 0,
    body: '## Quels résultats ?\n\nDix participants, tous satisfaits.',
  },
};

function readPost(dir: string, slug: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(dir, 'posts', `${slug}.json`), 'utf8')) as Record<string, unknown>;
}

/** The page's own date and views lines, white space folded and digit groups joined: what `news show` must say. */
function footerOfPage(file: string): string {
  const bytes = fs.readFileSync(path.join(PAGES, file));
  const text = file.includes('1252') ? iconv.decode(bytes, 'windows-1252') : bytes.toString('utf8');
  const lines = text.split(/\r?\n/);
  const date = lines.findIndex((l) => /^le \S+ \S+ \d{4}$/.test(l.trim()));
  return sameWords(`${lines[date]!.trim()} ${lines[date + 1]!.trim()}`);
}

/** `(lu 12 045 fois)`, `(lu 12045 fois)`, `(lu 12\u202f045 fois)` are the same words. */
function sameWords(text: string): string {
  return text.replace(/(\d)\s+(?=\d{3}\b)/gu, '$1').replace(/\s+/gu, ' ');
}

describe('legacy pages', () => {
  const dir = tempContent();
  let first: Awaited<ReturnType<typeof runNews>>;

  beforeAll(async () => {
    first = await runNews(['import', '--dir', dir, PAGES]);
  });

  test('the folder is imported; the page with no date is named, and the exit code is 2', () => {
    expect(first.code).toBe(2);
    expect(first.stdout.match(/^créé : /gm)).toHaveLength(7);
    expect(first.stderr).toMatch(/06-sans-date\.txt : non importé, il manque : date/);
    expect(first.stderr).toMatch(/05-windows-1252\.txt : converti depuis Windows-1252/);
    expect(first.stderr).toMatch(/news : erreur : 1 page\(s\) ou élément\(s\) non importé\(s\)/);
    expect(first.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(fs.readdirSync(path.join(dir, 'posts')).sort()).toEqual(Object.keys(EXPECTED).map((s) => `${s}.json`).sort());
  });

  test.each(Object.keys(EXPECTED))('%s: every field', (slug) => {
    const expected = EXPECTED[slug]!;
    const post = readPost(dir, slug);
    expect(Object.keys(post)).toEqual(['schemaVersion', 'id', 'slug', 'title', 'date', 'status', 'author', 'tags', 'body', 'views', 'aliases']);
    expect(post).toEqual({
      schemaVersion: 1,
      id: expect.stringMatching(UUID_V5),
      slug,
      title: expected.title,
      date: expected.date,
      status: 'published',
      author: 'Équipe formation',
      tags: [],
      body: expected.body,
      views: expected.views,
      aliases: [],
    });
    // Each paragraph once.
    const paragraphs = (post.body as string).split('\n\n');
    expect(new Set(paragraphs).size).toBe(paragraphs.length);
  });

  test('ids differ from page to page', () => {
    const ids = Object.keys(EXPECTED).map((slug) => readPost(dir, slug).id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('news show prints the French date and the views as the page did', async () => {
    for (const [slug, { file, title }] of Object.entries(EXPECTED)) {
      const shown = await runNews(['show', '--dir', dir, slug]);
      expect(shown.code).toBe(0);
      const [head, footer] = shown.stdout.split('\n');
      expect(head).toBe(title);
      expect(sameWords(footer!)).toBe(footerOfPage(file));
      expect(footer).toMatch(/^le (1er|\d{1,2}) \S+ \d{4} \(lu \d{1,3}(\u202f\d{3})* fois\)$/);
    }
    const valid = await runNews(['validate', '--dir', dir]);
    expect(valid.code).toBe(0);
    const list = await runNews(['list', '--dir', dir]);
    expect(list.stdout).toMatch(/^le 1er février 2014 +Portes ouvertes du 1er février +lu 12\u202f045 fois +portes-ouvertes-du-1er-fevrier$/m);
  });

  test('a second import creates nothing and says « déjà présent »', async () => {
    const before = snapshotTree(dir);
    const again = await runNews(['import', '--dir', dir, '--json', PAGES]);
    expect(again.code).toBe(2);
    const report = JSON.parse(again.stdout) as { created: unknown[]; skipped: Array<{ reason: string; slug: string }>; problems: Array<{ source: string; missing: string[] }> };
    expect(report.created).toEqual([]);
    expect(report.skipped.map((s) => s.slug).sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(new Set(report.skipped.map((s) => s.reason))).toEqual(new Set(['déjà présent']));
    expect(report.problems).toEqual([{ source: path.relative(ROOT, path.join(PAGES, '06-sans-date.txt')), missing: ['date'], reasons: [expect.stringContaining('date absente')] }]);
    expect(snapshotTree(dir)).toEqual(before);

    const one = await runNews(['import', '--dir', dir, path.join(PAGES, '01-portes-ouvertes.txt')]);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^déjà présent : .*01-portes-ouvertes\.txt \(.*portes-ouvertes-du-1er-fevrier\.json\)$/m);
    expect(one.stderr).toContain('0 billet(s) créé(s), 1 déjà présent(s).');
  });
});

describe.each([
  ['rss', 'rss.xml', 2, 'journee-numerique-emploi-le-programme', 'le 29 octobre 2013 à 9 h 12 (lu 0 fois)'],
  ['atom', 'atom.xml', 3, 'nouvelle-formation-strategie-web', 'le 25 décembre 2014 à 0 h 30 (lu 0 fois)'],
  ['json', 'feed.json', 2, 'rentree-2016-ce-qui-change', 'le 1er septembre 2016 à 8 h 00 (lu 0 fois)'],
])('--from %s', (format, file, count, slug, footer) => {
  test('imported twice: the second time creates nothing', async () => {
    const dir = tempContent();
    const first = await runNews(['import', '--dir', dir, '--from', format, path.join(FEEDS, file)]);
    expect(first.stderr).toContain(`${count} billet(s) créé(s), 0 déjà présent(s).`);
    expect(first.code).toBe(0);
    expect(first.stdout.match(/^créé : /gm)).toHaveLength(count);
    const before = snapshotTree(dir);
    const second = await runNews(['import', '--dir', dir, '--from', format, '--json', path.join(FEEDS, file)]);
    expect(second.code).toBe(0);
    const report = JSON.parse(second.stdout) as { created: unknown[]; skipped: unknown[] };
    expect(report.created).toEqual([]);
    expect(report.skipped).toHaveLength(count);
    expect(snapshotTree(dir)).toEqual(before);
    // The second run loaded every post: none was found broken.
    expect(second.stderr).not.toContain('billet ignoré');
    const shown = await runNews(['show', '--dir', dir, slug]);
    expect(shown.stdout.split('\n')[1]).toBe(footer);
  });
});

test('without --from, a feed is refused with the flag to use', async () => {
  const dir = tempContent();
  const r = await runNews(['import', '--dir', dir, path.join(FEEDS, 'atom.xml')]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/atom\.xml : non importé : ce fichier est un flux Atom.*--from atom/);
  expect(fs.readdirSync(path.join(dir, 'posts'))).toEqual([]);
});
