import path from 'node:path';
import { formatIsoInstant } from '../core/dates.js';
import { isNewsError } from '../core/errors.js';
import { DEFAULT_TIME_ZONE } from '../format/french.js';
import { claimProblems, loadPosts, loadSite, SITE_FILE, type LoadResult, type PostProblem } from './content.js';
import { readFinished, type FinishedRun } from './unfinished.js';
import { readRegularTextStrict } from './read.js';
import { duplicateKeys, misspeltKey } from '../core/jsonkeys.js';

export interface ValidationReport {
  ok: boolean;
  /** Post files checked (sound or not). */
  checked: number;
  /** Each problem with its file (absolute path), and field, line and column when known. */
  problems: PostProblem[];
  /** Top-level keys that look like a misspelt known key, with the suggestion (French). */
  warnings: string[];
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
  problems.push(...claimProblems(contentDir, posts));
  // What JSON.parse lets through: a key given twice (a problem), a misspelt known key (a warning).
  const warnings: string[] = [];
  for (const { file } of posts) {
    const found = checkKeys(contentDir, file);
    problems.push(...found.problems);
    warnings.push(...found.warnings);
  }
  problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const checked = posts.length + fileProblems.filter((p, i, all) => all.findIndex((q) => q.file === p.file) === i).length;
  return { ok: problems.length === 0, checked, problems, warnings };
}

/** Keys given twice in one object (problems) and top-level keys that look misspelt (warnings) in one sound post file. */
function checkKeys(contentDir: string, file: string): { problems: PostProblem[]; warnings: string[] } {
  let text: string;
  let value: unknown;
  try {
    text = readRegularTextStrict(file);
    value = JSON.parse(text);
  } catch {
    return { problems: [], warnings: [] }; // changed since it was read: loadPosts has said what it could
  }
  const shown = path.relative(contentDir, file);
  const problems = duplicateKeys(text).map((d): PostProblem => ({
    file,
    field: d.path === '(racine)' ? d.key : `${d.path}.${d.key}`,
    line: d.line,
    column: d.column,
    message: `${shown}:${d.line}:${d.column} : la clé « ${d.key} » est donnée deux fois dans le même objet${d.path === '(racine)' ? '' : ` (${d.path})`} : gardez-en une seule (JSON n’en retiendrait que la dernière)`,
  }));
  const warnings: string[] = [];
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const key of Object.keys(value)) {
      const meant = misspeltKey(key);
      if (meant !== undefined && !Object.hasOwn(value, meant)) warnings.push(`${shown} : clé inconnue « ${key} » : vouliez-vous dire « ${meant} » ? (elle est gardée telle quelle, mais news l’ignore)`);
    }
  }
  return { problems, warnings };
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
