import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { NewsError } from '../core/errors.js';
import { formatIsoDay, formatIsoInstant, parsePostDate, today } from '../core/dates.js';
import { lookKey, looksAlike } from '../core/normalize.js';
import { loadPostListings } from './cache.js';
import { checkPost, SCHEMA_VERSION, type Post, type Status } from '../core/post.js';
import { isValidSlug, slugify, uniqueSlug } from '../core/slug.js';
import { uniqueTags } from '../core/tags.js';
import { createPost, loadSite, oversizedPostBytes, postFile, postTooBigReason } from './content.js';
import { withContentLock } from './lock.js';

/** A new post as a person or a script gives it: everything else (id, slug, views, stamps) is made. */
export interface NewPostInput {
  title: string;
  body: string;
  /** `AAAA-MM-JJ` or ISO 8601 with Z or an offset; default: today in the site's time zone. */
  date?: string;
  summary?: string;
  author?: string;
  tags?: string[];
  /** Default `published`. */
  status?: Status;
  /** Imposed slug; default: made from the title (`-2`, `-3`… on collision). */
  slug?: string;
}

export interface NewPostOptions {
  /** The clock: today's date and createdAt/updatedAt. */
  now: Date;
  /** How long to wait for the content lock (ms). */
  lockTimeoutMs?: number;
  /** What a post too big is blamed on (`--body-file x` for the command); default `texte du billet`. */
  sizeLabel?: string;
  /** For the metadata cache ($NEWS_CACHE_DIR…), which keeps each post's look-alike key (`{}`: no cache, every post read). */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface NewPostResult {
  file: string;
  post: Post;
  /** Slugs of existing posts with the same title or the same text (worth a look with dedupe). */
  lookalikes: string[];
}

/**
 * Creates `posts/<slug>.json` under the content lock: never overwrites (exclusive create; a
 * name taken meanwhile moves on to the next free one, unless the slug was imposed).
 */
export async function addPost(contentDir: string, input: NewPostInput, options: NewPostOptions): Promise<NewPostResult> {
  const site = loadSite(contentDir);
  if (!input.title?.trim()) throw new NewsError('le titre est vide : indiquez un titre', undefined, { code: 'USAGE' });
  if (!input.body?.trim()) throw new NewsError('le texte du billet est vide', undefined, { code: 'USAGE' });
  if (input.date !== undefined && !parsePostDate(input.date)) {
    throw new NewsError(`date « ${input.date} » : attendu AAAA-MM-JJ (ex. 2013-10-29) ou une date-heure ISO 8601 avec Z ou un décalage`, undefined, { code: 'USAGE' });
  }
  if (input.slug !== undefined && !isValidSlug(input.slug)) {
    throw new NewsError(`--slug « ${input.slug} » : un slug ne contient que des lettres minuscules sans accent, des chiffres et des tirets simples (ex. portes-ouvertes-2014), 80 caractères au plus`, undefined, { code: 'USAGE' });
  }
  const title = input.title.trim();
  const stamp = formatIsoInstant(options.now, site.timeZone);
  const id = randomUUID();
  const postOf = (slug: string): unknown => ({
    schemaVersion: SCHEMA_VERSION,
    id,
    slug,
    title,
    date: input.date ?? formatIsoDay(today(options.now, site.timeZone)),
    status: input.status ?? 'published',
    author: input.author,
    tags: uniqueTags(input.tags ?? []),
    summary: input.summary,
    body: input.body,
    views: 0,
    aliases: [],
    createdAt: stamp,
    updatedAt: stamp,
  });
  // Refused before the lock is taken: nothing is written that validate and the exports would refuse.
  const bytes = oversizedPostBytes(postOf(input.slug ?? (slugify(title) || 'billet')) as Post);
  if (bytes !== undefined) {
    throw new NewsError(`${options.sizeLabel ?? 'texte du billet'} : ${postTooBigReason(bytes)} ; aucun billet créé`, 2, { code: 'INVALID_CONTENT' });
  }
  return withContentLock(contentDir, () => {
    // The metadata cache gives every post's slugs and look-alike key, reading only the files
    // changed since the last run (not every post, as a full load would).
    const { posts } = loadPostListings(contentDir, site.timeZone, options.env ?? {}, { lookKey });
    const taken = new Set<string>();
    for (const { post } of posts) {
      taken.add(post.slug);
      for (const alias of post.aliases) taken.add(alias);
    }
    if (input.slug !== undefined && taken.has(input.slug)) {
      throw new NewsError(`--slug « ${input.slug} » est déjà pris par un billet (ou un alias) : choisissez-en un autre`, undefined, { code: 'CONFLICT' });
    }
    const key = lookKey({ title, body: input.body });
    const lookalikes = posts.filter(({ look }) => look !== undefined && looksAlike(look, key)).map(({ post }) => post.slug);
    const base = input.slug ?? (slugify(title) || 'billet');
    for (;;) {
      const slug = uniqueSlug(base, (s) => taken.has(s) || fs.existsSync(postFile(contentDir, s)));
      const candidate = checkPost(postOf(slug));
      if (!candidate.ok) {
        throw new NewsError(`billet invalide : ${candidate.problems.map((p) => `champ ${p.field} : ${p.reason}`).join(' ; ')}`, undefined, { code: 'USAGE' });
      }
      try {
        return { file: createPost(contentDir, candidate.post), post: candidate.post, lookalikes };
      } catch (error) {
        // Someone wrote this name without the lock: take the next free one, never overwrite.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (input.slug !== undefined) throw new NewsError(`--slug « ${input.slug} » est déjà pris : choisissez-en un autre`, undefined, { code: 'CONFLICT' });
        taken.add(slug);
      }
    }
  }, { timeoutMs: options.lockTimeoutMs });
}
