import { zod } from './zod.js';
import { SLUG_MAX_LENGTH, SLUG_PATTERN, isValidSlug } from './slug.js';
import { INSTANT_PATTERN, parsePostDate, POST_DATE_PATTERN, yearProblem } from './dates.js';

export const SCHEMA_VERSION = 1;
export const STATUSES = ['published', 'draft'] as const;
export type Status = (typeof STATUSES)[number];

let schema: ReturnType<typeof buildPostSchema> | undefined;

/** The zod schema of a post file, built on first use (only doubtful files need it). */
export function postSchema() {
  schema ??= buildPostSchema();
  return schema;
}

/**
 * Every check is a pattern, a length or a bound, never a refine() or a transform(): so the
 * same schema gives the JSON Schema that editors use (schemas/post.schema.json, written at
 * build time by jsonSchemas() below) and that schema accepts exactly what `validate` accepts.
 */
function buildPostSchema() {
  const { z } = zod();
  const slugMessage = `slug invalide : lettres minuscules sans accent, chiffres et tirets simples (^[a-z0-9]+(-[a-z0-9]+)*$), au plus ${SLUG_MAX_LENGTH} caractères`;
  const slugField = () => z.string().regex(SLUG_PATTERN, { message: slugMessage }).max(SLUG_MAX_LENGTH, { message: slugMessage });
  /** A date refused for its year says so (`année 0099 hors des années acceptées…`); otherwise the expected forms. */
  const dateMessage = (what: string, expected: string) => (issue: { input?: unknown }) =>
    `${what} invalide : ${(typeof issue.input === 'string' ? yearProblem(issue.input) : undefined) ?? expected}`;
  const instantField = (description: string) =>
    z.string().regex(new RegExp(INSTANT_PATTERN), { error: dateMessage('date-heure', 'attendu ISO 8601 avec Z ou un décalage (ex. 2013-10-29T09:12:00+01:00)') })
      .optional().describe(description);
  const nonBlank = /\S/;

  /** schemaVersion 1. Unknown fields are kept (loose object) so a rewrite never drops them. */
  return z.looseObject({
    $schema: z.string().optional().describe('Adresse du schéma JSON, pour les éditeurs ; ignorée par news.'),
    schemaVersion: z.literal(SCHEMA_VERSION, { message: `schemaVersion doit valoir ${SCHEMA_VERSION}` }).describe('Version du format de billet : 1.'),
    id: z.uuid({ message: 'id doit être un UUID (ex. 6f1c2a9e-3b7d-5e41-9a0c-2d8e4f6b1a37)' }).optional()
      .describe('Identifiant permanent (UUID), écrit une fois à la création ; guid des flux.'),
    slug: slugField().describe('Nom du fichier sans .json : minuscules sans accent, chiffres, tirets.'),
    title: z.string().regex(nonBlank, { message: 'le titre ne doit pas être vide' }).describe('Titre du billet.'),
    date: z.string().regex(new RegExp(POST_DATE_PATTERN), {
      error: dateMessage('date', 'attendu AAAA-MM-JJ (ex. 2013-10-29) ou une date-heure ISO 8601 avec Z ou un décalage (ex. 2013-10-29T09:12:00+01:00)'),
    }).describe('Jour AAAA-MM-JJ, ou date-heure ISO 8601 avec Z ou un décalage.'),
    status: z.enum(STATUSES, { message: 'status doit valoir "published" ou "draft"' }).describe('published (publié) ou draft (brouillon).'),
    author: z.string().optional().describe('Auteur affiché.'),
    tags: z.array(z.string().regex(nonBlank, { message: 'une étiquette ne doit pas être vide' })).default([]).describe('Étiquettes.'),
    summary: z.string().optional().describe('Chapeau facultatif, un paragraphe.'),
    body: z.string().describe('Texte du billet en Markdown (CommonMark).'),
    views: z.number().int({ message: 'views doit être un entier' }).min(0, { message: 'views doit être ≥ 0' }).describe('Nombre de lectures.'),
    aliases: z.array(slugField()).default([]).describe('Anciens slugs qui mènent à ce billet.'),
    createdAt: instantField('Date-heure de création.'),
    updatedAt: instantField('Date-heure de la dernière modification.'),
    dedupe: z.boolean({ message: 'dedupe doit valoir true ou false (false : news dedupe laisse ce billet tel quel)' }).optional()
      .describe('false : news dedupe ne fusionne ni ne nettoie jamais ce billet.'),
  });
}

/** A post file, schemaVersion 1. Unknown fields are kept (loose object) so a rewrite never drops them. */
export interface Post {
  /** For editors only (the JSON Schema's address); kept, never checked. */
  $schema?: string;
  schemaVersion: typeof SCHEMA_VERSION;
  id?: string;
  slug: string;
  title: string;
  date: string;
  status: Status;
  author?: string;
  tags: string[];
  summary?: string;
  body: string;
  views: number;
  aliases: string[];
  createdAt?: string;
  updatedAt?: string;
  /** `false`: `news dedupe` leaves this post alone (never merged, never cleaned). */
  dedupe?: boolean;
  [field: string]: unknown;
}

/** What choosing and listing posts needs (filters, sorting, `list`, aliases): a post without its texts. */
export type PostListing = Pick<Post, 'slug' | 'title' | 'date' | 'status' | 'views' | 'tags' | 'aliases'>;

