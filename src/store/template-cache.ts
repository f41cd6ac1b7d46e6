import fs from 'node:fs';
import type { CompiledTemplates, TemplateCache } from '../export/theme.js';
import { cacheFileFor, writeCacheFile, type CacheEnv } from './cache.js';

/**
 * The theme's templates compiled (Handlebars' precompiled source), kept between two runs in the
 * metadata cache's folder (store/cache.ts: $NEWS_CACHE_DIR, else $XDG_CACHE_HOME/news, else
 * ~/.cache/news; NEWS_CACHE=0 turns it off), never in the content folder: one file per content
 * folder, for the theme it last compiled. An export that renders anything then loads Handlebars'
 * runtime only, and neither parses nor compiles a template (≈ 100 ms of CPU, 20 to 80 ms of wall time, of an export of one new post at 10,000 posts).
 *
 * What the file holds is code that runs, so it is used only when it is the current user's and
 * nobody else may write it (a file others could write is ignored, as a damaged one is); export/
 * theme.ts uses it only for the same templates, news, Handlebars and options (its key).
 */

/** The cache for `contentDir`, or undefined when the cache is turned off or has no folder. */
export function templateCacheFor(contentDir: string, env: CacheEnv): (TemplateCache & { file: string }) | undefined {
  const file = cacheFileFor(contentDir, env, 'templates');
  return file === undefined ? undefined : templateCacheAt(file);
}

/** The cache kept in `file` (a worker thread is given the file its main thread uses). */
export function templateCacheAt(file: string): TemplateCache & { file: string } {
  return {
    file,
    load(key) {
      let text: string;
      try {
        const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
        try {
          const stat = fs.fstatSync(fd);
          if (!stat.isFile() || (stat.mode & 0o022) !== 0 || (process.getuid !== undefined && stat.uid !== process.getuid())) return undefined;
          text = fs.readFileSync(fd, 'utf8');
        } finally {
          fs.closeSync(fd);
        }
      } catch {
        return undefined;
      }
      try {
        const saved = JSON.parse(text) as CompiledTemplates | null;
        // The theme checks the shape and the key of what it is given.
        return saved?.key === key ? saved : undefined;
      } catch {
        return undefined;
      }
    },
    save(compiled) {
      writeCacheFile(file, () => JSON.stringify(compiled));
    },
  };
}
