import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { prepareCommand, type CommandEnv } from '../cli/command.js';
import { globalOptions } from '../cli/options.js';
import type { Context } from '../core/context.js';
import { NewsError } from '../core/errors.js';
import { escapeHtml } from '../export/text.js';
import { resolveContentDir } from '../store/content.js';
import { watchContent, type ContentWatcher } from '../store/content-watcher.js';
import { PreviewSite, type RebuildResult } from '../store/preview.js';
import { previewTableStore } from '../store/preview-table.js';
import { templateCacheFor } from '../store/template-cache.js';

export interface ServeOptions {
  dir?: string;
  port: number;
  host: string;
  /** Stops the server (Ctrl-C in the terminal). */
  signal?: AbortSignal;
  /** Called once the server listens, with its address (tests). */
  onListening?: (url: string) => void;
}

/**
 * The page's end of the live reload, injected only by `serve`: Server-Sent Events that name the
 * site's build. A page reloads when the build named differs from the one it was made from, which
 * the server sends as soon as the page connects: a change made between the page being served
 * and its connection (no event can reach it then) still reloads it.
 */
const EVENTS_PATH = '/__news/reload';
const reloadScript = (build: string) =>
  `<script>(() => { const shown = ${JSON.stringify(build)}; const events = new EventSource('${EVENTS_PATH}'); events.onmessage = (event) => { if (event.data !== shown) location.reload(); }; })();</script>\n`;
/** Changes closer than this are one rebuild (an editor writes a file in several steps). */
const SETTLE_MS = 15;
/** After a rebuild of what the watcher named, everything is looked at again this much later. */
const CHECK_MS = 1000;
/** The post table is kept for the next start this long after the first build (and when serve stops). */
const SAVE_TABLE_MS = 1000;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/feed+json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.pdf': 'application/pdf',
};

export function register(program: Command, env: CommandEnv): void {
  const command = program
    .command('serve')
    .description('aperçu local du site (brouillons et billets programmés compris), rechargé à chaque modification')
    .option('-p, --port <n>', 'port d’écoute (0 : un port libre, annoncé au démarrage)', parsePort, 4000)
    .option('--host <adresse>', 'adresse d’écoute (127.0.0.1 : seulement cette machine)', '127.0.0.1')
    .addHelpText('after', '\nExemples :\n  news serve\n  news serve --port 8080\n  news serve --dir ~/actualites --host 0.0.0.0\n');
  prepareCommand(program, command, env).action(async (opts: { port: number; host: string }, cmd: Command) => {
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      env.setExitCode(await runServe({ ...opts, dir: globalOptions(cmd).dir, signal: stop.signal }, env.ctx));
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  });
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError(`--port attend un numéro de port de 0 à 65535 (reçu « ${value} »)`);
  return n;
}

function withReload(html: Buffer, build: string): Buffer {
  const text = html.toString('utf8');
  const end = text.lastIndexOf('</body>');
  const script = reloadScript(build);
  return Buffer.from(end < 0 ? text + script : text.slice(0, end) + script + text.slice(end));
}

function errorPage(message: string): Buffer {
  return Buffer.from('<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n<title>Aperçu : le site ne peut pas être construit</title>\n</head>\n<body>\n'
    + '<main style="font:1rem/1.5 system-ui,sans-serif;max-width:50em;margin:2em auto;padding:0 1em">\n'
    + '<h1 style="color:#a40000">Le site ne peut pas être construit</h1>\n'
    + `<pre style="white-space:pre-wrap;background:#fdeaea;padding:1em;border-left:4px solid #a40000">${escapeHtml(message)}</pre>\n`
    + '<p>Le serveur continue de tourner : enregistrez la correction, la page se rechargera d’elle-même.</p>\n</main>\n</body>\n</html>\n');
}

function simplePage(title: string, text: string): Buffer {
  return Buffer.from(`<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n<title>${escapeHtml(title)}</title>\n</head>\n<body>\n<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(text)}</p>\n</body>\n</html>\n`);
}

