import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { prepareCommand, type CommandEnv } from '../cli/command.js';
import type { Context } from '../core/context.js';
import { isNewsError, NewsError } from '../core/errors.js';
import { fileSystemError } from '../store/errors.js';
import { addQuietOption, collect, globalOptions, parseChoice } from '../cli/options.js';
import { writeJson } from '../cli/json.js';
import { normalizeForCompare } from '../core/normalize.js';
import { checkPost, SCHEMA_VERSION, type Post } from '../core/post.js';
import { slugify, uniqueSlug } from '../core/slug.js';
import { uniqueTags } from '../core/tags.js';
import { createPost, loadPosts, loadSite, oversizedPostBytes, postFile, postTooBigReason, resolveContentDir, type Site } from '../store/content.js';
import { lockTimeoutFromEnv, withContentLock } from '../store/lock.js';
import { readInputBytes, ReadProblem } from '../store/read.js';
import { declaredXmlEncoding, decodeText, encodingLabel } from '../import/encoding.js';
import { parseFeed, sniffFeedFormat, FEED_FORMATS, FEED_NAMES } from '../import/feeds.js';
import { parseLegacyPage } from '../import/legacy.js';
import { ProgressBar } from '../import/progress.js';
import type { ImportedPost, MissingPart } from '../import/types.js';
import { colors } from '../format/color.js';
import { printableText } from '../format/table.js';
import { shownPath, warningLabel, warnProblems } from './shared.js';

const SOURCES = ['legacy', ...FEED_FORMATS] as const;
type Source = (typeof SOURCES)[number];

export interface ImportOptions {
  dir?: string;
  paths: string[];
  from: Source;
  dryRun: boolean;
  json: boolean;
  tag?: string[];
  quiet?: boolean;
}

/** Files a folder contributes, by source. A file named on the command line is read whatever its name. */
const EXTENSIONS: Record<Source, string[]> = {
  legacy: ['.txt'],
  rss: ['.xml', '.rss'],
  atom: ['.xml', '.atom'],
  json: ['.json'],
};
const MAX_PAGE_BYTES = 1024 * 1024;
const MAX_FEED_BYTES = 32 * 1024 * 1024;

export function register(program: Command, env: CommandEnv): void {
  const command = program
    .command('import')
    .description("importe des pages de l'ancien site, ou les éléments d'un flux RSS, Atom ou JSON Feed")
    .argument('<fichier|dossier...>', 'pages (.txt) ou flux ; un dossier est parcouru avec ses sous-dossiers')
    .option('--from <format>', 'legacy (pages de l’ancien site), rss, atom ou json', parseChoice('--from', SOURCES), 'legacy')
    .option('-n, --dry-run', 'montre ce qui serait créé, sans rien écrire', false)
    .option('--json', 'rapport JSON : billets créés, déjà présents, et problèmes', false)
    .option('-t, --tag <étiquette>', 'étiquette ajoutée à chaque billet importé (répétable)', collect)
    .addHelpText('after', [
      '',
      'Une page ou un élément déjà importé (même id) est signalé « déjà présent » et n’est pas recréé.',
      'Code de sortie : 0 si tout a été lu, 2 si un fichier ou un élément n’a pas pu l’être (les autres sont importés).',
      '',
      'Exemples :',
      '  news import ancien-site/',
      '  news import --dry-run page-1.txt page-2.txt',
      '  news import --from rss --tag partenaires flux.xml',
      '  news import --from json feed.json --json',
      '  news import --from rss --quiet flux.xml',
      '',
    ].join('\n'));
  addQuietOption(command);
  prepareCommand(program, command, env).action(async (paths: string[], opts: Omit<ImportOptions, 'dir' | 'paths'>, cmd: Command) => {
    env.setExitCode(await runImport({ ...opts, paths, dir: globalOptions(cmd).dir }, env.ctx));
  });
}

/** A page or feed item understood, waiting to be written. */
interface Candidate {
  source: string;
  item?: string;
  encoding?: string;
  imported: ImportedPost;
}

interface Problem {
  source: string;
  item?: string;
  missing: MissingPart[];
  reasons: string[];
}

interface Created {
  source: string;
  item?: string;
  encoding?: string;
  file: string;
  post: Post;
}

