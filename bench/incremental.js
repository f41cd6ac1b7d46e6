#!/usr/bin/env node
// Incremental html export and `news serve`, beside Hugo, in one run (issue 12):
//   npm run build && node bench/incremental.js [--count 10000] [--pairs 5] [--work /tmp/incremental-bench]
// Rows (medians of alternating runs, the machine is shared: the spread is printed too):
//   full export into a new empty folder vs a full Hugo build into a new empty --destination,
//     nothing deleted during the row (see below; the ten sites, about 1 GB, stay in <work>/fresh
//     until the next run, which deletes them after its own row);
//   the same right after deleting the previous export (rm -rf, as `rm -rf public && hugo` does),
//     beside a floor: a plain Node loop creating the same tree (folders, files, bytes) from memory
//     after the same deletion: on this ext4 (no journal), creating files within a minute or five of
//     deleting thousands costs the kernel a scan per new file (recently_deleted), whoever renders;
//   one new post then export html vs Hugo's build of the same site (public/ kept, as `hugo` runs);
//   export with nothing changed vs `news list --limit 20` (metadata cache warm);
//   five "one new post + export" in a row (do they get slower?);
//   news serve: from a post file saved to the reload event sent to the page (Server-Sent Events).
// Writes bench/results/incremental.md and .json. Hugo: apt-get install -y hugo.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCorpus } from './generate.js';
import { writeHugoSite } from './sites.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'news.js');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const COUNT = Number(opt('count', '10000'));
const PAIRS = Number(opt('pairs', '5'));
const WORK = path.resolve(opt('work', '/tmp/incremental-bench'));
const env = { ...process.env, NEWS_CACHE_DIR: path.join(WORK, 'cache') };
delete env.NODE_OPTIONS;

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function timed(cmd, argv, options = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024, ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} a échoué (${r.status}) : ${r.stderr}`);
  return { ms, stderr: r.stderr };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fr = (n, d = 2) => n.toLocaleString('fr-FR', { minimumFractionDigits: d, maximumFractionDigits: d });
const secs = (ms) => `${fr(ms / 1000)} s`;
const spread = (xs) => `${secs(Math.min(...xs))} – ${secs(Math.max(...xs))}`;

let newCounter = 0;
function addPost(content) {
  const slug = `bench-nouveau-${process.pid}-${++newCounter}`;
  const post = {
    schemaVersion: 1, slug, title: `Nouveau billet ${newCounter}`, date: '2026-11-20', status: 'published',
    tags: ['formation'], body: `Un billet ajouté par le banc d’essai.\n\nDeuxième paragraphe ${newCounter}.`, views: 0, aliases: [],
  };
  fs.writeFileSync(path.join(content, 'posts', `${slug}.json`), `${JSON.stringify(post, null, 2)}\n`);
  return slug;
}

/** From the act (a post file saved) until the page, asked for again after the reload event, shows `expect`. */
function sseReloadTime(url, act, page, expect) {
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}__news/reload`, (res) => {
      let started;
      let reloaded = false;
      /** The build the stream said first (as a page compares it with its own): a reload is another. */
      let first;
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        const builds = [...chunk.matchAll(/^data: (.*)$/gm)].map((m) => m[1]);
        first ??= builds.shift();
        if (started === undefined && first !== undefined) {
          started = performance.now();
          act();
        } else if (started !== undefined && !reloaded && builds.some((b) => b !== first)) {
          reloaded = true;
          const eventMs = performance.now() - started;
          http.get(`${url}${page}`, (pageRes) => {
            let body = '';
            pageRes.setEncoding('utf8');
            pageRes.on('data', (d) => (body += d));
            pageRes.on('end', () => {
              req.destroy();
              if (!body.includes(expect)) reject(new Error(`la page ${page} ne montre pas « ${expect} » après le rechargement`));
              else resolve({ eventMs, pageMs: performance.now() - started });
            });
          }).on('error', reject);
        }
      });
    });
    req.on('error', (e) => (e.code === 'ECONNRESET' ? undefined : reject(e)));
    setTimeout(() => reject(new Error('pas de rechargement en 30 s')), 30_000);
  });
}

