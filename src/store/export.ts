import fs from 'node:fs';
import path from 'node:path';
import { NewsError } from '../core/errors.js';
import { formatIsoInstant } from '../core/dates.js';
import { filterPosts, sortPosts } from '../core/filters.js';
import type { Post, PostListing } from '../core/post.js';
import { normalizeBaseUrl } from '../core/site.js';
import type { IndexedPlan } from '../export/html.js';
import type { ExportOptions as RenderOptions } from '../export/model.js';
import { DEFAULT_FEED_LIMIT, planKeyOf, type SiteSettings } from '../export/plan-key.js';
import { themeFiles, themeHashOf } from '../export/theme-files.js';
import { isEmptyDir, writeFileAtomic } from './atomic.js';
import { loadPostListings } from './cache.js';
import { claimProblems, failOnProblems, loadPostFile, loadSite, postsDir, SITE_FILE, TRASH_DIR, type PostProblem } from './content.js';
import { lockTimeoutFromEnv, withContentLock } from './lock.js';
import { loadPostSources, postTableId, samePostTable } from './post-sources.js';
import { EXPORT_MARKER, lastPostPagesOf, readPreviousExport, removeLeftoversBeside, siteUnchanged, writeSite, type SitePlan } from './site-output.js';
import { loadStaticSources } from './static-sources.js';
import { templateCacheFor } from './template-cache.js';
import { finishMarkedRuns, type FinishedRun } from './unfinished.js';

/*
 * `news export` as a function: the checks of the target, the posts chosen under the content
 * lock (a run killed half-way finished first), the site written incrementally or the feed
 * rendered. It prints nothing: the command says what it returns.
 */

