import fs from 'node:fs';
import path from 'node:path';
import { NewsError } from '../core/errors.js';
import { STATIC_DIR, THEME_DIR } from '../export/theme-files.js';
// The lock's name from content.ts, not lock.ts: serve never locks, and need not load proper-lockfile.
import { LOCK_NAME, POSTS_DIR, TRASH_DIR } from './content.js';

/**
 * What news serve watches of a content folder, with one watch per folder, never one per file:
 * the folder itself (site.json, and posts/, theme/ or static/ made, removed or replaced),
 * posts/ (its files, not recursively: a post is a file of posts/), and theme/ and static/,
 * recursively (a theme's partials/, static/images/…), each while it exists.
 *
 * Node 20's recursive fs.watch puts an inotify watch on every file under it on Linux: on
 * 10,000 posts, 10,000 watches (the limit per user was 8,192 by default before Linux 5.11), ≈ 300 ms
 * to set them up, and each event ≈ 30 ms late. posts/ watched as one folder: one watch, events
 * in about a millisecond.
 *
 * Changes are reported by their path relative to the content folder (`posts/x.json`,
 * `theme/partials/head.hbs`, `site.json`), or undefined when a watched folder was made, removed
 * or replaced (everything must be looked at again).
 */
export interface ContentWatcher {
  close(): void;
}

/** Content-folder entries that change with the posts themselves (the rebuild sees those), or are not content. */
function ignored(name: string): boolean {
  return name.startsWith(LOCK_NAME) || name.startsWith(TRASH_DIR);
}

function cannotWatch(dir: string, error: unknown): string {
  return `surveillance impossible de ${dir} (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
}

export function watchContent(contentDir: string, onChange: (name: string | undefined) => void, onError: (message: string) => void): ContentWatcher {
  const folders = new Map<string, { watcher: fs.FSWatcher; ino: number }>();
  let closed = false;

  /**
   * Watches `name` (posts/, theme/ or static/) as it is now: again if it was replaced, not at all
   * if it is gone. Whether that changed anything (the same folder, still watched: no).
   */
  const follow = (name: string): boolean => {
    const dir = path.join(contentDir, name);
    const stat = fs.statSync(dir, { throwIfNoEntry: false });
    const current = folders.get(name);
    if (current !== undefined && stat?.isDirectory() && stat.ino === current.ino) return false;
    current?.watcher.close();
    folders.delete(name);
    if (!stat?.isDirectory()) return current !== undefined;
    let watcher: fs.FSWatcher;
    try {
      watcher = fs.watch(dir, { recursive: name !== POSTS_DIR }, (_event, file) => {
        if (typeof file === 'string') onChange(path.join(name, file));
        else onChange(undefined);
      });
    } catch (error) {
      onError(`${cannotWatch(dir, error)} : ses changements ne seront vus qu’avec ceux d’un autre fichier`);
      return true;
    }
    // Removed while watched: the content folder's own watcher sees it and follows it again.
    watcher.on('error', () => {
      if (!closed) onChange(undefined);
    });
    folders.set(name, { watcher, ino: stat.ino });
    return true;
  };

  let root: fs.FSWatcher;
  try {
    root = fs.watch(contentDir, (_event, name) => {
      if (closed) return;
      if (typeof name !== 'string') {
        for (const folder of [POSTS_DIR, THEME_DIR, STATIC_DIR]) follow(folder);
        onChange(undefined);
        return;
      }
      if (ignored(name)) return;
      if (name === POSTS_DIR || name === THEME_DIR || name === STATIC_DIR) {
        // Made, removed or replaced: everything under it is looked at again (its own watcher tells the rest).
        if (follow(name)) onChange(undefined);
        return;
      }
      onChange(name);
    });
  } catch (error) {
    throw new NewsError(cannotWatch(contentDir, error));
  }
  root.on('error', () => {
    // The content folder itself removed or replaced: look at everything again, with whatever is left.
    if (!closed) onChange(undefined);
  });
  for (const folder of [POSTS_DIR, THEME_DIR, STATIC_DIR]) follow(folder);

  return {
    close() {
      closed = true;
      root.close();
      for (const { watcher } of folders.values()) watcher.close();
      folders.clear();
    },
  };
}
