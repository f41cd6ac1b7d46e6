import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { runServe } from '../../src/commands/serve.js';
import { makePost, tempContent } from '../helpers/cli.js';
import { testContext } from '../helpers/context.js';
import { httpGet } from './helpers.js';

/**
 * news serve's live reload, at the level of its protocol: each page is served naming the build
 * it was made from; the event stream says the current build as soon as a page connects, and
 * again after each rebuild; a page reloads when the build said is not its own (the Chromium
 * side is test/e2e/serve.test.ts). A new server's builds are named apart from an earlier one's,
 * so a page left open across a restart reloads when its stream connects again.
 */

/** The build a served page says it was made from. */
function shownBuild(html: string): string {
  const m = /const shown = ("[^"]*");/.exec(html);
  if (m === null) throw new Error(`no reload script in the page: ${html.slice(-300)}`);
  return JSON.parse(m[1]!) as string;
}

/** The event stream, as a queue of its `data:` lines. */
function events(url: string): { next(ms: number): Promise<string>; close(): void } {
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  let buffer = '';
  const req = http.get(`${url}__news/reload`, (res) => {
    res.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        for (const line of message.split('\n')) if (line.startsWith('data: ')) queue.push(line.slice(6));
        wake?.();
      }
    });
  });
  req.on('error', () => undefined); // closed by the test or the server's end
  return {
    async next(ms) {
      const deadline = Date.now() + ms;
      while (queue.length === 0) {
        if (Date.now() > deadline) throw new Error('no event');
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
      return queue.shift()!;
    },
    close: () => req.destroy(),
  };
}

function startServe(dir: string): { url: Promise<string>; stop(): Promise<number> } {
  const controller = new AbortController();
  let listening!: (url: string) => void;
  const url = new Promise<string>((resolve) => (listening = resolve));
  const run = runServe({ dir, port: 0, host: '127.0.0.1', signal: controller.signal, onListening: (u) => listening(u) }, testContext({ stderr: { write: () => true } }));
  return {
    url,
    stop: async () => {
      controller.abort();
      return run;
    },
  };
}

test('a page learns the current build as soon as its stream connects, and each new one after a rebuild; a restarted server names its builds apart', async () => {
  const dir = tempContent({ premier: makePost('premier', { title: 'Premier billet', date: '2024-03-01' }) });
  const first = startServe(dir);
  let second: ReturnType<typeof startServe> | undefined;
  try {
    const url = await first.url;
    const page = await httpGet(`${url}premier/`);
    expect(page.status).toBe(200);
    const built = shownBuild(page.body);
    const stream = events(url);
    // Said at once, and the page's own: no reload.
    expect(await stream.next(5000)).toBe(built);
    fs.writeFileSync(path.join(dir, 'posts', 'premier.json'), `${JSON.stringify(makePost('premier', { title: 'Premier billet revu', date: '2024-03-01' }))}\n`);
    const rebuilt = await stream.next(10_000);
    expect(rebuilt).not.toBe(built);
    const again = await httpGet(`${url}premier/`);
    expect(again.body).toContain('Premier billet revu');
    expect(shownBuild(again.body)).toBe(rebuilt);
    // A page that connects late (after the rebuild) is told the new build at once: it reloads.
    const late = events(url);
    expect(await late.next(5000)).toBe(rebuilt);
    // The 404 page names it too.
    expect(shownBuild((await httpGet(`${url}nulle-part/`)).body)).toBe(rebuilt);
    stream.close();
    late.close();
    expect(await first.stop()).toBe(0);

    second = startServe(dir);
    const url2 = await second.url;
    const restarted = events(url2);
    const said = await restarted.next(5000);
    restarted.close();
    expect(said).not.toBe(rebuilt);
    expect(shownBuild((await httpGet(`${url2}premier/`)).body)).toBe(said);
  } finally {
    await first.stop().catch(() => undefined);
    await second?.stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a change no watcher hears (a post written through a hard link outside the content folder) is seen by the check a second after a rebuild', async () => {
  const dir = tempContent({
    premier: makePost('premier', { title: 'Premier billet', date: '2024-03-01' }),
    second: makePost('second', { title: 'Second billet', date: '2024-03-02' }),
  });
  // posts/ is watched as a folder: a write through another path to the same file is not told to it.
  const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'news-lien-'));
  const link = path.join(elsewhere, 'second.json');
  fs.linkSync(path.join(dir, 'posts', 'second.json'), link);
  const serve = startServe(dir);
  try {
    const url = await serve.url;
    const stream = events(url);
    const built = await stream.next(5000);
    fs.writeFileSync(path.join(dir, 'posts', 'premier.json'), `${JSON.stringify(makePost('premier', { title: 'Premier billet revu', date: '2024-03-01' }))}\n`);
    const seen = await stream.next(10_000);
    expect(seen).not.toBe(built);
    fs.writeFileSync(link, `${JSON.stringify(makePost('second', { title: 'Second billet, écrit par un autre chemin', date: '2024-03-02' }))}\n`);
    // Told by the check (CHECK_MS after the rebuild above), not by a request for the page.
    const checked = await stream.next(10_000);
    expect(checked).not.toBe(seen);
    stream.close();
    expect((await httpGet(`${url}second/`)).body).toContain('Second billet, écrit par un autre chemin');
  } finally {
    await serve.stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(elsewhere, { recursive: true, force: true });
  }
});
