import { jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { makePost } from '../helpers/cli.js';
import { testContext } from '../helpers/context.js';
import { seededRandom } from '../fixtures/dedupe/corpus.js';
import { exportWith, listFiles, tempDir, watchReads } from './helpers.js';

/**
 * SPEC (export html): exporting again into the same folder writes only what changed, removes
 * only what no longer belongs, and always gives a fresh export's bytes. Seeded random runs of
 * content changes, each followed by an incremental export compared with a fresh one.
 */

jest.setTimeout(600_000);

const work = tempDir('news-incremental-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const WORDS = ['réseaux', 'sociaux', 'formation', 'été', 'numérique', 'C++', 'l’école', 'Ça', 'data', 'œuvre', 'IA', 'sécurité', 'loi', 'café'];
const TAGS = ['réseaux sociaux', 'Réseaux  sociaux', 'formation', 'C', 'C++', 'été', 'Ete', 'numérique', 'IA'];

type Rng = ReturnType<typeof seededRandom>;

function sentence(r: Rng, n: number): string {
  return Array.from({ length: n }, () => r.pick(WORDS)).join(' ');
}

function randomDate(r: Rng): string {
  const y = r.int(2012, 2027);
  const m = String(r.int(1, 12)).padStart(2, '0');
  const d = String(r.int(1, 28)).padStart(2, '0');
  return r.chance(0.3) ? `${y}-${m}-${d}T${String(r.int(0, 23)).padStart(2, '0')}:30:00Z` : `${y}-${m}-${d}`;
}

function randomPost(r: Rng, slug: string): Record<string, unknown> {
  return makePost(slug, {
    title: `${sentence(r, r.int(1, 5))} ${slug}`,
    date: randomDate(r),
    status: r.chance(0.1) ? 'draft' : 'published',
    tags: Array.from({ length: r.int(0, 3) }, () => r.pick(TAGS)),
    summary: r.chance(0.5) ? sentence(r, 6) : undefined,
    body: Array.from({ length: r.int(1, 3) }, () => sentence(r, r.int(3, 12))).join('\n\n'),
    views: r.int(0, 5000),
  });
}

interface World {
  dir: string;
  out: string;
  r: Rng;
  now: Date;
  counter: number;
  log: string[];
}

function postsOf(w: World): string[] {
  return fs.readdirSync(path.join(w.dir, 'posts')).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)).sort();
}

function readPost(w: World, slug: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(w.dir, 'posts', `${slug}.json`), 'utf8')) as Record<string, unknown>;
}

function writePost(w: World, slug: string, post: Record<string, unknown>): void {
  // Rewritten whole, as an editor or `news edit` does (new file renamed over, or in place).
  const file = path.join(w.dir, 'posts', `${slug}.json`);
  const text = `${JSON.stringify(post, null, 2)}\n`;
  if (w.r.chance(0.5)) {
    fs.writeFileSync(`${file}.tmp`, text);
    fs.renameSync(`${file}.tmp`, file);
  } else {
    fs.writeFileSync(file, text);
  }
}

