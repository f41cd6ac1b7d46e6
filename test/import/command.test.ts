import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runImport, type ImportOptions } from '../../src/commands/import.js';
import { isNewsError } from '../../src/core/errors.js';
import { colors, setColor } from '../../src/format/color.js';
import { makePost, ROOT, snapshotTree, tempContent } from '../helpers/cli.js';
import { testContext } from '../helpers/context.js';

const PAGES = path.join(ROOT, 'test', 'fixtures', 'import', 'pages');
const LEGACY = path.join(PAGES, '000_86685fca304575ad.txt');
const HEAD = "Accéder au contenu principal\n\nC'est d'actualité…\n\n";

function options(dir: string, paths: string[], extra: Partial<ImportOptions> = {}): ImportOptions {
  return { dir, paths, from: 'legacy', dryRun: false, json: false, ...extra };
}

function postFiles(dir: string): string[] {
  return fs.readdirSync(path.join(dir, 'posts')).sort();
}

function readPost(dir: string, slug: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(dir, 'posts', `${slug}.json`), 'utf8')) as Record<string, unknown>;
}

function scratch(files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'news-import-src-'));
  for (const [name, data] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), data);
  return dir;
}

async function failure(promise: Promise<unknown>): Promise<Error & { exitCode: number }> {
  try {
    await promise;
  } catch (error) {
    if (isNewsError(error)) return error;
    throw error;
  }
  throw new Error('expected a NewsError');
}

test('--json lists what was created, then what is already there; nothing else written', async () => {
  const dir = tempContent();
  const ctx = testContext();
  expect(await runImport(options(dir, [LEGACY], { json: true }), ctx)).toBe(0);
  const first = JSON.parse(ctx.out()) as { dryRun: boolean; created: Array<{ source: string; file: string; post: Record<string, unknown> }>; skipped: unknown[]; problems: unknown[] };
  expect(first.dryRun).toBe(false);
  expect(first.skipped).toEqual([]);
  expect(first.problems).toEqual([]);
  expect(first.created).toHaveLength(1);
  expect(first.created[0]!.post).toEqual(readPost(dir, 'le-miroir-brise-des-reseaux-sociaux'));
  expect(first.created[0]!.file).toBe(path.join(dir, 'posts', 'le-miroir-brise-des-reseaux-sociaux.json'));
  const before = snapshotTree(dir);

  const again = testContext();
  expect(await runImport(options(dir, [LEGACY], { json: true }), again)).toBe(0);
  const second = JSON.parse(again.out()) as { created: unknown[]; skipped: Array<Record<string, unknown>> };
  expect(second.created).toEqual([]);
  expect(second.skipped).toEqual([{
    source: path.relative(process.cwd(), LEGACY),
    reason: 'déjà présent',
    id: first.created[0]!.post.id,
    slug: 'le-miroir-brise-des-reseaux-sociaux',
    file: path.join(dir, 'posts', 'le-miroir-brise-des-reseaux-sociaux.json'),
  }]);
  expect(snapshotTree(dir)).toEqual(before);
});

test('--dry-run writes nothing and takes no lock, but says what would be created', async () => {
  const dir = tempContent();
  const before = snapshotTree(dir);
  const ctx = testContext();
  expect(await runImport(options(dir, [PAGES], { dryRun: true }), ctx).catch((e: Error) => e)).toBeInstanceOf(Error);
  expect(snapshotTree(dir)).toEqual(before);
  expect(fs.existsSync(path.join(dir, '.news.lock'))).toBe(false);
  expect(ctx.out().match(/^serait créé : /gm)).toHaveLength(7);
});

