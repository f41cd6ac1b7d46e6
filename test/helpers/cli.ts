import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..');
export const BIN = path.join(ROOT, 'bin', 'news.js');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Text for stdin; undefined leaves stdin an empty, closed pipe. Use 'ignore' for /dev/null. */
  input?: string | 'ignore' | 'inherit-closed';
  timeoutMs?: number;
}

/** Where spawned commands keep their metadata cache: one folder for the test run, not the user's ~/.cache. */
export const TEST_CACHE_DIR = path.join(os.tmpdir(), 'news-test-cache');

/**
 * Base environment of a spawned `news`: no colour forced, no debug, a fixed zone-free machine,
 * the metadata cache on (as for users) in TEST_CACHE_DIR.
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('NEWS_') && k !== 'NO_COLOR' && k !== 'FORCE_COLOR' && k !== 'NODE_OPTIONS') env[k] = v;
  }
  env.NEWS_CACHE_DIR = TEST_CACHE_DIR;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Collects a spawned process's output and exit; kills it after timeoutMs. */
export function collectRun(child: ChildProcess, timeoutMs = 30_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      child.stdin?.destroy();
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs the built `bin/news.js` as a user would; resolves when it exits (killed after timeoutMs). */
export function runNews(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: cleanEnv(options.env),
    stdio: [options.input === 'ignore' ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  const result = collectRun(child, options.timeoutMs);
  if (child.stdin) {
    if (typeof options.input === 'string' && options.input !== 'inherit-closed') child.stdin.end(options.input);
    else child.stdin.end();
  }
  return result;
}

/** Synchronous variant for simple cases. */
export function runNewsSync(args: string[], options: RunOptions = {}): RunResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: cleanEnv(options.env),
    input: typeof options.input === 'string' ? options.input : '',
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 30_000,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh content folder in the temp dir, with site.json and the given posts (objects or raw text). */
export function tempContent(posts: Record<string, unknown> = {}, site: Record<string, unknown> = { title: "C'est d'actualité…", baseUrl: 'https://exemple.fr/actualites/', timeZone: 'Europe/Paris', author: 'Équipe formation' }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'news-test-'));
  fs.mkdirSync(path.join(dir, 'posts'));
  fs.writeFileSync(path.join(dir, 'site.json'), `${JSON.stringify(site, null, 2)}\n`);
  for (const [slug, post] of Object.entries(posts)) {
    fs.writeFileSync(path.join(dir, 'posts', `${slug}.json`), typeof post === 'string' ? post : `${JSON.stringify(post, null, 2)}\n`);
  }
  return dir;
}

/** A valid post object with sensible defaults. */
export function makePost(slug: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemaVersion: 1,
    slug,
    title: `Titre ${slug}`,
    date: '2013-10-29',
    status: 'published',
    tags: [],
    body: `Texte du billet ${slug}.`,
    views: 0,
    aliases: [],
    ...fields,
  };
}

/** Every file below a folder with its bytes, for before/after comparisons. */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = fs.readFileSync(full).toString('base64');
    }
  };
  walk(dir);
  return out;
}
