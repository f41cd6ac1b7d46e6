// Issue 10: what a read is, and idempotence, through importViews (the function the CLI and
// Node scripts call). Logs are written here with every case; counts are asserted exactly.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { PassThrough } from 'node:stream';
import { importViews, type ViewsImportOptions } from '../../src/import/views.js';
import { NewsError } from '../../src/core/errors.js';
import { CURL, FIREFOX, GOOGLEBOT, line, lines, SAFARI, tempLogDir, views, viewsContent } from './helpers.js';

const NOW = new Date('2026-11-25T12:00:00Z');

function run(dir: string, logs: string[], extra: Partial<ViewsImportOptions> = {}) {
  return importViews({ contentDir: dir, logs, now: NOW, env: { NEWS_CACHE: '0' }, ...extra });
}

describe('what counts as a read', () => {
  const every = [
    // 1. read
    line({ path: '/actualites/portes-ouvertes/' }),
    // 2. same visitor, same post, same day (another form of the URL): not again
    line({ path: '/actualites/portes-ouvertes/index.html?utm_source=x#haut', time: '29/Oct/2013:18:00:00 +0100' }),
    // 3. the alias counts for its post, another visitor (IPv6): read
    line({ ip: '2001:db8::7', path: '/actualites/journee-portes-ouvertes' }),
    // 4. same address, another agent: read; `-` size; escaped quote in the agent
    line({ path: '/actualites/portes-ouvertes', size: '-', agent: 'Mozilla/5.0 \\"Quoted\\" Safari/605.1.15' }),
    // 5. same visitor the next day (site time zone): read
    line({ path: '/actualites/portes-ouvertes/', time: '30/Oct/2013:09:00:00 +0100' }),
    // 6. 23:30 UTC on the 30th is the 31st in Paris: a new day, read
    line({ path: '/actualites/portes-ouvertes/', time: '30/Oct/2013:23:30:00 +0000' }),
    // 7. 304 counts; percent-encoded path
    line({ ip: '198.51.100.1', path: '/actualites/le-miroir-bris%65/', status: 304, size: '0' }),
    // 8. robots: a known one, curl, an empty agent, a `-` agent
    line({ ip: '198.51.100.2', path: '/actualites/le-miroir-brise/', agent: GOOGLEBOT }),
    line({ ip: '198.51.100.2', path: '/actualites/le-miroir-brise/', agent: CURL }),
    line({ ip: '198.51.100.2', path: '/actualites/le-miroir-brise/', agent: '' }),
    line({ ip: '198.51.100.2', path: '/actualites/le-miroir-brise/', agent: '-' }),
    // 12. status
    line({ ip: '198.51.100.3', path: '/actualites/le-miroir-brise/', status: 404 }),
    line({ ip: '198.51.100.3', path: '/actualites/le-miroir-brise/', status: 301 }),
    // 14. methods and odd requests
    line({ ip: '198.51.100.4', method: 'POST', path: '/actualites/le-miroir-brise/' }),
    line({ ip: '198.51.100.4', method: 'HEAD', path: '/actualites/le-miroir-brise/' }),
    line({ ip: '198.51.100.4', request: '-', status: 400, size: '0', agent: '-' }),
    line({ ip: '198.51.100.4', request: '\\x16\\x03\\x01\\x00\\xF4\\x01\\x00\\x00\\xF0\\x03\\x03', status: 400, size: '157', agent: '-' }),
    line({ ip: '198.51.100.4', request: 'CONNECT exemple.fr:443 HTTP/1.1', status: 400 }),
    // 19. not a post: index, tag page, feed, asset, unknown slug, outside the base path, nested
    line({ ip: '198.51.100.5', path: '/actualites/' }),
    line({ ip: '198.51.100.5', path: '/actualites/tags/agenda/' }),
    line({ ip: '198.51.100.5', path: '/actualites/feed.xml' }),
    line({ ip: '198.51.100.5', path: '/actualites/style.css' }),
    line({ ip: '198.51.100.5', path: '/actualites/billet-inconnu/' }),
    line({ ip: '198.51.100.5', path: '/portes-ouvertes/' }),
    line({ ip: '198.51.100.5', path: '/actualites/portes-ouvertes/photo.jpg' }),
    line({ ip: '198.51.100.5', path: '/actualites/Portes-Ouvertes/' }),
    // 27. unreadable
    'ceci n’est pas une ligne de journal',
    '198.51.100.6 - - [31/Feb/2013:09:12:00 +0100] "GET /actualites/portes-ouvertes/ HTTP/1.1" 200 12 "-" "Mozilla/5.0"',
    '198.51.100.6 - - [29/Oct/2013:09:12:00 +0100] "GET /actualites/portes-ouvertes/ HTTP/1.1" 200 12 "-" "Mozilla/5.0',
    // 30. a read in a CRLF line, a read of the third post by HTTP/2
    `${line({ ip: '198.51.100.7', path: '/actualites/formation-excel/' })}\r`,
    line({ ip: '198.51.100.8', path: '/actualites/formation-excel/', request: 'GET /actualites/formation-excel/ HTTP/2.0', agent: SAFARI }),
  ];

  test('every case, counted exactly', async () => {
    const dir = viewsContent();
    const logs = tempLogDir();
    fs.writeFileSync(path.join(logs, 'access.log'), `${every.join('\n')}\n`);
    const report = await run(dir, [path.join(logs, 'access.log')]);
    expect(report.posts).toEqual([
      { slug: 'formation-excel', added: 2, views: 2 },
      { slug: 'le-miroir-brise', added: 1, views: 788 },
      { slug: 'portes-ouvertes', added: 5, views: 15 },
    ]);
    expect(report.added).toBe(8);
    expect(report.skipped).toEqual({ robot: 4, status: 2, method: 5, notPost: 8, unreadable: 3, alreadyCounted: 0, repeat: 1 });
    expect(report.unreadable.map((u) => u.line)).toEqual([27, 28, 29]);
    expect(report.unreadable[0]).toEqual({ file: path.join(logs, 'access.log'), line: 27, text: 'ceci n’est pas une ligne de journal' });
    expect(report.files).toEqual([{ file: path.join(logs, 'access.log'), format: 'combined', state: 'new', lines: every.length, alreadyCounted: 0, reads: 8 }]);
    expect(views(dir)).toEqual({ 'formation-excel': 2, 'le-miroir-brise': 788, 'portes-ouvertes': 15 });
    // Unknown keys kept, updatedAt set.
    const post = JSON.parse(fs.readFileSync(path.join(dir, 'posts', 'portes-ouvertes.json'), 'utf8'));
    expect(post.garder).toEqual({ inconnu: true });
    expect(post.updatedAt).toBe('2026-11-25T13:00:00+01:00');
  });

  test('--dry-run counts the same and writes nothing', async () => {
    const dir = viewsContent();
    const logs = tempLogDir();
    fs.writeFileSync(path.join(logs, 'access.log'), `${every.join('\n')}\n`);
    const before = views(dir);
    const report = await run(dir, [path.join(logs, 'access.log')], { dryRun: true });
    expect(report.added).toBe(8);
    expect(report.dryRun).toBe(true);
    expect(views(dir)).toEqual(before);
    expect(fs.existsSync(path.join(dir, '.news'))).toBe(false);
  });

  test('the common format counts by address (no agent to judge)', async () => {
    const dir = viewsContent();
    const logs = tempLogDir();
    const common = [
      '203.0.113.7 - - [29/Oct/2013:09:12:00 +0100] "GET /actualites/portes-ouvertes/ HTTP/1.1" 200 5120',
      '203.0.113.7 - frank [29/Oct/2013:09:13:00 +0100] "GET /actualites/portes-ouvertes/ HTTP/1.1" 200 5120',
      '2001:db8::1 - - [29/Oct/2013:09:13:00 +0100] "GET /actualites/le-miroir-brise HTTP/1.0" 304 -',
      '2001:db8::1 - - [29/Oct/2013:09:13:00 +0100] "GET /actualites/style.css HTTP/1.0" 200 -',
    ];
    fs.writeFileSync(path.join(logs, 'access_log'), `${common.join('\n')}\n`);
    const report = await run(dir, [path.join(logs, 'access_log')]);
    expect(report.files[0]!.format).toBe('common');
    expect(report.added).toBe(2);
    expect(report.skipped).toMatchObject({ repeat: 1, notPost: 1 });
  });

  test('--base-url (a URL or a path) replaces site.json’s', async () => {
    const dir = viewsContent();
    const logs = tempLogDir();
    fs.writeFileSync(path.join(logs, 'a.log'), lines([{ path: '/portes-ouvertes/' }, { ip: '1.1.1.1', path: '/actualites/portes-ouvertes/' }]));
    expect((await run(dir, [path.join(logs, 'a.log')], { baseUrl: '/', dryRun: true })).added).toBe(1);
    expect((await run(dir, [path.join(logs, 'a.log')], { baseUrl: 'https://autre.fr/', dryRun: true })).skipped.notPost).toBe(1);
    expect((await run(dir, [path.join(logs, 'a.log')], { dryRun: true })).added).toBe(1);
  });
});

