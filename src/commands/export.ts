import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { prepareCommand, type CommandEnv } from '../cli/command.js';
import type { Context } from '../core/context.js';
import { NewsError } from '../core/errors.js';
import { addQuietOption, collect, globalOptions, parseChoice, parsePositiveInt } from '../cli/options.js';
import { filterPosts, sortPosts } from '../core/filters.js';
import type { Post, PostListing } from '../core/post.js';
import { renderAtom } from '../export/atom.js';
import { renderHtmlSite } from '../export/html.js';
import { renderJsonFeed } from '../export/jsonfeed.js';
import { DEFAULT_FEED_LIMIT, normalizeBaseUrl, type ExportOptions as RenderOptions, type SiteSettings } from '../export/model.js';
import { renderRss } from '../export/rss.js';
import { listStaticFiles, loadTheme } from '../export/theme.js';
import { fsyncDir, isProcessRunning, writeFileAtomic } from '../store/atomic.js';
import { lockTimeoutFromEnv, withContentLock } from '../store/lock.js';
import { claimProblems, failOnProblems, loadPostFile, loadPosts, loadSite, type PostProblem, postsDir, resolveContentDir, SITE_FILE, TRASH_DIR } from '../store/content.js';
import { loadPostListings } from '../store/cache.js';
import { reportFinishedRun, warningLabel, warnProblems } from './shared.js';
import { finishMarkedRuns } from '../store/unfinished.js';
import { fileSystemError } from '../store/errors.js';
import { formatIsoInstant } from '../core/dates.js';

export const FORMATS = ['html', 'rss', 'atom', 'json'] as const;
export type ExportFormat = (typeof FORMATS)[number];

export interface ExportOptions {
  dir?: string;
  format: ExportFormat;
  out?: string;
  baseUrl?: string;
  limit?: number;
  tag?: string[];
  future: boolean;
  drafts: boolean;
  quiet?: boolean;
}

/** A file at the root of every folder `news export html` writes: a later export may replace that folder. */
export const EXPORT_MARKER = '.news-export';
const MARKER_TEXT = 'Dossier produit par « news export html » : chaque export le remplace en entier.\n';

const FEED_RENDERERS = { rss: renderRss, atom: renderAtom, json: renderJsonFeed } as const;
const FEED_NAMES = { rss: 'RSS', atom: 'Atom', json: 'JSON Feed' } as const;

export function register(program: Command, env: CommandEnv): void {
  const command = program
    .command('export')
    .description('exporte le site statique (html) ou un flux (rss, atom, json)')
    .argument('<format>', 'html, rss, atom ou json', parseChoice('<format>', FORMATS))
    .option('-o, --out <chemin>', 'dossier du site (html, obligatoire) ou fichier du flux (sinon sortie standard)')
    .option('--base-url <url>', 'adresse publique du site, ex. https://exemple.fr/actualites/ (sinon baseUrl de site.json)')
    .option('-n, --limit <n>', `au plus n billets, les plus récents (flux : ${DEFAULT_FEED_LIMIT} par défaut ; html : tous)`, parsePositiveInt('--limit'))
    .option('-t, --tag <étiquette>', 'seulement les billets portant cette étiquette', collect)
    .option('--future', 'inclut les billets programmés (datés après maintenant)', false)
    .option('--drafts', 'inclut les brouillons', false)
    .addHelpText('after', '\nExemples :\n  news export html --out public/\n  news export rss --out public/feed.xml\n  news export json --tag "réseaux sociaux" --limit 10\n  news export html --out public/ --quiet\n');
  addQuietOption(command);
  prepareCommand(program, command, env).action(async (format: ExportFormat, opts: Omit<ExportOptions, 'dir' | 'format'>, cmd: Command) => {
    env.setExitCode(await runExport({ ...opts, format, dir: globalOptions(cmd).dir }, env.ctx));
  });
}