interface Skipped {
  source: string;
  item?: string;
  reason: 'déjà présent';
  id: string;
  slug: string;
  file: string;
}

/** A file and feed item as named on the terminal: their text comes from outside, so no control character passes. */
function where(source: string, item?: string): string {
  return printableText(item ? `${source} (${item})` : source, true);
}

/** The files to read, in a stable order, each once; what cannot be found is a problem, not a stop. */
function collectFiles(opts: ImportOptions, ctx: Context, problems: Problem[], notes: string[]): string[] {
  const files: string[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    if (!seen.has(file)) files.push(file);
    seen.add(file);
  };
  const extensions = EXTENSIONS[opts.from];
  for (const given of opts.paths) {
    const full = path.resolve(ctx.cwd, given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch {
      problems.push({ source: given, missing: [], reasons: ['fichier ou dossier introuvable : vérifiez le chemin'] });
      continue;
    }
    if (stat.isFile()) {
      add(full);
      continue;
    }
    if (!stat.isDirectory()) {
      problems.push({ source: given, missing: [], reasons: ["ni un fichier ni un dossier"] });
      continue;
    }
    let ignored = 0;
    const before = files.length;
    const walk = (dir: string) => {
      const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        if (entry.name.startsWith('.')) continue;
        const file = path.join(dir, entry.name);
        // Linked folders are not followed (no loops); linked files are read.
        const isFile = entry.isFile() || (entry.isSymbolicLink() && fs.statSync(file, { throwIfNoEntry: false })?.isFile() === true);
        if (entry.isDirectory()) walk(file);
        else if (isFile && extensions.includes(path.extname(entry.name).toLowerCase())) add(file);
        else ignored++;
      }
    };
    walk(full);
    if (files.length === before) {
      problems.push({ source: given, missing: [], reasons: [`aucun fichier ${extensions.join(' ou ')} dans ce dossier${opts.from === 'legacy' ? ' (pour un flux, précisez --from rss, atom ou json)' : ''}`] });
    } else if (ignored > 0) {
      notes.push(`${given} : ${ignored} fichier(s) ignoré(s) (extension autre que ${extensions.join(', ')})`);
    }
  }
  return files;
}

/** Reads one file into candidates and problems. Warnings go to `warn`. */
function readSource(file: string, source: string, opts: ImportOptions, site: Site, warn: (line: string) => void): { candidates: Candidate[]; problems: Problem[] } {
  let bytes: Buffer;
  try {
    bytes = readInputBytes(file, opts.from === 'legacy' ? MAX_PAGE_BYTES : MAX_FEED_BYTES);
  } catch (error) {
    if (!(error instanceof ReadProblem)) throw error;
    return { candidates: [], problems: [{ source, missing: [], reasons: [error.message] }] };
  }
  const decoded = decodeText(bytes, opts.from === 'rss' || opts.from === 'atom' ? declaredXmlEncoding(bytes) : undefined);
  if (!decoded.ok) return { candidates: [], problems: [{ source, missing: [], reasons: [decoded.reason] }] };
  for (const warning of decoded.warnings) warn(`${source} : ${warning}`);
  const encoding = decoded.encoding === 'utf-8' || !bytes.some((b) => b >= 0x80) ? undefined : encodingLabel(decoded.encoding);
  if (encoding) warn(`${source} : converti depuis ${encoding} (vérifiez les accents du billet créé)`);

  if (opts.from === 'legacy') {
    const sniffed = sniffFeedFormat(decoded.text);
    if (sniffed) {
      return { candidates: [], problems: [{ source, missing: [], reasons: [`ce fichier est un flux ${FEED_NAMES[sniffed]}, pas une page de l'ancien site : relancez avec --from ${sniffed}`] }] };
    }
    if (/^\s*<(?:!doctype\s+html|html)[\s>]/i.test(decoded.text)) {
      return { candidates: [], problems: [{ source, missing: [], reasons: ["page HTML : enregistrez la page en texte (.txt) depuis le navigateur, puis importez ce fichier"] }] };
    }
    const page = parseLegacyPage(decoded.text, { sectionTitles: site.title ? [site.title] : [] });
    if (!page.ok) return { candidates: [], problems: [{ source, missing: page.missing, reasons: page.reasons }] };
    for (const warning of page.warnings) warn(`${source} : ${warning}`);
    // The old site's posts are the organisation's own: they get the site's author, as `news new` does.
    const imported = site.author ? { ...page.post, author: site.author } : page.post;
    return { candidates: [{ source, encoding, imported }], problems: [] };
  }

  const feed = parseFeed(decoded.text, opts.from);
  if (!feed.ok) return { candidates: [], problems: [{ source, missing: [], reasons: [feed.reason] }] };
  if (feed.items.length === 0) warn(`${source} : le flux ne contient aucun élément`);
  const candidates: Candidate[] = [];
  const problems: Problem[] = [];
  for (const { label, result } of feed.items) {
    if (!result.ok) {
      problems.push({ source, item: label, missing: result.missing, reasons: result.reasons });
      continue;
    }
    for (const warning of result.warnings) warn(`${where(source, label)} : ${warning}`);
    candidates.push({ source, item: label, encoding, imported: result.post });
  }
  return { candidates, problems };
}

