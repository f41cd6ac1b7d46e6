import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { jsonSchemas, SCHEMA_FILES } from '../../src/core/schemas.js';
import { CALENDAR_DATE_PATTERN, INSTANT_PATTERN, parsePostDate, POST_DATE_PATTERN } from '../../src/core/dates.js';
import { serializePost, type Post } from '../../src/core/post.js';
import { makePost, ROOT, runNewsSync } from '../helpers/cli.js';

/*
 * schemas/post.schema.json and schemas/site.schema.json (written by `npm run build`) come
 * from the zod schemas `validate` uses. Here a real JSON Schema validator (ajv, draft
 * 2020-12, with ajv-formats) and `news validate` judge the same files, and must agree.
 */

jest.setTimeout(120_000);

const shipped = (kind: keyof typeof SCHEMA_FILES) =>
  JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', SCHEMA_FILES[kind]), 'utf8')) as Record<string, unknown>;

function validator(kind: keyof typeof SCHEMA_FILES) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  return ajv.compile(shipped(kind));
}

test('the shipped schemas are the build of the zod schemas, draft 2020-12', () => {
  const made = jsonSchemas();
  for (const kind of ['post', 'site'] as const) {
    expect(shipped(kind)).toEqual(made[kind]);
    expect(shipped(kind).$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  }
  const post = shipped('post') as { required: string[]; properties: Record<string, { pattern?: string }> };
  // Input side: tags and aliases have defaults, so a file may leave them out.
  expect(post.required.sort()).toEqual(['body', 'date', 'schemaVersion', 'slug', 'status', 'title', 'views']);
  expect(post.properties.slug!.pattern).toBe('^[a-z0-9]+(-[a-z0-9]+)*$');
  expect(post.properties.date!.pattern).toBe(POST_DATE_PATTERN);
});

test('the date patterns accept exactly what parsePostDate accepts', () => {
  const any = new RegExp(POST_DATE_PATTERN, 'u');
  const calendar = new RegExp(CALENDAR_DATE_PATTERN, 'u');
  const instant = new RegExp(INSTANT_PATTERN, 'u');
  const samples: string[] = [];
  const two = (n: number) => String(n).padStart(2, '0');
  for (const year of [999, 1000, 1200, 1900, 1999, 2000, 2004, 2013, 2023, 2024, 2100, 2400, 9999]) {
    for (let month = 0; month <= 13; month++) {
      for (let day = 0; day <= 32; day++) samples.push(`${year}-${two(month)}-${two(day)}`);
    }
  }
  for (const time of ['T09:12', 'T09:12:00', 'T23:59:59.123', 'T24:00', 'T12:60', 'T12:00:60', 'T12:00:00.1234567891']) {
    for (const zone of ['Z', '+01:00', '-05:30', '+23:59', '+24:00', '+01:60', '', 'z', '+0100']) {
      samples.push(`2013-10-29${time}${zone}`, `2012-02-29${time}${zone}`, `2013-02-29${time}${zone}`);
    }
  }
  samples.push('0999-12-31', '0000-02-29', '0400-02-29', '1200-02-29', '0099-01-01T10:00Z', '+2013-10-29', '', '2013-1-29', '13-10-29', '2013-10-29 09:12Z', ' 2013-10-29', '2013-10-29\n', '２０１３-10-29');
  for (const sample of samples) {
    const parsed = parsePostDate(sample);
    expect([sample, any.test(sample)]).toEqual([sample, parsed !== undefined]);
    expect([sample, calendar.test(sample)]).toEqual([sample, parsed?.kind === 'calendar']);
    expect([sample, instant.test(sample)]).toEqual([sample, parsed?.kind === 'instant']);
  }
});

/** Problems that are not a matter of one document's shape: the file's name, claims across files. */
const beyondSchema = /diffère du nom du fichier|revendiqué plusieurs fois/;

/** Post files under a folder (`…/posts/*.json`). */
function postFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.json') && path.basename(d) === 'posts') found.push(full);
    }
  };
  walk(dir);
  return found;
}

