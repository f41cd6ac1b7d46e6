import fs from 'node:fs';
import path from 'node:path';
import { NewsError } from '../core/errors.js';
import { checkPost, serializePost, type Post } from '../core/post.js';
import { isSoundSite, siteSchema, type Site } from '../core/site.js';
import { isValidSlug } from '../core/slug.js';
import { DEFAULT_TIME_ZONE } from '../format/french.js';

export type { Site } from '../core/site.js';
import { createFileExclusive, writeFileAtomic, type WriteFs } from './atomic.js';
import { MAX_FILE_BYTES, parseJsonText, readJsonStrict, readRegularTextStrict, readTextStrict, ReadProblem } from './read.js';

export const POSTS_DIR = 'posts';
export const TRASH_DIR = '.trash';
/** The content lock's folder (store/lock.ts), named here with the rest of the folder's layout. */
export const LOCK_NAME = '.news.lock';
export const SITE_FILE = 'site.json';

/** `--dir`, else `$NEWS_DIR`, else `./content`; must be an existing folder. */
export function resolveContentDir(dirFlag: string | undefined, env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  if (dirFlag !== undefined && dirFlag.trim() === '') {
    throw new NewsError('--dir est vide : indiquez le dossier de contenu, par exemple --dir content');
  }
  const chosen = dirFlag ?? (env.NEWS_DIR || undefined) ?? 'content';
  const source = dirFlag !== undefined ? '--dir' : env.NEWS_DIR ? 'NEWS_DIR' : 'dossier par défaut ./content';
  const dir = path.resolve(cwd, chosen);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new NewsError(
      `le dossier de contenu ${dir} (${source}) n’existe pas : indiquez un dossier existant avec --dir <chemin> ou NEWS_DIR, ou créez-le avec un sous-dossier posts/`,
    );
  }
  if (!stat.isDirectory()) {
    throw new NewsError(`${dir} (${source}) est un fichier, pas un dossier de contenu : indiquez avec --dir le dossier qui contient site.json et posts/`);
  }
  return dir;
}

/** site.json; every field optional, the file itself too. timeZone defaults to Europe/Paris. */
export function loadSite(contentDir: string): Site {
  const file = path.join(contentDir, SITE_FILE);
  if (!fs.existsSync(file)) return { timeZone: DEFAULT_TIME_ZONE };
  let value: unknown;
  try {
    value = readJsonStrict(file);
  } catch (error) {
    if (error instanceof ReadProblem) throw new NewsError(error.describe());
    throw error;
  }
  if (isSoundSite(value)) return { ...value, timeZone: value.timeZone ?? DEFAULT_TIME_ZONE };
  const result = siteSchema().safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new NewsError(`${file} : champ ${issue.path.join('.') || '(racine)'} : ${issue.message}`);
  }
  return { ...result.data, timeZone: result.data.timeZone ?? DEFAULT_TIME_ZONE };
}

export interface LoadedPost {
  post: Post;
  /** Absolute path of the file. */
  file: string;
}

export interface PostProblem {
  file: string;
  /** `posts/x.json:3:14 : reason` or `posts/x.json : champ views : reason`. */
  message: string;
  field?: string;
  line?: number;
  column?: number;
  /**
   * Not a post file at all (a folder or a named pipe named `x.json`): a problem for `validate`,
   * a warning for `list`, the exports and dedupe, which carry on without it.
   */
  notAPost?: boolean;
}

export interface LoadResult {
  posts: LoadedPost[];
  problems: PostProblem[];
}

export function postsDir(contentDir: string): string {
  return path.join(contentDir, POSTS_DIR);
}

export function postFile(contentDir: string, slug: string): string {
  if (!isValidSlug(slug)) throw new NewsError(`slug invalide « ${slug} » : lettres minuscules sans accent, chiffres et tirets simples`);
  return path.join(postsDir(contentDir), `${slug}.json`);
}

function displayPath(contentDir: string, file: string): string {
  return path.relative(contentDir, file) || file;
}