/** Content key of a post written without an id (by hand): its title, date and words. */
function contentKey(title: string, date: string, body: string): string {
  return `${normalizeForCompare(title)}\n${date}\n${normalizeForCompare(body)}`;
}

/** Decides, for each candidate, "déjà présent" or a new post; writes unless dry run. Runs under the lock. */
function importCandidates(dir: string, candidates: Candidate[], opts: ImportOptions, ctx: Context, progress: ProgressBar): { created: Created[]; skipped: Skipped[]; refused: Problem[]; failure?: unknown } {
  const { posts, problems } = loadPosts(dir);
  if (problems.length > 0) {
    progress.clear();
    warnProblems(ctx, problems);
  }
  const byId = new Map<string, Post>();
  const byContent = new Map<string, Post>();
  const taken = new Set<string>();
  for (const { post } of posts) {
    taken.add(post.slug);
    for (const alias of post.aliases) taken.add(alias);
    if (post.id) byId.set(post.id.toLowerCase(), post);
    else byContent.set(contentKey(post.title, post.date, post.body), post);
  }
  const created: Created[] = [];
  const skipped: Skipped[] = [];
  const refused: Problem[] = [];
  const extraTags = opts.tag ?? [];
  try {
  candidates.forEach((candidate, index) => {
    progress.update(index + 1, candidates.length, where(candidate.source));
    const { imported } = candidate;
    const existing = byId.get(imported.id) ?? byContent.get(contentKey(imported.title, imported.date, imported.body));
    if (existing) {
      skipped.push({ source: candidate.source, item: candidate.item, reason: 'déjà présent', id: existing.id ?? imported.id, slug: existing.slug, file: shownPath(postFile(dir, existing.slug), ctx.cwd) });
      return;
    }
    const base = slugify(imported.title) || 'billet';
    for (;;) {
      const slug = uniqueSlug(base, (s) => taken.has(s) || fs.existsSync(postFile(dir, s)));
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
        throw new NewsError(`${where(candidate.source, candidate.item)} : billet invalide : ${check.problems.map((p) => `champ ${p.field} : ${p.reason}`).join(' ; ')}`);
      }
      const post = check.post;
      // Too big for readers (validate, exports, dedupe): not written, named with the others.
      const bytes = oversizedPostBytes(post);
      if (bytes !== undefined) {
        refused.push({ source: candidate.source, item: candidate.item, missing: [], reasons: [postTooBigReason(bytes)] });
        return;
      }
      let file = postFile(dir, slug);
      if (!opts.dryRun) {
        try {
          file = createPost(dir, post);
        } catch (error) {
          // Written meanwhile by something that ignores the lock: take the next name, never overwrite.
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          taken.add(slug);
          continue;
        }
      }
      taken.add(slug);
      byId.set(post.id!, post);
      created.push({ source: candidate.source, item: candidate.item, encoding: candidate.encoding, file: shownPath(file, ctx.cwd), post });
      return;
    }
  });
  } catch (failure) {
    // A full disk, a permission… after some posts were written: they are reported with the error.
    progress.clear();
    return { created, skipped, refused, failure };
  }
  progress.clear();
  return { created, skipped, refused };
}

