import { checkPost, postSchema } from '../../src/core/post.js';

const base = {
  schemaVersion: 1,
  id: '6f1c2a9e-3b7d-5e41-9a0c-2d8e4f6b1a37',
  slug: 'le-miroir-brise-des-reseaux-sociaux',
  title: 'Le miroir brisé des réseaux sociaux',
  date: '2013-10-29',
  status: 'published',
  author: 'Équipe formation',
  tags: ['réseaux sociaux'],
  summary: 'Chapeau.',
  body: 'Texte.',
  views: 787,
  aliases: [],
  createdAt: '2013-10-29T09:12:00+01:00',
  updatedAt: '2013-10-29T09:12:00+01:00',
};

// Each variant changes one field; checkPost's in-place fast path must agree with the zod schema.
const variants: Array<[string, Record<string, unknown>]> = [
  ['as is', {}],
  ['minimal', { id: undefined, author: undefined, tags: undefined, summary: undefined, aliases: undefined, createdAt: undefined, updatedAt: undefined }],
  ['unknown field kept', { extra: { nested: [1, 2] } }],
  ['date-time with Z', { date: '2013-10-29T23:30:00Z' }],
  ['date-time with offset', { date: '2013-10-29T23:30:00.123+02:00' }],
  ['draft', { status: 'draft' }],
  ['views 0', { views: 0 }],
  ['schemaVersion 2', { schemaVersion: 2 }],
  ['schemaVersion as text', { schemaVersion: '1' }],
  ['id not a UUID', { id: 'abc' }],
  ['id null', { id: null }],
  ['slug with capitals', { slug: 'Le-Miroir' }],
  ['slug with double hyphen', { slug: 'le--miroir' }],
  ['slug too long', { slug: 'a'.repeat(81) }],
  ['slug of 80', { slug: 'a'.repeat(80) }],
  ['title blank', { title: '   ' }],
  ['title number', { title: 3 }],
  ['title missing', { title: undefined }],
  ['date impossible', { date: '2013-02-30' }],
  ['date without zone', { date: '2013-10-29T10:00:00' }],
  ['date French', { date: '29/10/2013' }],
  ['status other', { status: 'pub' }],
  ['author number', { author: 1 }],
  ['tags text', { tags: 'a' }],
  ['tag blank', { tags: ['a', ' '] }],
  ['tag number', { tags: [1] }],
  ['summary null', { summary: null }],
  ['body missing', { body: undefined }],
  ['body number', { body: 1 }],
  ['views negative', { views: -1 }],
  ['views fractional', { views: 1.5 }],
  ['views text', { views: '787' }],
  ['views huge', { views: 2 ** 60 }],
  ['alias invalid', { aliases: ['Bad Slug'] }],
  ['alias valid', { aliases: ['ancien-slug'] }],
  ['createdAt calendar date', { createdAt: '2013-10-29' }],
  ['updatedAt text', { updatedAt: 'hier' }],
];

// The variants a post file may really have; every other one must be refused.
const SOUND = new Set([
  'as is', 'minimal', 'unknown field kept', 'date-time with Z', 'date-time with offset', 'draft', 'views 0',
  'slug of 80', 'alias valid',
]);

describe('checkPost agrees with the schema', () => {
  test.each(variants)('%s', (name, change) => {
    const value: Record<string, unknown> = { ...base, ...change };
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete value[k];
    const expected = postSchema().safeParse(structuredClone(value)).success;
    // Agreement alone would also hold if both refused everything: pin the verdict too.
    expect(expected).toBe(SOUND.has(name));
    const result = checkPost(structuredClone(value));
    expect(result.ok).toBe(expected);
    if (result.ok) {
      expect(result.post.tags).toEqual(value.tags ?? []);
      expect(result.post.aliases).toEqual(value.aliases ?? []);
      if ('extra' in value) expect(result.post.extra).toEqual(value.extra);
    } else {
      expect(result.problems.length).toBeGreaterThan(0);
      for (const p of result.problems) expect(p.reason).toMatch(/[a-zé]/);
    }
  });

  test('a wrong file names the field in French', () => {
    const result = checkPost({ ...base, views: -1, title: undefined });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems).toEqual(expect.arrayContaining([
        { field: 'views', reason: 'views doit être ≥ 0' },
        { field: 'title', reason: 'champ obligatoire absent' },
      ]));
    }
  });
});
