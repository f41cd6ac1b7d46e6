// Atomic replace and exclusive create: a failure at any step leaves the old file intact and no temp file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFileExclusive, fsyncDir, realFs, writeFileAtomic, type WriteFs } from '../../src/store/atomic.js';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'news-atomic-'));
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code} (injecté)`), { code });
}

/** The real file system, with one call replaced; records the calls made. */
function faultyFs(overrides: Partial<WriteFs>): WriteFs & { calls: string[] } {
  const calls: string[] = [];
  const wrapped = {} as WriteFs & { calls: string[] };
  for (const name of Object.keys(realFs) as Array<keyof WriteFs>) {
    const impl = (overrides[name] ?? realFs[name]) as (...a: unknown[]) => unknown;
    (wrapped as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      calls.push(name);
      return impl(...args);
    };
  }
  wrapped.calls = calls;
  return wrapped;
}

const OLD = '{\n  "ancien": true\n}\n';
const NEW = `{\n  "nouveau": "${'é'.repeat(5000)}"\n}\n`;

function setup(): { dir: string; target: string } {
  const dir = tempDir();
  const target = path.join(dir, 'billet.json');
  fs.writeFileSync(target, OLD);
  return { dir, target };
}

describe('writeFileAtomic', () => {
  test('replaces the file, whole, and leaves nothing else in the folder', () => {
    const { dir, target } = setup();
    const wfs = faultyFs({});
    writeFileAtomic(target, NEW, { fs: wfs });
    expect(fs.readFileSync(target, 'utf8')).toBe(NEW);
    expect(fs.readdirSync(dir)).toEqual(['billet.json']);
    // temp file synced before the rename, folder synced after it
    expect(wfs.calls.indexOf('fsyncSync')).toBeLessThan(wfs.calls.indexOf('renameSync'));
    expect(wfs.calls.lastIndexOf('fsyncSync')).toBeGreaterThan(wfs.calls.indexOf('renameSync'));
  });

  test.each<[string, Partial<WriteFs>, string]>([
    ['fsync fails', { fsyncSync: () => { throw errno('EIO'); } }, 'EIO'],
    ['rename fails', { renameSync: () => { throw errno('EXDEV'); } }, 'EXDEV'],
    ['close fails after the data was synced (NFS reports late errors there)', { closeSync: () => { throw errno('EIO'); } }, 'EIO'],
    ['write fails (disk full)', { writeSync: () => { throw errno('ENOSPC'); } }, 'ENOSPC'],
    ['a write that writes nothing (short write)', { writeSync: () => 0 }, 'EIO'],
    ['full disk after a first chunk', {
      writeSync: (() => {
        let first = true;
        return (fd: number, buffer: Uint8Array, offset: number, length: number) => {
          if (!first) throw errno('ENOSPC');
          first = false;
          return fs.writeSync(fd, buffer, offset, Math.min(length, 100));
        };
      })(),
    }, 'ENOSPC'],
  ])('%s: the old file is intact, no temp file left, the error is reported', (_name, override, code) => {
    const { dir, target } = setup();
    expect(() => writeFileAtomic(target, NEW, { fs: faultyFs(override) })).toThrow(expect.objectContaining({ errno: code }));
    expect(fs.readFileSync(target, 'utf8')).toBe(OLD);
    expect(fs.readdirSync(dir)).toEqual(['billet.json']);
  });

  test('short writes are continued until every byte is written', () => {
    const { target } = setup();
    const sizes: number[] = [];
    writeFileAtomic(target, NEW, {
      fs: faultyFs({
        writeSync: (fd, buffer, offset, length) => {
          const n = fs.writeSync(fd, buffer, offset, Math.min(length, 7));
          sizes.push(n);
          return n;
        },
      }),
    });
    expect(fs.readFileSync(target, 'utf8')).toBe(NEW);
    expect(sizes.length).toBeGreaterThan(100);
  });

  test('a failure while closing after a failed fsync still removes the temp file', () => {
    const { dir, target } = setup();
    const wfs = faultyFs({
      fsyncSync: () => { throw errno('EIO'); },
      closeSync: () => { throw errno('EBADF'); },
    });
    expect(() => writeFileAtomic(target, NEW, { fs: wfs })).toThrow(expect.objectContaining({ errno: 'EIO' }));
    expect(fs.readdirSync(dir)).toEqual(['billet.json']);
    expect(fs.readFileSync(target, 'utf8')).toBe(OLD);
  });

  test('creates the file when it did not exist', () => {
    const dir = tempDir();
    const target = path.join(dir, 'neuf.json');
    writeFileAtomic(target, NEW);
    expect(fs.readFileSync(target, 'utf8')).toBe(NEW);
    expect(fs.statSync(target).mode & 0o777).toBe(0o644 & ~process.umask());
  });
});

describe('createFileExclusive', () => {
  test('creates a new file with all its bytes, nothing else left', () => {
    const dir = tempDir();
    const target = path.join(dir, 'neuf.json');
    createFileExclusive(target, NEW);
    expect(fs.readFileSync(target, 'utf8')).toBe(NEW);
    expect(fs.readdirSync(dir)).toEqual(['neuf.json']);
  });

  test('never overwrites: EEXIST, the existing file untouched, the temp file removed', () => {
    const { dir, target } = setup();
    expect(() => createFileExclusive(target, NEW)).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    expect(fs.readFileSync(target, 'utf8')).toBe(OLD);
    expect(fs.readdirSync(dir)).toEqual(['billet.json']);
  });

  test.each<[string, Partial<WriteFs>, string]>([
    ['fsync fails', { fsyncSync: () => { throw errno('EIO'); } }, 'EIO'],
    ['write fails (disk full)', { writeSync: () => { throw errno('ENOSPC'); } }, 'ENOSPC'],
    ['a write that writes nothing', { writeSync: () => 0 }, 'EIO'],
    ['link fails', { linkSync: () => { throw errno('EPERM'); } }, 'EPERM'],
    ['close fails', { closeSync: () => { throw errno('EIO'); } }, 'EIO'],
  ])('%s: no file under the name, no temp file', (_name, override, code) => {
    const dir = tempDir();
    const target = path.join(dir, 'neuf.json');
    expect(() => createFileExclusive(target, NEW, { fs: faultyFs(override) })).toThrow(expect.objectContaining({ errno: code }));
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('fsyncDir', () => {
  test('a file system that cannot fsync a folder (EINVAL) is tolerated; other errors are not', () => {
    const dir = tempDir();
    expect(() => fsyncDir(dir, faultyFs({ fsyncSync: () => { throw errno('EINVAL'); } }))).not.toThrow();
    expect(() => fsyncDir(dir, faultyFs({ fsyncSync: () => { throw errno('EIO'); } }))).toThrow(expect.objectContaining({ code: 'EIO' }));
  });
});
