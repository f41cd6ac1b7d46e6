// Issue 10: a real nginx (Debian `nginx`, from scripts/test-deps.sh) on 127.0.0.1 serves an
// exported site; curl reads it with browser and robot user agents; nginx's own access log is
// imported and the counts match the requests made.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { jest } from '@jest/globals';
import { runNews } from '../helpers/cli.js';
import { FIREFOX, GOOGLEBOT, SAFARI, views, viewsContent } from './helpers.js';

jest.setTimeout(180_000);

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

let nginx: ChildProcess | undefined;
let base = '';
let prefix = '';
let content = '';

beforeAll(async () => {
  if (!NGINX) throw new Error('nginx est absent : lancez scripts/test-deps.sh (apt-get install nginx)');
  content = viewsContent();
  prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'news-nginx-'));
  const site = path.join(prefix, 'site');
  const exported = await runNews(['export', 'html', '--out', path.join(site, 'actualites'), '--dir', content], { timeoutMs: 120_000 });
  expect(exported.code).toBe(0);
  const port = await freePort();
  for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi', 'logs']) fs.mkdirSync(path.join(prefix, d));
  fs.writeFileSync(path.join(prefix, 'nginx.conf'), `
daemon off;
master_process off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log;
events { worker_connections 64; }
http {
  types { text/html html; text/css css; application/xml xml; application/json json; }
  default_type application/octet-stream;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  access_log ${prefix}/logs/access.log combined;
  server {
    listen 127.0.0.1:${port};
    root ${site};
    index index.html;
    if_modified_since before;
  }
}
`);
  nginx = spawn(NGINX, ['-p', prefix, '-c', path.join(prefix, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  nginx.stderr!.on('data', (d) => (stderr += d));
  base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const probe = spawnSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `${base}/actualites/`], { encoding: 'utf8' });
    if (probe.stdout === '200') break;
    if (i > 300 || nginx.exitCode !== null) throw new Error(`nginx n’a pas démarré : ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // The probe is in the log too: start from an empty one, once nginx has written the probe's line
  // (it logs after sending the response: a line written after the truncation would be counted).
  const log = path.join(prefix, 'logs', 'access.log');
  for (let i = 0; !fs.readFileSync(log, 'utf8').includes('"GET /actualites/ HTTP/1.1" 200'); i++) {
    if (i > 300) throw new Error('nginx n’a pas journalisé la requête de démarrage');
    await new Promise((r) => setTimeout(r, 10));
  }
  fs.truncateSync(log, 0);
});

afterAll(async () => {
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise((r) => nginx!.once('exit', r));
    nginx.kill('SIGQUIT');
    await exited;
  }
});

function curl(url: string, ...args: string[]): string {
  const r = spawnSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '60', ...args, `${base}${url}`], { encoding: 'utf8' });
  return r.stdout;
}

test('the counters move by the reads nginx logged, robots and other requests left out', async () => {
  // Browsers.
  expect(curl('/actualites/portes-ouvertes/', '-A', FIREFOX)).toBe('200');
  expect(curl('/actualites/portes-ouvertes/?utm_source=lettre', '-A', FIREFOX)).toBe('200'); // same visitor, same day
  expect(curl('/actualites/portes-ouvertes/index.html', '-A', SAFARI)).toBe('200'); // another agent: another visitor
  expect(curl('/actualites/journee-portes-ouvertes/', '-A', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0 Safari/537.36')).toBe('200'); // the alias's page
  expect(curl('/actualites/le-miroir-brise', '-L', '-A', FIREFOX)).toBe('200'); // 301 to the folder, then 200: one read
  expect(curl('/actualites/le-miroir-brise/', '-A', FIREFOX, '-H', 'If-Modified-Since: Thu, 01 Jan 2099 00:00:00 GMT')).toBe('304');
  // Robots: a crawler, curl's own agent, no agent at all.
  expect(curl('/actualites/formation-excel/', '-A', GOOGLEBOT)).toBe('200');
  expect(curl('/actualites/formation-excel/')).toBe('200');
  expect(curl('/actualites/formation-excel/', '-A', '')).toBe('200');
  // Not reads: another method, a missing page, pages that are not posts.
  expect(curl('/actualites/formation-excel/', '-I', '-A', FIREFOX)).toBe('200');
  expect(curl('/actualites/formation-excel/', '-X', 'POST', '-d', 'x=1', '-A', FIREFOX)).toBe('405');
  expect(curl('/actualites/billet-disparu/', '-A', FIREFOX)).toBe('404');
  expect(curl('/actualites/', '-A', FIREFOX)).toBe('200');
  expect(curl('/actualites/feed.xml', '-A', FIREFOX)).toBe('200');

  const log = path.join(prefix, 'logs', 'access.log');
  expect(fs.readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(15);
  const r = await runNews(['views', 'import', log, '--json', '--dir', content], { timeoutMs: 120_000 });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const report = JSON.parse(r.stdout);
  expect(report.files[0]).toMatchObject({ format: 'combined', lines: 15 });
  expect(report.posts).toEqual([
    { slug: 'le-miroir-brise', added: 1, views: 788 },
    { slug: 'portes-ouvertes', added: 3, views: 13 },
  ]);
  // status: the 301; repeat: the query string, the 304 after the 200; notPost: the 404 of an unknown slug, the index, the feed.
  expect(report.skipped).toEqual({ robot: 3, status: 1, method: 2, notPost: 3, unreadable: 0, alreadyCounted: 0, repeat: 2 });
  expect(views(content)).toEqual({ 'formation-excel': 0, 'le-miroir-brise': 788, 'portes-ouvertes': 13 });

  // The next hour: more reads, the log has grown; only the new lines count.
  expect(curl('/actualites/formation-excel/', '-A', FIREFOX)).toBe('200');
  const again = await runNews(['views', 'import', log, '--json', '--dir', content], { timeoutMs: 120_000 });
  expect(JSON.parse(again.stdout)).toMatchObject({ added: 1, skipped: { alreadyCounted: 15 } });
  expect(views(content)).toEqual({ 'formation-excel': 1, 'le-miroir-brise': 788, 'portes-ouvertes': 13 });
});