describe('idempotence', () => {
  const day1 = lines([
    { ip: '10.0.0.1', path: '/actualites/portes-ouvertes/' },
    { ip: '10.0.0.2', path: '/actualites/portes-ouvertes/' },
    { ip: '10.0.0.3', path: '/actualites/le-miroir-brise/' },
  ]);
  const more = lines([
    { ip: '10.0.0.4', path: '/actualites/portes-ouvertes/', time: '29/Oct/2013:10:00:00 +0100' },
    { ip: '10.0.0.1', path: '/actualites/portes-ouvertes/', time: '29/Oct/2013:11:00:00 +0100' }, // same visitor, same day
    { ip: '10.0.0.5', path: '/actualites/formation-excel/', time: '29/Oct/2013:12:00:00 +0100' },
  ]);
  const evenMore = lines([
    { ip: '10.0.0.6', path: '/actualites/formation-excel/', time: '29/Oct/2013:23:00:00 +0100' },
  ]);

  test('the same file twice adds nothing', async () => {
    const dir = viewsContent();
    const log = path.join(tempLogDir(), 'access.log');
    fs.writeFileSync(log, day1);
    expect((await run(dir, [log])).added).toBe(3);
    const again = await run(dir, [log]);
    expect(again.added).toBe(0);
    expect(again.skipped.alreadyCounted).toBe(3);
    expect(again.files[0]!.state).toBe('grown');
    expect(views(dir)).toEqual({ 'formation-excel': 0, 'le-miroir-brise': 788, 'portes-ouvertes': 12 });
  });

  test('a grown file adds only its new lines; a line being written is left for next time', async () => {
    const dir = viewsContent();
    const log = path.join(tempLogDir(), 'access.log');
    fs.writeFileSync(log, day1);
    await run(dir, [log]);
    // The server is in the middle of writing a line.
    const half = line({ ip: '10.0.0.9', path: '/actualites/formation-excel/' });
    fs.appendFileSync(log, more + half.slice(0, 60));
    const second = await run(dir, [log]);
    expect(second.added).toBe(2);
    expect(second.skipped).toMatchObject({ alreadyCounted: 3, repeat: 1, unreadable: 0 });
    fs.appendFileSync(log, `${half.slice(60)}\n`);
    const third = await run(dir, [log]);
    expect(third.added).toBe(1);
    expect(third.skipped.alreadyCounted).toBe(6);
    expect(views(dir)).toEqual({ 'formation-excel': 2, 'le-miroir-brise': 788, 'portes-ouvertes': 13 });
  });

  test('a complete last line counted before its line break: the break written later is not a line of its own', async () => {
    const dir = viewsContent();
    const log = path.join(tempLogDir(), 'access.log');
    fs.writeFileSync(log, `${day1}${line({ ip: '10.0.0.9', path: '/actualites/formation-excel/' })}`);
    const first = await run(dir, [log]);
    expect(first.added).toBe(4);
    const lines = first.files[0]!.lines;
    fs.appendFileSync(log, `\n${line({ ip: '10.0.0.10', path: '/actualites/formation-excel/' })}\n`);
    const second = await run(dir, [log]);
    expect(second.added).toBe(1);
    expect(second.skipped.unreadable).toBe(0);
    // One new line; the line numbers go on from the first run's.
    expect(second.files[0]).toMatchObject({ lines: 1, alreadyCounted: lines });
    const third = await run(dir, [log]);
    expect(third.added).toBe(0);
    expect(third.skipped.unreadable).toBe(0);
    expect(views(dir)).toEqual({ 'formation-excel': 2, 'le-miroir-brise': 788, 'portes-ouvertes': 12 });
  });

  test('rotation: access.log.1 then access.log.2.gz add only lines never counted', async () => {
    const dir = viewsContent();
    const logs = tempLogDir();
    const log = path.join(logs, 'access.log');
    fs.writeFileSync(log, day1);
    expect((await run(dir, [log])).added).toBe(3);
    // More lines arrive, then logrotate renames the file and the server opens a new one.
    fs.appendFileSync(log, more);
    fs.renameSync(log, `${log}.1`);
    fs.writeFileSync(log, evenMore);
    const afterRotation = await run(dir, [log, `${log}.1`]);
    expect(afterRotation.added).toBe(3);
    expect(afterRotation.files.map((f) => [f.state, f.lines, f.alreadyCounted])).toEqual([['new', 1, 0], ['grown', 3, 3]]);
    // Next rotation: .1 is compressed into .2.gz, access.log becomes .1.
    fs.writeFileSync(`${log}.2.gz`, zlib.gzipSync(fs.readFileSync(`${log}.1`)));
    fs.unlinkSync(`${log}.1`);
    fs.renameSync(log, `${log}.1`);
    fs.writeFileSync(log, '');
    const later = await run(dir, [log, `${log}.1`, `${log}.2.gz`]);
    expect(later.added).toBe(0);
    expect(later.skipped.alreadyCounted).toBe(7);
    expect(views(dir)).toEqual({ 'formation-excel': 2, 'le-miroir-brise': 788, 'portes-ouvertes': 13 });
  });

  test('several files in any order give the same totals', async () => {
    const totals: Array<Record<string, number>> = [];
    for (const order of [[0, 1, 2], [2, 0, 1], [1, 2, 0]]) {
      const dir = viewsContent();
      const logs = tempLogDir();
      const files = [
        path.join(logs, 'access.log'),
        path.join(logs, 'access.log.1'),
        path.join(logs, 'access.log.2.gz'),
      ];
      fs.writeFileSync(files[0]!, evenMore);
      fs.writeFileSync(files[1]!, more);
      fs.writeFileSync(files[2]!, zlib.gzipSync(day1));
      await run(dir, order.map((i) => files[i]!));
      await run(dir, [...files].reverse());
      totals.push(views(dir));
    }
    expect(totals[0]).toEqual({ 'formation-excel': 2, 'le-miroir-brise': 788, 'portes-ouvertes': 13 });
    expect(totals[1]).toEqual(totals[0]);
    expect(totals[2]).toEqual(totals[0]);
  });

  test('a truncated file, then written again, is a new log', async () => {
    const dir = viewsContent();
    const log = path.join(tempLogDir(), 'access.log');
    fs.writeFileSync(log, day1 + more);
    expect((await run(dir, [log])).added).toBe(5);
    fs.truncateSync(log, 0);
    expect((await run(dir, [log])).added).toBe(0);
    // copytruncate: new lines in the emptied file; the first one is the same text as before,
    // but the file is shorter than what was counted: read as a new log.
    fs.writeFileSync(log, lines([
      { ip: '10.0.0.1', path: '/actualites/portes-ouvertes/' },
      { ip: '10.0.0.7', path: '/actualites/le-miroir-brise/', time: '30/Oct/2013:08:00:00 +0100' },
    ]));
    const report = await run(dir, [log]);
    expect(report.files[0]!.state).toBe('replaced');
    expect(report.added).toBe(1);
    expect(report.skipped.repeat).toBe(1);
  });

  test('a replaced file of the same size is read as new, even through stdin', async () => {
    const dir = viewsContent();
    const log = path.join(tempLogDir(), 'access.log');
    const first = lines([{ ip: '10.0.0.1', path: '/actualites/portes-ouvertes/' }, { ip: '10.0.0.2', path: '/actualites/le-miroir-brise/' }]);
    const other = lines([{ ip: '10.0.0.1', path: '/actualites/portes-ouvertes/' }, { ip: '10.0.0.3', path: '/actualites/le-miroir-brise/' }]);
    fs.writeFileSync(log, first);
    expect((await run(dir, [log])).added).toBe(2);
    fs.writeFileSync(log, other);
    const viaFile = await run(dir, [log], { dryRun: true });
    expect(viaFile.files[0]!.state).toBe('replaced');
    expect(viaFile.added).toBe(1);
    const stdin = new PassThrough();
    stdin.end(other);
    const viaStdin = await run(dir, ['-'], { stdin });
    expect(viaStdin.files[0]!.state).toBe('replaced');
    expect(viaStdin.added).toBe(1);
    expect(views(dir)).toEqual({ 'formation-excel': 0, 'le-miroir-brise': 789, 'portes-ouvertes': 11 });
  });

  test('gzip is recognised by content, not by name; stdin is a log like any other', async () => {
    const dir = viewsContent();
    const logs = tempLogDir();
    fs.writeFileSync(path.join(logs, 'compresse.log'), zlib.gzipSync(day1));
    fs.writeFileSync(path.join(logs, 'pas-compresse.gz'), more);
    const report = await run(dir, [path.join(logs, 'compresse.log'), path.join(logs, 'pas-compresse.gz')]);
    expect(report.added).toBe(5);
    const stdin = new PassThrough();
    stdin.end(zlib.gzipSync(day1 + more + evenMore));
    const viaStdin = await run(dir, ['-'], { stdin });
    expect(viaStdin.added).toBe(1);
    expect(viaStdin.skipped.alreadyCounted).toBe(3);
    expect(viaStdin.skipped.repeat).toBe(3);
  });
});

