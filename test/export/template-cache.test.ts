import fs from 'node:fs';
import path from 'node:path';
import type { Post } from '../../src/core/post.js';
import { renderHtmlSite } from '../../src/export/html.js';
import type { SiteSettings } from '../../src/export/model.js';
import { loadTheme, type CompiledTemplates, type TemplateCache, type Theme } from '../../src/export/theme.js';
import { templateCacheAt } from '../../src/store/template-cache.js';
import { makePost, runNews, tempContent } from '../helpers/cli.js';
import { listFiles, tempDir } from './helpers.js';

/*
 * The theme's templates compiled once and kept (store/template-cache.ts): a theme loaded from
 * the cache renders exactly what a theme compiled now renders; the cache's code is what runs
 * (so a hit compiles nothing); a cache for other templates, a damaged one, or one others may
 * write is not used.
 */

const PARIS: SiteSettings = { title: 'Actualités', timeZone: 'Europe/Paris', author: 'Équipe' };
const BASE = 'https://exemple.fr/actualites/';
const work = tempDir('news-template-cache-');

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function post(slug: string, fields: Partial<Post> = {}): Post {
  return { schemaVersion: 1, slug, title: `Titre « ${slug} » !`, date: '2013-10-29', status: 'published', tags: [], body: `Corps de *${slug}* : voir [ici](/a).`, views: 1234, aliases: [], ...fields };
}

const POSTS = [
  post('c', { date: '2014-08-01', tags: ['Formation', 'Été'], summary: 'Résumé <b>gras</b>' }),
  post('b', { date: '2013-10-30', aliases: ['vieux'], author: 'Anne' }),
  ...Array.from({ length: 25 }, (_, i) => post(`p${String(i).padStart(2, '0')}`, { date: `2012-01-${String(i + 1).padStart(2, '0')}`, tags: ['Formation'] })),
];

function pages(theme: Theme): Array<[string, string]> {
  return [...renderHtmlSite(PARIS, POSTS, { baseUrl: BASE, theme })].map((f) => [f.path, Buffer.from(f.content).toString('utf8')]);
}

/** A cache in memory that counts what it is asked; `answer` replaces what it gives back. */
function memoryCache(answer?: (saved: CompiledTemplates | undefined) => unknown): TemplateCache & { saved: CompiledTemplates[]; loads: number } {
  const cache = {
    saved: [] as CompiledTemplates[],
    loads: 0,
    load(key: string) {
      cache.loads++;
      const last = cache.saved.at(-1);
      if (answer !== undefined) return answer(last) as CompiledTemplates | undefined;
      return last?.key === key ? last : undefined;
    },
    save(compiled: CompiledTemplates) {
      cache.saved.push(structuredClone(compiled));
    },
  };
  return cache;
}

/** The compiled templates with the post template's closing `</article>` marked (the mark shows which code ran). */
function marked(compiled: CompiledTemplates): CompiledTemplates {
  const copy = structuredClone(compiled);
  const postTemplate = copy.templates.find((t) => t.name === 'post')!;
  expect(postTemplate.spec).toContain('</article>');
  postTemplate.spec = postTemplate.spec.replace('</article>', '</article><!--du cache-->');
  return copy;
}