/** Reads and checks one post file; the problem list is empty when it is sound. */
export function loadPostFile(contentDir: string, file: string, knownRegular = false): { post?: Post; problems: PostProblem[]; text?: string } {
  let value: unknown;
  let text: string;
  try {
    text = knownRegular ? readRegularTextStrict(file) : readTextStrict(file);
    value = parseJsonText(text, file);
  } catch (error) {
    if (!(error instanceof ReadProblem)) throw error;
    return { problems: [{ file, message: error.describe(displayPath(contentDir, file)), line: error.line, column: error.column }] };
  }
  const check = checkPost(value);
  if (!check.ok) {
    const shown = displayPath(contentDir, file);
    return {
      problems: check.problems.map((p) => ({ file, field: p.field, message: `${shown} : champ ${p.field} : ${p.reason}` })),
    };
  }
  const expected = path.basename(file, '.json');
  if (check.post.slug !== expected) {
    const shown = displayPath(contentDir, file);
    return {
      post: check.post,
      problems: [{
        file,
        field: 'slug',
        message: `${shown} : champ slug : « ${check.post.slug} » diffère du nom du fichier (« ${expected} ») : renommez le fichier en ${check.post.slug}.json ou corrigez le slug`,
      }],
    };
  }
  // The text read (BOM skipped): what an incremental export keys the post by.
  return { post: check.post, problems: [], text };
}

/** What an entry of posts/ named `x.json` is, when it is not a post file. */
function notAPostReason(entry: fs.Dirent | fs.Stats): string | undefined {
  if (entry.isDirectory()) return 'c’est un dossier, pas un fichier de billet : renommez-le (sans .json) ou sortez-le de posts/';
  if (entry.isFIFO()) return 'c’est un tube nommé (FIFO), pas un fichier de billet : news ne l’ouvre pas ; supprimez-le (rm) ou sortez-le de posts/';
  if (entry.isSocket()) return 'c’est une socket, pas un fichier de billet : supprimez-la ou sortez-la de posts/';
  if (entry.isBlockDevice() || entry.isCharacterDevice()) return 'c’est un périphérique, pas un fichier de billet : sortez-le de posts/';
  return undefined;
}

/**
 * `posts/` and `.trash/` must be real folders of the content folder, not symbolic links: the
 * content lock (`<content>/.news.lock`) would not protect the files on the other side from
 * a command run on the folder the link points to, and a move to the trash across file
 * systems is not atomic. Refused (exit 2) rather than followed. The content folder itself may
 * be a link: its lock is then the lock of the real folder.
 */
export function checkContentFolders(contentDir: string): void {
  for (const name of [POSTS_DIR, TRASH_DIR]) {
    const dir = path.join(contentDir, name);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(dir);
    } catch {
      continue; // absent, or unreadable: the read that follows says why
    }
    if (stat.isSymbolicLink()) {
      let target = '';
      try {
        target = ` (vers ${fs.realpathSync(dir)})`;
      } catch {
        target = ' (cassé)';
      }
      throw new NewsError(
        `${dir} est un lien symbolique${target} : news le refuse, car le verrou du dossier de contenu ne protégerait pas les fichiers de l’autre côté. ` +
          `Remplacez le lien par le dossier lui-même (rm ${dir} && mv <dossier réel> ${dir}), ou indiquez avec --dir le dossier de contenu réel`,
        2,
        { code: 'INVALID_CONTENT' },
      );
    }
    if (!stat.isDirectory()) {
      throw new NewsError(`${dir} n’est pas un dossier : renommez ce fichier, news attend ici le dossier ${name}/`, 2, { code: 'INVALID_CONTENT' });
    }
  }
}

/**
 * The post files of `posts/` in name order: `*.json` regular files, dot files skipped
 * (temp files), symbolic links reported as problems; folders, named pipes and other
 * entries named `*.json` reported as problems marked `notAPost` (never opened: a FIFO would
 * block). Read them with `loadPostFile(contentDir, file, true)`.
 */
