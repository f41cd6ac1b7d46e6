import { z } from 'zod';
import { isValidSlug, SLUG_MAX_LENGTH } from './slug.js';
import { parsePostDate } from './dates.js';

z.config(z.locales.fr());

export const SCHEMA_VERSION = 1;
export const STATUSES = ['published', 'draft'] as const;
export type Status = (typeof STATUSES)[number];

const slugField = z
  .string()
  .refine(isValidSlug, {
    message: `slug invalide : lettres minuscules sans accent, chiffres et tirets simples (^[a-z0-9]+(-[a-z0-9]+)*$), au plus ${SLUG_MAX_LENGTH} caractères`,
  });

const dateField = z.string().refine((v) => parsePostDate(v) !== undefined, {
  message: 'date invalide : attendu AAAA-MM-JJ (ex. 2013-10-29) ou une date-heure ISO 8601 avec Z ou un décalage (ex. 2013-10-29T09:12:00+01:00)',
});

const isoInstantField = z.string().refine((v) => parsePostDate(v)?.kind === 'instant', {
  message: 'date-heure invalide : attendu ISO 8601 avec Z ou un décalage (ex. 2013-10-29T09:12:00+01:00)',
});

/** schemaVersion 1. Unknown fields are kept (loose object) so a rewrite never drops them. */
export const postSchema = z.looseObject({
  schemaVersion: z.literal(SCHEMA_VERSION, { message: `schemaVersion doit valoir ${SCHEMA_VERSION}` }),
  id: z.uuid({ message: 'id doit être un UUID (ex. 6f1c2a9e-3b7d-5e41-9a0c-2d8e4f6b1a37)' }).optional(),
  slug: slugField,
  title: z.string().trim().min(1, { message: 'le titre ne doit pas être vide' }),
  date: dateField,
  status: z.enum(STATUSES, { message: 'status doit valoir "published" ou "draft"' }),
  author: z.string().optional(),
  tags: z.array(z.string().trim().min(1, { message: 'une étiquette ne doit pas être vide' })).default([]),
  summary: z.string().optional(),
  body: z.string(),
  views: z.number().int({ message: 'views doit être un entier' }).min(0, { message: 'views doit être ≥ 0' }),
  aliases: z.array(slugField).default([]),
  createdAt: isoInstantField.optional(),
  updatedAt: isoInstantField.optional(),
});

export type Post = z.infer<typeof postSchema>;

/** The order fields are written in; unknown fields follow, in the order the file had them. */
export const FIELD_ORDER = [
  'schemaVersion', 'id', 'slug', 'title', 'date', 'status', 'author', 'tags', 'summary',
  'body', 'views', 'aliases', 'createdAt', 'updatedAt',
] as const;

export interface SchemaProblem {
  field: string;
  reason: string;
}

export type PostCheck = { ok: true; post: Post } | { ok: false; problems: SchemaProblem[] };

/** Checks a parsed JSON value against the schema; problems name the field in French terms. */
export function checkPost(value: unknown): PostCheck {
  const result = postSchema.safeParse(value);
  if (result.success) return { ok: true, post: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => ({
      field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(racine)',
      reason: issue.code === 'invalid_type' && issue.path.length > 0 && valueAt(value, issue.path) === undefined
        ? 'champ obligatoire absent'
        : issue.message,
    })),
  };
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
  const ordered: Record<string, unknown> = {};
  for (const key of FIELD_ORDER) {
    if (post[key] !== undefined) ordered[key] = post[key];
  }
  for (const [key, value] of Object.entries(post)) {
    if (!(key in ordered) && value !== undefined) ordered[key] = value;
  }
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