/** One random change to the content folder (or the clock). */
function step(w: World): void {
  const { r } = w;
  const slugs = postsOf(w);
  const action = slugs.length < 3 ? 'new' : r.pick(['new', 'new', 'edit', 'edit', 'edit', 'edit', 'rename', 'rm', 'site', 'theme', 'static', 'clock', 'touch']);
  switch (action) {
    case 'new': {
      const slug = `billet-${++w.counter}`;
      writePost(w, slug, randomPost(r, slug));
      w.log.push(`new ${slug}`);
      break;
    }
    case 'edit': {
      const slug = r.pick(slugs);
      const post = readPost(w, slug);
      const field = r.pick(['title', 'views', 'tags', 'body', 'summary', 'date', 'status', 'author']);
      if (field === 'title') post.title = `${sentence(r, r.int(1, 4))} ${slug}`;
      if (field === 'views') post.views = r.int(0, 100_000);
      if (field === 'tags') post.tags = Array.from({ length: r.int(0, 3) }, () => r.pick(TAGS));
      if (field === 'body') post.body = sentence(r, r.int(2, 20));
      if (field === 'summary') post.summary = r.chance(0.3) ? undefined : sentence(r, 5);
      if (field === 'date') post.date = randomDate(r);
      if (field === 'status') post.status = post.status === 'draft' ? 'published' : 'draft';
      if (field === 'author') post.author = r.chance(0.5) ? undefined : sentence(r, 2);
      post.updatedAt = new Date(Date.UTC(2026, 0, 1) + r.int(0, 1e9)).toISOString();
      writePost(w, slug, post);
      w.log.push(`edit ${slug} ${field}`);
      break;
    }
    case 'rename': {
      const slug = r.pick(slugs);
      const post = readPost(w, slug);
      const to = `${slug}-r${++w.counter}`;
      post.slug = to;
      post.aliases = [...(post.aliases as string[]), slug];
      writePost(w, to, post);
      fs.rmSync(path.join(w.dir, 'posts', `${slug}.json`));
      w.log.push(`rename ${slug} ${to}`);
      break;
    }
    case 'rm': {
      const slug = r.pick(slugs);
      fs.rmSync(path.join(w.dir, 'posts', `${slug}.json`));
      w.log.push(`rm ${slug}`);
      break;
    }
    case 'site': {
      const site = JSON.parse(fs.readFileSync(path.join(w.dir, 'site.json'), 'utf8')) as Record<string, unknown>;
      const field = r.pick(['title', 'description', 'author', 'baseUrl']);
      if (field === 'baseUrl') site.baseUrl = r.pick(['https://exemple.fr/actualites/', 'https://autre.example/blog/']);
      else site[field] = sentence(r, 3);
      fs.writeFileSync(path.join(w.dir, 'site.json'), JSON.stringify(site));
      w.log.push(`site ${field}`);
      break;
    }
    case 'theme': {
      // An override of the default theme (news theme init copies these): the stylesheet or a partial.
      const folder = path.join(w.dir, 'theme');
      const name = r.pick(['style.css', 'partials/footer.hbs']);
      const file = path.join(folder, name);
      if (r.chance(0.3)) fs.rmSync(file, { force: true });
      else {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, name.endsWith('.css') ? `body { color: #${r.int(0, 0xfff).toString(16).padStart(3, '0')}; }\n` : `<footer><p>${sentence(r, 3)}</p></footer>\n`);
      }
      w.log.push(`theme ${name}`);
      break;
    }
    case 'static': {
      const folder = path.join(w.dir, 'static');
      const name = r.pick(['images/logo.txt', 'robots-extra.txt', 'docs/guide.txt']);
      const file = path.join(folder, name);
      if (r.chance(0.3)) fs.rmSync(file, { force: true });
      else {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, sentence(r, 3));
      }
      w.log.push(`static ${name}`);
      break;
    }
    case 'clock': {
      w.now = new Date(w.now.getTime() + r.int(1, 400) * 86_400_000);
      w.log.push(`clock ${w.now.toISOString()}`);
      break;
    }
    case 'touch': {
      const slug = r.pick(slugs);
      const file = path.join(w.dir, 'posts', `${slug}.json`);
      fs.writeFileSync(file, fs.readFileSync(file));
      w.log.push(`touch ${slug}`);
      break;
    }
  }
}

/** Exports; returns how many files the site has and how many were written. */
async function exportTo(w: World, out: string): Promise<{ files: number; written: number }> {
  const { ctx } = await exportWith({ format: 'html', dir: w.dir, out }, testContext({ now: () => w.now }));
  const m = /(\d+) fichier\(s\) \((\d+) écrit\(s\)/.exec(ctx.err());
  return { files: Number(m![1]), written: Number(m![2]) };
}

/** Both trees' files and bytes (the record lives beside --out, so nothing is left out). */
function expectSameTree(a: string, b: string, context: string): void {
  const files = listFiles(a);
  expect({ context, files }).toEqual({ context, files: listFiles(b) });
  for (const f of files) {
    const same = fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f)));
    if (!same) expect({ context, file: f, content: fs.readFileSync(path.join(a, f), 'utf8') }).toEqual({ context, file: f, content: fs.readFileSync(path.join(b, f), 'utf8') });
  }
}

async function randomRun(seed: number, steps: number, pauseMs: number): Promise<void> {
  const root = path.join(work, `run-${seed}`);
  const dir = path.join(root, 'content');
  fs.mkdirSync(path.join(dir, 'posts'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'site.json'), JSON.stringify({ title: 'Actualités', baseUrl: 'https://exemple.fr/actualites/', timeZone: 'Europe/Paris' }));
  const w: World = { dir, out: path.join(root, 'public'), r: seededRandom(seed), now: new Date('2026-11-25T12:00:00Z'), counter: 0, log: [] };
  for (let i = 0; i < 45; i++) step(w); // enough posts for numbered pages
  await exportTo(w, w.out);
  let files = 0;
  let written = 0;
  for (let i = 1; i <= steps; i++) {
    const changes = w.r.int(1, 3);
    for (let c = 0; c < changes; c++) step(w);
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    const counts = await exportTo(w, w.out);
    files += counts.files;
    written += counts.written;
    const fresh = path.join(root, `fresh-${i}`);
    await exportTo(w, fresh);
    const context = `seed ${seed}, step ${i}: ${w.log.slice(-changes).join(', ')}`;
    expectSameTree(w.out, fresh, context);
    if (i % 20 === 0) {
      // The real diff -r, as a user would check it.
      expect(execFileSync('diff', ['-r', w.out, fresh], { encoding: 'utf8' })).toBe('');
    }
    fs.rmSync(fresh, { recursive: true, force: true });
    fs.rmSync(`${path.dirname(fresh)}/.${path.basename(fresh)}.news-record`, { force: true });
  }
  expect(fs.readdirSync(root).sort()).toEqual(['.public.news-record', 'content', 'public']);
  // Only what changed was written (site.json changes rewrite every page; most steps do not).
  expect(written).toBeLessThan(files * 0.5);
  expect(written).toBeGreaterThan(0);
}