describe('bad input: exit 2, nothing counted from any file', () => {
  async function refused(dir: string, logs: string[], message: RegExp) {
    const before = views(dir);
    const error = await run(dir, logs).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(NewsError);
    expect((error as NewsError).exitCode).toBe(2);
    expect((error as NewsError).message).toMatch(message);
    expect(views(dir)).toEqual(before);
    expect(fs.existsSync(path.join(dir, '.news', 'views.json'))).toBe(false);
  }

  test('a missing file', async () => {
    const dir = viewsContent();
    const logs = tempLogDir();
    fs.writeFileSync(path.join(logs, 'access.log'), lines([{ path: '/actualites/portes-ouvertes/' }]));
    await refused(dir, [path.join(logs, 'access.log'), path.join(logs, 'absent.log')], /absent\.log : fichier introuvable ; rien n’a été compté/);
  });

  test('an unreadable file', async () => {
    if (process.getuid?.() === 0) {
      // root reads everything: a folder stands for a file that cannot be read as a log.
      const dir = viewsContent();
      const logs = tempLogDir();
      fs.writeFileSync(path.join(logs, 'access.log'), lines([{ path: '/actualites/portes-ouvertes/' }]));
      await refused(dir, [path.join(logs, 'access.log'), logs], /c’est un dossier/);
      return;
    }
    const dir = viewsContent();
    const logs = tempLogDir();
    fs.writeFileSync(path.join(logs, 'access.log'), lines([{ path: '/actualites/portes-ouvertes/' }]));
    fs.writeFileSync(path.join(logs, 'secret.log'), lines([{ path: '/actualites/portes-ouvertes/' }]), { mode: 0o000 });
    await refused(dir, [path.join(logs, 'access.log'), path.join(logs, 'secret.log')], /lecture refusée/);
  });

  test('a JSON log, an nginx error log, a damaged gzip', async () => {
    const dir = viewsContent();
    const logs = tempLogDir();
    fs.writeFileSync(path.join(logs, 'good.log'), lines([{ path: '/actualites/portes-ouvertes/' }]));
    fs.writeFileSync(path.join(logs, 'access.json'), '{"time":"2013-10-29T09:12:00+01:00","path":"/actualites/portes-ouvertes/"}\n');
    fs.writeFileSync(path.join(logs, 'error.log'), '2013/10/29 09:12:00 [error] 123#123: *1 open() "/srv/x" failed (2: No such file or directory)\n');
    const gz = zlib.gzipSync(lines([{ path: '/actualites/portes-ouvertes/' }]));
    fs.writeFileSync(path.join(logs, 'cut.gz'), gz.subarray(0, gz.length - 12));
    await refused(dir, [path.join(logs, 'good.log'), path.join(logs, 'access.json')], /access\.json n’est pas un journal d’accès \(il ressemble à du JSON\) : attendu un journal au format combined ou common/);
    await refused(dir, [path.join(logs, 'good.log'), path.join(logs, 'error.log')], /error\.log n’est pas un journal d’accès \(il ressemble à un journal d’erreurs nginx\)/);
    await refused(dir, [path.join(logs, 'good.log'), path.join(logs, 'cut.gz')], /cut\.gz : fichier gzip abîmé ou incomplet/);
  });

  test('--format common on a combined log reads it; --format combined on a common log is refused', async () => {
    const dir = viewsContent();
    const logs = tempLogDir();
    fs.writeFileSync(path.join(logs, 'common.log'), '203.0.113.7 - - [29/Oct/2013:09:12:00 +0100] "GET /actualites/portes-ouvertes/ HTTP/1.1" 200 5120\n');
    await expect(run(dir, [path.join(logs, 'common.log')], { format: 'combined' })).rejects.toThrow(/common\.log n’est pas un journal d’accès : attendu un journal au format combined \(forcé par --format\)/);
    fs.writeFileSync(path.join(logs, 'combined.log'), lines([{ path: '/actualites/portes-ouvertes/', agent: GOOGLEBOT }]));
    expect((await run(dir, [path.join(logs, 'combined.log')], { format: 'common', dryRun: true })).added).toBe(1);
  });

  test('no base URL anywhere', async () => {
    const dir = viewsContent();
    fs.writeFileSync(path.join(dir, 'site.json'), '{"timeZone":"Europe/Paris"}\n');
    const log = path.join(tempLogDir(), 'a.log');
    fs.writeFileSync(log, lines([{}]));
    await expect(run(dir, [log])).rejects.toThrow(/--base-url/);
  });
});
