import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { NewsError } from '../core/errors.js';
import type { LastChange } from '../core/dates.js';
import type { PostListing } from '../core/post.js';
import type { PlannedFile } from '../export/html.js';
import type { SiteSettings } from '../export/model.js';
import { digest } from '../export/plan-key.js';
import { STATIC_DIR, type StaticFile } from '../export/theme-files.js';
import { fileSource } from './post-sources.js';
import { writePlannedFile } from './site-files.js';
import { templateCacheAt } from './template-cache.js';

/**
 * A full export (into an empty folder) shares the post pages, most of its work, between this
 * thread and a worker thread, as Hugo shares its pages between cores. The worker makes the same
 * plan from the same inputs (the chosen posts as the export read them, site.json's settings, the
 * theme and static files, checked by their hashes), then takes post pages by chunks from a
 * counter shared with this thread, renders and writes them into the private build folder, and
 * sends back what the record needs and each post's lead (the list pages, made here afterwards,
 * show it). Anything unexpected (the theme changed meanwhile, a post changed, another plan) is
 * an error: the export stops and `--out` is left as it was.
 */

export interface PostRow {
  file: string;
  listing: PostListing;
  key: string;
  time: number;
  lastChange: LastChange;
}

export interface SiteWorkerJob {
  kind: 'news-site-pages';
  contentDir: string;
  settings: SiteSettings;
  baseUrl: string;
  publisher?: string;
  themeHash: string;
  /** The template cache's file the main thread used (store/template-cache.ts), if any. */
  templateCache?: string;
  /** static/'s files, by path and key (as the main thread planned them). */
  statics: Array<[path: string, key: string]>;
  posts: PostRow[];
  /** digest of every planned path and key: the worker's plan must be this one. */
  planCheck: string;
  /** The build folder, with a trailing separator. */
  root: string;
  /** Int32 [next post page to take]. */
  counter: SharedArrayBuffer;
  pages: number;
  chunk: number;
}

/** A file written: its index in the plan, the digest of its bytes, its identity. */
export type WrittenRow = [index: number, hash: string, ino: number, size: number, mtimeMs: number, ctimeMs: number];

export interface SiteWorkerResult {
  rows: WrittenRow[];
  leads: Array<[index: number, lead: string]>;
}

/** The digest of a plan's paths and keys (both threads must have made the same plan). */
export function planCheckOf(files: readonly PlannedFile[]): string {
  let text = '';
  for (const f of files) text += `${f.path}\u0000${f.key}\u0001`;
  return digest(text);
}

/** Starts the worker on a job; the promise settles when it has written its pages. */
export function startSiteWorker(job: SiteWorkerJob): { done: Promise<SiteWorkerResult>; stop(): Promise<void> } {
  const worker = new Worker(new URL(import.meta.url), { workerData: job });
  const done = new Promise<SiteWorkerResult>((resolve, reject) => {
    worker.once('message', (message: SiteWorkerResult | { error: string; exitCode: number }) => {
      if ('error' in message) reject(new NewsError(message.error, message.exitCode));
      else resolve(message);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new NewsError(`l’écriture en parallèle des pages s’est arrêtée (code ${code}) : relancez l’export`));
    });
  });
  return {
    done,
    // Stopped because this thread failed first: the worker's own end is of no interest any more.
    stop: async () => {
      done.catch(() => undefined);
      await worker.terminate();
    },
  };
}

/** The worker's side. */
async function runJob(job: SiteWorkerJob): Promise<SiteWorkerResult> {
  const [{ planHtmlSiteIndexed }, { loadTheme }] = await Promise.all([import('../export/html.js'), import('../export/theme.js')]);
  const theme = loadTheme(job.contentDir, undefined, job.templateCache === undefined ? undefined : templateCacheAt(job.templateCache));
  if (theme.hash !== job.themeHash) throw new NewsError('export annulé : le thème a changé pendant l’export ; relancez-le');
  // By the keys the main thread found: this thread makes post pages only, never a static file.
  const staticFiles = job.statics.map(([name, key]): StaticFile => ({
    path: name,
    file: path.join(job.contentDir, STATIC_DIR, name),
    key,
    read: () => {
      throw new Error(`static/${name} : copié par le fil principal seulement`);
    },
  }));
  const plan = planHtmlSiteIndexed(job.settings, job.posts.map((row) => fileSource(job.contentDir, row.file, row.listing, row.key, row.time, row.lastChange)), { baseUrl: job.baseUrl, theme, staticFiles, publisher: job.publisher });
  if (planCheckOf(plan.files) !== job.planCheck) throw new NewsError('export annulé : le contenu a changé pendant l’export ; relancez-le');
  const counter = new Int32Array(job.counter);
  const rows: WrittenRow[] = [];
  const leads: Array<[number, string]> = [];
  const made = new Set<string>(['']);
  for (;;) {
    const start = Atomics.add(counter, 0, job.chunk);
    if (start >= job.pages) break;
    for (let i = start; i < Math.min(start + job.chunk, job.pages); i++) {
      const { hash, stat } = writePlannedFile(job.root, plan.files[i]!, made);
      rows.push([i, hash, stat.ino, stat.size, stat.mtimeMs, stat.ctimeMs]);
      leads.push([i, plan.entries[i]!.lead()]);
    }
  }
  return { rows, leads };
}

if (!isMainThread && (workerData as SiteWorkerJob | undefined)?.kind === 'news-site-pages') {
  runJob(workerData as SiteWorkerJob).then(
    (result) => parentPort!.postMessage(result),
    (error: unknown) => parentPort!.postMessage({
      error: error instanceof Error ? error.message : String(error),
      exitCode: error instanceof NewsError ? error.exitCode : 2,
    }),
  );
}
