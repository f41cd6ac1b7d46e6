import path from 'node:path';
import { isNewsError } from '../core/errors.js';
import { loadPosts, loadSite, SITE_FILE, type PostProblem } from './content.js';

export interface ValidationReport {
  ok: boolean;
  /** Post files checked (sound or not). */
  checked: number;
  /** Each problem with its file (absolute path), and field, line and column when known. */
  problems: PostProblem[];
}

/**
 * What `news validate` checks: site.json, every post file (JSON, schema, slug equal to the
 * file name), and that each slug and alias leads to exactly one post.
 */
export function validateContent(contentDir: string): ValidationReport {
  const problems: PostProblem[] = [];
  try {
    loadSite(contentDir);
  } catch (error) {
    if (!isNewsError(error)) throw error;
    problems.push({ file: path.join(contentDir, SITE_FILE), message: error.message });
  }
  const { posts, problems: fileProblems } = loadPosts(contentDir);
  problems.push(...fileProblems);

  const claims = new Map<string, string[]>();
  const claim = (name: string, by: string) => claims.set(name, [...(claims.get(name) ?? []), by]);
  for (const { post } of posts) {
    claim(post.slug, `${post.slug}.json (slug)`);
    for (const alias of new Set(post.aliases)) claim(alias, `${post.slug}.json (alias)`);
  }
  for (const [name, owners] of claims) {
    if (owners.length < 2) continue;
    for (const owner of owners) {
      const file = path.join(contentDir, 'posts', owner.replace(/ \(.*$/, ''));
      problems.push({
        file,
        field: owner.endsWith('(alias)') ? 'aliases' : 'slug',
        message: `${path.relative(contentDir, file)} : « ${name} » est revendiqué plusieurs fois (${owners.join(', ')}) : gardez-le sur un seul billet`,
      });
    }
  }
  const checked = posts.length + fileProblems.filter((p, i, all) => all.findIndex((q) => q.file === p.file) === i).length;
  return { ok: problems.length === 0, checked, problems };
}
