import fs from 'node:fs';
import path from 'node:path';
import { NewsError } from '../core/errors.js';
import { createFileExclusive } from './atomic.js';
import { POSTS_DIR, SITE_FILE, TRASH_DIR } from './content.js';
import { ensureDurableDir } from './trash.js';

export interface NewSite {
  title?: string;
  description?: string;
  baseUrl?: string;
  language: string;
  timeZone: string;
}

/** Why `dir` cannot become a new content folder (it already holds one), or undefined. */
export function existingContent(dir: string): string | undefined {
  for (const name of [SITE_FILE, POSTS_DIR, TRASH_DIR]) {
    if (fs.existsSync(path.join(dir, name))) return name;
  }
  return undefined;
}

/**
 * Makes a content folder: `site.json` (created exclusively: never overwritten) and `posts/`.
 * Refused (CONFLICT) when the folder already holds site.json, posts/ or .trash/.
 */
export function initContentFolder(dir: string, site: NewSite): { siteFile: string; postsDir: string } {
  const found = existingContent(dir);
  if (found) {
    throw new NewsError(`${dir} contient déjà ${found} : c’est déjà un dossier de contenu (news list --dir ${dir}) ; choisissez un dossier neuf ou vide`, 2, { code: 'CONFLICT' });
  }
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) {
    throw new NewsError(`${dir} est un fichier, pas un dossier : choisissez un autre chemin`, 2, { code: 'USAGE' });
  }
  const siteFile = path.join(dir, SITE_FILE);
  const postsDir = path.join(dir, POSTS_DIR);
  ensureDurableDir(dir);
  const value: Record<string, unknown> = {};
  for (const key of ['title', 'description', 'baseUrl', 'language', 'timeZone'] as const) if (site[key] !== undefined) value[key] = site[key];
  try {
    createFileExclusive(siteFile, `${JSON.stringify(value, null, 2)}\n`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new NewsError(`${siteFile} existe déjà : rien n’a été écrit`, 2, { code: 'CONFLICT' });
    throw error;
  }
  ensureDurableDir(postsDir);
  return { siteFile, postsDir };
}
