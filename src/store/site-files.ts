import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { PlannedFile } from '../export/html.js';

/** Files of a site as both threads of a full export write them (store/site-output.ts, store/site-worker.ts). */

/** The digest of a file's bytes the export record keeps. */
export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('base64url');
}

/**
 * Renders a planned file and writes it under `root` (a build folder, with its trailing
 * separator), making its folder first unless `made` has it: its digest and identity. Used by
 * both threads of a full export.
 */
export function writePlannedFile(root: string, file: PlannedFile, made: Set<string>): { hash: string; stat: fs.Stats } {
  const slash = file.path.lastIndexOf('/');
  const dir = slash < 0 ? '' : file.path.slice(0, slash);
  if (!made.has(dir)) {
    fs.mkdirSync(root + dir, { recursive: true });
    made.add(dir);
  }
  const bytes = Buffer.from(file.render());
  const fd = fs.openSync(root + file.path, 'wx');
  try {
    fs.writeSync(fd, bytes);
    return { hash: hashBytes(bytes), stat: fs.fstatSync(fd) };
  } finally {
    fs.closeSync(fd);
  }
}
