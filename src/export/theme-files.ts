import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NewsError } from '../core/errors.js';

/**
 * The theme's files and `<content>/static/` as they are on disk, and their hashes, without the
 * template engine: an export whose plan did not change needs only these (theme.ts compiles).
 */

export const THEME_DIR = 'theme';
export const STATIC_DIR = 'static';
export const TEMPLATE_EXT = '.hbs';

/** The package's own theme: `theme/` at the package root (two folders up from dist/export or src/export). */
export const DEFAULT_THEME_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', THEME_DIR);

export interface ThemeFile {
  /** Relative to the theme folder, `/`-separated: `partials/header.hbs`, `style.css`. */
  name: string;
  /** Absolute path of the file in use. */
  file: string;
  /** True when it comes from `<content>/theme/`. */
  overridden: boolean;
  bytes: Buffer;
}

/** Every regular file below `dir` (hidden ones skipped); a symbolic link is refused: it could point outside. */
export function listFolderFiles(dir: string, what: string): Array<{ name: string; file: string }> {
  const out: Array<{ name: string; file: string }> = [];
  const walk = (folder: string, prefix: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && prefix === '') return;
      throw new NewsError(`${what} : lecture impossible de ${folder} (${(error as Error).message})`, 2, { code: 'IO', cause: error });
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const file = path.join(folder, entry.name);
      const name = prefix + entry.name;
      if (entry.isSymbolicLink()) {
        throw new NewsError(`${file} est un lien symbolique : ${what} n’accepte que des fichiers et dossiers ordinaires (remplacez le lien par une copie du fichier)`, 2, { code: 'INVALID_CONTENT' });
      }
      if (entry.isDirectory()) walk(file, `${name}/`);
      else if (entry.isFile()) out.push({ name, file });
    }
  };
  walk(dir, '');
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The theme files in use: the default ones, each replaced by `<content>/theme/<same name>` when there is one. */
export function themeFiles(contentDir: string | undefined): ThemeFile[] {
  const byName = new Map<string, ThemeFile>();
  for (const { name, file } of listFolderFiles(DEFAULT_THEME_DIR, 'le thème par défaut')) byName.set(name, { name, file, overridden: false, bytes: fs.readFileSync(file) });
  if (contentDir !== undefined) {
    for (const { name, file } of listFolderFiles(path.join(contentDir, THEME_DIR), 'le thème du site')) {
      byName.set(name, { name, file, overridden: true, bytes: fs.readFileSync(file) });
    }
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A hash of every theme file in use (name and bytes): every page depends on it. */
export function themeHashOf(files: readonly ThemeFile[]): string {
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f.name}\0${f.bytes.length}\0`).update(f.bytes);
  return hash.digest('hex');
}

/** A file of `<content>/static/`, copied as it is to the same place in the site. */
export interface StaticFile {
  /** Relative to `static/`, `/`-separated. */
  path: string;
  /** Absolute path. */
  file: string;
  /** A hash of its bytes (a page of the plan depends on it). */
  key: string;
  read(): Uint8Array;
}

/** A static file's key: the hash of its bytes. */
export function staticKeyOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