export function listPostFiles(contentDir: string): { files: string[]; problems: PostProblem[] } {
  checkContentFolders(contentDir);
  const dir = postsDir(contentDir);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { files: [], problems: [] };
    throw new NewsError(`lecture impossible du dossier ${dir} (${code ?? String(error)})`);
  }
  const files: string[] = [];
  const problems: PostProblem[] = [];
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const name = entry.name;
    if (name.startsWith('.') || !name.endsWith('.json')) continue;
    const file = `${dir}${path.sep}${name}`; // dir is already normalised; path.join costs on 100,000 names
    if (entry.isSymbolicLink()) {
      problems.push({ file, message: `${displayPath(contentDir, file)} : lien symbolique refusé : remplacez-le par le fichier lui-même` });
    } else if (entry.isFile()) {
      files.push(file);
    } else {
      // Some file systems do not give the type in the listing: ask the entry itself.
      let kind: fs.Dirent | fs.Stats = entry;
      if (!entry.isDirectory() && !entry.isFIFO() && !entry.isSocket() && !entry.isBlockDevice() && !entry.isCharacterDevice()) {
        try {
          kind = fs.lstatSync(file);
        } catch {
          continue; // gone meanwhile
        }
        if (kind.isFile()) {
          files.push(file);
          continue;
        }
        if (kind.isSymbolicLink()) {
          problems.push({ file, message: `${displayPath(contentDir, file)} : lien symbolique refusé : remplacez-le par le fichier lui-même` });
          continue;
        }
      }
      const reason = notAPostReason(kind);
      if (reason) problems.push({ file, message: `${displayPath(contentDir, file)} : ${reason}`, notAPost: true });
    }
  }
  return { files, problems };
}

/**
 * Loads every post file of `posts/`. A synchronous loop: on many small files it beat
 * parallel async reads by 2.5× here. Broken files are returned as problems, not thrown,
 * so `list` can go on and `export` can refuse. `list`, `show` and the feeds need only the
 * listing fields: they use loadPostListings (store/cache.ts), which skips unchanged files.
 */
export function loadPosts(contentDir: string): LoadResult {
  const { files, problems } = listPostFiles(contentDir);
  const posts: LoadedPost[] = [];
  for (const file of files) {
    const loaded = loadPostFile(contentDir, file, true);
    if (loaded.problems.length > 0) problems.push(...loaded.problems);
    else posts.push({ post: loaded.post!, file });
  }
  // Problems in file-name order, links among the others (the sort is stable within a file).
  problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { posts, problems };
}

/**
 * Every slug and alias must lead to exactly one post (the same rule for `validate` and every
 * export, which would otherwise drop the alias page): a name claimed twice is a problem on
 * each file that claims it, naming the others.
 */
export function claimProblems(contentDir: string, posts: ReadonlyArray<{ post: { slug: string; aliases: readonly string[] }; file: string }>): PostProblem[] {
  // A name's first owner is kept alone (10,000 posts, a handful of them with aliases); a list is
  // made only for a name claimed again.
  type Owner = { file: string; field: 'slug' | 'aliases' };
  const first = new Map<string, Owner>();
  const claims = new Map<string, Owner[]>();
  const claim = (name: string, file: string, field: 'slug' | 'aliases') => {
    const owner = first.get(name);
    if (owner === undefined) {
      first.set(name, { file, field });
      return;
    }
    const owners = claims.get(name);
    if (owners !== undefined) owners.push({ file, field });
    else claims.set(name, [owner, { file, field }]);
  };
  for (let i = 0; i < posts.length; i++) {
    const { post, file } = posts[i]!;
    claim(post.slug, file, 'slug');
    if (post.aliases.length > 0) for (const alias of new Set(post.aliases)) claim(alias, file, 'aliases');
  }
  const problems: PostProblem[] = [];
  if (claims.size === 0) return problems;
  // In the order the names were first claimed (the files' order).
  for (const name of first.keys()) {
    const owners = claims.get(name);
    if (owners === undefined) continue;
    const named = owners.map((o) => `${path.basename(o.file)} (${o.field === 'slug' ? 'slug' : 'alias'})`).join(', ');
    for (const owner of owners) {
      problems.push({
        file: owner.file,
        field: owner.field,
        message: `${displayPath(contentDir, owner.file)} : « ${name} » est revendiqué plusieurs fois (${named}) : gardez-le sur un seul billet`,
      });
    }
  }
  return problems;
}

