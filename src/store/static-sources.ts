import fs from 'node:fs';
import path from 'node:path';
import { listFolderFiles, STATIC_DIR, staticKeyOf, type StaticFile } from '../export/theme-files.js';
import { isSettled } from './cache.js';
import { ChangedSinceRead, hasColumns, pushIdentity, sameIdentity, type IdentityColumns } from './tables.js';

/**
 * `<content>/static/`'s files as an export takes them: a file whose identity (inode, size, mtime,
 * ctime) is the one it had when the last export hashed it, and had not changed for a while
 * before that (the metadata cache's rule, store/cache.ts), keeps that hash and is read only if
 * it must be written. A folder of images is then neither read nor hashed by an export with
 * nothing changed (192 MB of images had made such an export 2.5 times `news list`).
 */

/** What an export remembers of static/'s files (columns, in path order). */
export interface StaticTable extends IdentityColumns {
  paths: string[];
  keys: string[];
}

const COLUMNS = ['paths', 'ino', 'size', 'mtimeMs', 'ctimeMs', 'keys'] as const;

export function emptyStaticTable(): StaticTable {
  return { paths: [], ino: [], size: [], mtimeMs: [], ctimeMs: [], keys: [] };
}

/** The table when it has the shape this version writes, else undefined (then every file is read). */
export function checkStaticTable(value: unknown): StaticTable | undefined {
  return hasColumns(value, COLUMNS) ? (value as StaticTable) : undefined;
}

/** Whether two tables hold the same rows (then the record need not be written again for it). */
export function sameStaticTable(a: StaticTable | undefined, b: StaticTable): boolean {
  if (a === undefined || a.paths.length !== b.paths.length) return false;
  for (let i = 0; i < b.paths.length; i++) {
    if (a.paths[i] !== b.paths[i] || a.ino[i] !== b.ino[i] || a.size[i] !== b.size[i] || a.mtimeMs[i] !== b.mtimeMs[i] || a.ctimeMs[i] !== b.ctimeMs[i] || a.keys[i] !== b.keys[i]) return false;
  }
  return true;
}

/**
 * static/'s files, sorted by path, with the table to keep for the next export; unchanged files
 * (by `previous`) keep their key unread, and are read, and checked against it, only when written.
 */
export function loadStaticSources(contentDir: string, previous: StaticTable | undefined): { files: StaticFile[]; table: StaticTable } {
  const known = new Map<string, number>();
  if (previous !== undefined) for (let i = 0; i < previous.paths.length; i++) known.set(previous.paths[i]!, i);
  const table = emptyStaticTable();
  // File times come from the kernel's clock, which this is compared with.
  const startedMs = Date.now();
  const files = listFolderFiles(path.join(contentDir, STATIC_DIR), 'static/').map(({ name, file }): StaticFile => {
    // Stat before reading: a write after the stat gives the file a newer ctime than the one kept.
    const stat = fs.lstatSync(file);
    const i = known.get(name);
    if (i !== undefined && sameIdentity(previous!, i, stat)) {
      const key = previous!.keys[i]!;
      addRow(table, name, stat, key);
      return {
        path: name,
        file,
        key,
        read: () => {
          const bytes = fs.readFileSync(file);
          if (staticKeyOf(bytes) !== key) throw new ChangedSinceRead(`export annulé : ${file} a changé pendant l’export ; relancez-le`);
          return bytes;
        },
      };
    }
    const bytes = fs.readFileSync(file);
    const key = staticKeyOf(bytes);
    if (isSettled(stat, startedMs)) addRow(table, name, stat, key);
    return { path: name, file, key, read: () => bytes };
  });
  return { files, table };
}

function addRow(table: StaticTable, name: string, stat: fs.Stats, key: string): void {
  table.paths.push(name);
  pushIdentity(table, stat);
  table.keys.push(key);
}
