// Issue 13, item 3: `news new --body-file` and `news import` never write a post that the tool
// then refuses (a post file is at most 1 MiB), and never read more than that limit
// (/dev/zero must not grow memory).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, cleanEnv, makePost, runNews, tempContent } from '../helpers/cli.js';

const LIMIT = 1024 * 1024;
const NO_STACK = /^\s+at /m;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'news-body-size-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Runs news, watching its resident memory; kills it past `capMb` (a bug must not eat the shared machine). */
function runWatched(args: string[], stdin: 'pipe' | number, capMb = 400): Promise<{ code: number | null; signal: string | null; stderr: string; maxRssMb: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(), stdio: [stdin, 'ignore', 'pipe'] });
    let stderr = '';
    let maxRssMb = 0;
    child.stderr!.setEncoding('utf8').on('data', (d) => (stderr += d));
    const poll = setInterval(() => {
      try {
        const kb = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
        maxRssMb = Math.max(maxRssMb, kb / 1024);
        if (kb / 1024 > capMb) child.kill('SIGKILL');
      } catch {
        // exited meanwhile
      }
    }, 20);
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ code, signal, stderr, maxRssMb });
    });
  });
}

function postFiles(dir: string): string[] {
  return fs.readdirSync(path.join(dir, 'posts'));
}

describe('news new --body-file', () => {
  test('a 2 MB file: exit 2 in French, nothing written', async () => {
    const dir = tempContent({});
    const big = path.join(work, 'big.md');
    fs.writeFileSync(big, 'Un texte beaucoup trop long. '.repeat(70_000)); // ≈ 2 MB
    const r = await runNews(['new', '--dir', dir, '--title', 'Trop long', '--body-file', big]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--body-file ${big} : fichier trop gros`);
    expect(r.stderr).toContain('au plus 1048576');
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(postFiles(dir)).toEqual([]);
  });

  test('/dev/zero: refused at the limit, memory stays small', async () => {
    const dir = tempContent({});
    const r = await runWatched(['new', '--dir', dir, '--title', 'Zéro', '--body-file', '/dev/zero'], 'pipe');
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--body-file /dev/zero : fichier trop gros');
    expect(r.maxRssMb).toBeLessThan(200);
    expect(postFiles(dir)).toEqual([]);
  });

  test('--body-file - with /dev/zero on standard input: the same', async () => {
    const dir = tempContent({});
    const zero = fs.openSync('/dev/zero', 'r');
    try {
      const r = await runWatched(['new', '--dir', dir, '--title', 'Zéro', '--body-file', '-'], zero);
      expect(r.signal).toBeNull();
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("--body-file - : l’entrée standard dépasse 1048576 octets");
      expect(r.maxRssMb).toBeLessThan(200);
    } finally {
      fs.closeSync(zero);
    }
    expect(postFiles(dir)).toEqual([]);
  });

  test('a text under 1 MiB whose JSON escapes make the file larger: refused, nothing written', async () => {
    const dir = tempContent({});
    const quotes = path.join(work, 'quotes.md');
    fs.writeFileSync(quotes, '"\\'.repeat(300_000)); // 600 kB read, 1.2 MB once JSON-escaped
    const r = await runNews(['new', '--dir', dir, '--title', 'Guillemets', '--body-file', quotes]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/le fichier du billet ferait \d+ octets, au plus 1048576/);
    expect(postFiles(dir)).toEqual([]);
  });

  test('a large text that fits is written, and validate and export accept it', async () => {
    const dir = tempContent({});
    const fits = path.join(work, 'fits.md');
    fs.writeFileSync(fits, 'é'.repeat(LIMIT / 2 - 2000)); // just under the limit once written
    const r = await runNews(['new', '--dir', dir, '--title', 'Long mais accepté', '--body-file', fits]);
    expect(r.code).toBe(0);
    const [file] = postFiles(dir);
    expect(fs.statSync(path.join(dir, 'posts', file!)).size).toBeLessThanOrEqual(LIMIT);
    expect((await runNews(['validate', '--dir', dir])).code).toBe(0);
    expect((await runNews(['export', 'json', '--dir', dir])).code).toBe(0);
  });
});

describe('news edit --body-file (the same reader, the same limit)', () => {
  test('/dev/zero and a text whose written file would pass 1 MiB: exit 2, the post unchanged', async () => {
    const dir = tempContent({ billet: makePost('billet') });
    const before = fs.readFileSync(path.join(dir, 'posts', 'billet.json'), 'utf8');
    const zero = await runWatched(['edit', 'billet', '--dir', dir, '--body-file', '/dev/zero'], 'pipe');
    expect(zero.code).toBe(2);
    expect(zero.maxRssMb).toBeLessThan(200);
    const quotes = path.join(work, 'edit-quotes.md');
    fs.writeFileSync(quotes, '"'.repeat(600_000));
    const r = await runNews(['edit', 'billet', '--dir', dir, '--body-file', quotes]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/le fichier du billet ferait \d+ octets, au plus 1048576/);
    expect(fs.readFileSync(path.join(dir, 'posts', 'billet.json'), 'utf8')).toBe(before);
  });
});

describe('news import', () => {
  test('a feed item too large for a post file is not imported, named; the others are', async () => {
    const dir = tempContent({ existant: makePost('existant') });
    const feed = path.join(work, 'gros.xml');
    const item = (title: string, body: string) =>
      `<item><title>${title}</title><link>https://exemple.fr/${encodeURIComponent(title)}</link><guid>https://exemple.fr/${encodeURIComponent(title)}</guid><pubDate>Tue, 29 Oct 2013 09:00:00 +0100</pubDate><description>${body}</description></item>`;
    fs.writeFileSync(feed, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Flux</title><link>https://exemple.fr/</link><description>d</description>${item('Petit', 'Un texte court.')}${item('Énorme', 'mot '.repeat(400_000))}</channel></rss>`);
    const r = await runNews(['import', '--from', 'rss', '--dir', dir, feed]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Énorme.*le fichier du billet ferait \d+ octets, au plus 1048576/);
    expect(postFiles(dir).sort()).toEqual(['existant.json', 'petit.json']);
    expect((await runNews(['validate', '--dir', dir])).code).toBe(0);
  });

  test('a page that is a device is refused at once', async () => {
    const dir = tempContent({});
    const r = await runWatched(['import', '--dir', dir, '/dev/zero'], 'pipe');
    expect(r.code).toBe(2);
    expect(r.maxRssMb).toBeLessThan(200);
    expect(postFiles(dir)).toEqual([]);
  });
});