export const EXPORT_FORMATS = ['html', 'rss', 'atom', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const FEED_NAMES = { rss: 'RSS', atom: 'Atom', json: 'JSON Feed' } as const;
/** The renderers are loaded only when something must be rendered (an unchanged site needs none). */
const FEED_RENDERERS = {
  rss: async () => (await import('../export/rss.js')).renderRss,
  atom: async () => (await import('../export/atom.js')).renderAtom,
  json: async () => (await import('../export/jsonfeed.js')).renderJsonFeed,
} as const;

export interface ExportRequest {
  format: ExportFormat;
  /** Absolute path: the site's folder (html, required), or the feed's file (else the feed is returned). */
  out?: string;
  /** Else site.json's baseUrl; one of the two is required (links are absolute). */
  baseUrl?: string;
  /** At most this many posts, the newest (feeds: 20 by default; html: all). */
  limit?: number;
  /** Only the posts with this tag (one at most). */
  tag?: string[];
  /** Scheduled posts too. */
  future?: boolean;
  /** Drafts too. */
  drafts?: boolean;
  now: Date;
  /** For the metadata cache and NEWS_LOCK_TIMEOUT (`{}`: no cache, the default wait). */
  env: Readonly<Record<string, string | undefined>>;
  /** The user's home folder, never a site's folder. */
  home?: string;
  /** Hears of each killed run finished before reading. */
  onFinished?: (run: FinishedRun) => void;
  /**
   * html: told (once or more) as soon as the export knows it has a long run ahead: every post
   * file read (no record of them), a full export, many pages to render. `news export` gives
   * V8's OSR back then (cli/optimizer.ts).
   */
  onLongRun?: () => void;
}

export interface ExportResult {
  /** The feed, when no `out` was given. */
  document?: string;
  /** Posts exported. */
  posts: number;
  /** The tag asked for, and how many exportable posts carry it (0: none, worth a warning). */
  tag?: string;
  matching: number;
  /** Entries of posts/ left out that are no post file at all (a FIFO, a folder): worth a warning. */
  warnings: PostProblem[];
  /** html: files in the site, written this time, removed. */
  site?: { files: number; written: number; removed: number; threads: number };
}

export async function exportContent(contentDir: string, request: ExportRequest): Promise<ExportResult> {
  const site = loadSite(contentDir);
  const baseUrl = chooseBaseUrl(request.baseUrl, site.baseUrl, contentDir);
  const tag = chooseTag(request.tag);
  const out = request.out;
  if (request.format === 'html') {
    if (out === undefined) throw new NewsError('news export html écrit un dossier : indiquez-le avec --out <dossier> (ex. --out public)', 2, { code: 'USAGE' });
    checkSiteTarget(out, contentDir, request.home);
  } else if (out !== undefined) {
    checkFeedTarget(out, contentDir);
  }

  const limit = request.format === 'html' ? request.limit : request.limit ?? DEFAULT_FEED_LIMIT;
  const statuses = new Set<Post['status']>(request.drafts ? ['published', 'draft'] : ['published']);
  /** Every file checked (a broken one fails the export), then the newest that pass the filter. */
  const warnings: PostProblem[] = [];
  const choose = <T extends { post: PostListing; file: string }>({ posts, problems }: { posts: T[]; problems: PostProblem[] }, claimsChecked = false) => {
    // The rules of news validate: a broken file, or a slug or alias claimed twice, fails the export;
    // an entry that is no post file at all (a FIFO, a folder) is named (in `warnings`) and left out.
    // (Claims are not checked again when every post file is the one the last export checked.)
    warnings.push(...failOnProblems([...problems, ...(claimsChecked ? [] : claimProblems(contentDir, posts))], 'export annulé'));
    const kept = filterPosts(posts, { statuses, future: request.future ?? false, tag }, request.now, site.timeZone);
    return { chosen: sortPosts(kept, 'date', site.timeZone).slice(0, limit), matching: kept.length };
  };
  /** A run killed half-way is finished first (or, without write access, the export is refused naming it). */
  const finishRuns = async (held: Parameters<typeof finishMarkedRuns>[1]) => {
    for (const run of await finishMarkedRuns(contentDir, held, formatIsoInstant(request.now, site.timeZone))) request.onFinished?.(run);
  };
  const settings: SiteSettings = site;
  const lock = { timeoutMs: lockTimeoutFromEnv(request.env), readOnly: true };

  if (request.format === 'html') {
    // The last export's record: which post files it read, which files it wrote.
    const postsId = postTableId(contentDir, site.timeZone);
    const previous = readPreviousExport(out!, postsId);
    // Without the last export's post table every post file is read and checked: a long run.
    if (previous.posts === undefined) request.onLongRun?.();
    // Read under the content lock: a dedupe --apply running at the same moment is seen before
    // or after, never half done. Unchanged post files are taken from the record, unread.
    const { chosen, matching, table } = await withContentLock(contentDir, async ({ held }) => {
      await finishRuns(held);
      const sources = loadPostSources(contentDir, site.timeZone, previous.posts);
      // The record's post table is written by an export that passed every check.
      return { ...choose(sources, samePostTable(previous.posts, sources.table)), table: sources.table };
    }, lock);
    // The theme is read and hashed first, and static files not changed since the record keep
    // their hash unread: when the plan's key is the last export's, only the site's files are
    // checked and no renderer is even loaded.
    const { files: staticFiles, table: statics } = loadStaticSources(contentDir, previous.statics);
    const tables = { posts: table, statics };
    const publisher = typeof site.publisher === 'string' && site.publisher.trim() ? site.publisher.trim() : undefined;
    const sources = chosen.map((p) => p.source);
    const planInputs = { baseUrl, staticFiles, publisher };
    // Read once: hashed for the key now, compiled below when the site must be written.
    const theme = themeFiles(contentDir);
    const key = planKeyOf(settings, sources, { ...planInputs, themeHash: themeHashOf(theme) });
    // What a killed export left beside --out goes first (a complete old copy put back may be the site).
    removeLeftoversBeside(out!);
    const unchanged = siteUnchanged(out!, key, postsId, previous, tables);
    if (unchanged !== undefined) return { posts: chosen.length, tag, matching, warnings, site: { ...unchanged, threads: 1 } };
    // Every template is parsed before any page is made; a template that fails only when rendering
    // fails before the first write too (writeSite renders every changed file before writing).
    const [{ loadTheme }, { planHtmlSiteIndexed }] = await Promise.all([import('../export/theme.js'), import('../export/html.js')]);
    // Compiled templates are kept in the metadata cache's folder: the next export compiles none.
    const templates = templateCacheFor(contentDir, request.env);
    const planOptions = { ...planInputs, theme: loadTheme(contentDir, theme, templates), lastPostPages: lastPostPagesOf(previous) };
    let indexed: IndexedPlan | undefined;
    const plan: SitePlan = {
      key,
      files: () => (indexed ??= planHtmlSiteIndexed(settings, sources, planOptions)).files,
      postPages: () => (indexed === undefined ? undefined : { count: indexed.entries.length, postKeys: indexed.postKeys }),
      longRun: request.onLongRun,
      // A full export of many posts shares their pages with a worker thread (store/site-worker.ts).
      parallel: {
        pages: chosen.length,
        job: () => ({
          contentDir, settings, baseUrl, publisher, themeHash: planOptions.theme.hash, templateCache: templates?.file,
          statics: staticFiles.map((f): [string, string] => [f.path, f.key]),
          posts: chosen.map(({ file, post, time, source }) => ({
            file, time, key: source.key, lastChange: source.lastChange,
            listing: { slug: post.slug, title: post.title, date: post.date, status: post.status, views: post.views, tags: post.tags, aliases: post.aliases },
          })),
        }),
        primeLead: (i, lead) => indexed!.entries[i]!.primeLead(lead),
      },
    };
    const result = await writeSite(out!, plan, postsId, previous, tables);
    return { posts: chosen.length, tag, matching, warnings, site: { files: result.files, written: result.written, removed: result.removed, threads: result.threads ?? 1 } };
  }

  // A feed shows only its newest posts: unchanged files were checked when the metadata cache
  // took them, and only the chosen posts are read whole.
  const { sorted, matching } = await withContentLock(contentDir, async ({ held }) => {
    await finishRuns(held);
    const { chosen, matching } = choose(loadPostListings(contentDir, site.timeZone, request.env));
    return { sorted: chosen.map(({ file }) => reloadPost(contentDir, file)), matching };
  }, lock);
  const options: RenderOptions = { baseUrl, limit: limit!, tag };
  const document = (await FEED_RENDERERS[request.format]())(settings, sorted, options);
  if (out === undefined) return { document, posts: sorted.length, tag, matching, warnings };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  writeFileAtomic(out, document);
  return { posts: sorted.length, tag, matching, warnings };
}

/** A post read again whole (its body was dropped while loading); it was sound a moment ago, under the same lock. */
function reloadPost(contentDir: string, file: string): Post {
  const loaded = loadPostFile(contentDir, file, true);
  failOnProblems(loaded.problems, 'export annulé');
  return loaded.post!;
}

function chooseBaseUrl(flag: string | undefined, fromSite: string | undefined, contentDir: string): string {
  if (flag !== undefined) {
    const url = normalizeBaseUrl(flag);
    if (!url) throw new NewsError(`--base-url « ${flag} » n’est pas une adresse http(s) absolue : indiquez par exemple --base-url https://exemple.fr/actualites/`);
    return url;
  }
  const siteFile = path.join(contentDir, SITE_FILE);
  if (fromSite === undefined) {
    throw new NewsError(`adresse du site inconnue : les flux et le site demandent des liens absolus. Indiquez --base-url https://exemple.fr/actualites/ ou ajoutez "baseUrl" à ${siteFile}`);
  }
  const url = normalizeBaseUrl(fromSite);
  if (!url) throw new NewsError(`${siteFile} : champ baseUrl : « ${fromSite} » n’est pas une adresse http(s) absolue (ex. https://exemple.fr/actualites/)`);
  return url;
}

function chooseTag(tags: string[] | undefined): string | undefined {
  if (!tags || tags.length === 0) return undefined;
  if (tags.length > 1) throw new NewsError('--tag ne peut être donné qu’une fois pour un export');
  const tag = tags[0]!.trim();
  if (!tag) throw new NewsError('--tag attend une étiquette non vide');
  return tag;
}

function realOrResolved(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    // Not there yet: resolve its nearest existing parent so symbolic links are seen through.
    const parent = path.dirname(p);
    return parent === p ? p : path.join(realOrResolved(parent), path.basename(p));
  }
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Places inside the content folder (`content`, its real path) that an export must never write to. */
function refuseContentFiles(target: string, content: string, flag: string): void {
  for (const protectedPath of [postsDir(content), path.join(content, TRASH_DIR), path.join(content, SITE_FILE)]) {
    if (isInside(target, protectedPath)) {
      throw new NewsError(`${flag} ${target} est dans le dossier de contenu (${protectedPath}) : choisissez un chemin hors de posts/, .trash/ et site.json`);
    }
  }
}

/** Where a site may go: not /, not home, not the content folder or a parent of it, not someone else's folder. */
function checkSiteTarget(out: string, contentDir: string, homeDir: string | undefined): void {
  const target = realOrResolved(out);
  if (path.parse(target).root === target) throw new NewsError(`--out ${out} est la racine du disque : indiquez un dossier dédié au site, ex. --out public`);
  const home = homeDir ? realOrResolved(path.resolve(homeDir)) : undefined;
  if (home !== undefined && target === home) throw new NewsError(`--out ${out} est votre dossier personnel : indiquez un dossier dédié au site, ex. --out public`);
  const content = realOrResolved(contentDir);
  if (isInside(content, target)) {
    throw new NewsError(`--out ${out} contient le dossier de contenu (${content}) : l’export le remplacerait. Indiquez un dossier à part, ex. --out public`);
  }
  refuseContentFiles(target, content, '--out');
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(out);
  } catch {
    return; // created by the export
  }
  if (stat.isSymbolicLink()) throw new NewsError(`--out ${out} est un lien symbolique : indiquez le dossier réel (${target})`);
  if (!stat.isDirectory()) throw new NewsError(`--out ${out} est un fichier, pas un dossier : indiquez un dossier pour le site`);
  // The marker first: an export's folder (10,000 entries) is not listed for it.
  if (!fs.existsSync(path.join(out, EXPORT_MARKER)) && !isEmptyDir(out)) {
    throw new NewsError(`--out ${out} n’est pas vide et n’a pas été créé par news export (pas de fichier ${EXPORT_MARKER}) : l’export en supprimerait tout ce qui n’est pas du site. Indiquez un dossier vide ou nouveau, ou videz celui-ci`);
  }
}

function checkFeedTarget(out: string, contentDir: string): void {
  refuseContentFiles(realOrResolved(out), realOrResolved(contentDir), '--out');
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(out);
  } catch {
    stat = undefined;
  }
  if (stat?.isDirectory()) throw new NewsError(`--out ${out} est un dossier : indiquez le fichier du flux, ex. --out ${path.join(out, 'feed.xml')}`);
}