export async function runImport(opts: ImportOptions, ctx: Context): Promise<number> {
  const dir = resolveContentDir(opts.dir, ctx.env, ctx.cwd);
  const site = loadSite(dir);
  const progress = new ProgressBar(ctx.stderr, ctx.stderrIsTTY);
  const say = (line: string) => progress.message(line);
  // Labels on stderr are coloured only when stderr is a terminal (`2> journal.txt` gets none).
  const warn = (line: string) => say(`${warningLabel(ctx)} : ${printableText(line, true)}`);
  const problemLabel = ctx.stderrIsTTY ? colors.red('problème') : 'problème';

  const problems: Problem[] = [];
  const notes: string[] = [];
  const files = collectFiles(opts, ctx, problems, notes);
  for (const note of notes) say(printableText(note, true));

  const candidates: Candidate[] = [];
  files.forEach((file, index) => {
    const source = shownPath(file, ctx.cwd);
    progress.update(index, files.length, where(source));
    const read = readSource(file, source, opts, site, warn);
    candidates.push(...read.candidates);
    problems.push(...read.problems);
  });
  progress.clear();

  const work = () => importCandidates(dir, candidates, opts, ctx, progress);
  // A dry run writes nothing, so it needs no lock and never waits for one.
  const { created, skipped, refused, failure } = candidates.length === 0
    ? { created: [], skipped: [], refused: [] }
    : opts.dryRun ? work() : await withContentLock(dir, work, { timeoutMs: lockTimeoutFromEnv(ctx.env) });
  problems.push(...refused);
  const failed = failure === undefined ? undefined : fileSystemError(failure, dir);
  if (failed !== undefined && !isNewsError(failed)) throw failed;

  if (opts.json) {
    writeJson(ctx.stdout, { dryRun: opts.dryRun, created, skipped, problems, ...(failed ? { error: (failed as Error).message } : {}) });
  } else if (failed) {
    // What was written before the failure is listed even with --quiet: it is part of the error report.
    if (created.length > 0) ctx.stdout.write(`${created.map((c) => `${colors.green('créé')} : ${c.file} ← ${where(c.source, c.item)}`).join('\n')}\n`);
  } else {
    const verb = opts.dryRun ? 'serait créé' : 'créé';
    const lines = [
      ...created.map((c) => `${colors.green(verb)} : ${c.file} ← ${where(c.source, c.item)}`),
      ...skipped.map((s) => `${colors.dim('déjà présent')} : ${where(s.source, s.item)} (${s.file})`),
    ];
    if (lines.length > 0 && !opts.quiet) ctx.stdout.write(`${lines.join('\n')}\n`);
  }
  if (failed) {
    const done = created.length === 0
      ? 'aucun billet n’a été créé avant l’erreur'
      : `${created.length} billet(s) créé(s) avant l’erreur, listé(s) ci-dessus (${created.slice(0, 5).map((c) => c.file).join(', ')}${created.length > 5 ? ', …' : ''})`;
    throw new NewsError(`${(failed as Error).message}\nnews import interrompu : ${done} ; une fois le problème réglé, relancez la même commande : ce qui est déjà importé sera signalé « déjà présent ».`, 2, { cause: failure, code: 'IO' });
  }
  for (const problem of problems) {
    const what = problem.missing.length > 0 ? `non importé, il manque : ${problem.missing.join(', ')} — ` : 'non importé : ';
    say(`${problemLabel} : ${where(problem.source, problem.item)} : ${what}${printableText(problem.reasons.join(' ; '), true)}`);
  }
  const counts = [
    `${created.length} billet(s) ${opts.dryRun ? 'à créer (simulation, rien n’est écrit)' : 'créé(s)'}`,
    `${skipped.length} déjà présent(s)`,
    ...(problems.length > 0 ? [`${problems.length} non importé(s)`] : []),
  ];
  if (problems.length === 0 && !opts.quiet) say(`${counts.join(', ')}.`);
  if (problems.length > 0) {
    throw new NewsError(`${problems.length} page(s) ou élément(s) non importé(s) (voir ci-dessus) ; ${created.length} billet(s) ${opts.dryRun ? 'seraient créés' : 'créé(s)'}, ${skipped.length} déjà présent(s). Corrigez ces fichiers puis relancez : ce qui est déjà importé sera signalé « déjà présent ».`);
  }
  return 0;
}
