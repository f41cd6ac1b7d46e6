import path from 'node:path';
import { formatIsoInstant } from '../core/dates.js';
import { isNewsError } from '../core/errors.js';
import { DEFAULT_TIME_ZONE } from '../format/french.js';
import { loadPosts, loadSite, SITE_FILE, type LoadResult, type PostProblem } from './content.js';
import { readFinished, type FinishedRun } from './unfinished.js';

export interface ValidationReport {
  ok: boolean;
  /** Post files checked (sound or not). */
  checked: number;
  /** Each problem with its file (absolute path), and field, line and column when known. */
  problems: PostProblem[];
}

/** site.json checked: its time zone (the default one when it cannot be read) and its problem, if any. */
export function checkSiteFile(contentDir: string): { timeZone: string; problems: PostProblem[] } {
  try {
    return { timeZone: loadSite(contentDir).timeZone, problems: [] };
  } catch (error) {
    if (!isNewsError(error)) throw error;
    return { timeZone: DEFAULT_TIME_ZONE, problems: [{ file: path.join(contentDir, SITE_FILE), message: error.message }] };
  }
}

/**
 * What `news validate` reports once the posts are read: the problems of site.json and of
 * each file, and every slug or alias that does not lead to exactly one post.
 */
export function validateLoaded(contentDir: string, siteProblems: PostProblem[], loaded: LoadResult): ValidationReport {
  const { posts, problems: fileProblems } = loaded;
  const problems = [...siteProblems, ...fileProblems];
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

/**
 * `news validate` as a function: site.json, every post file (JSON, schema, slug equal to the
 * file name), slugs and aliases claimed twice. A run of dedupe or rm killed half-way is
 * finished first (under the lock), as every reader does; `onFinished` hears of it.
 */
export async function validateContent(
  contentDir: string,
  options: { now: Date; lockTimeoutMs: number; onFinished?: (run: FinishedRun) => void },
): Promise<ValidationReport> {
  const site = checkSiteFile(contentDir);
  const loaded = await readFinished(contentDir, () => loadPosts(contentDir), {
    at: formatIsoInstant(options.now, site.timeZone),
    timeoutMs: options.lockTimeoutMs,
    onFinished: options.onFinished,
  });
  return validateLoaded(contentDir, site.problems, loaded);
}