/** The file as JSON for ajv, or undefined when it is not UTF-8 JSON at all (a BOM is allowed, as news allows it). */
function parseForAjv(file: string): unknown {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(fs.readFileSync(file));
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Copies post files into one content folder, each under its own name, and runs `news validate --json` on it. */
function judge(files: Array<{ name: string; source?: string; text?: string }>): Array<{ name: string; ajv: boolean; validate: boolean; messages: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'news-schema-'));
  fs.mkdirSync(path.join(dir, 'posts'));
  for (const f of files) {
    fs.writeFileSync(path.join(dir, 'posts', f.name), f.source ? fs.readFileSync(f.source) : f.text!);
  }
  const run = runNewsSync(['validate', '--json', '--dir', dir]);
  expect(run.stderr).toBe('');
  expect([0, 1]).toContain(run.code);
  const report = JSON.parse(run.stdout) as { problems: Array<{ file: string; message: string }> };
  const check = validator('post');
  const verdicts = files.map((f) => {
    const messages = report.problems.filter((p) => p.file === `posts/${f.name}` && !beyondSchema.test(p.message)).map((p) => p.message);
    const value = parseForAjv(path.join(dir, 'posts', f.name));
    return { name: f.name, ajv: value !== undefined && check(value), validate: messages.length === 0, messages };
  });
  fs.rmSync(dir, { recursive: true, force: true });
  return verdicts;
}

test('every post file among the test fixtures and the bundled content: ajv and validate agree', () => {
  const sources = [...postFiles(path.join(ROOT, 'test', 'fixtures')), ...postFiles(path.join(ROOT, 'content'))];
  expect(sources.length).toBeGreaterThanOrEqual(15);
  const verdicts = judge(sources.map((source, i) => ({ name: `${String(i).padStart(2, '0')}-${path.basename(source)}`, source })));
  for (const v of verdicts) expect({ name: v.name, ajv: v.ajv, messages: v.messages }).toEqual({ name: v.name, ajv: v.validate, messages: v.messages });
  // Both kinds are there: the agreement is not that of a validator that says yes to everything.
  expect(verdicts.filter((v) => v.ajv).length).toBeGreaterThan(5);
  expect(verdicts.filter((v) => !v.ajv).length).toBeGreaterThanOrEqual(4);
});

test('good and bad posts, field by field: ajv and validate agree', () => {
  const cases: Record<string, Record<string, unknown>> = {
    'bon-minimal': { schemaVersion: 1, slug: 'x', title: 'T', date: '2013-10-29', status: 'draft', body: '', views: 0 },
    'bon-complet': makePost('a', { id: '6f1c2a9e-3b7d-5e41-9a0c-2d8e4f6b1a37', author: 'É', summary: 's', tags: ['réseaux sociaux'], aliases: ['ancien-slug'], createdAt: '2013-10-29T09:12:00+01:00', updatedAt: '2013-10-29T08:12:00Z' }),
    'bon-schema': makePost('a', { $schema: '../node_modules/@actualites/news/schemas/post.schema.json' }),
    'bon-inconnu': makePost('a', { lieu: 'Paris', dedupe: false, __proto__x: 1 }),
    'bon-bissextile': makePost('a', { date: '2012-02-29' }),
    'bon-an-2000': makePost('a', { date: '2000-02-29T23:59:59.5-12:00' }),
    'bon-vues-max': makePost('a', { views: Number.MAX_SAFE_INTEGER }),
    'mauvais-schema': makePost('a', { $schema: 5 }),
    'mauvais-version': makePost('a', { schemaVersion: 2 }),
    'mauvais-sans-version': makePost('a', { schemaVersion: undefined }),
    'mauvais-id': makePost('a', { id: 'pas-un-uuid' }),
    'mauvais-slug': makePost('a', { slug: 'Avec-Majuscule' }),
    'mauvais-slug-long': makePost('a', { slug: 'a'.repeat(81) }),
    'mauvais-slug-tirets': makePost('a', { slug: 'a--b' }),
    'mauvais-titre-vide': makePost('a', { title: ' \t ' }),
    'mauvais-titre-nombre': makePost('a', { title: 12 }),
    'mauvais-date-inexistante': makePost('a', { date: '2013-02-29' }),
    'mauvais-date-1900': makePost('a', { date: '1900-02-29' }),
    'mauvais-date-sans-decalage': makePost('a', { date: '2013-10-29T09:12' }),
    'mauvais-date-heure': makePost('a', { date: '2013-10-29T24:00Z' }),
    'mauvais-date-francaise': makePost('a', { date: '29/10/2013' }),
    'mauvais-statut': makePost('a', { status: 'publié' }),
    'mauvais-auteur': makePost('a', { author: ['x'] }),
    'mauvais-etiquettes': makePost('a', { tags: 'agenda' }),
    'mauvais-etiquette-vide': makePost('a', { tags: ['agenda', ''] }),
    'mauvais-corps': makePost('a', { body: null }),
    'mauvais-vues-negatives': makePost('a', { views: -1 }),
    'mauvais-vues-decimales': makePost('a', { views: 1.5 }),
    'mauvais-vues-texte': makePost('a', { views: '787' }),
    'mauvais-vues-enormes': makePost('a', { views: 2 ** 53 }),
    'mauvais-alias': makePost('a', { aliases: ['Ancien Slug'] }),
    'mauvais-cree-jour': makePost('a', { createdAt: '2013-10-29' }),
    'mauvais-modifie': makePost('a', { updatedAt: 'hier' }),
    'mauvais-tableau': [makePost('a')] as unknown as Record<string, unknown>,
  };
  const verdicts = judge(Object.entries(cases).map(([name, post]) => ({ name: `${name}.json`, text: `${JSON.stringify(post, null, 2)}\n` })));
  for (const v of verdicts) {
    const expected = v.name.startsWith('bon-');
    expect({ name: v.name, ajv: v.ajv, validate: v.validate }).toEqual({ name: v.name, ajv: expected, validate: expected });
  }
});