async function main() {
  fs.mkdirSync(WORK, { recursive: true });
  const hugo = which('hugo');
  if (!hugo) throw new Error('hugo absent : apt-get install -y hugo');
  const corpus = path.join(WORK, `corpus-${COUNT}`);
  if (!fs.existsSync(path.join(corpus, 'site.json'))) writeCorpus({ count: COUNT, seed: 1, out: corpus });
  // Posts added by an earlier run of this bench are removed, so every run starts from the same corpus.
  for (const name of fs.readdirSync(path.join(corpus, 'posts'))) if (name.startsWith('bench-nouveau-')) fs.rmSync(path.join(corpus, 'posts', name));
  const hugoSite = writeHugoSite(corpus, path.join(WORK, `hugo-${COUNT}`));
  const hugoVersion = spawnSync(hugo, ['version'], { encoding: 'utf8' }).stdout.trim().replace(/^hugo v?([\d.]+).*/, 'Hugo $1');
  /** Hugo's build as `hugo` runs it: into public/, which holds the last build. */
  const hugoBuild = () => timed(hugo, ['--quiet', '--source', hugoSite]).ms;
  const hugoAfterDelete = () => {
    fs.rmSync(path.join(hugoSite, 'public'), { recursive: true, force: true });
    return hugoBuild();
  };
  const out = path.join(WORK, 'site');
  const exportHtml = (to = out) => timed(process.execPath, [BIN, 'export', 'html', '--dir', corpus, '--out', to]);
  const freshAfterDelete = () => {
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(path.join(WORK, '.site.news-record'), { force: true });
    return exportHtml().ms;
  };
  const load = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const loads = [load()];

  const rows = {};
  const pair = (id, ...sides) => {
    rows[id] = { a: [], b: [], c: [] };
    for (let i = 0; i < PAIRS; i++) sides.forEach((run, k) => rows[id]['abc'[k]].push(run(i)));
  };
  // 1. Full export into a new empty folder vs a full Hugo build into a new empty folder. Nothing
  // is deleted during the row: what earlier runs left is moved aside (a rename frees no inode)
  // and deleted after the row.
  const fresh = path.join(WORK, 'fresh');
  const trash = path.join(WORK, `trash-${process.pid}`);
  if (fs.existsSync(fresh)) fs.renameSync(fresh, trash);
  fs.mkdirSync(fresh, { recursive: true });
  spawnSync('sync');
  pair('full', (i) => exportHtml(path.join(fresh, `news-${i}`)).ms, (i) => timed(hugo, ['--quiet', '--source', hugoSite, '--destination', path.join(fresh, `hugo-${i}`)]).ms);
  loads.push(load());
  // 2. The same right after deleting the previous export, beside the floor of creating the tree.
  fs.rmSync(trash, { recursive: true, force: true });
  exportHtml();
  const tree = [];
  (function walk(dir, rel) {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(dir, e.name), r);
      else tree.push([r, fs.readFileSync(path.join(dir, e.name))]);
    }
  })(out, '');
  const floorOut = path.join(WORK, 'floor');
  const floor = () => {
    fs.rmSync(floorOut, { recursive: true, force: true });
    const start = process.hrtime.bigint();
    fs.mkdirSync(floorOut);
    const made = new Set(['']);
    for (const [rel, bytes] of tree) {
      const slash = rel.lastIndexOf('/');
      const dir = slash < 0 ? '' : rel.slice(0, slash);
      if (!made.has(dir)) {
        fs.mkdirSync(path.join(floorOut, dir), { recursive: true });
        made.add(dir);
      }
      fs.writeFileSync(path.join(floorOut, rel), bytes, { flag: 'wx' });
    }
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  pair('deleted', freshAfterDelete, hugoAfterDelete, floor);
  fs.rmSync(floorOut, { recursive: true, force: true });
  loads.push(load());
  // Settle the record (files written in the last moments are checked once by the next export).
  exportHtml();
  exportHtml();
  // 3. One new post, then export html (only the export is timed) vs Hugo's build.
  const newPostRuns = [];
  pair('new-post', () => {
    addPost(corpus);
    const r = exportHtml();
    newPostRuns.push(r.stderr.trim());
    return r.ms;
  }, hugoBuild);
  loads.push(load());
  // 4. Nothing changed vs news list --limit 20 (its metadata cache warm).
  exportHtml();
  timed(process.execPath, [BIN, 'list', '--dir', corpus, '--limit', '20']);
  pair('unchanged', () => exportHtml().ms, () => timed(process.execPath, [BIN, 'list', '--dir', corpus, '--limit', '20']).ms);
  loads.push(load());
  // 5. Repeated: five new posts in a row, each exported.
  const repeated = [];
  for (let i = 0; i < 5; i++) {
    addPost(corpus);
    repeated.push(exportHtml().ms);
  }
  // 6. news serve: a saved change until the reload event.
  const serve = spawn(process.execPath, [BIN, 'serve', '--dir', corpus, '--port', '0'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let serveErr = '';
  serve.stderr.setEncoding('utf8').on('data', (d) => (serveErr += d));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve n’a pas démarré : ${serveErr}`)), 120_000);
    serve.stderr.on('data', () => {
      const m = /Aperçu sur (http:\/\/\S+\/)/.exec(serveErr);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  const serveTimes = [];
  const serveEvents = [];
  const edited = addPost(corpus);
  await new Promise((r) => setTimeout(r, 2000));
  // A failed measure stops the bench: the server must not outlive it.
  process.once('exit', () => serve.kill('SIGKILL'));
  for (let i = 0; i < PAIRS; i++) {
    const file = path.join(corpus, 'posts', `${edited}.json`);
    const t = await sseReloadTime(url, () => {
      const post = JSON.parse(fs.readFileSync(file, 'utf8'));
      post.title = `Titre modifié ${i}`;
      fs.writeFileSync(file, `${JSON.stringify(post, null, 2)}\n`);
    }, `${edited}/`, `Titre modifié ${i}`);
    serveTimes.push(t.pageMs);
    serveEvents.push(t.eventMs);
    await new Promise((r) => setTimeout(r, 500));
  }
  const rebuilds = serveErr.split('\n').filter((l) => l.startsWith('Reconstruit'));
  serve.kill('SIGINT');
  loads.push(load());
  for (const name of fs.readdirSync(path.join(corpus, 'posts'))) if (name.startsWith('bench-nouveau-')) fs.rmSync(path.join(corpus, 'posts', name));

  const m = (id, side) => median(rows[id][side]);
  const result = {
    count: COUNT, pairs: PAIRS, node: process.versions.node, hugo: hugoVersion, loadavg: loads,
    full: { news: rows.full.a, hugo: rows.full.b },
    afterDelete: { news: rows.deleted.a, hugo: rows.deleted.b, floor: rows.deleted.c },
    newPost: { news: rows['new-post'].a, hugo: rows['new-post'].b, messages: newPostRuns },
    unchanged: { news: rows.unchanged.a, list: rows.unchanged.b },
    repeated,
    serve: { pageMs: serveTimes, reloadEventMs: serveEvents, rebuilds },
  };
  const verdict = (ok) => (ok ? 'atteint' : '**non atteint**');
  const fullRatio = m('full', 'b') / m('full', 'a');
  const deletedRatio = m('deleted', 'b') / m('deleted', 'a');
  const floorRatio = m('deleted', 'b') / m('deleted', 'c');
  const newRatio = m('new-post', 'b') / m('new-post', 'a');
  const unchangedRatio = m('unchanged', 'a') / m('unchanged', 'b');
  const serveMedian = median(serveTimes);
  const md = [
    `# Export incrémental et news serve — ${COUNT.toLocaleString('fr-FR')} billets`,
    '',
    `Mesuré le ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.versions.node}, ${hugoVersion} ; ${PAIRS} paires alternées par ligne, médianes (min – max).`,
    `Charge de la machine (loadavg 1/5/15 min, partagée avec d’autres) au fil de la mesure : ${loads.join(' → ')}.`,
    '',
    '| mesure | news | comparaison | rapport | cible |',
    '| --- | --- | --- | --- | --- |',
    `| export complet dans un dossier vide neuf (rien supprimé pendant la mesure) | ${secs(m('full', 'a'))} (${spread(rows.full.a)}) | Hugo, construction complète dans un dossier vide neuf : ${secs(m('full', 'b'))} (${spread(rows.full.b)}) | Hugo ÷ news = ${fr(fullRatio, 1)}× | ≥ 2× : ${verdict(fullRatio >= 2)} |`,
    `| export complet juste après suppression de l’export précédent (rm -rf) | ${secs(m('deleted', 'a'))} (${spread(rows.deleted.a)}) | Hugo après rm -rf public : ${secs(m('deleted', 'b'))} (${spread(rows.deleted.b)}) ; plancher, le même arbre créé depuis la mémoire sans rien calculer : ${secs(m('deleted', 'c'))} (${spread(rows.deleted.c)}) | Hugo ÷ news = ${fr(deletedRatio, 1)}× ; Hugo ÷ plancher = ${fr(floorRatio, 1)}× | ${floorRatio < 2 ? 'hors d’atteinte ici : même le plancher n’est pas à 2×' : `≥ 2× : ${verdict(deletedRatio >= 2)}`} |`,
    `| un nouveau billet puis export html | ${secs(m('new-post', 'a'))} (${spread(rows['new-post'].a)}) | Hugo, construction du même site (public/ gardé, comme « hugo ») : ${secs(m('new-post', 'b'))} (${spread(rows['new-post'].b)}) | Hugo ÷ news = ${fr(newRatio, 1)}× | ≥ 10× : ${verdict(newRatio >= 10)} |`,
    `| export sans aucun changement | ${secs(m('unchanged', 'a'))} (${spread(rows.unchanged.a)}) | news list --limit 20 : ${secs(m('unchanged', 'b'))} (${spread(rows.unchanged.b)}) | news ÷ list = ${fr(unchangedRatio, 2)}× | ≤ 1,5× : ${verdict(unchangedRatio <= 1.5)} |`,
    `| 5 exports d’un nouveau billet à la suite | ${repeated.map((x) => secs(x)).join(' → ')} | | dernier ÷ premier = ${fr(repeated[4] / repeated[0], 2)} | pas plus lent au fil des exports |`,
    `| news serve : billet enregistré → page redemandée après l’événement de rechargement, nouveau titre reçu | ${fr(serveMedian, 0)} ms (${fr(Math.min(...serveTimes), 0)} – ${fr(Math.max(...serveTimes), 0)} ms) ; l’événement seul : ${fr(median(serveEvents), 0)} ms | | | ≤ 300 ms : ${verdict(serveMedian <= 300)} |`,
    '',
    'Messages de news pour « un nouveau billet » (fichiers écrits et supprimés) :',
    '',
    ...newPostRuns.slice(0, 3).map((l) => `    ${l}`),
    '',
    'Reconstructions vues par news serve :',
    '',
    ...rebuilds.slice(0, 6).map((l) => `    ${l}`),
    '',
  ].join('\n');
  fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'incremental.md'), md);
  fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'incremental.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(md);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
