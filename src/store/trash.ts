import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fsyncDir } from './atomic.js';
import { TRASH_DIR } from './content.js';

/**
 * The trash: `<content>/.trash/<run-id>/`, one folder per run that changed something, holding
 * its journal and the post files it removed (`posts/<slug>.json`, moved there by rename, so
 * their bytes are untouched). Every folder created and every rename is fsynced, so what the
 * journal says happened survives a power cut.
 */

const RUN_ID = /^\d{8}-\d{6}-[0-9a-f]{6}$/;
const UNFINISHED_SUFFIX = '.unfinished';
const UNFINISHED = /^(\d{8}-\d{6}-[0-9a-f]{6})\.unfinished$/;

export function trashDir(contentDir: string): string {
  return path.join(contentDir, TRASH_DIR);
}

export function runDir(contentDir: string, runId: string): string {
  return path.join(trashDir(contentDir), runId);
}

export function trashedPostFile(contentDir: string, runId: string, slug: string): string {
  return path.join(runDir(contentDir, runId), 'posts', `${slug}.json`);
}

/** `20261125-183000-3fa2c1`: the UTC time of the run (sortable) and a random suffix. */
export function newRunId(now: Date, suffix: string = randomBytes(3).toString('hex')): string {
  const iso = now.toISOString();
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}-${suffix}`;
}

export function isRunId(value: string): boolean {
  return RUN_ID.test(value);
}

/** Creates a folder and its missing parents, fsyncing each parent so the new entries last. */
export function ensureDurableDir(dir: string): void {
  if (fs.existsSync(dir)) return;
  ensureDurableDir(path.dirname(dir));
  try {
    fs.mkdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  fsyncDir(path.dirname(dir));
}

/** Renames a file (same file system) and fsyncs both folders. */
export function moveDurably(from: string, to: string): void {
  fs.renameSync(from, to);
  fsyncDir(path.dirname(to));
  if (path.dirname(from) !== path.dirname(to)) fsyncDir(path.dirname(from));
}

/** Run ids present in the trash, oldest first. */
export function listRunIds(contentDir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(trashDir(contentDir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names.filter(isRunId).sort();
}

/**
 * Removes a run's folder once it has been undone: first renamed aside (one atomic step, after
 * which it is no longer a run), then deleted; the trash folder goes too when left empty.
 */
export function removeRunDir(contentDir: string, runId: string): void {
  const root = trashDir(contentDir);
  const aside = path.join(root, `.undone-${runId}`);
  fs.renameSync(runDir(contentDir, runId), aside);
  fsyncDir(root);
  fs.rmSync(aside, { recursive: true, force: true });
  removeLeftovers(contentDir);
}

/** Deletes folders a crash left behind (half removed, or created just before the journal), and the trash itself when empty. */
export function removeLeftovers(contentDir: string): void {
  const root = trashDir(contentDir);
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return;
  }
  for (const name of names) {
    const full = path.join(root, name);
    if (name.startsWith('.undone-')) fs.rmSync(full, { recursive: true, force: true });
    // A run folder without its journal was cut short before anything moved: nothing to keep.
    else if (isRunId(name) && !fs.existsSync(path.join(full, 'journal.json')) && isEmptyRunDir(full)) fs.rmSync(full, { recursive: true, force: true });
  }
  if (fs.readdirSync(root).length === 0) {
    fs.rmdirSync(root);
    fsyncDir(contentDir);
  }
}

function isEmptyRunDir(dir: string): boolean {
  try {
    const names = fs.readdirSync(dir);
    return names.every((name) => name === 'posts' && fs.readdirSync(path.join(dir, name)).length === 0);
  } catch {
    return false;
  }
}

/**
 * The mark of a run in progress: an empty file `.trash/<run-id>.unfinished`, made (durably)
 * before a run's first change and removed after its last (apply or undo). A reader finds every
 * unfinished run with one readdir of `.trash/` (no file opened per run), so `list` pays almost
 * nothing when all is finished. A mark left after its run completed (a power cut between the
 * status and the removal) is harmless: the next finisher sees the run complete and removes it.
 */
export function unfinishedMarkFile(contentDir: string, runId: string): string {
  return path.join(trashDir(contentDir), `${runId}${UNFINISHED_SUFFIX}`);
}

export function markUnfinished(contentDir: string, runId: string): void {
  ensureDurableDir(trashDir(contentDir));
  const fd = fs.openSync(unfinishedMarkFile(contentDir, runId), 'w');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fsyncDir(trashDir(contentDir));
}

export function clearUnfinished(contentDir: string, runId: string): void {
  try {
    fs.unlinkSync(unfinishedMarkFile(contentDir, runId));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * The trash's entries (one readdir), or [] when there is no trash: what a reader compares
 * before and after reading, and where unfinished marks are found.
 */
export function trashEntries(contentDir: string): string[] {
  try {
    return fs.readdirSync(trashDir(contentDir));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
}

/** Run ids marked unfinished among trash entries, oldest first. */
export function unfinishedRunIds(entries: readonly string[]): string[] {
  const ids: string[] = [];
  for (const name of entries) {
    const match = UNFINISHED.exec(name);
    if (match) ids.push(match[1]!);
  }
  return ids.sort();
}
