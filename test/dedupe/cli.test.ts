import fs from 'node:fs';
import path from 'node:path';
import { makePost, runNews, snapshotTree, tempContent } from '../helpers/cli.js';
import { dedupeFolder, jsonFiles } from '../fixtures/dedupe/folder.js';

const readPost = (dir: string, slug: string) => JSON.parse(fs.readFileSync(path.join(dir, 'posts', `${slug}.json`), 'utf8'));

describe('news dedupe (report)', () => {
  test('--json gives the groups and repeated blocks in the SPEC shape, and changes nothing', async () => {
    const dir = dedupeFolder();
    const before = snapshotTree(dir);
    const r = await runNews(['dedupe', '--dir', dir, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.groups).toHaveLength(1);
    const [group] = report.groups;
    // The draft is older, but a published post is kept first.
    expect(group.keep).toBe('original');
    expect(group.duplicates.map((d: { slug: string }) => d.slug)).toEqual(['brouillon-ancien', 'copie-exacte']);
    expect(group.duplicates[1]).toEqual({ slug: 'copie-exacte', kind: 'exact', similarity: 1 });
    expect(group.duplicates[0].kind).toBe('near');
    expect(group.duplicates[0].similarity).toBeGreaterThanOrEqual(0.9);
    expect(group.duplicates[0].similarity).toBeLessThan(1);
    expect(report.repeated).toEqual([{ slug: 'double', paragraphs: 13, removed: 6 }]);
    expect(report.posts).toBe(6);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^news dedupe : 2 doublons en 1 groupe, 1 billet avec des blocs répétés ; rien n’a été modifié/);
    expect(snapshotTree(dir)).toEqual(before);
  });

  test('a folder shared out between worker threads gives the same report as one thread', async () => {
    const dir = dedupeFolder();
    const one = await runNews(['dedupe', '--dir', dir, '--json'], { env: { NEWS_DEDUPE_THREADS: '1' } });
    const shared = await runNews(['dedupe', '--dir', dir, '--json'], { env: { NEWS_DEDUPE_THREADS: '3' } });
    expect(shared.code).toBe(0);
    expect(shared.stdout).toBe(one.stdout);
    expect(JSON.parse(shared.stdout).groups).toHaveLength(1);
  });

  test('the human report is French, on stdout; --check exits 1 when something is found, 0 otherwise', async () => {
    const dir = dedupeFolder();
    const r = await runNews(['dedupe', '--dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('garder original');
    expect(r.stdout).toMatch(/copie-exacte : identique une fois normalisé/);
    expect(r.stdout).toMatch(/brouillon-ancien : quasi identique \(similarité 0,9\d*\)/);
    expect(r.stdout).toContain('double : 13 paragraphes, 6 en trop');
    expect((await runNews(['dedupe', '--dir', dir, '--check'])).code).toBe(1);
    const clean = tempContent({ a: makePost('a'), b: makePost('b', { title: 'Autre', body: 'Un autre texte.' }) });
    const ok = await runNews(['dedupe', '--dir', clean, '--check']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('Aucun doublon ni bloc répété parmi 2 billets.\n');
    const quiet = await runNews(['dedupe', '--dir', clean, '--check', '--json', '--quiet']);
    expect(quiet.stderr).toBe('');
    expect(JSON.parse(quiet.stdout)).toMatchObject({ groups: [], repeated: [] });
  });

  test('--threshold is checked (0 < s ≤ 1) with a French message, and changes what is near enough', async () => {
    const dir = dedupeFolder();
    for (const bad of ['0', '1.5', 'abc', '-0.5']) {
      const r = await runNews(['dedupe', '--dir', dir, '--threshold', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--threshold attend un nombre supérieur à 0 et au plus 1');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const strict = JSON.parse((await runNews(['dedupe', '--dir', dir, '--json', '--threshold', '1'])).stdout);
    expect(strict.groups[0].duplicates.map((d: { slug: string }) => d.slug)).toEqual(['copie-exacte']);
    const comma = await runNews(['dedupe', '--dir', dir, '--json', '--threshold', '0,9']);
    expect(comma.code).toBe(0);
  });

  test('a broken post file is named; --apply refuses to run (exit 2) and changes nothing', async () => {
    const dir = dedupeFolder();
    fs.writeFileSync(path.join(dir, 'posts', 'casse.json'), '{"schemaVersion": 1, "slug": "casse",');
    const before = snapshotTree(dir);
    const report = await runNews(['dedupe', '--dir', dir, '--json']);
    expect(report.code).toBe(0);
    expect(report.stderr).toMatch(/posts\/casse\.json/);
    const r = await runNews(['dedupe', '--dir', dir, '--apply']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/news dedupe --apply refuse de fusionner : 1 fichier de billet invalide ;/);
    expect(r.stderr).toMatch(/posts\/casse\.json/);
    expect(snapshotTree(dir)).toEqual(before);
  });

  test('options that do not go together, and bad --undo ids, are errors (exit 2)', async () => {
    const dir = dedupeFolder();
    expect((await runNews(['dedupe', '--dir', dir, '--apply', '--check'])).stderr).toMatch(/--apply et --check ne vont pas ensemble/);
    const bad = await runNews(['dedupe', '--dir', dir, '--undo', 'hier']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--undo « hier » : identifiant d’exécution attendu/);
    const unknown = await runNews(['dedupe', '--dir', dir, '--undo', '20200101-000000-abcdef']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/aucune exécution de ce nom/);
  });
});

describe('news dedupe --apply', () => {
  test('merges, trashes, collapses, journals; a second run finds nothing; --undo restores every byte', async () => {
    const dir = dedupeFolder();
    const before = snapshotTree(dir);
    const originals = Object.fromEntries(['copie-exacte', 'brouillon-ancien'].map((s) => [s, fs.readFileSync(path.join(dir, 'posts', `${s}.json`))]));
    const filesBefore = jsonFiles(path.join(dir, 'posts')).length;

    // Shared out between threads, as on a large folder.
    const r = await runNews(['dedupe', '--dir', dir, '--apply', '--json'], { env: { NEWS_DEDUPE_THREADS: '3' } });
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.applied).toBe(true);
    const runId: string = result.runId;
    expect(runId).toMatch(/^\d{8}-\d{6}-[0-9a-f]{6}$/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`annuler : news dedupe --undo ${runId}`);

    const kept = readPost(dir, 'original');
    expect(kept.views).toBe(787 + 10 + 5);
    expect(kept.tags).toEqual(['réseaux sociaux', 'livres', 'web']);
    expect(kept.aliases).toEqual(['brouillon-ancien', 'copie-exacte', 'ancienne-copie']);
    expect(kept.summary).toBe('Un livre à lire.');
    expect(kept.futureField).toEqual({ kept: true });
    expect(kept.body).toBe(JSON.parse(Buffer.from(before['posts/original.json']!, 'base64').toString()).body);
    const double = readPost(dir, 'double');
    expect(double.body.match(/Derrière ce titre/g)).toHaveLength(1);

    const trash = path.join(dir, '.trash', runId);
    for (const [slug, bytes] of Object.entries(originals)) {
      expect(fs.existsSync(path.join(dir, 'posts', `${slug}.json`))).toBe(false);
      expect(fs.readFileSync(path.join(trash, 'posts', `${slug}.json`)).equals(bytes)).toBe(true);
    }
    expect(jsonFiles(path.join(dir, 'posts')).length + jsonFiles(path.join(trash, 'posts')).length).toBe(filesBefore);
    const journal = JSON.parse(fs.readFileSync(path.join(trash, 'journal.json'), 'utf8'));
    expect(journal).toMatchObject({ format: 'news-dedupe-journal', runId });
    expect(journal.steps.map((s: { op: string; slug: string }) => `${s.op} ${s.slug}`)).toEqual([
      'rewrite original', 'rewrite double', 'trash brouillon-ancien', 'trash copie-exacte',
    ]);
    expect(JSON.parse(fs.readFileSync(path.join(trash, 'status.json'), 'utf8')).status).toBe('applied');

    // The merged slug still finds its post.
    const shown = await runNews(['show', 'copie-exacte', '--dir', dir]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('Le miroir brisé des réseaux sociaux');

    const again = await runNews(['dedupe', '--dir', dir, '--apply', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ groups: [], repeated: [], applied: false, runId: null });
    expect(fs.readdirSync(path.join(dir, '.trash'))).toEqual([runId]);
    expect((await runNews(['dedupe', '--dir', dir, '--check'])).code).toBe(0);

    const undo = await runNews(['dedupe', '--dir', dir, '--undo', runId]);
    expect(undo.code).toBe(0);
    expect(undo.stderr).toMatch(/exécution .* annulée : 2 billets sortis de la corbeille, 2 billets remis en l’état/);
    expect(snapshotTree(dir)).toEqual(before);
    expect(fs.existsSync(path.join(dir, '.trash'))).toBe(false);
  });

  test('--verbose names each merge on stderr; --quiet says nothing; stdout stays empty without --json', async () => {
    const dir = dedupeFolder();
    const verbose = await runNews(['dedupe', '--dir', dir, '--apply', '--verbose']);
    expect(verbose.code).toBe(0);
    expect(verbose.stdout).toBe('');
    expect(verbose.stderr).toMatch(/^fusionné : brouillon-ancien → original \(quasi identique/m);
    expect(verbose.stderr).toMatch(/^fusionné : copie-exacte → original \(identique une fois normalisé\)$/m);
    expect(verbose.stderr).toMatch(/^nettoyé : double \(6 paragraphes répétés supprimés\)$/m);
    const other = dedupeFolder();
    const quiet = await runNews(['dedupe', '--dir', other, '--apply', '--quiet']);
    expect(quiet).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(fs.existsSync(path.join(other, 'posts', 'copie-exacte.json'))).toBe(false);
  });

  test('a content folder locked by another command: bounded wait, then a French message and exit 2, nothing changed', async () => {
    const dir = dedupeFolder();
    fs.mkdirSync(path.join(dir, '.news.lock'));
    const before = snapshotTree(dir);
    const r = await runNews(['dedupe', '--dir', dir, '--apply'], { env: { NEWS_LOCK_TIMEOUT: '300' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/est verrouillé par une autre commande news/);
    expect(snapshotTree(dir)).toEqual(before);
  });

  test('a journal larger than the 1 MiB post cap is still read back by --undo', async () => {
    const words = (seed: number) => Array.from({ length: 60_000 }, (_, i) => `mot${(i * 7919 + seed) % 10007}`).join(' ');
    const dir = tempContent({
      a: makePost('a', { title: 'Long A', body: words(1), views: 1 }),
      'a-copie': makePost('a-copie', { title: 'Long A', body: words(1), views: 2, date: '2013-11-01' }),
      b: makePost('b', { title: 'Long B', body: words(2), views: 3 }),
      'b-copie': makePost('b-copie', { title: 'Long B', body: words(2), views: 4, date: '2013-11-01' }),
    });
    const before = snapshotTree(dir);
    const { runId } = JSON.parse((await runNews(['dedupe', '--dir', dir, '--apply', '--json'])).stdout);
    expect(fs.statSync(path.join(dir, '.trash', runId, 'journal.json')).size).toBeGreaterThan(1024 * 1024);
    const undo = await runNews(['dedupe', '--dir', dir, '--undo', runId]);
    expect(undo.code).toBe(0);
    expect(snapshotTree(dir)).toEqual(before);
  });

  test('a post changed by hand after the merge is not overwritten by --undo', async () => {
    const dir = dedupeFolder();
    const r = await runNews(['dedupe', '--dir', dir, '--apply', '--json']);
    const { runId } = JSON.parse(r.stdout);
    const file = path.join(dir, 'posts', 'original.json');
    const edited = fs.readFileSync(file, 'utf8').replace('"views": 802', '"views": 900');
    fs.writeFileSync(file, edited);
    const undo = await runNews(['dedupe', '--dir', dir, '--undo', runId]);
    expect(undo.code).toBe(0);
    expect(undo.stderr).toMatch(/posts\/original\.json a changé depuis la fusion/);
    expect(fs.readFileSync(file, 'utf8')).toBe(edited);
    expect(fs.existsSync(path.join(dir, 'posts', 'copie-exacte.json'))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(dir, '.trash', runId, 'status.json'), 'utf8')).status).toBe('undone');
  });
});