export async function runExport(opts: ExportOptions, ctx: Context): Promise<number> {
  const contentDir = resolveContentDir(opts.dir, ctx.env, ctx.cwd);
  const site = loadSite(contentDir);
  const baseUrl = chooseBaseUrl(opts.baseUrl, site.baseUrl, contentDir);
  const tag = chooseTag(opts.tag);
  const out = opts.out === undefined ? undefined : path.resolve(ctx.cwd, opts.out);
  if (opts.format === 'html') {
    if (out === undefined) throw new NewsError("news export html écrit un dossier : indiquez-le avec --out <dossier> (ex. --out public)");
    checkSiteTarget(out, contentDir, ctx);
  } else if (out !== undefined) {
    checkFeedTarget(out, contentDir);
  }

  const limit = opts.format === 'html' ? opts.limit : opts.limit ?? DEFAULT_FEED_LIMIT;
  // Read under the content lock: a dedupe --apply running at the same moment is seen
  // before or after, never half done. Rendering and writing happen after the lock is released.
  const { sorted, matching } = await withContentLock(contentDir, async ({ held }) => {
    // A run killed half-way is finished first (or, without write access, the export is refused naming it).
    for (const run of await finishMarkedRuns(contentDir, held, formatIsoInstant(ctx.now(), site.timeZone))) reportFinishedRun(ctx, run);
    const statuses = new Set<Post['status']>(opts.drafts ? ['published', 'draft'] : ['published']);
    /** Every file checked (a broken one fails the export), then the newest that pass the filter. */
    const choose = <T extends { post: PostListing; file: string }>({ posts, problems }: { posts: T[]; problems: PostProblem[] }) => {
      // The rules of news validate: a broken file, or a slug or alias claimed twice, fails the export;
      // an entry that is no post file at all (a FIFO, a folder) is named and left out.
      warnProblems(ctx, failOnProblems([...problems, ...claimProblems(contentDir, posts)], 'export annulé'));
      const kept = filterPosts(posts, { statuses, future: opts.future, tag }, ctx.now(), site.timeZone);
      return { chosen: sortPosts(kept, 'date', site.timeZone).slice(0, limit), matching: kept.length };
    };
    if (opts.format === 'html') {
      const { chosen, matching } = choose(loadPosts(contentDir));
      return { sorted: chosen.map((p) => p.post), matching };
    }
    // A feed shows only its newest posts: unchanged files were checked when the metadata cache
    // took them, and only the chosen posts are read whole.
    const { chosen, matching } = choose(loadPostListings(contentDir, site.timeZone, ctx.env));
    return { sorted: chosen.map(({ file }) => reloadPost(contentDir, file)), matching };
  }, { timeoutMs: lockTimeoutFromEnv(ctx.env), readOnly: true });
  if (tag !== undefined && matching === 0) ctx.stderr.write(`${warningLabel(ctx)} : aucun billet à exporter ne porte l’étiquette « ${tag} ».\n`);

  const settings: SiteSettings = site;
  if (opts.format === 'html') {
    // The theme and static files are read and every template parsed before any page is made.
    const theme = loadTheme(contentDir);
    const staticFiles = listStaticFiles(contentDir);
    const publisher = typeof site.publisher === 'string' && site.publisher.trim() ? site.publisher.trim() : undefined;
    const files = writeSite(out!, renderHtmlSite(settings, sorted, { baseUrl, theme, staticFiles, publisher }));
    if (!opts.quiet) ctx.stderr.write(`Site exporté dans ${out} : ${sorted.length} billet(s), ${files} fichier(s).\n`);
    return 0;
  }
  const options: RenderOptions = { baseUrl, limit: limit!, tag };
  const document = FEED_RENDERERS[opts.format](settings, sorted, options);
  if (out === undefined) {
    ctx.stdout.write(document);
  } else {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    writeFileAtomic(out, document);
    if (!opts.quiet) ctx.stderr.write(`Flux ${FEED_NAMES[opts.format]} écrit dans ${out} : ${sorted.length} billet(s).\n`);
  }
  return 0;
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
function checkSiteTarget(out: string, contentDir: string, ctx: Context): void {
  const target = realOrResolved(out);
  if (path.parse(target).root === target) throw new NewsError(`--out ${out} est la racine du disque : indiquez un dossier dédié au site, ex. --out public`);
  const home = ctx.env.HOME ? realOrResolved(path.resolve(ctx.env.HOME)) : undefined;
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
  const names = fs.readdirSync(out);
  if (names.length > 0 && !names.includes(EXPORT_MARKER)) {
    throw new NewsError(`--out ${out} n’est pas vide et n’a pas été créé par news export (pas de fichier ${EXPORT_MARKER}) : l’export le remplacerait en entier. Indiquez un dossier vide ou nouveau, ou videz celui-ci`);
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

/** A system error of the site writer, in French naming the file (see store/errors.ts), with what it means for --out. */
function fsError(error: unknown, what: string, file?: string): NewsError {
  const err = error as NodeJS.ErrnoException;
  const mapped = fileSystemError(error, err.path ?? (err as { dest?: string }).dest ?? file ?? '', file !== undefined && err.path === undefined ? 'write' : undefined, what);
  if (mapped instanceof NewsError) return mapped;
  return new NewsError(`${what} : ${err.code ?? ''} ${err.message ?? String(error)}`.trim(), 2, { cause: error });
}

/**
 * Writes the site beside the target, then swaps it in: a server never sees half a site and
 * a failed export leaves the previous one untouched. Plain synchronous writes inside the
 * build folder (the swap gives the atomicity). Returns the number of files written.
 */
function writeSite(out: string, files: Iterable<{ path: string; content: string | Uint8Array }>): number {
  const parent = path.dirname(out);
  const name = path.basename(out);
  removeLeftovers(parent, name);
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const build = path.join(parent, `.${name}.news-build-${tag}`);
  let count = 0;
  /** The file being written, for the message when the disk refuses it. */
  let current = build;
  try {
    fs.mkdirSync(parent, { recursive: true });
    fs.mkdirSync(build);
  } catch (error) {
    throw fsError(error, `création impossible de ${build}`);
  }
  try {
    const made = new Set<string>(['']);
    // File paths are relative, `/`-separated and made of slugs (no `.` or `..` segments):
    // joined by hand, as path.join would normalise them for nothing 10,000 times.
    const root = `${build}${path.sep}`;
    for (const file of files) {
      const slash = file.path.lastIndexOf('/');
      const dir = slash < 0 ? '' : file.path.slice(0, slash);
      if (!made.has(dir)) {
        // Most folders sit right under one already made: a plain mkdir is one system call.
        const up = dir.lastIndexOf('/');
        fs.mkdirSync(root + dir, { recursive: !made.has(up < 0 ? '' : dir.slice(0, up)) });
        made.add(dir);
      }
      current = root + file.path;
      fs.writeFileSync(current, file.content);
      count++;
    }
    current = path.join(build, EXPORT_MARKER);
    fs.writeFileSync(current, MARKER_TEXT);
  } catch (error) {
    fs.rmSync(build, { recursive: true, force: true });
    throw error instanceof NewsError ? error : fsError(error, `écriture du site dans ${build} impossible, ${out} est inchangé`, current);
  }
  swapIn(build, out, path.join(parent, `.${name}.news-old-${tag}`));
  return count;
}

/**
 * Removes what an export killed half-way left beside the target (`.<name>.news-build-<pid>-…`,
 * `.<name>.news-old-<pid>-…`), unless the process that made it is still running.
 */
function removeLeftovers(parent: string, name: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return;
  }
  const prefix = `.${name}.news-`;
  for (const entry of names) {
    if (!entry.startsWith(prefix)) continue;
    const match = /^(?:build|old)-(\d+)-[0-9a-f]+$/.exec(entry.slice(prefix.length));
    if (!match || isProcessRunning(Number(match[1]))) continue;
    fs.rmSync(path.join(parent, entry), { recursive: true, force: true });
  }
}

function swapIn(build: string, out: string, old: string): void {
  let hadPrevious = true;
  try {
    fs.renameSync(out, old);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      fs.rmSync(build, { recursive: true, force: true });
      throw fsError(error, `remplacement de ${out} impossible, il est inchangé`);
    }
    hadPrevious = false;
  }
  try {
    fs.renameSync(build, out);
  } catch (error) {
    if (hadPrevious) fs.renameSync(old, out);
    fs.rmSync(build, { recursive: true, force: true });
    throw fsError(error, `remplacement de ${out} impossible, il est inchangé`);
  }
  fsyncDir(path.dirname(out));
  if (hadPrevious) fs.rmSync(old, { recursive: true, force: true });
}
