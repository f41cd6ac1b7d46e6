import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileSystemError } from './errors.js';

/**
 * The file-system calls the writers use, so a test can make fsync, rename or write fail
 * and check that nothing is lost. Production uses node:fs.
 */
export interface WriteFs {
  openSync: typeof fs.openSync;
  writeSync: (fd: number, buffer: Uint8Array, offset: number, length: number) => number;
  fsyncSync: typeof fs.fsyncSync;
  closeSync: typeof fs.closeSync;
  renameSync: typeof fs.renameSync;
  linkSync: typeof fs.linkSync;
  unlinkSync: typeof fs.unlinkSync;
}

export const realFs: WriteFs = {
  openSync: fs.openSync,
  writeSync: (fd, buffer, offset, length) => fs.writeSync(fd, buffer, offset, length),
  fsyncSync: fs.fsyncSync,
  closeSync: fs.closeSync,
  renameSync: fs.renameSync,
  linkSync: fs.linkSync,
  unlinkSync: fs.unlinkSync,
};

function tempPathFor(target: string): string {
  const dir = path.dirname(target);
  return path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Writes the whole buffer to an open file (`file` names it in the error when the disk stops taking bytes). */
export function writeAll(fd: number, data: Uint8Array, file: string, wfs: WriteFs = realFs): void {
  let written = 0;
  while (written < data.length) {
    const n = wfs.writeSync(fd, data, written, data.length - written);
    if (n <= 0) throw Object.assign(new Error(`écriture incomplète de ${file}`), { code: 'EIO' });
    written += n;
  }
}

/** Writes the whole buffer to a new temp file (exclusive create), fsyncs it, closes it. */
function writeTemp(target: string, data: Uint8Array, wfs: WriteFs, mode: number): string {
  const temp = tempPathFor(target);
  const fd = wfs.openSync(temp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, mode);
  try {
    writeAll(fd, data, temp, wfs);
    wfs.fsyncSync(fd);
  } catch (error) {
    safeClose(fd, wfs);
    safeUnlink(temp, wfs);
    throw error;
  }
  try {
    // Some file systems (NFS) report a failed write only here.
    wfs.closeSync(fd);
  } catch (error) {
    safeUnlink(temp, wfs);
    throw error;
  }
  return temp;
}

function safeClose(fd: number, wfs: WriteFs): void {
  try {
    wfs.closeSync(fd);
  } catch {
    // already failing; the first error is the one to report
  }
}

function safeUnlink(file: string, wfs: WriteFs): void {
  try {
    wfs.unlinkSync(file);
  } catch {
    // nothing to clean
  }
}

/** fsync a folder so a rename or link in it survives a power cut. */
export function fsyncDir(dir: string, wfs: WriteFs = realFs): void {
  let fd: number | undefined;
  try {
    fd = wfs.openSync(dir, fs.constants.O_RDONLY);
    wfs.fsyncSync(fd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Some file systems cannot fsync a directory; the data itself is already synced.
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw error;
  } finally {
    if (fd !== undefined) safeClose(fd, wfs);
  }
}

/**
 * Replaces `target` atomically: temp file in the same folder, full write, fsync, rename,
 * fsync of the folder. On any failure the old file is untouched and the temp file removed,
 * and the error is a FileSystemError in French naming `target` (its `errno` keeps the code).
 */
export function writeFileAtomic(target: string, content: string | Uint8Array, options: { fs?: WriteFs; mode?: number } = {}): void {
  try {
    replaceFile(target, content, options);
  } catch (error) {
    throw fileSystemError(error, target, 'write');
  }
}

function replaceFile(target: string, content: string | Uint8Array, options: { fs?: WriteFs; mode?: number }): void {
  const wfs = options.fs ?? realFs;
  const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const temp = writeTemp(target, data, wfs, options.mode ?? 0o644);
  try {
    wfs.renameSync(temp, target);
  } catch (error) {
    safeUnlink(temp, wfs);
    throw error;
  }
  fsyncDir(path.dirname(target), wfs);
}

/**
 * Creates `target` only if it does not exist, never showing a half-written file: the data is
 * written and synced to a temp file, then hard-linked to its name (link() fails with EEXIST
 * rather than overwrite). Throws the system's error with code EEXIST when the name is taken
 * (callers pick another name); any other failure is a FileSystemError naming `target`.
 */
export function createFileExclusive(target: string, content: string | Uint8Array, options: { fs?: WriteFs; mode?: number } = {}): void {
  try {
    createFile(target, content, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw error;
    throw fileSystemError(error, target, 'create');
  }
}

function createFile(target: string, content: string | Uint8Array, options: { fs?: WriteFs; mode?: number }): void {
  const wfs = options.fs ?? realFs;
  const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const temp = writeTemp(target, data, wfs, options.mode ?? 0o644);
  try {
    wfs.linkSync(temp, target);
  } finally {
    safeUnlink(temp, wfs);
  }
  fsyncDir(path.dirname(target), wfs);
}

/**
 * Whether a process still runs (for leftovers named after their writer's pid: temp files,
 * half-built sites): only those of processes gone are removed.
 */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a folder holds no entry, reading at most one (a site's root holds 10,000). */
export function isEmptyDir(dir: string): boolean {
  const handle = fs.opendirSync(dir);
  try {
    return handle.readSync() === null;
  } finally {
    handle.closeSync();
  }
}
