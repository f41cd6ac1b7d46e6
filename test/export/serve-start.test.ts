import fs from 'node:fs';
import path from 'node:path';
import { runServe } from '../../src/commands/serve.js';
import { makePost, tempContent } from '../helpers/cli.js';
import { testContext } from '../helpers/context.js';
import { httpGet } from './helpers.js';

/**
 * SPEC `news serve`: a change under the content folder is seen, including one made the moment
 * serve says the preview is ready (a script that starts serve, waits for that line and saves a
 * post). The watcher is in place before the first build, so nothing falls between the two.
 */

/** The page once it answers 200, or the last answer after `ms`. */
async function pageWithin(url: string, ms: number): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = await httpGet(url);
    if (r.status === 200 || Date.now() > deadline) return r;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

test('a post saved the moment serve says it is ready is shown', async () => {
  const dir = tempContent({ premier: makePost('premier', { title: 'Premier billet', date: '2024-03-01' }) });
  const write = (slug: string, title: string) =>
    fs.writeFileSync(path.join(dir, 'posts', `${slug}.json`), `${JSON.stringify(makePost(slug, { title, date: '2024-03-02' }))}\n`);
  const controller = new AbortController();
  let err = '';
  const ctx = testContext({
    stderr: {
      write: (s: string) => {
        err += s;
        // Saved within the write of the line itself: before anything else serve does after it.
        if (s.startsWith('Aperçu sur')) write('des-que-pret', 'Écrit dès que l’aperçu est prêt');
        return true;
      },
    },
  });
  let listening!: (url: string) => void;
  const ready = new Promise<string>((resolve) => (listening = resolve));
  const run = runServe({ dir, port: 0, host: '127.0.0.1', signal: controller.signal, onListening: (url) => listening(url) }, ctx);
  try {
    const url = await ready;
    const page = await pageWithin(`${url}des-que-pret/`, 5000);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Écrit dès que l’aperçu est prêt');
    expect(err).toMatch(/Reconstruit en \d+ ms/);
  } finally {
    controller.abort();
    await run.catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  expect(await run).toBe(0);
});
