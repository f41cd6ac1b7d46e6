import fs from 'node:fs';
import { NewsError } from '../core/errors.js';
import { normalizeForCompare } from '../core/normalize.js';
import { checkPost, SCHEMA_VERSION, type Post } from '../core/post.js';
import { slugify, uniqueSlug } from '../core/slug.js';
import { uniqueTags } from '../core/tags.js';
import type { ImportCandidate, ImportProblem } from '../import/sources.js';
import { createPost, loadPosts, oversizedPostBytes, postFile, postTooBigReason, type PostProblem } from './content.js';

export interface ImportedFile {
  source: string;
  item?: string;
  encoding?: string;
  /** Absolute path of the post file (written, or that would be with dryRun). */
  file: string;
  post: Post;
}

export interface AlreadyThere {
  source: string;
  item?: string;
  reason: 'déjà présent';
  id: string;
  slug: string;
  /** Absolute path of the post already holding it. */
  file: string;
}

export interface AddImportedOptions {
  dryRun?: boolean;
  /** Tags added to every imported post. */
  tags?: readonly string[];
  /** Called before each candidate (1-based), for a progress bar. */
  onProgress?: (done: number, total: number, candidate: ImportCandidate) => void;
}

/** Content key of a post written without an id (by hand): its title, date and words. */
function contentKey(title: string, date: string, body: string): string {
  return `${normalizeForCompare(title)}\n${date}\n${normalizeForCompare(body)}`;
}

/**
 * Decides, for each candidate, "déjà présent" (same id, or same title, date and words as a
 * post without id) or a new post, and writes it unless dryRun. Call it under the content
 * lock. Broken post files already there are returned, not thrown: the import goes on. An
 * error part-way (a full disk) stops it: `failure` holds it, `created` what was written before.
 */
export function addImportedPosts(contentDir: string, candidates: readonly ImportCandidate[], options: AddImportedOptions = {}): { created: ImportedFile[]; skipped: AlreadyThere[]; refused: ImportProblem[]; contentProblems: PostProblem[]; failure?: unknown } {
  const { posts, problems: contentProblems } = loadPosts(contentDir);
  const byId = new Map<string, Post>();
  const byContent = new Map<string, Post>();
  const taken = new Set<string>();
  for (const { post } of posts) {
    taken.add(post.slug);
    for (const alias of post.aliases) taken.add(alias);
    if (post.id) byId.set(post.id.toLowerCase(), post);
    else byContent.set(contentKey(post.title, post.date, post.body), post);
  }
  const created: ImportedFile[] = [];
  const skipped: AlreadyThere[] = [];
  const refused: ImportProblem[] = [];
  const extraTags = options.tags ?? [];
  try {
  candidates.forEach((candidate, index) => {
    options.onProgress?.(index + 1, candidates.length, candidate);
    const { imported } = candidate;
    const existing = byId.get(imported.id) ?? byContent.get(contentKey(imported.title, imported.date, imported.body));
    if (existing) {
      skipped.push({ source: candidate.source, item: candidate.item, reason: 'déjà présent', id: existing.id ?? imported.id, slug: existing.slug, file: postFile(contentDir, existing.slug) });
      return;
    }
    const base = slugify(imported.title) || 'billet';
    for (;;) {
      const slug = uniqueSlug(base, (s) => taken.has(s) || fs.existsSync(postFile(contentDir, s)));
      const check = checkPost({
        schemaVersion: SCHEMA_VERSION,
        id: imported.id,
        slug,
        title: imported.title,
        date: imported.date,
        status: 'published',
        author: imported.author,
        tags: uniqueTags([...imported.tags, ...extraTags]),
        summary: imported.summary,
        body: imported.body,
        views: imported.views,
        aliases: [],
        updatedAt: imported.updatedAt,
      });
      if (!check.ok) {
        // The names come from outside (file names, feed items): no control character reaches a terminal.
        const where = (candidate.item ? `${candidate.source} (${candidate.item})` : candidate.source).replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
        throw new NewsError(`${where} : billet invalide : ${check.problems.map((p) => `champ ${p.field} : ${p.reason}`).join(' ; ')}`, undefined, { code: 'INVALID_CONTENT' });
      }
      const post = check.post;
      // Too big for readers (validate, exports, dedupe): not written, named with the others.
      const bytes = oversizedPostBytes(post);
      if (bytes !== undefined) {
        refused.push({ source: candidate.source, item: candidate.item, missing: [], reasons: [postTooBigReason(bytes)] });
        return;
      }
      let file = postFile(contentDir, slug);
      if (!options.dryRun) {
        try {
          file = createPost(contentDir, post);
        } catch (error) {
          // Written meanwhile by something that ignores the lock: take the next name, never overwrite.
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          taken.add(slug);
          continue;
        }
      }
      taken.add(slug);
      byId.set(post.id!, post);
      created.push({ source: candidate.source, item: candidate.item, encoding: candidate.encoding, file, post });
      return;
    }
  });
  } catch (failure) {
    // A full disk, a permission… after some posts were written: returned with them, so they are reported.
    return { created, skipped, refused, contentProblems, failure };
  }
  return { created, skipped, refused, contentProblems };
}
