import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, cleanEnv, collectRun, ROOT, type RunResult } from './cli.js';

/**
 * Running the built `news` the way the system would hurt it: stopped dead by SIGKILL at an
 * exact system call (strace fault injection), or as an unprivileged user (setpriv), for the
 * cron-safety tests of issue 13. strace comes from scripts/test-deps.sh; setpriv is util-linux.
 */

function run(command: string, args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 60_000, input = ''): Promise<RunResult> {
  const child = spawn(command, args, { cwd: ROOT, env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
  const result = collectRun(child, timeoutMs);
  child.stdin!.end(input);
  return result;
}

/**
 * Runs `news` under strace; the `when`-th call of one of `syscalls` (counted over the whole
 * process) gets SIGKILL instead of running: the process dies exactly there, as `kill -9` would.
 * Resolves with the process's fate (strace exits like its tracee, 137 for SIGKILL).
 */
export function runNewsKilledAt(syscalls: string[], when: number, args: string[], env: Record<string, string | undefined> = {}): Promise<RunResult> {
  const set = syscalls.join(',');
  return run('strace', ['-f', '-qq', '-o', '/dev/null', '-e', `trace=${set}`, '-e', `inject=${set}:signal=KILL:when=${when}`, process.execPath, BIN, ...args], env);
}

/**
 * Runs `news` under strace, failing the calls of `syscalls` picked by `when` (strace syntax:
 * `1` the first, `2+` the second and after) with `errno` (EIO, EMFILE…); with `onlyPath`, only
 * the calls that touch that file.
 */
export function runNewsFailingAt(syscalls: string[], errno: string, when: string, args: string[], env: Record<string, string | undefined> = {}, onlyPath?: string): Promise<RunResult> {
  const set = syscalls.join(',');
  const filter = onlyPath === undefined ? [] : ['-P', onlyPath];
  return run('strace', ['-f', '-qq', '-o', '/dev/null', ...filter, '-e', `trace=${set}`, '-e', `inject=${set}:error=${errno}:when=${when}`, process.execPath, BIN, ...args], env);
}

/** Runs `news` as the unprivileged user `nobody` (no metadata cache: nobody has no home). */
export function runNewsAsNobody(args: string[], env: Record<string, string | undefined> = {}, input = ''): Promise<RunResult> {
  return run('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, BIN, ...args], { NEWS_CACHE: '0', HOME: '/nonexistent', ...env }, 60_000, input);
}

/** Lets `nobody` read (not write) a folder made by the tests (mkdtemp makes it 0700). */
export function readableByAll(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) readableByAll(path.join(dir, entry.name));
  }
}

/** What proper-lockfile sees after a process died holding the lock a minute ago: it takes the lock over at once. */
export function ageLock(dir: string): void {
  const lock = path.join(dir, '.news.lock');
  if (fs.existsSync(lock)) {
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, past, past);
  }
}