describe('incremental export equals a fresh export after every change', () => {
  test.each([
    [1, 70, 0],
    [2, 70, 0],
    [3, 40, 0],
    // Pauses long enough for files to settle: unchanged posts and pages are then taken from the record unread.
    [4, 30, 150],
  ])('seed %i, %i steps (pause %i ms)', async (seed, steps, pauseMs) => {
    await randomRun(seed, steps, pauseMs);
  });
});

test('the record: an old JSON record beside --out is removed; a slug claimed twice after a good export is still refused', async () => {
  const dir = path.join(work, 'claims');
  fs.mkdirSync(path.join(dir, 'posts'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'site.json'), `${JSON.stringify({ title: 'Actualités', baseUrl: 'https://exemple.fr/', timeZone: 'Europe/Paris' })}\n`);
  const write = (slug: string, fields: Record<string, unknown>) => fs.writeFileSync(path.join(dir, 'posts', `${slug}.json`), `${JSON.stringify(makePost(slug, fields), null, 2)}\n`);
  write('premier', { date: '2024-01-01' });
  write('second', { date: '2024-01-02' });
  const out = path.join(work, 'claims-site');
  fs.writeFileSync(path.join(work, '.claims-site.news-record.json'), '{"format":1}');
  const ok = await exportWith({ format: 'html', dir, out });
  expect(ok.code).toBe(0);
  expect(fs.existsSync(path.join(work, '.claims-site.news-record.json'))).toBe(false);
  expect(fs.existsSync(path.join(work, '.claims-site.news-record'))).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 300)); // the posts settle: the next export takes them from the record
  expect((await exportWith({ format: 'html', dir, out })).code).toBe(0);
  write('second', { date: '2024-01-02', aliases: ['premier'] });
  await expect(exportWith({ format: 'html', dir, out })).rejects.toThrow(/« premier » est revendiqué plusieurs fois/);
});

test('rows found out of order: a block of posts removed and a post moved far keep the fresh result, and unchanged pages are not read', async () => {
  const root = path.join(work, 'rows');
  const dir = path.join(root, 'content');
  fs.mkdirSync(path.join(dir, 'posts'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'site.json'), JSON.stringify({ title: 'Actualités', baseUrl: 'https://exemple.fr/', timeZone: 'Europe/Paris' }));
  const write = (slug: string, date: string) => fs.writeFileSync(path.join(dir, 'posts', `${slug}.json`), `${JSON.stringify(makePost(slug, { date, title: `Billet ${slug}` }), null, 2)}\n`);
  const dayOf = (i: number) => new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10);
  const slugOf = (i: number) => `billet-${String(i).padStart(3, '0')}`;
  for (let i = 0; i < 140; i++) write(slugOf(i), dayOf(i));
  const w: World = { dir, out: path.join(root, 'public'), r: seededRandom(9), now: new Date('2026-11-25T12:00:00Z'), counter: 0, log: [] };
  await exportTo(w, w.out);
  // Files written lately are read and checked by the next export, which then trusts them: settled
  // (older than the racy margin) and checked, unchanged pages are taken from the record unread.
  await new Promise((resolve) => setTimeout(resolve, 300));
  await exportTo(w, w.out);
  // 60 posts in a row go (more than the finder looks ahead: its map of every row answers), the
  // oldest post becomes the newest (its page far from where it was), one post is added.
  for (let i = 40; i < 100; i++) fs.rmSync(path.join(dir, 'posts', `${slugOf(i)}.json`));
  write(slugOf(0), dayOf(500));
  write('nouveau', dayOf(120));
  const outDir = `${w.out}${path.sep}`;
  const { reads, stop } = watchReads((file) => (file.startsWith(outDir) ? path.relative(w.out, file) : undefined));
  try {
    await exportTo(w, w.out);
  } finally {
    stop();
  }
  const fresh = path.join(root, 'fresh');
  await exportTo(w, fresh);
  expectSameTree(w.out, fresh, 'rows out of order');
  // The pages of the 40 oldest posts left (their neighbours unchanged) are found in the record, not read to be compared.
  const untouched = Array.from({ length: 37 }, (_, k) => `${slugOf(k + 2)}/index.html`);
  expect(reads.filter((r) => untouched.includes(r))).toEqual([]);
});
