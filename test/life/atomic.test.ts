// An injected failure (write, fsync, rename) while a post is changed leaves the old file intact and no temp file.
import fs from 'node:fs';
import path from 'node:path';
import { realFs, type WriteFs } from '../../src/store/atomic.js';
import { changePost, renamePost } from '../../src/store/change.js';
import { makePost, tempContent } from '../helpers/cli.js';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code} (injecté)`), { code });
}

/** The injected error, as the store reports it: in French, naming the post file, with the system's code (issue 13). */
const reported = (code: string) => expect.objectContaining({ errno: code, message: expect.stringMatching(new RegExp(`posts/[ab]\\.json\\b.*\\(${code}\\)`)) });

const failing: Array<[string, Partial<WriteFs>]> = [
  ['write', { writeSync: () => { throw errno('ENOSPC'); } }],
  ['fsync', { fsyncSync: () => { throw errno('EIO'); } }],
  ['rename', { renameSync: () => { throw errno('EXDEV'); } }],
  ['link (exclusive create)', { linkSync: () => { throw errno('EIO'); } }],
];

const options = (fs_: WriteFs) => ({ now: new Date('2026-11-25T12:00:00Z'), timeZone: 'Europe/Paris', env: { NEWS_CACHE: '0' }, fs: fs_ });

describe.each(failing)('%s fails', (_name, override) => {
  const faulty: WriteFs = { ...realFs, ...override };
  const code = _name === 'write' ? 'ENOSPC' : _name === 'rename' ? 'EXDEV' : 'EIO';

  test('edit: the old file is intact, no temp file', async () => {
    const dir = tempContent({ a: makePost('a', { title: 'Ancien' }) });
    const before = fs.readFileSync(path.join(dir, 'posts', 'a.json'));
    const change = changePost(dir, 'a', () => ({ title: 'Nouveau' }), options(faulty));
    if (override.linkSync) {
      await change; // an in-place change never links: it must go through
      return;
    }
    await expect(change).rejects.toEqual(reported(code));
    expect(fs.readFileSync(path.join(dir, 'posts', 'a.json')).equals(before)).toBe(true);
    expect(fs.readdirSync(path.join(dir, 'posts'))).toEqual(['a.json']);
  });

  test('rename: the old file is intact under its old name, no new file, no temp file', async () => {
    const dir = tempContent({ a: makePost('a') });
    const before = fs.readFileSync(path.join(dir, 'posts', 'a.json'));
    const rename = renamePost(dir, 'a', 'b', options(faulty));
    if (override.renameSync) {
      await rename; // a rename is an exclusive create then an unlink: no rename() call
      return;
    }
    await expect(rename).rejects.toEqual(reported(code));
    expect(fs.readFileSync(path.join(dir, 'posts', 'a.json')).equals(before)).toBe(true);
    expect(fs.readdirSync(path.join(dir, 'posts'))).toEqual(['a.json']);
  });
});
