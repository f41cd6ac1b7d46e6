import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makePost, runNews, tempContent } from '../helpers/cli.js';

/**
 * Issue 13, item 8: messages that count, speak French and name the file. The count of invalid
 * post files counts files (not problems); a feed refused by the XML parser is explained in
 * French; a regular file at `.news.lock` is named, said not to be a lock, with how to remove it.
 */

const LONG = 120_000;
const noTrace = (text: string) => expect(text).not.toMatch(/\n\s+at .*:\d+:\d+/);

test('export: 3 problems in 2 files are counted as such; 2 broken files as 2 files', async () => {
  const dir = tempContent({
    bon: makePost('bon'),
    'deux-problemes': makePost('deux-problemes', { views: -1, status: 'brouillon' }),
    casse: '{ "schemaVersion": 1, ',
  });
  const r = await runNews(['export', 'rss', '--dir', dir]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('3 problèmes dans 2 fichiers de billet');
  expect(r.stderr).not.toMatch(/3 fichier/);
  noTrace(r.stderr);
  fs.writeFileSync(path.join(dir, 'posts', 'deux-problemes.json'), `${JSON.stringify(makePost('deux-problemes', { views: -1 }))}\n`);
  const two = await runNews(['export', 'rss', '--dir', dir]);
  expect(two.stderr).toContain('2 fichiers de billet invalides');
}, LONG);

test('import: a feed with an external entity or an oversized entity is refused in French, naming the file', async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'news-feeds-'));
  const item = '<item><title>&x;</title><description>d</description><pubDate>Tue, 29 Oct 2013 10:00:00 +0100</pubDate></item>';
  const external = path.join(work, 'externe.xml');
  fs.writeFileSync(external, `<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<rss version="2.0"><channel><title>t</title>${item}</channel></rss>\n`);
  const big = path.join(work, 'entite.xml');
  fs.writeFileSync(big, `<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY x "${'y'.repeat(20_000)}">]>\n<rss version="2.0"><channel><title>t</title>${item}</channel></rss>\n`);
  const dir = tempContent();
  const r = await runNews(['import', '--from', 'rss', '--dir', dir, external, big]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/externe\.xml : non importé : XML illisible : le DOCTYPE déclare une entité externe .*retirez cette déclaration/);
  expect(r.stderr).toMatch(/entite\.xml : non importé : XML illisible : l’entité « x » du DOCTYPE fait 20000 caractères, au plus 10000 permis/);
  expect(r.stderr).not.toMatch(/External entities|exceeds maximum/);
  expect(fs.readdirSync(path.join(dir, 'posts'))).toEqual([]);
}, LONG);

test('a regular file at .news.lock: named, said not to be a lock, with how to remove it; nothing written', async () => {
  const dir = tempContent({ bon: makePost('bon') });
  const lock = path.join(dir, '.news.lock');
  fs.writeFileSync(lock, 'notes\n');
  for (const args of [['new', '--title', 'Un titre', '--body', 'Un texte.'], ['dedupe', '--apply']]) {
    const r = await runNews([...args, '--dir', dir], { env: { NEWS_LOCK_TIMEOUT: '2000' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${lock} est un fichier ordinaire, pas un verrou de news`);
    expect(r.stderr).toContain(`supprimez-le (rm ${lock})`);
    expect(r.stderr).not.toMatch(/ENOTDIR/);
    noTrace(r.stderr);
  }
  expect(fs.readdirSync(path.join(dir, 'posts'))).toEqual(['bon.json']);
  expect(fs.readFileSync(lock, 'utf8')).toBe('notes\n');
}, LONG);
