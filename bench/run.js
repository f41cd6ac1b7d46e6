#!/usr/bin/env node
// The news benchmark: times our commands beside floors and competitors measured in the same
// run, on the same generated posts, and prints a Markdown table with the targets of issues 2–4.
//   npm run bench                       (1 000 and 10 000 posts, every row)
//   node bench/run.js --only list,version --sizes 1000
//   node bench/run.js --large           (adds 100 000 posts for list, dedupe and their floors)
// See docs/bench.md (in French) for what each row means.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { GENERATOR_VERSION, writeCorpus } from './generate.js';
import { writeHexoSite, writeHugoSite, HEXO_TEMPLATE } from './sites.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH_DIR);
const WORK = path.join(BENCH_DIR, '.work');
// news is measured from a copy of bin/, dist/ and package.json taken at the start of the run:
// other people rebuild dist/ in this checkout while the benchmark runs.
const SNAPSHOT = path.join(WORK, 'news-snapshot');
const NEWS_BIN = path.join(SNAPSHOT, 'bin', 'news.js');
const NODE = process.execPath;
const DEFAULT_SIZES = [1000, 10000];
const LARGE_SIZE = 100000;
const RUN_TIMEOUT_MS = 30 * 60 * 1000;
const HEXO_DEPS = path.join(WORK, 'hexo-deps');
// news's metadata cache (src/store/cache.ts) for the measured runs: the "cache froid" rows empty it first.
const CACHE_DIR = path.join(WORK, 'cache');

// ---------------------------------------------------------------------------------------------
// Options

const HELP = `Utilisation : node bench/run.js [options]   (ou npm run bench -- [options])

  --only <lignes>    lignes à mesurer, séparées par des virgules (les planchers et concurrents
                     dont dépend un rapport sont ajoutés) : ${'${ROWS}'}
  --sizes <n,…>      tailles de corpus (défaut 1000,10000)
  --large            ajoute 100000 billets pour list, dedupe et leurs planchers
  --runs <n>         essais mesurés par ligne (défaut : 5, ou 3 quand un essai dépasse 5 s)
  --seed <graine>    graine du générateur (défaut 1)
  --out <fichier>    tableau Markdown écrit aussi là (défaut bench/results/latest.md)
  --docs             remplace aussi le tableau de docs/bench.md
  --cpu-prof         après les mesures, profile une fois chaque commande news mesurée
                     (node --cpu-prof) et résume où part le temps
  -h, --help         cette aide
`;

function parseArgs(argv) {
  const opts = { only: undefined, sizes: undefined, large: false, runs: undefined, seed: '1', out: path.join(BENCH_DIR, 'results', 'latest.md'), docs: false, cpuProf: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`l'option ${arg} attend une valeur`);
      return v;
    };
    if (arg === '--only') opts.only = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (arg === '--sizes') opts.sizes = value().split(',').map((s) => Number(s.replace(/[_ ]/g, '')));
    else if (arg === '--large') opts.large = true;
    else if (arg === '--runs') opts.runs = Number(value());
    else if (arg === '--seed') opts.seed = value();
    else if (arg === '--out') opts.out = path.resolve(value());
    else if (arg === '--docs') opts.docs = true;
    else if (arg === '--cpu-prof') opts.cpuProf = true;
    else if (arg === '-h' || arg === '--help') opts.help = true;
    else throw new Error(`option inconnue « ${arg} » (voir node bench/run.js --help)`);
  }
  if (opts.sizes && opts.sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--sizes attend des entiers ≥ 1 séparés par des virgules (ex. --sizes 1000,10000)');
  if (opts.runs !== undefined && (!Number.isInteger(opts.runs) || opts.runs < 1)) throw new Error('--runs attend un entier ≥ 1 (ex. --runs 3)');
  return opts;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const log = (message) => process.stderr.write(`${message}\n`);
const fr = (x, digits = 2) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(digits).replace('.', ','));
const frInt = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function sh(cmd, args, options = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
}

function which(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const full = path.join(dir, name);
    try {
      fs.accessSync(full, fs.constants.X_OK);
      return full;
    } catch {
      /* next */
    }
  }
  return undefined;
}

function firstLine(text) {
  return (text ?? '').split('\n').map((l) => l.trim()).find(Boolean) ?? '';
}

/** The environment every measured command gets: ours minus what would change its behaviour. */
function cleanEnv() {
  const env = { ...process.env, NO_COLOR: '1', LC_ALL: 'C.UTF-8', NEWS_CACHE_DIR: CACHE_DIR };
  for (const key of ['NODE_OPTIONS', 'NEWS_DIR', 'NEWS_DEBUG', 'NEWS_CACHE', 'FORCE_COLOR', 'npm_config_loglevel']) delete env[key];
  return env;
}

// ---------------------------------------------------------------------------------------------
// Tools: Debian packages with apt-get when missing (root only), Hexo with npm in bench/.work.

let aptUpdated = false;