test('site.json: ajv and the loader agree on good and bad settings', () => {
  const check = validator('site');
  const cases: Array<[Record<string, unknown>, boolean]> = [
    [{}, true],
    [{ $schema: './node_modules/@actualites/news/schemas/site.schema.json', title: 'C’est d’actualité…', baseUrl: 'https://exemple.fr/actualites/', language: 'fr-FR', timeZone: 'Europe/Paris', author: 'Équipe', autre: 1 }, true],
    [{ title: 5 }, false],
    [{ baseUrl: 'pas une adresse' }, false],
    [{ author: null }, false],
  ];
  for (const [site, good] of cases) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'news-site-schema-'));
    fs.writeFileSync(path.join(dir, 'site.json'), JSON.stringify(site));
    const run = runNewsSync(['validate', '--json', '--dir', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
    expect({ site, ajv: check(site), validate: run.code === 0 }).toEqual({ site, ajv: good, validate: good });
  }
});

test('a "$schema" key is kept first when news rewrites a post, and is not a problem', () => {
  const post = { ...makePost('a'), lieu: 'Paris', $schema: './schema.json' } as unknown as Post;
  const text = serializePost(post);
  expect(Object.keys(JSON.parse(text))[0]).toBe('$schema');
  expect(JSON.parse(text)).toEqual(post);
});

test('news init writes .vscode/settings.json mapping posts and site.json to the schemas, copied beside it', () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'news-init-editor-'));
  const dir = path.join(parent, 'actualites');
  const init = runNewsSync(['init', dir, '--title', 'Essai', '--base-url', 'https://exemple.fr/actualites/']);
  expect(init.code).toBe(0);
  expect(init.stderr).toContain('.vscode/');
  const settings = JSON.parse(fs.readFileSync(path.join(dir, '.vscode', 'settings.json'), 'utf8')) as { 'json.schemas': Array<{ fileMatch: string[]; url: string }> };
  expect(settings['json.schemas']).toEqual([
    { fileMatch: ['/posts/*.json'], url: './.vscode/news-post.schema.json' },
    { fileMatch: ['/site.json'], url: './.vscode/news-site.schema.json' },
  ]);
  const made = jsonSchemas();
  for (const { url } of settings['json.schemas']) {
    const copy = JSON.parse(fs.readFileSync(path.join(dir, url), 'utf8')) as Record<string, unknown>;
    expect(copy).toEqual(url.includes('post') ? made.post : made.site);
  }
  // What init and new write is valid under those schemas.
  const created = runNewsSync(['new', '--dir', dir, '--title', 'Portes ouvertes', '--body', 'Samedi.', '--tag', 'agenda']);
  expect(created.code).toBe(0);
  const post = JSON.parse(fs.readFileSync(path.join(dir, 'posts', 'portes-ouvertes.json'), 'utf8'));
  expect(validator('post')(post)).toBe(true);
  expect(validator('site')(JSON.parse(fs.readFileSync(path.join(dir, 'site.json'), 'utf8')))).toBe(true);
  // .vscode/ is not content: validate and list see the post alone.
  expect(runNewsSync(['validate', '--dir', dir, '--json']).stdout).toContain('"checked": 1');
  fs.rmSync(parent, { recursive: true, force: true });
});
