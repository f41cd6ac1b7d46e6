import fs from 'node:fs';
import v8 from 'node:v8';
import { packageVersion } from '../version.js';
import { cacheFileFor, writeCacheFile, type CacheEnv } from './cache.js';
import { checkPostTable, postTableId, samePostTable, type PostTable } from './post-sources.js';

/**
 * news serve's post table, kept between two runs in the metadata cache's folder (store/cache.ts:
 * $NEWS_CACHE_DIR, else $XDG_CACHE_HOME/news, else ~/.cache/news; NEWS_CACHE=0 turns it off),
 * never in the content folder. The next serve starts from it: a post file whose inode, size,
 * mtime and ctime are those kept is not read again (the export record's rule, store/post-sources.ts),
 * so the first build at 10,000 posts reads no post that did not change.
 *
 * The table is kept for one content folder, time zone and time-zone data (postTableId), by this
 * version of news. A file that is missing, damaged, or for anything else is ignored: every post
 * is read, as without it. It cannot be written (read-only home, full disk): serve goes on.
 */

/** Bumped whenever what the file holds changes. The news version is checked too. */
const FORMAT = 1;

interface TableFile {
  format: number;
  news: string;
  /** postTableId: the content folder, its time zone and ICU's time-zone data. */
  id: string;
  table: PostTable;
}

export interface PostTableStore {
  /** The table kept for this content folder in `timeZone`, or undefined. */
  load(timeZone: string): PostTable | undefined;
  /** Keeps `table` (made in `timeZone`), unless it is the one last loaded or kept. */
  save(timeZone: string, table: PostTable): void;
}

/** The store for `contentDir`, or undefined when the cache is turned off or has no folder. */
export function previewTableStore(contentDir: string, env: CacheEnv): PostTableStore | undefined {
  const file = cacheFileFor(contentDir, env, 'serve');
  if (file === undefined) return undefined;
  /** The table as it is in the file (last loaded or saved): not written again when unchanged. */
  let kept: { id: string; table: PostTable } | undefined;
  return {
    load(timeZone) {
      const id = postTableId(contentDir, timeZone);
      let saved: Partial<TableFile> | null;
      try {
        saved = v8.deserialize(fs.readFileSync(file)) as Partial<TableFile> | null;
      } catch {
        return undefined;
      }
      if (!saved || saved.format !== FORMAT || saved.news !== packageVersion() || saved.id !== id) return undefined;
      const table = checkPostTable(saved.table);
      if (table !== undefined) kept = { id, table };
      return table;
    },
    save(timeZone, table) {
      const id = postTableId(contentDir, timeZone);
      if (kept !== undefined && kept.id === id && samePostTable(kept.table, table)) return;
      const content: TableFile = { format: FORMAT, news: packageVersion(), id, table };
      // A shortcut for the next start only: a table that cannot be written does not stop the preview.
      if (writeCacheFile(file, () => v8.serialize(content))) kept = { id, table };
    },
  };
}
