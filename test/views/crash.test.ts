// Issue 10: `news views import` killed (SIGKILL) at any point never counts a line twice nor
// loses one: the rerun ends with exactly the totals of an uninterrupted run.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { jest } from '@jest/globals';
import { BIN, cleanEnv, collectRun, runNews } from '../helpers/cli.js';
import { GOOGLEBOT, lines, tempLogDir, views, viewsContent, type Hit } from './helpers.js';

jest.setTimeout(300_000);

/** What proper-lockfile sees after a process died holding the lock long ago. */
function ageLock(dir: string): void {
  const lock = path.join(dir, '.news.lock');
  if (fs.existsSync(lock)) {
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, past, past);
  }
}

/** Temp files left in posts/ (a post written aside, never renamed into place). */
function tempFiles(dir: string): string[] {
  return fs.readdirSync(path.join(dir, 'posts')).filter((name) => name.endsWith('.tmp'));
}

function logOf(count: number, day: string): string {
  const hits: Hit[] = [];
  const paths = ['/actualites/portes-ouvertes/', '/actualites/le-miroir-brise/', '/actualites/formation-excel/', '/actualites/style.css'];
  for (let i = 0; i < count; i++) {
    hits.push({ ip: `10.${i % 7}.${Math.floor(i / 250) % 250}.${i % 250}`, path: paths[i % 4], time: `${day}:${String(i % 24).padStart(2, '0')}:00:00 +0100`, agent: i % 5 === 0 ? GOOGLEBOT : undefined });
  }
  return lines(hits);
}

function logsFolder(count: number): string {
  const logs = tempLogDir();
  fs.writeFileSync(path.join(logs, 'access.log'), logOf(count, '29/Oct/2013'));
  fs.writeFileSync(path.join(logs, 'access.log.1'), logOf(count, '28/Oct/2013'));
  return logs;
}

const ARGS = ['views', 'import', 'access.log', 'access.log.1', '--quiet'];

test('killed after each durable step of the commit, the rerun gives the uninterrupted totals', async () => {
  const logs = logsFolder(200);
  const reference = viewsContent();
  expect((await runNews([...ARGS, '--dir', reference], { cwd: logs })).code).toBe(0);
  const expected = views(reference);
  expect(expected).not.toEqual(views(viewsContent()));

  let completedAt: number | undefined;
  for (let k = 1; k <= 10 && completedAt === undefined; k++) {
    const dir = viewsContent();
    const crashed = await runNews([...ARGS, '--dir', dir], { cwd: logs, env: { NEWS_TEST_CRASH_AFTER_STEP: String(k) } });
    if (crashed.signal !== 'SIGKILL') {
      expect(crashed.code).toBe(0);
      completedAt = k;
      break;
    }
    ageLock(dir);
    if (k === 2) {
      // Another views command finishes the killed import first.
      const set = await runNews(['views', 'add', 'formation-excel', '0', '--dir', dir]);
      expect(set.code).toBe(0);
      expect(set.stderr).toMatch(/un import de lectures interrompu a été terminé d’abord/);
      expect(views(dir)).toEqual(expected);
    }
    const rerun = await runNews([...ARGS, '--dir', dir], { cwd: logs });
    expect(rerun.code).toBe(0);
    expect(views(dir)).toEqual(expected);
    // The posts written aside but not yet renamed when it was killed were written again and renamed.
    expect(tempFiles(dir)).toEqual([]);
    // And once more: nothing left to add.
    const third = await runNews(['views', 'import', 'access.log', 'access.log.1', '--json', '--dir', dir], { cwd: logs });
    expect(JSON.parse(third.stdout).added).toBe(0);
    expect(views(dir)).toEqual(expected);
  }
  // The state with the views (1), three posts (2–4), the state cleared (5): then a run went through.
  expect(completedAt).toBe(6);
});

test.each([
  ['removed', (slug: string) => ['rm', slug]],
  ['renamed', (slug: string) => ['rename', slug, `${slug}-bis`]],
])('a post %s between a killed import and the rerun leaves no temp file behind', async (_how, command) => {
  const logs = logsFolder(200);
  const dir = viewsContent();
  // Killed after the first post of the batch was renamed: the others are written aside.
  const crashed = await runNews([...ARGS, '--dir', dir], { cwd: logs, env: { NEWS_TEST_CRASH_AFTER_STEP: '2' } });
  expect(crashed.signal).toBe('SIGKILL');
  const left = tempFiles(dir);
  expect(left.length).toBeGreaterThan(0);
  const slug = /^\.(.+)\.json\.views\.tmp$/.exec(left[0]!)![1]!;
  ageLock(dir);
  const changed = await runNews([...command(slug), '--dir', dir]);
  expect(changed.code).toBe(0);
  const rerun = await runNews([...ARGS, '--dir', dir], { cwd: logs });
  expect(rerun.code).toBe(0);
  expect(tempFiles(dir)).toEqual([]);
  expect(fs.existsSync(path.join(dir, 'posts', `${slug}.json`))).toBe(false);
});

test('killed at many moments of a longer import (reading, committing), the rerun gives the uninterrupted totals', async () => {
  const logs = logsFolder(40_000);
  // The shorter of two uninterrupted runs (the machine is shared: a run can take twice as long
  // as the next), and the kills spread over most of it, so that most of them land.
  let duration = Infinity;
  let reference = '';
  for (let run = 0; run < 2; run++) {
    reference = viewsContent();
    const started = Date.now();
    expect((await runNews([...ARGS, '--dir', reference], { cwd: logs, timeoutMs: 120_000 })).code).toBe(0);
    duration = Math.min(duration, Date.now() - started);
  }
  const expected = views(reference);
  let killed = 0;
  for (let i = 0; i < 12; i++) {
    const dir = viewsContent();
    const child = spawn(process.execPath, [BIN, ...ARGS, '--dir', dir], { cwd: logs, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const done = collectRun(child, 120_000);
    await new Promise((r) => setTimeout(r, Math.round((duration * 0.85 * (i + 0.5)) / 12)));
    child.kill('SIGKILL');
    const crashed = await done;
    if (crashed.signal === 'SIGKILL') killed++;
    ageLock(dir);
    const rerun = await runNews([...ARGS, '--dir', dir], { cwd: logs, timeoutMs: 120_000 });
    expect(rerun.code).toBe(0);
    expect(views(dir)).toEqual(expected);
    expect(tempFiles(dir)).toEqual([]);
  }
  expect(killed).toBeGreaterThan(6);
});
