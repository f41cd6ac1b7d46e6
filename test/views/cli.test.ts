// Issue 10 (and `views set|add` from issue 9) on the built binary: reports, errors, the lock.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { runNews, snapshotTree } from '../helpers/cli.js';
import { GOOGLEBOT, lines, tempLogDir, views, viewsContent } from './helpers.js';

import { jest } from '@jest/globals';

jest.setTimeout(120_000);

function sampleLog(count: number, day = '29/Oct/2013'): string {
  const hits = [];
  for (let i = 0; i < count; i++) {
    hits.push({ ip: `10.0.${Math.floor(i / 250)}.${i % 250}`, path: ['/actualites/portes-ouvertes/', '/actualites/le-miroir-brise/', '/actualites/style.css'][i % 3], time: `${day}:09:12:00 +0100` });
    hits.push({ ip: `10.1.${Math.floor(i / 250)}.${i % 250}`, path: '/actualites/formation-excel/', agent: GOOGLEBOT, time: `${day}:09:12:00 +0100` });
  }
  return lines(hits);
}

describe('news views import', () => {
  test('human report on stdout, the unreadable lines with file:line on stderr', async () => {
    const dir = viewsContent();
    const logs = tempLogDir();
    fs.writeFileSync(path.join(logs, 'access.log'), `${sampleLog(3)}une ligne abîmée\n`);
    const r = await runNews(['views', 'import', 'access.log', '--dir', dir], { cwd: logs });
    expect(r.stderr).toBe('attention : access.log:7 : ligne illisible, ignorée : une ligne abîmée\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 lecture(s) ajoutées à 2 billet(s)');
    expect(r.stdout).toMatch(/ {2}le-miroir-brise {2}\+1 {2}\(lu 788 fois\)/);
    expect(r.stdout).toMatch(/ {2}portes-ouvertes {2}\+1 {2}\(lu 11 fois\)/);
    expect(r.stdout).toContain('  robots : 3');
    expect(r.stdout).toContain('  pas une page de billet : 1');
    expect(r.stdout).toContain('  illisibles : 1');
    expect(r.stdout).toContain('access.log : combined, nouveau, 7 ligne(s) lue(s), 0 déjà comptée(s), 2 lecture(s)');
    expect(views(dir)).toEqual({ 'formation-excel': 0, 'le-miroir-brise': 788, 'portes-ouvertes': 11 });

    const again = await runNews(['views', 'import', 'access.log', '--dir', dir, '--json'], { cwd: logs });
    expect(again.code).toBe(0);
    const report = JSON.parse(again.stdout);
    expect(report.added).toBe(0);
    expect(report.skipped.alreadyCounted).toBe(7);
    expect(report.files[0]).toMatchObject({ file: 'access.log', state: 'grown', lines: 0, alreadyCounted: 7 });
  });

  test('--json, --dry-run, --quiet, and - for stdin (gzip)', async () => {
    const dir = viewsContent();
    const before = snapshotTree(dir);
    const gz = zlib.gzipSync(sampleLog(30)).toString('latin1');
    const dry = await runNews(['views', 'import', '-', '--dry-run', '--json', '--dir', dir], { input: undefined });
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout).added).toBe(0); // stdin was empty
    const child = await import('node:child_process');
    const { BIN, cleanEnv } = await import('../helpers/cli.js');
    const out = child.spawnSync(process.execPath, [BIN, 'views', 'import', '-', '--dry-run', '--json', '--dir', dir], { input: Buffer.from(gz, 'latin1'), env: cleanEnv(), encoding: 'utf8' });
    expect(out.status).toBe(0);
    const report = JSON.parse(out.stdout);
    expect(report).toMatchObject({ dryRun: true, added: 20, skipped: { robot: 30, notPost: 10 } });
    expect(snapshotTree(dir)).toEqual(before);
    const quiet = child.spawnSync(process.execPath, [BIN, 'views', 'import', '-', '--quiet', '--dir', dir], { input: Buffer.from(gz, 'latin1'), env: cleanEnv(), encoding: 'utf8' });
    expect(quiet.status).toBe(0);
    expect(quiet.stdout).toBe('');
    expect(quiet.stderr).toBe('');
    expect(views(dir)).toEqual({ 'formation-excel': 0, 'le-miroir-brise': 797, 'portes-ouvertes': 20 });
  });

  test('bad input: exit 2, a French message naming the file, nothing counted', async () => {
    const dir = viewsContent();
    const logs = tempLogDir();
    fs.writeFileSync(path.join(logs, 'access.log'), sampleLog(3));
    fs.writeFileSync(path.join(logs, 'app.json'), '{"level":"info","msg":"GET /actualites/portes-ouvertes/"}\n');
    const before = snapshotTree(dir);
    const missing = await runNews(['views', 'import', 'access.log', 'absent.log', '--dir', dir], { cwd: logs });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('news : erreur : absent.log : fichier introuvable ; rien n’a été compté (aucun des journaux)\n');
    const json = await runNews(['views', 'import', 'access.log', 'app.json', '--dir', dir], { cwd: logs });
    expect(json.code).toBe(2);
    expect(json.stderr).toMatch(/^news : erreur : app\.json n’est pas un journal d’accès \(il ressemble à du JSON\) : attendu un journal au format combined ou common/);
    const format = await runNews(['views', 'import', 'access.log', '--format', 'w3c', '--dir', dir], { cwd: logs });
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/--format attend l[’']une des valeurs combined, common \(reçu « w3c »\)\. Voir news views import --help\./);
    const none = await runNews(['views', 'import', '--dir', dir], { cwd: logs });
    expect(none.code).toBe(2);
    expect(snapshotTree(dir)).toEqual(before);
    for (const r of [missing, json, format, none]) expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  test('help in French with examples', async () => {
    const r = await runNews(['views', 'import', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Exemples :');
    expect(r.stdout).toContain('news views import /var/log/nginx/access.log /var/log/nginx/access.log.1');
    expect(r.stdout).toContain('--dry-run');
  });

  test('two imports at once on the same logs: each line counted once (the lock)', async () => {
    const dir = viewsContent();
    const logs = tempLogDir();
    fs.writeFileSync(path.join(logs, 'access.log'), sampleLog(3000));
    fs.writeFileSync(path.join(logs, 'access.log.1'), sampleLog(3000, '28/Oct/2013'));
    const args = ['views', 'import', 'access.log', 'access.log.1', '--json', '--dir', dir];
    const [a, b] = await Promise.all([runNews(args, { cwd: logs, timeoutMs: 90_000 }), runNews(args, { cwd: logs, timeoutMs: 90_000 })]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const added = [JSON.parse(a.stdout).added, JSON.parse(b.stdout).added].sort((x, y) => x - y);
    expect(added).toEqual([0, 4000]);
    expect(views(dir)).toEqual({ 'formation-excel': 0, 'le-miroir-brise': 787 + 2000, 'portes-ouvertes': 10 + 2000 });
  });
});

describe('news views set|add', () => {
  test('set and add: lock, updatedAt, unknown keys kept, change on stderr, path on stdout', async () => {
    const dir = viewsContent();
    const set = await runNews(['views', 'set', 'portes-ouvertes', '1234', '--dir', dir], { cwd: dir });
    expect(set.code).toBe(0);
    expect(set.stdout).toBe('posts/portes-ouvertes.json\n');
    expect(set.stderr).toBe('portes-ouvertes : lectures 10 → 1\u202f234\n');
    const post = JSON.parse(fs.readFileSync(path.join(dir, 'posts', 'portes-ouvertes.json'), 'utf8'));
    expect(post.views).toBe(1234);
    expect(post.garder).toEqual({ inconnu: true });
    expect(post.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);

    const add = await runNews(['views', 'add', 'journee-portes-ouvertes', '-34', '--json', '--dir', dir]);
    expect(add.code).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ slug: 'portes-ouvertes', views: 1200, garder: { inconnu: true } });

    const quiet = await runNews(['views', 'add', 'portes-ouvertes', '+5', '--quiet', '--dir', dir]);
    expect(quiet).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(views(dir)['portes-ouvertes']).toBe(1205);
  });

  test('refusals: below 0, not an integer, unknown slug with the nearest ones; nothing changed', async () => {
    const dir = viewsContent();
    const before = snapshotTree(dir);
    const below = await runNews(['views', 'add', 'formation-excel', '-1', '--dir', dir]);
    expect(below.code).toBe(2);
    expect(below.stderr).toBe('news : erreur : formation-excel a 0 lecture(s) : en ajouter -1 donnerait -1, or le nombre de lectures ne peut pas être négatif ; rien n’a changé\n');
    const negativeSet = await runNews(['views', 'set', 'formation-excel', '-1', '--dir', dir]);
    expect(negativeSet.code).toBe(2);
    expect(negativeSet.stderr).toMatch(/<n> attend un nombre entier de lectures ≥ 0 \(reçu « -1 »\)/);
    const decimal = await runNews(['views', 'add', 'formation-excel', '2.5', '--dir', dir]);
    expect(decimal.code).toBe(2);
    expect(decimal.stderr).toMatch(/<n> attend un nombre entier de lectures, négatif pour en retirer \(reçu « 2.5 »\)/);
    const unknown = await runNews(['views', 'set', 'portes-ouverte', '3', '--dir', dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^news : erreur : aucun billet « portes-ouverte » \(ni slug ni alias\)\. Slugs proches : portes-ouvertes[,.]/);
    const odd = await runNews(['views', 'set', 'Portes Ouvertes', '3', '--dir', dir]);
    expect(odd.code).toBe(2);
    expect(odd.stderr).toMatch(/aucun billet « Portes Ouvertes »/);
    expect(snapshotTree(dir)).toEqual(before);
  });
});