/** The order fields are written in; unknown fields follow, in the order the file had them. */
export const FIELD_ORDER = [
  '$schema', 'schemaVersion', 'id', 'slug', 'title', 'date', 'status', 'author', 'tags', 'summary',
  'body', 'views', 'aliases', 'createdAt', 'updatedAt',
] as const;

export interface SchemaProblem {
  field: string;
  reason: string;
}

export type PostCheck = { ok: true; post: Post } | { ok: false; problems: SchemaProblem[] };

/** Checks a parsed JSON value against the schema; problems name the field in French terms. */
export function checkPost(value: unknown): PostCheck {
  // Most files are sound: check them in place, without the copy zod makes, which costs
  // a lot of garbage collection on 100,000 posts. Anything doubtful goes to zod, which
  // decides and words the French message.
  if (isSoundPost(value)) {
    value.tags ??= [];
    value.aliases ??= [];
    return { ok: true, post: value as Post };
  }
  const result = postSchema().safeParse(value);
  if (result.success) {
    // The schema transforms nothing but the defaults, and zod's copy loses an own `__proto__`
    // key (JSON.parse makes one): keep the parsed object itself, every key untouched.
    const post = value as Record<string, unknown>;
    post.tags ??= [];
    post.aliases ??= [];
    return { ok: true, post: post as Post };
  }
  return {
    ok: false,
    problems: result.error.issues.map((issue) => ({
      field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(racine)',
      // A missing enum or literal (status, schemaVersion) is reported by zod as a wrong value: say it is missing.
      reason: issue.path.length > 0 && valueAt(value, issue.path) === undefined
        ? 'champ obligatoire absent'
        : issue.message,
    })),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

const isText = (v: unknown): v is string => typeof v === 'string';
const isNonBlank = (v: unknown): boolean => typeof v === 'string' && v.trim().length > 0;
const isOptional = (v: unknown, check: (v: unknown) => boolean): boolean => v === undefined || check(v);
const isInstant = (v: unknown): boolean => typeof v === 'string' && parsePostDate(v)?.kind === 'instant';

/**
 * True only when postSchema would surely accept the value as it is (never more lenient than
 * the schema: when in doubt it says false and the schema decides).
 */
function isSoundPost(value: unknown): value is Record<string, unknown> & { tags?: string[]; aliases?: string[] } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (
    v.schemaVersion === SCHEMA_VERSION &&
    isOptional(v.$schema, isText) &&
    isOptional(v.id, (id) => isText(id) && UUID.test(id)) &&
    isText(v.slug) && isValidSlug(v.slug) &&
    isNonBlank(v.title) &&
    isText(v.date) && parsePostDate(v.date) !== undefined &&
    (v.status === 'published' || v.status === 'draft') &&
    isOptional(v.author, isText) &&
    isOptional(v.tags, (t) => Array.isArray(t) && t.every(isNonBlank)) &&
    isOptional(v.summary, isText) &&
    isText(v.body) &&
    typeof v.views === 'number' && Number.isSafeInteger(v.views) && v.views >= 0 &&
    isOptional(v.aliases, (a) => Array.isArray(a) && a.every((s) => isText(s) && isValidSlug(s))) &&
    isOptional(v.createdAt, isInstant) &&
    isOptional(v.updatedAt, isInstant) &&
    isOptional(v.dedupe, (d) => typeof d === 'boolean')
  );
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** A post as written to disk: 2-space JSON, known fields in order, unknown ones kept, final newline. */
export function serializePost(post: Post): string {
  // No prototype: an unknown key named `__proto__` or `constructor` is an ordinary own key
  // here (on a plain object, assigning `__proto__` would set the prototype and drop it).
  const ordered: Record<string, unknown> = Object.create(null);
  for (const key of FIELD_ORDER) {
    if (post[key] !== undefined) ordered[key] = post[key];
  }
  for (const [key, value] of Object.entries(post)) {
    if (!Object.hasOwn(ordered, key) && value !== undefined) ordered[key] = value;
  }
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/**
 * The post as a file already holds it, with some fields changed: the keys keep the file's
 * order (unknown ones included), a field set to undefined goes, a field the file did not have
 * is put where FIELD_ORDER places it. So a rewrite differs from the file only in what changed.
 */
export function withFields(post: Record<string, unknown>, changes: Readonly<Record<string, unknown>>): Post {
  const keys = Object.keys(post);
  for (const key of Object.keys(changes)) {
    if (Object.hasOwn(post, key) || changes[key] === undefined) continue;
    const rank = (FIELD_ORDER as readonly string[]).indexOf(key);
    let at = keys.length;
    if (rank >= 0) {
      // After the last present field that comes before it, else before the first that comes after it.
      const before = keys.map((k) => (FIELD_ORDER as readonly string[]).indexOf(k));
      const previous = before.reduce((found, r, i) => (r >= 0 && r < rank ? i : found), -1);
      const next = before.findIndex((r) => r > rank);
      at = previous >= 0 ? previous + 1 : next >= 0 ? next : keys.length;
    }
    keys.splice(at, 0, key);
  }
  // No prototype, as in serializePost: a `__proto__` key from the file stays an own key.
  const out: Record<string, unknown> = Object.create(null);
  for (const key of keys) {
    const value = Object.hasOwn(changes, key) ? changes[key] : post[key];
    if (value !== undefined) out[key] = value;
  }
  return out as Post;
}

/** A post written with its keys in the order it holds them (see withFields). */
export function serializeInOrder(post: Post): string {
  return `${JSON.stringify(post, null, 2)}\n`;
}
