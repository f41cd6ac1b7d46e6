import fs from 'node:fs';
import path from 'node:path';
import { NewsError } from '../../src/core/errors.js';
import { makePost, runNews, snapshotTree, tempContent } from '../helpers/cli.js';
import { testContext } from '../helpers/context.js';
import { exportWith, FIXTURE_SITE, listFiles, tempDir } from './helpers.js';

const cleanup: string[] = [];
afterAll(() => {
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
});

function content(posts: Record<string, unknown> = { a: makePost('a') }, site?: Record<string, unknown>): string {
  const dir = tempContent(posts, site);
  cleanup.push(dir);
  return dir;
}

function scratch(): string {
  const dir = tempDir();
  cleanup.push(dir);
  return dir;
}

async function refusal(opts: Parameters<typeof exportWith>[0], ctx = testContext()): Promise<string> {
  try {
    await exportWith(opts, ctx);
  } catch (error) {
    expect(error).toBeInstanceOf(NewsError);
    expect((error as NewsError).exitCode).toBe(2);
    return (error as NewsError).message;
  }
  throw new Error('the export was expected to fail');
}

describe('base URL', () => {
  test('neither --base-url nor site.json: exit 2, in French, saying both ways to fix it', async () => {
    const dir = content({ a: makePost('a') }, { title: 'Sans adresse' });
    const r = await runNews(['export', 'rss', '--dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--base-url');
    expect(r.stderr).toContain('baseUrl');
    expect(r.stderr).toContain('site.json');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('--base-url wins over site.json, gains its final slash; a bad one is refused', async () => {
    const dir = content({ a: makePost('a') });
    const { ctx } = await exportWith({ format: 'rss', dir, baseUrl: 'https://autre.example/blog' });
    expect(ctx.out()).toContain('<link>https://autre.example/blog/a/</link>');
    expect(await refusal({ format: 'rss', dir, baseUrl: 'autre.example/blog' })).toContain('--base-url');
    expect(await refusal({ format: 'rss', dir, baseUrl: 'ftp://autre.example/' })).toContain('http(s)');
  });
});

describe('--out of the html site', () => {
  test('is required', async () => {
    expect(await refusal({ format: 'html', dir: content() })).toContain('--out');
  });

  test('refuses /, the home folder, the content folder, a parent of it, and posts/', async () => {
    const home = scratch();
    const dir = content();
    const ctx = testContext({ env: { HOME: home } });
    expect(await refusal({ format: 'html', dir, out: '/' }, ctx)).toContain('racine');
    expect(await refusal({ format: 'html', dir, out: home }, ctx)).toContain('dossier personnel');
    expect(await refusal({ format: 'html', dir, out: dir }, ctx)).toContain('contient le dossier de contenu');
    expect(await refusal({ format: 'html', dir, out: path.dirname(dir) }, ctx)).toContain('contient le dossier de contenu');
    expect(await refusal({ format: 'html', dir, out: path.join(dir, 'posts', 'site') }, ctx)).toContain('posts/');
    expect(listFiles(dir)).toEqual(['posts/a.json', 'site.json']);
  });

  test('refuses a non-empty folder that news did not make, a file and a symbolic link; leaves them as they were', async () => {
    const dir = content();
    const place = scratch();
    const theirs = path.join(place, 'theirs');
    fs.mkdirSync(theirs);
    fs.writeFileSync(path.join(theirs, 'important.txt'), 'keep me');
    expect(await refusal({ format: 'html', dir, out: theirs })).toContain('.news-export');
    expect(fs.readFileSync(path.join(theirs, 'important.txt'), 'utf8')).toBe('keep me');
    const file = path.join(place, 'file.html');
    fs.writeFileSync(file, 'x');
    expect(await refusal({ format: 'html', dir, out: file })).toContain('est un fichier');
    const link = path.join(place, 'link');
    fs.symlinkSync(theirs, link);
    expect(await refusal({ format: 'html', dir, out: link })).toContain('lien symbolique');
    expect(fs.readdirSync(place).sort()).toEqual(['file.html', 'link', 'theirs']);
  });

  test('accepts an empty folder, a new one (parents made) and its own previous export', async () => {
    const dir = content();
    const place = scratch();
    fs.mkdirSync(path.join(place, 'empty'));
    for (const out of ['empty', 'new/deep/site', 'empty']) {
      const { code } = await exportWith({ format: 'html', dir, out: path.join(place, out) });
      expect(code).toBe(0);
      expect(fs.existsSync(path.join(place, out, '.news-export'))).toBe(true);
    }
  });

  test('what a killed export left beside the target is removed; a running one\'s is not', async () => {
    const dir = content();
    const place = scratch();
    const dead = path.join(place, '.public.news-build-999999999-abcd1234');
    const live = path.join(place, `.public.news-build-${process.pid}-abcd1234`);
    const other = path.join(place, '.public.news-build-notes');
    for (const d of [dead, live, other]) fs.mkdirSync(path.join(d, 'x'), { recursive: true });
    await exportWith({ format: 'html', dir, out: path.join(place, 'public') });
    expect(fs.readdirSync(place).sort()).toEqual([path.basename(live), path.basename(other), '.public.news-record', 'public'].sort());
  });

  test('--limit keeps the n newest posts in the whole site', async () => {
    const posts: Record<string, unknown> = {};
    for (let i = 1; i <= 5; i++) posts[`b-${i}`] = makePost(`b-${i}`, { date: `2021-01-0${i}`, tags: ['t'] });
    const out = path.join(scratch(), 'site');
    await exportWith({ format: 'html', dir: content(posts), out, limit: 2 });
    expect(listFiles(out).filter((f) => /^b-\d\//.test(f))).toEqual(['b-4/index.html', 'b-5/index.html']);
    expect(fs.readFileSync(path.join(out, 'tag/t/index.html'), 'utf8').match(/class="entry"/g)).toHaveLength(2);
  });
});

describe('a broken post fails the export', () => {
  test('exit 2 naming the file; the previous site and feed stay as they were, nothing left behind', async () => {
    const dir = content({ a: makePost('a'), b: makePost('b', { title: 'Deuxième' }) });
    const place = scratch();
    const out = path.join(place, 'public');
    const feed = path.join(place, 'feed.xml');
    expect((await runNews(['export', 'html', '--dir', dir, '--out', out])).code).toBe(0);
    expect((await runNews(['export', 'rss', '--dir', dir, '--out', feed])).code).toBe(0);
    const before = snapshotTree(place);
    fs.writeFileSync(path.join(dir, 'posts', 'b.json'), '{ "schemaVersion": 1, "slug": "b", ');
    for (const args of [['html', '--out', out], ['rss', '--out', feed], ['atom']]) {
      const r = await runNews(['export', ...args, '--dir', dir]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('posts/b.json');
      expect(r.stderr).toContain('export annulé');
    }
    expect(snapshotTree(place)).toEqual(before);
  });
});

describe('feeds', () => {
  test('go to stdout without --out; --out may not be a folder or a content file', async () => {
    const dir = content({ a: makePost('a', { title: 'Sortie standard' }) });
    const r = await runNews(['export', 'atom', '--dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom"/);
    expect(r.stdout).toContain('<title type="text">Sortie standard</title>');
    expect(r.stderr).toBe('');
    expect(await refusal({ format: 'rss', dir, out: scratch() })).toContain('est un dossier');
    expect(await refusal({ format: 'rss', dir, out: path.join(dir, 'site.json') })).toContain('site.json');
    expect(await refusal({ format: 'json', dir, out: path.join(dir, 'posts', 'a.json') })).toContain('posts/');
  });

  test('the machine time zone changes nothing in the output', async () => {
    const outputs = await Promise.all(['UTC', 'America/New_York', 'Asia/Tokyo'].map((TZ) => runNews(['export', 'rss', '--dir', FIXTURE_SITE], { env: { TZ } })));
    for (const r of outputs) expect(r.code).toBe(0);
    expect(outputs[1]!.stdout).toBe(outputs[0]!.stdout);
    expect(outputs[2]!.stdout).toBe(outputs[0]!.stdout);
    expect(outputs[0]!.stdout).toContain('<pubDate>Fri, 01 Aug 2014 00:00:00 +0200</pubDate>');
  });

  test('an unknown format is refused in French', async () => {
    const r = await runNews(['export', 'pdf', '--dir', content()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('html, rss, atom, json');
  });
});
