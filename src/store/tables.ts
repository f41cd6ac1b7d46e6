import type fs from 'node:fs';
import { NewsError } from '../core/errors.js';

/**
 * A file taken from a table unread, found changed when it was read at last (to make a page):
 * the plan it was part of is stale. news serve looks at everything again on it.
 */
export class ChangedSinceRead extends NewsError {}

/**
 * Tables kept in the export record (store/site-output.ts): objects of parallel arrays, one
 * column a field. What is read back is used only when every column is an array of one length.
 */
export function hasColumns(value: unknown, columns: readonly string[]): boolean {
  if (!value || typeof value !== 'object') return false;
  const table = value as Record<string, unknown>;
  const count = Array.isArray(table[columns[0]!]) ? (table[columns[0]!] as unknown[]).length : -1;
  return count >= 0 && columns.every((c) => Array.isArray(table[c]) && (table[c] as unknown[]).length === count);
}

/** The identity of a file a table row was made from: a later change shows another one. */
export interface IdentityColumns {
  ino: number[];
  size: number[];
  mtimeMs: number[];
  ctimeMs: number[];
}

export type Identity = Pick<fs.Stats, 'ino' | 'size' | 'mtimeMs' | 'ctimeMs'>;

export function pushIdentity(table: IdentityColumns, stat: Identity): void {
  table.ino.push(stat.ino);
  table.size.push(stat.size);
  table.mtimeMs.push(stat.mtimeMs);
  table.ctimeMs.push(stat.ctimeMs);
}

/** Whether row `i` was made from a file with this identity. */
export function sameIdentity(table: IdentityColumns, i: number, stat: Identity): boolean {
  return table.ino[i] === stat.ino && table.size[i] === stat.size && table.mtimeMs[i] === stat.mtimeMs && table.ctimeMs[i] === stat.ctimeMs;
}

/** Row `i` takes this identity (a file checked again by its bytes). */
export function setIdentity(table: IdentityColumns, i: number, stat: Identity): void {
  table.ino[i] = stat.ino;
  table.size[i] = stat.size;
  table.mtimeMs[i] = stat.mtimeMs;
  table.ctimeMs[i] = stat.ctimeMs;
}