test('a progress bar on a terminal stderr only', async () => {
  const onTerminal = testContext({ stderrIsTTY: true });
  await runImport(options(tempContent(), [PAGES]), onTerminal).catch(() => undefined);
  expect(onTerminal.err()).toMatch(/\r\u001b\[K\[█+░*\] \d+\/7 /);
  expect(onTerminal.out()).not.toContain('\r');
  const piped = testContext();
  await runImport(options(tempContent(), [PAGES]), piped).catch(() => undefined);
  expect(piped.err()).not.toContain('\r');
  expect(piped.err()).not.toContain('█');
});

test('colour on stderr only when stderr is a terminal (SPEC: off when the output is not a terminal)', async () => {
  const was = colors.enabled;
  setColor(true);
  try {
    const redirected = testContext({ stdoutIsTTY: true });
    await runImport(options(tempContent(), [PAGES]), redirected).catch(() => undefined);
    expect(redirected.err()).toMatch(/^attention : .*converti depuis/m);
    expect(redirected.err()).toMatch(/^problème : /m);
    expect(redirected.err()).not.toContain('\u001b');
    const terminal = testContext({ stdoutIsTTY: true, stderrIsTTY: true });
    await runImport(options(tempContent(), [PAGES]), terminal).catch(() => undefined);
    expect(terminal.err()).toContain('\u001b[33mattention\u001b[39m');
    expect(terminal.err()).toContain('\u001b[31mproblème\u001b[39m');
  } finally {
    setColor(was);
  }
});

test('a page that cannot be understood is named with what is missing; the others are imported; exit 2 at the end', async () => {
  const dir = tempContent();
  const src = scratch({
    'bon.txt': `${HEAD}Bon billet\n\nTexte.\n\nle 2 mai 2012\n(lu 3 fois)\n`,
    'sans-titre.txt': `${HEAD}le 2 mai 2012\n(lu 3 fois)\n`,
    'mauvais-mois.txt': `${HEAD}Titre\n\nTexte.\n\nle 2 mais 2012\n(lu 3 fois)\n`,
    'flux.txt': '<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>',
    'ignoré.md': 'pas une page',
  });
  const ctx = testContext();
  const error = await failure(runImport(options(dir, [src, path.join(src, 'absent.txt')]), ctx));
  expect(error.exitCode).toBe(2);
  expect(error.message).toMatch(/^4 page\(s\) ou élément\(s\) non importé\(s\).*1 billet\(s\) créé\(s\)/);
  expect(postFiles(dir)).toEqual(['bon-billet.json']);
  const err = ctx.err();
  expect(err).toMatch(/sans-titre\.txt : non importé, il manque : titre/);
  expect(err).toMatch(/mauvais-mois\.txt : non importé, il manque : date — date illisible « le 2 mais 2012 » : mois « mais » inconnu/);
  expect(err).toMatch(/flux\.txt : non importé : ce fichier est un flux RSS.*--from rss/);
  expect(err).toMatch(/absent\.txt : non importé : fichier ou dossier introuvable/);
  expect(err).toMatch(/1 fichier\(s\) ignoré\(s\)/);
});

test('a page over 1 MiB is refused with its size, before it is read; the others are imported', async () => {
  const dir = tempContent();
  const big = `${HEAD}Titre\n\n${'Texte. '.repeat(160_000)}\n\nle 2 mai 2012\n(lu 3 fois)\n`;
  const src = scratch({ 'bon.txt': `${HEAD}Bon billet\n\nTexte.\n\nle 2 mai 2012\n(lu 3 fois)\n`, 'enorme.txt': big });
  const ctx = testContext();
  const error = await failure(runImport(options(dir, [src]), ctx));
  expect(error.exitCode).toBe(2);
  expect(ctx.err()).toContain(`enorme.txt : non importé : fichier trop gros (${Buffer.byteLength(big)} octets, au plus 1048576)`);
  expect(postFiles(dir)).toEqual(['bon-billet.json']);
});

test('slug collisions get -2; a post written by hand without id is recognised by its content', async () => {
  const handWritten = makePost('le-miroir-brise-des-reseaux-sociaux', {
    title: 'Le miroir brisé des réseaux sociaux',
    body: JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'import', 'bundled-before-import.json'), 'utf8')).body,
  });
  const dir = tempContent({ 'le-miroir-brise-des-reseaux-sociaux': handWritten });
  const ctx = testContext();
  await runImport(options(dir, [LEGACY]), ctx);
  expect(ctx.out()).toMatch(/^déjà présent : .*000_86685fca304575ad\.txt \(.*le-miroir-brise-des-reseaux-sociaux\.json\)$/m);

  const other = scratch({ 'autre.txt': `${HEAD}Le miroir brisé des réseaux sociaux\n\nUn autre texte.\n\nle 2 mai 2012\n(lu 3 fois)\n` });
  await runImport(options(dir, [other]), testContext());
  expect(postFiles(dir)).toEqual(['le-miroir-brise-des-reseaux-sociaux-2.json', 'le-miroir-brise-des-reseaux-sociaux.json']);
  expect(readPost(dir, 'le-miroir-brise-des-reseaux-sociaux-2')).toMatchObject({ date: '2012-05-02', body: 'Un autre texte.', views: 3 });
});

test('the same page twice in one run, and two runs at once, create it once', async () => {
  const dir = tempContent();
  const copy = scratch({ 'copie.txt': fs.readFileSync(LEGACY) });
  const ctx = testContext();
  await runImport(options(dir, [LEGACY, path.join(copy, 'copie.txt'), LEGACY]), ctx);
  expect(ctx.out().match(/^créé/gm)).toHaveLength(1);
  expect(ctx.out().match(/^déjà présent/gm)).toHaveLength(1);

  const fresh = tempContent();
  const runs = await Promise.all([1, 2, 3].map(() => runImport(options(fresh, [LEGACY]), testContext())));
  expect(runs).toEqual([0, 0, 0]);
  expect(postFiles(fresh)).toEqual(['le-miroir-brise-des-reseaux-sociaux.json']);
});

test('--tag adds tags; feeds keep their own', async () => {
  const dir = tempContent();
  await runImport(options(dir, [path.join(ROOT, 'test', 'fixtures', 'import', 'feeds', 'rss.xml')], { from: 'rss', tag: ['partenaires', 'Emploi'] }), testContext());
  expect(readPost(dir, 'journee-numerique-emploi-le-programme').tags).toEqual(['Emploi', 'numérique', 'partenaires']);
  expect(readPost(dir, 'fermeture-estivale').tags).toEqual(['partenaires', 'Emploi']);
});

test('the bundled post is exactly what news import makes of the legacy page', async () => {
  const site = JSON.parse(fs.readFileSync(path.join(ROOT, 'content', 'site.json'), 'utf8')) as Record<string, unknown>;
  const dir = tempContent({}, site);
  await runImport(options(dir, [LEGACY]), testContext());
  const made = fs.readFileSync(path.join(dir, 'posts', 'le-miroir-brise-des-reseaux-sociaux.json'), 'utf8');
  expect(fs.readFileSync(path.join(ROOT, 'content', 'posts', 'le-miroir-brise-des-reseaux-sociaux.json'), 'utf8')).toBe(made);
});