/**
 * Turns the first problems into one error (exit 2) for commands that need every post sound.
 * Entries that are not post files at all (`notAPost`: a folder, a FIFO) do not stop them:
 * they are returned, for the caller to name in a warning.
 */
export function failOnProblems(problems: PostProblem[], what: string): PostProblem[] {
  const ignored = problems.filter((p) => p.notAPost);
  const blocking = ignored.length === 0 ? problems : problems.filter((p) => !p.notAPost);
  if (blocking.length === 0) return ignored;
  const files = new Set(blocking.map((p) => p.file)).size;
  const shown = blocking.slice(0, 10).map((p) => `  ${p.message}`).join('\n');
  const more = blocking.length > 10 ? `\n  … et ${blocking.length - 10} autre(s)` : '';
  const count = blocking.length === files
    ? `${files} fichier${files > 1 ? 's' : ''} de billet invalide${files > 1 ? 's' : ''}`
    : `${blocking.length} problèmes dans ${files} fichier${files > 1 ? 's' : ''} de billet`;
  throw new NewsError(`${what} : ${count} ; corrigez-les (voir news validate) puis relancez :\n${shown}${more}`, 2, { code: 'INVALID_CONTENT' });
}

/**
 * The size of the file a post makes, in bytes, when it is more than readers accept
 * (MAX_FILE_BYTES: `validate`, every export and `dedupe` refuse a larger file); undefined
 * when it fits. Every writer checks it first, so nothing is written that is then refused.
 */
export function oversizedPostBytes(post: Post): number | undefined {
  return oversizedText(serializePost(post));
}

function oversizedText(text: string): number | undefined {
  // A UTF-16 unit is at most 3 UTF-8 bytes: most posts are measured without encoding them.
  if (text.length * 3 <= MAX_FILE_BYTES) return undefined;
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes > MAX_FILE_BYTES ? bytes : undefined;
}

/** The French reason a post is too big to be written (see oversizedPostBytes). */
export function postTooBigReason(bytes: number): string {
  return `le fichier du billet ferait ${bytes} octets, au plus ${MAX_FILE_BYTES} (1 Mio) : raccourcissez le texte ou découpez-le en plusieurs billets`;
}

/** The file's text, or a NewsError when it would be more than readers accept. */
/** A post's file text as savePost writes it (checked for size). */
export function postFileText(file: string, post: Post): string {
  return checkedPostText(file, serializePost(post));
}

/** A post file's text as it is about to be written, or a NewsError (nothing written) when readers would refuse its size. */
export function checkedPostText(file: string, text: string): string {
  const bytes = oversizedText(text);
  if (bytes !== undefined) throw new NewsError(`${file} : ${postTooBigReason(bytes)} ; rien n’est écrit`, 2, { code: 'INVALID_CONTENT' });
  return text;
}

/** Rewrites an existing post atomically (unknown fields kept by serializePost). */
export function savePost(contentDir: string, post: Post, options: { fs?: WriteFs } = {}): string {
  const file = postFile(contentDir, post.slug);
  writeFileAtomic(file, postFileText(file, post), options);
  return file;
}

/** Creates a new post file; throws an error with code EEXIST if the slug is taken. */
export function createPost(contentDir: string, post: Post, options: { fs?: WriteFs } = {}): string {
  const file = postFile(contentDir, post.slug);
  const text = postFileText(file, post);
  checkContentFolders(contentDir);
  fs.mkdirSync(postsDir(contentDir), { recursive: true });
  createFileExclusive(file, text, options);
  return file;
}