function aptInstall(packages) {
  if (packages.length === 0) return true;
  if (process.getuid?.() !== 0 || !which('apt-get')) {
    log(`Paquets Debian manquants : ${packages.join(' ')} (installez-les avec apt-get install ${packages.join(' ')}) ; les lignes concernées seront indisponibles.`);
    return false;
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    log('apt-get update…');
    sh('apt-get', ['update', '-qq'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    aptUpdated = true;
  }
  log(`apt-get install -y ${packages.join(' ')}…`);
  const r = sh('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  return r.status === 0;
}

function ensureDebianTools(needed) {
  const missing = [];
  if (needed.has('time') && !fs.existsSync('/usr/bin/time')) missing.push('time');
  if (needed.has('hugo') && !which('hugo')) missing.push('hugo');
  if (needed.has('jdupes') && !which('jdupes')) missing.push('jdupes');
  aptInstall(missing);
}

function hexoInstalled() {
  try {
    const wanted = JSON.parse(fs.readFileSync(path.join(HEXO_TEMPLATE, 'package.json'), 'utf8'));
    const have = JSON.parse(fs.readFileSync(path.join(HEXO_DEPS, 'package.json'), 'utf8'));
    if (JSON.stringify(wanted.dependencies) !== JSON.stringify(have.dependencies)) return false;
    return Object.entries(wanted.dependencies).every(([name, version]) => {
      const pkg = JSON.parse(fs.readFileSync(path.join(HEXO_DEPS, 'node_modules', name, 'package.json'), 'utf8'));
      return pkg.version === version;
    });
  } catch {
    return false;
  }
}

/** Installs Hexo and its plugins into bench/.work/hexo-deps (never into the project). */
function ensureHexo() {
  if (hexoInstalled()) return undefined;
  log(`Installation de Hexo dans ${path.relative(ROOT, HEXO_DEPS)} (npm ci)…`);
  fs.rmSync(HEXO_DEPS, { recursive: true, force: true });
  fs.mkdirSync(HEXO_DEPS, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(HEXO_TEMPLATE, file), path.join(HEXO_DEPS, file));
  let r = sh('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: HEXO_DEPS, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) r = sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: HEXO_DEPS, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0 || !hexoInstalled()) return `installation de Hexo impossible (npm ci a échoué dans ${path.relative(ROOT, HEXO_DEPS)})`;
  return undefined;
}

function toolVersion(cmd, args) {
  if (!which(cmd) && !fs.existsSync(cmd)) return undefined;
  const r = sh(cmd, args);
  return r.status === 0 ? firstLine(r.stdout || r.stderr) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Corpus and derived sites, cached in bench/.work by size and seed.

function corpusDir(size, seed) {
  return path.join(WORK, 'corpus', `${size}-s${seed}`);
}

function readManifest(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

function ensureCorpus(size, seed) {
  const dir = corpusDir(size, seed);
  const manifest = readManifest(dir);
  const intact =
    manifest?.generatorVersion === GENERATOR_VERSION &&
    manifest.count === size &&
    manifest.seed === String(seed) &&
    !fs.existsSync(path.join(dir, '.trash')) &&
    fs.readdirSync(path.join(dir, 'posts')).length === size;
  if (intact) return { dir, manifest };
  log(`Génération de ${frInt(size)} billets (graine ${seed}) dans ${path.relative(ROOT, dir)}…`);
  fs.rmSync(dir, { recursive: true, force: true });
  return { dir, manifest: writeCorpus({ count: size, seed, out: dir }) };
}

/** Folders and bytes of a built site (what floor-write reproduces). */
function siteShape(dir) {
  let folders = 0;
  let bytes = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) {
        folders++;
        walk(full);
      } else bytes += fs.statSync(full).size;
    }
  };
  walk(dir);
  return { folders, bytes };
}

function countFiles(dir) {
  let n = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else n++;
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Rows. Each gives, for a size, the command to time (or why it is unavailable), what to do
// before each run, and a check of the output of the untimed warm-up run.

/** Copies the built news (bin/, dist/, package.json; node_modules linked) into bench/.work/news-snapshot. */
function snapshotNews() {
  fs.rmSync(SNAPSHOT, { recursive: true, force: true });
  fs.mkdirSync(SNAPSHOT, { recursive: true });
  for (const entry of ['bin', 'dist', 'package.json']) fs.cpSync(path.join(ROOT, entry), path.join(SNAPSHOT, entry), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(SNAPSHOT, 'node_modules'), 'dir');
  const r = sh(NODE, [NEWS_BIN, '--version'], { env: cleanEnv(), cwd: ROOT });
  if (r.status !== 0) throw new Error(`la copie de news dans ${path.relative(ROOT, SNAPSHOT)} ne démarre pas : ${firstLine(r.stderr)} (lancez npm run build)`);
}

/** `news help <command>` exits 0 only for a command news has (`news <unknown> --help` prints the general help and exits 0). */
function newsHas(command) {
  const r = sh(NODE, [NEWS_BIN, 'help', command], { env: cleanEnv(), cwd: ROOT });
  return r.status === 0;
}

/**
 * Hugo or Hexo building `site` into `site/public`: both are removed before each run, with the
 * tool's own cache (`cache`, a file or folder in the site), so every run is a full build.
 */
function competitorSpec(ctx, key, site, cache, cmd, args) {
  const out = path.join(site, 'public');
  return {
    cmd,
    args,
    cwd: site,
    prepare: () => {
      fs.rmSync(out, { recursive: true, force: true });
      fs.rmSync(path.join(site, cache), { recursive: true, force: true });
    },
    check: () => {
      if (!fs.existsSync(path.join(out, 'index.html'))) return `pas d'index.html dans ${out}`;
      ctx.files[key] = countFiles(out);
      return undefined;
    },
  };
}

/** Before a "cache froid" run: news finds no metadata cache and reads every post file. */
function emptyCache() {
  fs.rmSync(CACHE_DIR, { recursive: true, force: true });
}

/**
 * A news command measured twice: warm (`<id>`, the metadata cache left by the previous run in
 * place, the usual case) and cold (`<id>-cold`, the cache emptied before each run).
 */
function cacheRows({ id, label, large, command, args, check }) {
  return [['', 'chaud', undefined], ['-cold', 'froid', emptyCache]].map(([suffix, state, prepare]) => ({
    id: `${id}${suffix}`,
    label: `${label} (cache ${state})`,
    large,
    needs: ['floor-read'],
    command,
    spec: (size, ctx) => ({ ...newsSpec(args, size, ctx), prepare, check: (out) => check(out, size) }),
  }));
}

function newsSpec(args, size, ctx) {
  return { cmd: NODE, args: [NEWS_BIN, ...args, '--dir', ctx.corpus.dir], cwd: ROOT };
}

const ROWS = [
  {
    id: 'floor-node',
    label: 'node -e 0 (plancher)',
    once: true,
    spec: () => ({ cmd: NODE, args: ['-e', '0'], cwd: ROOT }),
  },
  {
    id: 'floor-read',
    label: 'lecture + JSON.parse (plancher)',
    large: true,
    spec: (size, ctx) => ({
      cmd: NODE,
      args: [path.join(BENCH_DIR, 'floor-read.js'), path.join(ctx.corpus.dir, 'posts')],
      cwd: ROOT,
      check: (out) => (Number(out.trim()) === size ? undefined : `compte ${out.trim()} au lieu de ${size}`),
    }),
  },
  {
    id: 'version',
    label: 'news --version',
    once: true,
    spec: () => ({
      cmd: NODE,
      args: [NEWS_BIN, '--version'],
      cwd: ROOT,
      check: (out) => (/^\d+\.\d+\.\d+/.test(out.trim()) ? undefined : `sortie inattendue : ${firstLine(out)}`),
    }),
  },
  ...cacheRows({
    id: 'list',
    label: 'news list --limit 20',
    large: true,
    command: 'list',
    args: ['list', '--limit', '20'],
    check: (out, size) => {
      const lines = out.split('\n').filter(Boolean).length;
      return lines === Math.min(20, size) ? undefined : `${lines} lignes au lieu de 20`;
    },
  }),
  ...cacheRows({
    id: 'export-rss',
    label: 'news export rss',
    command: 'export',
    args: ['export', 'rss'],
    check: (out) => {
      const items = (out.match(/<item>/g) ?? []).length;
      return items === 20 ? undefined : `${items} <item> au lieu de 20`;
    },
  }),
  {
    id: 'export-html',
    label: 'news export html',
    needs: ['hugo', 'floor-write'],
    command: 'export',
    spec: (size, ctx) => {
      const out = path.join(WORK, 'out', `news-html-${size}`);
      return {
        ...newsSpec(['export', 'html', '--out', out], size, ctx),
        prepare: () => {
          fs.mkdirSync(path.dirname(out), { recursive: true });
          fs.rmSync(out, { recursive: true, force: true });
        },
        check: () => {
          if (!fs.existsSync(path.join(out, 'index.html'))) return `pas d'index.html dans ${out}`;
          ctx.files[`news-${size}`] = countFiles(out);
          ctx.siteShape[size] = siteShape(out);
          return undefined;
        },
      };
    },
  },
  {
    id: 'floor-write',
    label: 'écriture des dossiers et fichiers (plancher)',
    spec: (size, ctx) => {
      // As many folders and bytes as news export html wrote (measured just before), else a guess.
      const shape = ctx.siteShape[size] ?? { folders: Math.round(size * 1.04), bytes: size * 11000 };
      const out = path.join(WORK, 'out', `floor-write-${size}`);
      const perFile = Math.max(1, Math.round(shape.bytes / shape.folders));
      return {
        cmd: NODE,
        args: [path.join(BENCH_DIR, 'floor-write.js'), out, String(shape.folders), String(perFile)],
        cwd: ROOT,
        prepare: () => {
          fs.mkdirSync(path.dirname(out), { recursive: true });
          fs.rmSync(out, { recursive: true, force: true });
        },
        check: (stdout) => (Number(stdout.trim()) === shape.folders ? undefined : `compte ${stdout.trim()} au lieu de ${shape.folders}`),
        shape,
      };
    },
  },
  {
    id: 'hugo',
    label: 'hugo',
    tool: 'hugo',
    spec: (size, ctx) => {
      const hugo = which('hugo');
      if (!hugo) return { unavailable: 'hugo absent (apt-get install hugo)' };
      const site = writeHugoSite(ctx.corpus.dir, path.join(WORK, 'hugo', `${size}-s${ctx.seed}`));
      return competitorSpec(ctx, `hugo-${size}`, site, 'resources', hugo, ['--quiet', '--source', site]);
    },
  },
  {
    id: 'hexo',
    label: 'hexo generate',
    tool: 'hexo',
    spec: (size, ctx) => {
      if (ctx.hexoProblem) return { unavailable: ctx.hexoProblem };
      const site = writeHexoSite(ctx.corpus.dir, path.join(WORK, 'hexo', `${size}-s${ctx.seed}`), HEXO_DEPS);
      return competitorSpec(ctx, `hexo-${size}`, site, 'db.json', NODE, [fs.realpathSync(path.join(site, 'node_modules', '.bin', 'hexo')), 'generate']);
    },
  },
  {
    id: 'dedupe',
    label: 'news dedupe --json',
    large: true,
    needs: ['floor-read', 'jdupes'],
    command: 'dedupe',
    spec: (size, ctx) => ({
      ...newsSpec(['dedupe', '--json'], size, ctx),
      check: (out) => {
        let report;
        try {
          report = JSON.parse(out);
        } catch (error) {
          return `sortie --json illisible : ${error.message}`;
        }
        ctx.dedupeFindings[size] = compareDedupe(report, ctx.corpus.manifest);
        if (fs.existsSync(path.join(ctx.corpus.dir, '.trash'))) return 'dedupe a écrit dans .trash alors que le rapport seul était demandé';
        return undefined;
      },
    }),
  },
  {
    id: 'jdupes',
    label: 'jdupes -r posts/',
    large: true,
    tool: 'jdupes',
    spec: (size, ctx) => {
      const jdupes = which('jdupes');
      if (!jdupes) return { unavailable: 'jdupes absent (apt-get install jdupes)' };
      return { cmd: jdupes, args: ['-r', path.join(ctx.corpus.dir, 'posts')], cwd: ROOT };
    },
  },
];

const ROW_IDS = ROWS.map((r) => r.id);

/** How the dedupe report matches what the generator planted (a sanity check, not a target). */
function compareDedupe(report, manifest) {
  const groupOf = new Map();
  for (const g of report.groups ?? []) {
    const members = [g.keep, ...(g.duplicates ?? []).map((d) => d.slug)];
    for (const slug of members) groupOf.set(slug, members);
  }
  let planted = 0;
  let found = 0;
  const plantedSlugs = new Set();
  for (const g of manifest.duplicateGroups) {
    planted++;
    const members = [g.original, ...g.copies.map((c) => c.slug)];
    members.forEach((s) => plantedSlugs.add(s));
    const first = groupOf.get(g.original);
    if (first && members.every((s) => first.includes(s))) found++;
  }
  const unexpected = (report.groups ?? []).filter((g) => [g.keep, ...(g.duplicates ?? []).map((d) => d.slug)].some((s) => !plantedSlugs.has(s))).length;
  const sameTitleMerged = manifest.sameTitleDifferentBody.filter(([a, b]) => groupOf.get(a)?.includes(b)).length;
  const repeatedPlanted = new Set([...manifest.doubledBodies, ...manifest.repeatedParagraphs]);
  const repeatedFound = (report.repeated ?? []).filter((r) => repeatedPlanted.has(r.slug)).length;
  const repeatedExtra = (report.repeated ?? []).filter((r) => !repeatedPlanted.has(r.slug)).length;
  return { planted, found, unexpected, sameTitleMerged, repeatedPlanted: repeatedPlanted.size, repeatedFound, repeatedExtra };
}

// ---------------------------------------------------------------------------------------------
// Timing: each run under /usr/bin/time -f %M for peak memory; wall time from this process.

function runOnce(spec, { capture = false } = {}) {
  spec.prepare?.();
  const tmp = path.join(WORK, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  const rssFile = path.join(tmp, 'rss.txt');
  const outFile = path.join(tmp, 'stdout.txt');
  const errFile = path.join(tmp, 'stderr.txt');
  fs.rmSync(rssFile, { force: true });
  const outFd = capture ? fs.openSync(outFile, 'w') : 'ignore';
  const errFd = fs.openSync(errFile, 'w');
  const timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const [cmd, args] = timeBin ? [timeBin, ['-f', '%M %U %S', '-o', rssFile, spec.cmd, ...spec.args]] : [spec.cmd, spec.args];
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: spec.cwd, env: cleanEnv(), stdio: ['ignore', outFd, errFd], timeout: RUN_TIMEOUT_MS });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (typeof outFd === 'number') fs.closeSync(outFd);
  fs.closeSync(errFd);
  let rssKiB;
  let cpu;
  try {
    // GNU time may write "Command exited with non-zero status N" first; the figures are last.
    const lines = fs.readFileSync(rssFile, 'utf8').trim().split('\n');
    const [maxRss, user, sys] = lines[lines.length - 1].split(' ').map(Number);
    rssKiB = maxRss;
    cpu = user + sys;
  } catch {
    rssKiB = undefined;
  }
  return {
    seconds,
    status: r.status,
    signal: r.signal,
    error: r.error,
    rssKiB: Number.isFinite(rssKiB) ? rssKiB : undefined,
    cpu: Number.isFinite(cpu) ? cpu : undefined,
    stdout: capture ? fs.readFileSync(outFile, 'utf8') : undefined,
    stderr: fs.readFileSync(errFile, 'utf8'),
  };
}

function failure(run) {
  if (run.error) return run.error.code === 'ETIMEDOUT' ? `délai dépassé (${RUN_TIMEOUT_MS / 60000} min)` : run.error.message;
  if (run.signal) return `tué par ${run.signal}`;
  if (run.status !== 0) return `code ${run.status} : ${firstLine(run.stderr).slice(0, 160)}`;
  return undefined;
}

/** Runs for a row whose warm-up took `seconds`: more for fast rows, whose timings are noisier. */
function runsFor(seconds, opts) {
  if (opts.runs) return opts.runs;
  return seconds < 1 ? 10 : seconds <= 5 ? 5 : 3;
}

/**
 * Measures several rows on the same corpus. Each row gets one untimed warm-up run (which is
 * also checked), then the timed runs are interleaved round by round (A B C A B C …), so a
 * burst of load on this shared machine hits every row alike instead of one row's series.
 */
function measureBlock(rows, size, ctx, opts) {
  const out = {};
  const live = [];
  for (const row of rows) {
    const key = `${row.id}${row.once ? '' : `@${size}`}`;
    if (row.command && !ctx.newsCommands[row.command]) {
      out[key] = { state: 'indisponible', reason: `la commande news ${row.command} n'existe pas encore` };
      continue;
    }
    const spec = row.spec(size, ctx);
    if (spec.unavailable) {
      out[key] = { state: 'indisponible', reason: spec.unavailable };
      continue;
    }
    log(`[${key}] échauffement : ${[path.basename(spec.cmd), ...spec.args.map((a) => (a.startsWith(`${ROOT}/`) ? path.relative(ROOT, a) : a))].join(' ')}`);
    const warm = runOnce(spec, { capture: true });
    const warmFailure = failure(warm);
    if (row.command && /commande inconnue/.test(warm.stderr)) {
      out[key] = { state: 'indisponible', reason: `la commande news ${row.command} n'existe pas encore` };
      continue;
    }
    const checkProblem = warmFailure ? undefined : spec.check?.(warm.stdout ?? '');
    if (warmFailure || checkProblem) {
      out[key] = { state: 'échec', reason: warmFailure ?? `sortie incorrecte : ${checkProblem}` };
      log(`[${key}] ${out[key].reason}`);
      continue;
    }
    live.push({ key, spec, runs: runsFor(warm.seconds, opts), times: [], cpu: [], rss: [warm.rssKiB] });
  }
  const rounds = Math.max(0, ...live.map((l) => l.runs));
  for (let i = 0; i < rounds; i++) {
    for (const l of live) {
      if (i >= l.runs || out[l.key]) continue;
      const run = runOnce(l.spec);
      const problem = failure(run);
      if (problem) {
        out[l.key] = { state: 'échec', reason: `essai ${i + 1} : ${problem}` };
        log(`[${l.key}] ${out[l.key].reason}`);
        continue;
      }
      l.times.push(run.seconds);
      if (run.cpu !== undefined) l.cpu.push(run.cpu);
      l.rss.push(run.rssKiB);
    }
  }
  for (const l of live) {
    if (out[l.key]) continue;
    const known = l.rss.filter((x) => x !== undefined);
    const r = {
      state: 'ok',
      runs: l.runs,
      times: l.times,
      median: median(l.times),
      min: Math.min(...l.times),
      max: Math.max(...l.times),
      peakMiB: known.length ? Math.max(...known) / 1024 : undefined,
      cpuMedian: l.cpu.length ? median(l.cpu) : undefined,
      cpuTimes: l.cpu,
    };
    out[l.key] = r;
    log(`[${l.key}] médiane ${fr(r.median, 3)} s (min ${fr(r.min, 3)}, max ${fr(r.max, 3)}, ${r.runs} essais), pic ${fr(r.peakMiB, 0)} Mio`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Targets and the table

function ratioText(a, b, what) {
  if (a?.state !== 'ok' || b?.state !== 'ok') return { text: '—' };
  const ratio = a.median / b.median;
  return { ratio, text: `${fr(ratio)}× ${what}` };
}

const verdict = (ok) => (ok ? 'PASS' : 'FAIL');

function buildRows(results, sizes, ctx) {
  const get = (id, size) => results[`${id}${size === undefined ? '' : `@${size}`}`];
  const lines = [];
  const push = (id, size, label, ratio, target, pass) => {
    const r = get(id, size);
    if (!r) return;
    const billets = size === undefined ? '—' : frInt(size);
    if (r.state !== 'ok') {
      lines.push([label, billets, r.state, '—', '—', '—', r.reason, target ?? '—', r.state === 'indisponible' ? 'indisponible' : 'FAIL']);
      return;
    }
    lines.push([label, billets, fr(r.median, 3), `${fr(r.min, 3)} – ${fr(r.max, 3)}`, fr(r.cpuMedian, 2), fr(r.peakMiB, 0), ratio ?? '—', target ?? '—', pass === undefined ? '—' : verdict(pass)]);
  };

  push('floor-node', undefined, 'node -e 0 (plancher)', 'référence');
  const version = ratioText(get('version'), get('floor-node'), 'node -e 0');
  push('version', undefined, 'news --version', version.text, '≤ 1,5× node -e 0', version.ratio === undefined ? undefined : version.ratio <= 1.5);

  for (const size of sizes) {
    const floor = get('floor-read', size);
    push('floor-read', size, 'lecture + JSON.parse (plancher)', 'référence');

    // Warm: the metadata cache of the previous run is there (the usual case). Cold: no cache,
    // every file read and checked (the first run, or every post changed since the last one).
    const floorTarget = size === 10000 ? '≤ 2× plancher' : undefined;
    for (const [id, label] of [
      ['list', 'news list --limit 20 (cache chaud)'],
      ['list-cold', 'news list --limit 20 (cache froid)'],
      ['export-rss', 'news export rss (cache chaud)'],
      ['export-rss-cold', 'news export rss (cache froid)'],
    ]) {
      const r = ratioText(get(id, size), floor, 'plancher');
      push(id, size, label, r.text, floorTarget, floorTarget && r.ratio !== undefined ? r.ratio <= 2 : undefined);
    }

    const html = get('export-html', size);
    const hugo = get('hugo', size);
    const hexo = get('hexo', size);
    const speedup = ratioText(hugo, html, '');
    const hexoSpeedup = ratioText(hexo, html, '');
    const writeFloor = ratioText(html, get('floor-write', size), 'plancher d’écriture');
    const htmlRatio = [speedup.ratio !== undefined ? `hugo ÷ news = ${fr(speedup.ratio, 1)}×` : undefined, hexoSpeedup.ratio !== undefined ? `hexo ÷ news = ${fr(hexoSpeedup.ratio, 1)}×` : undefined, writeFloor.ratio !== undefined ? writeFloor.text : undefined].filter(Boolean).join(', ') || '—';
    const htmlTarget = size === 10000 ? '≥ 10× plus rapide que hugo' : undefined;
    push('export-html', size, 'news export html', htmlRatio, htmlTarget, htmlTarget && speedup.ratio !== undefined ? speedup.ratio >= 10 : undefined);
    const shape = ctx.siteShape[size];
    push('floor-write', size, shape ? `écriture de ${frInt(shape.folders)} dossiers + fichiers, ${fr(shape.bytes / 2 ** 20, 0)} Mio (plancher)` : 'écriture des dossiers et fichiers (plancher)', 'référence');
    push('hugo', size, 'hugo', ratioText(hugo, html, 'news export html').text);
    push('hexo', size, 'hexo generate', ratioText(hexo, html, 'news export html').text);

    const dedupe = get('dedupe', size);
    const dd = ratioText(dedupe, floor, 'plancher');
    const jd = ratioText(dedupe, get('jdupes', size), 'jdupes');
    const ddText = [dd.ratio !== undefined ? dd.text : undefined, jd.ratio !== undefined ? jd.text : undefined].filter(Boolean).join(', ') || '—';
    let ddTarget;
    let ddPass;
    if (size === 10000) {
      ddTarget = '< 2 s';
      ddPass = dedupe?.state === 'ok' ? dedupe.median < 2 : undefined;
    } else if (size === LARGE_SIZE) {
      ddTarget = '≤ 3× plancher et < 1 Gio';
      ddPass = dedupe?.state === 'ok' && dd.ratio !== undefined ? dd.ratio <= 3 && (dedupe.peakMiB ?? Infinity) < 1024 : undefined;
    }
    push('dedupe', size, 'news dedupe --json', ddText, ddTarget, ddPass);
    push('jdupes', size, 'jdupes -r posts/', ratioText(get('jdupes', size), floor, 'plancher').text);
  }
  return lines;
}

/** 10× the posts should cost about 10× the time: PASS up to 13× (30 % over linear). */
function scalingRows(results) {
  const rows = [];
  const add = (label, id, from, to, target) => {
    const a = results[`${id}@${from}`];
    const b = results[`${id}@${to}`];
    if (a?.state !== 'ok' || b?.state !== 'ok') return;
    const ratio = b.median / a.median;
    rows.push([label, `${frInt(from)} → ${frInt(to)}`, fr(ratio, 1), target ?? '—', target ? verdict(ratio <= 13) : '—']);
  };
  add('lecture + JSON.parse (plancher)', 'floor-read', 1000, 10000);
  add('news export html', 'export-html', 1000, 10000, '≈ 10 (≤ 13)');
  add('hugo', 'hugo', 1000, 10000);
  add('hexo generate', 'hexo', 1000, 10000);
  add('lecture + JSON.parse (plancher)', 'floor-read', 10000, LARGE_SIZE);
  add('news list --limit 20 (cache chaud)', 'list', 10000, LARGE_SIZE);
  add('news list --limit 20 (cache froid)', 'list-cold', 10000, LARGE_SIZE);
  add('news dedupe --json', 'dedupe', 10000, LARGE_SIZE, '≈ 10 (≤ 13)');
  add('jdupes -r posts/', 'jdupes', 10000, LARGE_SIZE);
  return rows;
}

function markdownTable(header, rows) {
  const esc = (cell) => String(cell).replace(/\|/g, '\\|');
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

function report(results, ctx, sizes, meta) {
  const main = markdownTable(['Ligne', 'Billets', 'Médiane (s)', 'Min – max (s)', 'CPU (s)', 'Pic mémoire (Mio)', 'Rapport', 'Cible', 'Verdict'], buildRows(results, sizes, ctx));
  const scaling = scalingRows(results);
  const parts = [
    `## Résultats du ${meta.date}`,
    '',
    `Machine : ${meta.cpu} (${meta.cores} cœurs), ${meta.memGiB} Gio de mémoire, ${meta.os} ; charge moyenne ${meta.loadStart} au début, ${meta.loadEnd} à la fin.`,
    `Outils : Node ${process.versions.node}, ${meta.hugo ?? 'hugo non mesuré'}, ${meta.hexo ? `Hexo ${meta.hexo}` : 'Hexo non mesuré'}, ${meta.jdupes ?? 'jdupes non mesuré'}.`,
    `news : commit ${meta.commit}${meta.dirty ? ' (avec des modifications non commitées dans src/ au moment de la mesure)' : ''}, dist/ compilé par npm run build puis copié dans bench/.work/news-snapshot/ au début de l’exécution (c’est cette copie qui est mesurée).`,
    `Commande : \`${meta.command}\` ; graine ${ctx.seed} ; ${meta.runsText} ; un essai d'échauffement non compté par ligne (même cache de fichiers pour tous), puis les essais des lignes d’une même taille alternés tour à tour.`,
    '',
    main,
    '',
  ];
  if (scaling.length) {
    parts.push('Passage à l’échelle (médiane à la grande taille ÷ médiane à la petite) :', '', markdownTable(['Ligne', 'Billets', 'Rapport de temps', 'Cible', 'Verdict'], scaling), '');
  }
  const notes = [];
  for (const size of sizes) {
    const files = ['news', 'hugo', 'hexo'].filter((t) => ctx.files[`${t}-${size}`] !== undefined).map((t) => `${t} ${frInt(ctx.files[`${t}-${size}`])}`);
    if (files.length) notes.push(`Fichiers produits pour ${frInt(size)} billets : ${files.join(', ')}.`);
    const d = ctx.dedupeFindings[size];
    if (d) {
      notes.push(
        `dedupe sur ${frInt(size)} billets : ${d.found}/${d.planted} groupes de doublons plantés retrouvés en entier, ${d.unexpected} groupe(s) hors des doublons plantés, ` +
          `${d.sameTitleMerged} paire(s) « même titre, autre corps » fusionnée(s) ; ${d.repeatedFound}/${d.repeatedPlanted} billets à blocs répétés retrouvés, ${d.repeatedExtra} en trop.`,
      );
    }
  }
  if (notes.length) parts.push(...notes.map((n) => `- ${n}`), '');
  return parts.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Optional CPU profile of each news row: where the time goes, by self time.

/** Self time per function over every thread's profile (main thread and workers), idle time left out. */
function summarizeProfiles(files, top = 12) {
  const self = new Map();
  for (const file of files) {
    const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const f = byId.get(id).callFrame;
      if (f.functionName === '(idle)') return;
      const where = f.url ? `${f.url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '')}:${f.lineNumber + 1}` : '';
      const key = `${f.functionName || '(anonyme)'} ${where}`.trim();
      self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
    });
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const lines = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, us]) => `  ${fr((us / total) * 100, 1).padStart(5)} %  ${fr(us / 1000, 0).padStart(6)} ms  ${key}`);
  return `  total hors attente : ${fr(total / 1000, 0)} ms, ${files.length} profil(s) (node --cpu-prof ne profile que le fil principal, pas les workers)\n${lines.join('\n')}`;
}

function profileRows(ctx, sizes, selected) {
  const out = [];
  for (const size of sizes) {
    ctx.corpus = ensureCorpus(size, ctx.seed);
    for (const row of ROWS.filter((r) => r.command && selected.has(r.id) && ctx.newsCommands[r.command])) {
      if (size === LARGE_SIZE && !row.large) continue;
      const spec = row.spec(size, ctx);
      const dir = path.join(WORK, 'profiles', `${row.id}-${size}`);
      fs.rmSync(dir, { recursive: true, force: true });
      spec.prepare?.();
      sh(NODE, ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...spec.args], { cwd: spec.cwd, env: cleanEnv(), stdio: ['ignore', 'ignore', 'ignore'] });
      const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort().map((f) => path.join(dir, f)) : [];
      if (files.length === 0) continue;
      out.push(`### ${row.label}, ${frInt(size)} billets (${path.relative(ROOT, dir)}/)\n\n\`\`\`\n${summarizeProfiles(files)}\n\`\`\``);
    }
  }
  return out.join('\n\n');
}

// ---------------------------------------------------------------------------------------------

function gitInfo() {
  const commit = firstLine(sh('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).stdout) || 'inconnu';
  const dirty = Boolean(firstLine(sh('git', ['status', '--porcelain', '--', 'src', 'bin'], { cwd: ROOT }).stdout));
  return { commit, dirty };
}

function writeDocs(table) {
  const docs = path.join(ROOT, 'docs', 'bench.md');
  if (!fs.existsSync(docs)) return false;
  const text = fs.readFileSync(docs, 'utf8');
  const start = '<!-- résultats:début -->';
  const end = '<!-- résultats:fin -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) return false;
  fs.writeFileSync(docs, `${text.slice(0, a + start.length)}\n\n${table.replace(/^## /m, '### ')}\n${text.slice(b)}`);
  return true;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) {
    process.stdout.write(HELP.replace('${ROWS}', ROW_IDS.join(', ')));
    return 0;
  }
  const unknown = (opts.only ?? []).filter((id) => !ROW_IDS.includes(id));
  if (unknown.length) throw new Error(`ligne(s) inconnue(s) : ${unknown.join(', ')} (lignes : ${ROW_IDS.join(', ')})`);

  // Rows asked for, plus the floors and competitors their ratios need.
  const selected = new Set(opts.only ?? ROW_IDS);
  for (const id of [...selected]) for (const dep of ROWS.find((r) => r.id === id).needs ?? []) selected.add(dep);
  if (selected.has('version')) selected.add('floor-node');
  const sizes = [...new Set([...(opts.sizes ?? DEFAULT_SIZES), ...(opts.large ? [LARGE_SIZE] : [])])].sort((a, b) => a - b);
  const explicit = new Set(opts.only ?? []);

  fs.mkdirSync(WORK, { recursive: true });
  const needed = new Set(['time']);
  if (selected.has('hugo')) needed.add('hugo');
  if (selected.has('jdupes')) needed.add('jdupes');
  ensureDebianTools(needed);
  const ctx = { seed: opts.seed, files: {}, siteShape: {}, dedupeFindings: {}, newsCommands: {}, corpus: undefined, hexoProblem: undefined };
  if (selected.has('hexo')) ctx.hexoProblem = ensureHexo();
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ absent : lancez npm run build (ou npm run bench, qui compile d’abord)');
  snapshotNews();
  for (const command of new Set(ROWS.filter((r) => r.command && selected.has(r.id)).map((r) => r.command))) ctx.newsCommands[command] = newsHas(command);

  const meta = {
    date: new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
    cpu: os.cpus()[0]?.model?.trim() ?? 'processeur inconnu',
    cores: os.cpus().length,
    memGiB: fr(os.totalmem() / 2 ** 30, 1),
    os: `${os.type()} ${os.release()}`,
    loadStart: os.loadavg().map((x) => fr(x, 2)).join(' / '),
    hugo: selected.has('hugo') ? toolVersion('hugo', ['version'])?.replace(/^hugo v?([\d.]+).*/, 'Hugo $1') : undefined,
    hexo: selected.has('hexo') && !ctx.hexoProblem ? JSON.parse(fs.readFileSync(path.join(HEXO_DEPS, 'node_modules', 'hexo', 'package.json'), 'utf8')).version : undefined,
    jdupes: selected.has('jdupes') ? toolVersion('jdupes', ['--version'])?.replace(/^(jdupes [\d.]+).*/, '$1') : undefined,
    command: ['node bench/run.js', ...process.argv.slice(2)].join(' '),
    runsText: opts.runs ? `${opts.runs} essais mesurés par ligne` : 'essais mesurés par ligne : 10 quand l’échauffement prend moins de 1 s, 5 jusqu’à 5 s, 3 au-delà',
    ...gitInfo(),
  };

  const results = {};
  Object.assign(results, measureBlock(ROWS.filter((r) => r.once && selected.has(r.id)), undefined, ctx, opts));
  for (const size of sizes) {
    const rows = ROWS.filter((r) => !r.once && selected.has(r.id) && (size !== LARGE_SIZE || r.large || explicit.has(r.id)));
    if (rows.length === 0) continue;
    ctx.corpus = ensureCorpus(size, opts.seed);
    Object.assign(results, measureBlock(rows, size, ctx, opts));
    fs.writeFileSync(path.join(WORK, 'partial.json'), JSON.stringify({ meta, results }, null, 2));
  }
  meta.loadEnd = os.loadavg().map((x) => fr(x, 2)).join(' / ');

  const tables = report(results, ctx, sizes, meta);
  let table = tables;
  if (opts.cpuProf) {
    const profiles = profileRows(ctx, sizes, selected);
    if (profiles) table += `\nProfils CPU (temps propre par fonction, un essai avec node --cpu-prof) :\n\n${profiles}\n`;
  }
  process.stdout.write(`${table}\n`);
  fs.mkdirSync(path.dirname(opts.out), { recursive: true });
  fs.writeFileSync(opts.out, `${table}\n`);
  fs.writeFileSync(opts.out.replace(/\.md$/, '.json'), `${JSON.stringify({ meta, sizes, results, files: ctx.files, dedupe: ctx.dedupeFindings }, null, 2)}\n`);
  log(`Tableau écrit dans ${path.relative(ROOT, opts.out)}${opts.docs ? (writeDocs(tables) ? ' et docs/bench.md' : ' (docs/bench.md sans marqueurs : non modifié)') : ''}.`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    log(`bench/run.js : erreur : ${error.message}`);
    process.exitCode = 2;
  },
);