/** The site's file for a request path, or why there is none. */
export function resolveRequestPath(rawUrl: string): { file: string } | { refused: string } {
  const pathname = rawUrl.split(/[?#]/, 1)[0] ?? '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { refused: 'adresse mal encodée' };
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return { refused: 'chemin refusé' };
  // Any `.` or `..` segment, written plainly or percent-encoded: the site has none.
  if (decoded.split('/').some((segment) => segment === '..' || segment === '.')) return { refused: 'chemin hors du site refusé' };
  const rel = decoded.slice(1);
  return { file: rel === '' || rel.endsWith('/') ? `${rel}index.html` : rel };
}

export async function runServe(opts: ServeOptions, ctx: Context): Promise<number> {
  const contentDir = resolveContentDir(opts.dir, ctx.env, ctx.cwd);
  if (!fs.existsSync(contentDir)) throw new NewsError(`dossier de contenu introuvable : ${contentDir} (indiquez-le avec --dir)`);
  const clients = new Set<http.ServerResponse>();
  let site: PreviewSite | undefined;
  // This server's builds, named apart from an earlier server's (a page left open across a restart reloads).
  const serverId = randomBytes(6).toString('base64url');
  const buildOf = (preview: PreviewSite) => `${serverId}.${preview.version}`;

  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('Méthode non permise\n');
      return;
    }
    const url = req.url ?? '/';
    if (url === EVENTS_PATH) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
      res.write(`: aperçu news\n\n${site === undefined ? '' : `data: ${buildOf(site)}\n\n`}`);
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    const send = (status: number, type: string, body: Buffer, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'Content-Length': String(body.length), ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const resolved = resolveRequestPath(url);
    if ('refused' in resolved) {
      send(403, 'text/html; charset=utf-8', simplePage('Accès refusé', `${resolved.refused} : l’aperçu ne sert que les fichiers du site.`));
      return;
    }
    if (site === undefined) {
      send(503, 'text/plain; charset=utf-8', Buffer.from('Aperçu en construction\n'));
      return;
    }
    const type = TYPES[path.posix.extname(resolved.file).toLowerCase()] ?? 'application/octet-stream';
    if (site.error !== undefined && type.startsWith('text/html')) {
      send(500, 'text/html; charset=utf-8', withReload(errorPage(site.error), buildOf(site)));
      return;
    }
    let bytes: Buffer | undefined;
    try {
      bytes = site.bytesOf(resolved.file);
    } catch (error) {
      const message = error instanceof NewsError ? error.message : `erreur inattendue : ${(error as Error)?.message ?? String(error)}`;
      ctx.stderr.write(`Erreur : ${message}\n`);
      send(500, 'text/html; charset=utf-8', withReload(errorPage(message), buildOf(site)));
      return;
    }
    if (bytes !== undefined) {
      send(200, type, type.startsWith('text/html') ? withReload(bytes, buildOf(site)) : bytes);
      return;
    }
    if (site.has(`${resolved.file}/index.html`)) {
      send(301, 'text/plain; charset=utf-8', Buffer.from('Déplacé\n'), { Location: `${url.split(/[?#]/, 1)[0]}/` });
      return;
    }
    let notFound: Buffer | undefined;
    try {
      notFound = site.bytesOf('404.html');
    } catch {
      notFound = undefined; // its error shows on its own page; here, the plain one
    }
    send(404, 'text/html; charset=utf-8', withReload(notFound ?? simplePage('Page introuvable', 'Cette adresse ne correspond à aucune page du site.'), buildOf(site)));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new NewsError(`le port ${opts.port} est déjà pris sur ${opts.host} : choisissez-en un autre avec --port (ex. --port ${opts.port + 1})`));
      else if (error.code === 'EACCES') reject(new NewsError(`écoute interdite sur ${opts.host}:${opts.port} : choisissez un port au-dessus de 1024 avec --port`));
      else reject(new NewsError(`écoute impossible sur ${opts.host}:${opts.port} (${error.code ?? error.message}) : vérifiez --host et --port`));
    });
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : opts.port;
  const hostInUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const url = `http://${hostInUrl}:${port}/`;

  let timer: NodeJS.Timeout | undefined;
  /** What the watcher reported since the last rebuild; undefined when it could not say. */
  let pending: Set<string> | undefined = new Set();
  let checkTimer: NodeJS.Timeout | undefined;
  // Run from timers only, so never before `preview` below is made.
  const rebuild = () => {
    timer = undefined;
    const changed = pending;
    pending = new Set();
    if (checkTimer !== undefined) clearTimeout(checkTimer);
    checkTimer = undefined;
    const result = preview.rebuild(changed);
    // Only what the watcher named was looked at: a moment later everything is, in case it missed a file.
    if (changed !== undefined) {
      checkTimer = setTimeout(() => {
        checkTimer = undefined;
        if (timer !== undefined) clearTimeout(timer);
        pending = undefined;
        rebuild();
      }, CHECK_MS);
    }
    if (!result.changed) return;
    if (preview.error !== undefined) ctx.stderr.write(`Erreur : ${preview.error}\n`);
    else ctx.stderr.write(`Reconstruit en ${Math.round(result.ms)} ms (${result.rendered} fichier(s) à refaire, chacun à la première demande).\n`);
  };
  const onChange = (name: string | undefined) => {
    if (name !== undefined) pending?.add(name);
    else pending = undefined;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(rebuild, SETTLE_MS);
  };
  let watcher: ContentWatcher;
  try {
    watcher = watchContent(contentDir, onChange, (message) => ctx.stderr.write(`Erreur : ${message}\n`));
  } catch (error) {
    server.close();
    throw error;
  }

  // Watched before the first build: a change made while it runs, or as soon as the line below
  // says the preview is ready, is heard (and rebuilt once the first build is done).
  // Every new version is told to the open pages, whoever rebuilt: the watcher, or making a page
  // that found a post changed unseen.
  const preview: PreviewSite = new PreviewSite(contentDir, url, () => ctx.now(), {
    tables: previewTableStore(contentDir, ctx.env),
    templates: templateCacheFor(contentDir, ctx.env),
    onVersion: () => {
      for (const client of clients) client.write(`data: ${buildOf(preview)}\n\n`);
    },
  });
  site = preview;
  let first: RebuildResult;
  try {
    first = preview.rebuild();
  } catch (error) {
    // Nothing left listening or watching: the command ends with its error.
    watcher.close();
    server.close();
    throw error;
  }
  ctx.stderr.write(`Aperçu sur ${url} (${preview.size} fichier(s) prévus en ${Math.round(first.ms)} ms, chacun fait à la première demande) ; Ctrl-C pour arrêter.\n`);
  if (preview.error !== undefined) ctx.stderr.write(`${preview.error}\n`);
  // The post table kept for the next start (outside the content folder): a moment after this
  // one, so the first requests are not kept waiting, and again when the preview stops.
  const saveTimer = setTimeout(() => preview.saveTable(), SAVE_TABLE_MS).unref();

  await new Promise<void>((resolve) => {
    if (opts.signal?.aborted) resolve();
    opts.signal?.addEventListener('abort', () => resolve(), { once: true });
    opts.onListening?.(url);
  });
  if (timer !== undefined) clearTimeout(timer);
  if (checkTimer !== undefined) clearTimeout(checkTimer);
  clearTimeout(saveTimer);
  watcher.close();
  preview.saveTable();
  for (const client of clients) client.end();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  ctx.stderr.write('Aperçu arrêté.\n');
  return 0;
}