describe('compiled templates kept between runs', () => {
  test('a theme loaded from the cache renders every page as a theme compiled now', () => {
    const cache = memoryCache();
    const first = loadTheme(undefined, undefined, cache);
    expect(cache.saved).toHaveLength(1);
    expect(cache.saved[0]!.templates.map((t) => t.name)).toEqual(expect.arrayContaining(['post', 'index', 'tag', 'tags', 'alias', '404', 'layouts/base', 'partials/head']));
    const second = loadTheme(undefined, undefined, cache);
    // Taken from the cache: nothing compiled, nothing saved again.
    expect(cache.loads).toBe(2);
    expect(cache.saved).toHaveLength(1);
    const fresh = pages(loadTheme(undefined));
    expect(fresh.length).toBeGreaterThan(30);
    expect(pages(first)).toEqual(fresh);
    expect(pages(second)).toEqual(fresh);
  });

  test('the code in the cache is what runs: a hit compiles nothing', () => {
    const cache = memoryCache();
    loadTheme(undefined, undefined, cache);
    const withMark = marked(cache.saved[0]!);
    const theme = loadTheme(undefined, undefined, memoryCache(() => withMark));
    const postPage = pages(theme).find(([p]) => p === 'c/index.html')![1];
    expect(postPage).toContain('</article><!--du cache-->');
  });

  test('a cache for other templates, or damaged, is not used: the theme is compiled and kept', () => {
    const valid = memoryCache();
    loadTheme(undefined, undefined, valid);
    const compiled = valid.saved[0]!;
    const fresh = pages(loadTheme(undefined));
    const wrong: unknown[] = [
      { ...marked(compiled), key: 'un autre thème' },
      { ...marked(compiled), templates: marked(compiled).templates.slice(1) },
      { ...marked(compiled), templates: marked(compiled).templates.map((t, i) => (i === 0 ? { ...t, spec: 42 } : t)) },
      { ...marked(compiled), templates: marked(compiled).templates.map((t, i) => (i === 0 ? { ...t, paths: [['1:2']] } : t)) },
      null,
      'pas un objet',
    ];
    for (const answer of wrong) {
      const cache = memoryCache(() => answer);
      expect(pages(loadTheme(undefined, undefined, cache))).toEqual(fresh);
      expect(cache.saved).toHaveLength(1);
      expect(cache.saved[0]).toEqual(compiled);
    }
    // A cache that fails is a cache that has nothing.
    const failing = { load: () => { throw new Error('disque illisible'); }, save: () => { throw new Error('disque plein'); } };
    expect(pages(loadTheme(undefined, undefined, failing))).toEqual(fresh);
  });

  test('a changed template is compiled again, and a broken one is still refused naming its file', () => {
    const cache = memoryCache();
    loadTheme(undefined, undefined, cache);
    const dir = tempContent();
    fs.mkdirSync(path.join(dir, 'theme'));
    fs.writeFileSync(path.join(dir, 'theme', '404.hbs'), '{{#> layouts/base}}<p>Page perdue</p>{{/layouts/base}}\n');
    const custom = loadTheme(dir, undefined, cache);
    expect(cache.saved).toHaveLength(2);
    expect(cache.saved[1]!.key).not.toBe(cache.saved[0]!.key);
    expect(pages(custom).find(([p]) => p === '404.html')![1]).toContain('<p>Page perdue</p>');
    fs.writeFileSync(path.join(dir, 'theme', '404.hbs'), '{{#> layouts/base}}<p>{{#if}}</p>{{/layouts/base}}\n');
    expect(() => loadTheme(dir, undefined, cache)).toThrow(/modèle .*404\.hbs/);
    expect(cache.saved).toHaveLength(2);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('the cache file', () => {
  test('written for its owner only, read back by its key; damaged, for another key, or writable by others: not used', () => {
    const file = path.join(work, 'cache', 'templates-x.json');
    const cache = templateCacheAt(file);
    const compiled: CompiledTemplates = { key: 'k1', templates: [{ name: 'post', spec: '{"main":function(){return ""}}', paths: [['1:2', 'titre']] }] };
    cache.save(compiled);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o077).toBe(0);
    expect(cache.load('k1')).toEqual(compiled);
    expect(cache.load('k2')).toBeUndefined();
    fs.chmodSync(file, 0o666);
    expect(cache.load('k1')).toBeUndefined();
    fs.chmodSync(file, 0o600);
    expect(cache.load('k1')).toEqual(compiled);
    // Through a symbolic link: not followed.
    const link = path.join(work, 'cache', 'templates-lien.json');
    fs.symlinkSync(file, link);
    expect(templateCacheAt(link).load('k1')).toBeUndefined();
    fs.writeFileSync(file, '{"key":"k1","templates":[', { mode: 0o600 });
    expect(cache.load('k1')).toBeUndefined();
    expect(templateCacheAt(path.join(work, 'absent', 'templates-y.json')).load('k1')).toBeUndefined();
    // A folder that cannot be made: nothing kept, nothing thrown.
    fs.writeFileSync(path.join(work, 'fichier'), '');
    expect(() => templateCacheAt(path.join(work, 'fichier', 'templates-z.json')).save(compiled)).not.toThrow();
  });
});

describe('news export html (built binary)', () => {
  test('the first export keeps the compiled templates; the next one neither parses nor compiles a template, and writes the same site; a broken template still fails it', async () => {
    const dir = tempContent({ a: makePost('a', { tags: ['Formation'] }), b: makePost('b', { date: '2013-10-30' }) });
    const cacheDir = path.join(work, 'bin-cache');
    const preload = path.join(work, 'loaded.cjs');
    // Which Handlebars builds the process loaded, written at exit.
    fs.writeFileSync(preload, "process.on('exit', () => require('node:fs').writeFileSync(process.env.LOADED_OUT, JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('handlebars')).map((k) => require('node:path').basename(k)))));\n");
    const run = async (out: string, loaded: string, env: Record<string, string> = {}) => {
      const r = await runNews(['export', 'html', '--dir', dir, '--out', path.join(work, out)], { env: { NEWS_CACHE_DIR: cacheDir, NODE_OPTIONS: `--require ${preload}`, LOADED_OUT: path.join(work, loaded), ...env }, timeoutMs: 60_000 });
      expect(r.stderr).toMatch(/^Site exporté dans .*\n$/);
      expect(r.code).toBe(0);
      return JSON.parse(fs.readFileSync(path.join(work, loaded), 'utf8')) as string[];
    };
    expect(await run('first', 'first.json')).toEqual(expect.arrayContaining(['handlebars.js', 'handlebars.runtime.js']));
    const kept = fs.readdirSync(cacheDir).filter((n) => n.startsWith('templates-'));
    expect(kept).toHaveLength(1);
    expect(fs.statSync(path.join(cacheDir, kept[0]!)).mode & 0o777).toBe(0o600);
    expect(await run('second', 'second.json')).toEqual(['handlebars.runtime.js']);
    const files = listFiles(path.join(work, 'first'));
    expect(listFiles(path.join(work, 'second'))).toEqual(files);
    for (const f of files) expect(fs.readFileSync(path.join(work, 'second', f))).toEqual(fs.readFileSync(path.join(work, 'first', f)));
    // SPEC: a template error fails the export (exit 2) naming the file, and the site stays as it
    // was, a cache of the theme as it was notwithstanding.
    fs.mkdirSync(path.join(dir, 'theme'));
    fs.writeFileSync(path.join(dir, 'theme', 'post.hbs'), '{{#> layouts/base}}<p>{{#if}}</p>{{/layouts/base}}\n');
    const broken = await runNews(['export', 'html', '--dir', dir, '--out', path.join(work, 'second')], { env: { NEWS_CACHE_DIR: cacheDir }, timeoutMs: 60_000 });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/modèle .*post\.hbs/);
    expect(listFiles(path.join(work, 'second'))).toEqual(files);
    for (const f of files) expect(fs.readFileSync(path.join(work, 'second', f))).toEqual(fs.readFileSync(path.join(work, 'first', f)));
    fs.rmSync(path.join(dir, 'theme'), { recursive: true });
    // NEWS_CACHE=0: compiled every time, nothing kept.
    fs.rmSync(cacheDir, { recursive: true, force: true });
    expect(await run('third', 'third.json', { NEWS_CACHE: '0' })).toContain('handlebars.js');
    expect(fs.existsSync(cacheDir)).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
