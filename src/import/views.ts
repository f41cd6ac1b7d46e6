import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream';
import { Readable } from 'node:stream';
import { NewsError } from '../core/errors.js';
import { formatIsoInstant } from '../core/dates.js';
import { failOnProblems, loadSite } from '../store/content.js';
import { loadPostListings } from '../store/cache.js';
import { lockTimeoutFromEnv, withContentLock } from '../store/lock.js';
import {
  applyPendingViews, decodeVisitors, encodeVisitors, finishPendingViews, loadViewsState, saveViewsState,
  type AppliedViews, type CommitHook, type LogStreamState, type ViewsState,
} from '../store/views.js';
import {
  ALREADY_COUNTED, buildCatalog, detectLogFormat, emptyCounters, LogScanner, parseAccessLine, readableShare, skippedByReason, UNREADABLE,
  type LogFormat, type ScanCounters, type SkipReason,
} from './accesslog.js';

/*
 * `news views import`: the reads of the posts found in access logs, added to their views.
 * Everything is read first, holding the content lock; then one atomic write of the state
 * (new offsets, visitors, and the views to add) commits the run, and the posts follow.
 */

export interface ViewsImportOptions {
  contentDir: string;
  /** Log files; `-` reads `stdin`. */
  logs: string[];
  stdin?: NodeJS.ReadableStream;
  /** Where relative log paths start. */
  cwd?: string;
  /** Overrides site.json's baseUrl: an absolute URL or a path (`/actualites/`). */
  baseUrl?: string;
  /** Forces the format instead of recognising it from each file's first lines. */
  format?: LogFormat;
  dryRun?: boolean;
  now: Date;
  env?: Readonly<Record<string, string | undefined>>;
  /** Raw bytes read so far out of the total of the regular files (for a progress bar). */
  onProgress?: (done: number, total: number, file: string) => void;
  /** After each durable step of the commit (tests). */
  commitHook?: CommitHook;
}

export interface LogFileReport {
  file: string;
  format: LogFormat | 'empty';
  /** `new`: first seen; `grown`: read on from where it was counted; `replaced`: same first line, other content. */
  state: 'new' | 'grown' | 'replaced';
  lines: number;
  alreadyCounted: number;
  reads: number;
}

export interface UnreadableLine {
  file: string;
  line: number;
  text: string;
}

export interface ViewsImportReport {
  dryRun: boolean;
  /** Reads added in total. */
  added: number;
  /** Per post (slug order): reads added and the views after the import. */
  posts: Array<{ slug: string; added: number; views: number }>;
  skipped: Record<SkipReason, number>;
  /** The first few unreadable lines. */
  unreadable: UnreadableLine[];
  files: LogFileReport[];
  /** Posts an earlier import, killed after its commit, still had to receive: done first. */
  finished?: AppliedViews[];
}

const MAX_UNREADABLE_SHOWN = 5;
const HEAD_BYTES = 64 * 1024;
/** Bytes read at a time. */
const CHUNK_BYTES = 1024 * 1024;
/**
 * Bytes decoded into one string. Below V8's large-object size (128 KiB) a string is made in
 * the young generation, where it dies cheaply; a string of a whole chunk would be mapped and
 * unmapped afresh each time (or, above 1,031,913 bytes, be an "external" string whose memory
 * brings a full garbage collection every few dozen chunks).
 */
const PIECE_BYTES = 120 * 1024;
const SAMPLE_LINES = 200;

/** The path below which the posts live (`/actualites/`), from --base-url or site.json. */
export function basePathOf(baseUrl: string | undefined, flag: boolean): string {
  if (baseUrl === undefined) {
    throw new NewsError('adresse du site inconnue : ajoutez baseUrl à site.json (ex. "https://exemple.fr/actualites/") ou passez --base-url https://exemple.fr/actualites/ (ou --base-url /actualites/)', undefined, { code: 'USAGE' });
  }
  if (baseUrl.startsWith('/')) return baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  if (!URL.canParse(baseUrl)) {
    throw new NewsError(`${flag ? '--base-url' : 'site.json : baseUrl'} « ${baseUrl} » : attendu une URL absolue (https://exemple.fr/actualites/) ou un chemin (/actualites/)`, undefined, { code: 'USAGE' });
  }
  const pathname = new URL(baseUrl).pathname;
  return pathname.endsWith('/') ? pathname : `${pathname}/`;
}

interface OpenedLog {
  name: string;
  /** undefined for stdin. */
  file?: string;
  handle?: fs.promises.FileHandle;
  /** Size of a regular file (else undefined: a pipe, stdin). */
  size?: number;
}

function describeOpenError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'fichier introuvable';
  if (code === 'EACCES' || code === 'EPERM') return 'lecture refusée (droits)';
  if (code === 'EISDIR') return 'c’est un dossier, pas un journal';
  return `ouverture impossible (${code ?? String(error)})`;
}

/** Every log is opened before anything is read: one that cannot be means nothing is counted. */
async function openLogs(logs: string[], cwd: string): Promise<OpenedLog[]> {
  if (logs.length === 0) throw new NewsError('aucun journal indiqué : news views import /var/log/nginx/access.log (ou - pour l’entrée standard)', undefined, { code: 'USAGE' });
  if (logs.filter((l) => l === '-').length > 1) throw new NewsError('- (l’entrée standard) ne peut être lu qu’une fois', undefined, { code: 'USAGE' });
  const opened: OpenedLog[] = [];
  try {
    for (const name of logs) {
      if (name === '-') {
        opened.push({ name: '-' });
        continue;
      }
      const file = path.resolve(cwd, name);
      let handle: fs.promises.FileHandle;
      try {
        handle = await fs.promises.open(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      } catch (error) {
        throw new NewsError(`${name} : ${describeOpenError(error)} ; rien n’a été compté (aucun des journaux)`, undefined, { code: 'NOT_FOUND' });
      }
      opened.push({ name, file, handle });
      const stat = await handle.stat();
      if (stat.isDirectory()) throw new NewsError(`${name} : c’est un dossier, pas un journal ; rien n’a été compté (aucun des journaux)`, undefined, { code: 'USAGE' });
      if (stat.isFile()) opened[opened.length - 1]!.size = stat.size;
    }
  } catch (error) {
    await closeLogs(opened);
    throw error;
  }
  return opened;
}

async function closeLogs(logs: OpenedLog[]): Promise<void> {
  for (const log of logs) await log.handle?.close().catch(() => undefined);
}

function sha256Latin1(text: string): string {
  return createHash('sha256').update(text, 'latin1').digest('hex');
}

/** A log stream is known by its first line (the bytes before the first line break, at most 64 KiB). */
function streamKey(firstLine: string): string {
  return sha256Latin1(firstLine).slice(0, 32);
}

const GZIP_MAGIC = [0x1f, 0x8b];

function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
}

class Mismatch extends Error {}

/**
 * Lines of one log, fed chunk by chunk, with their byte offsets: skipped up to what a previous
 * run counted (checking that the last counted line is where it should be), then classified.
 */
class LogReader {
  /** Lines consumed (counted now or before), so the number of the last line read. */
  lines: number;
  /** Lines classified by this run. */
  newLines = 0;
  alreadyCounted: number;
  /** Byte offset just after the last line consumed. */
  offset: number;
  format: LogFormat | undefined;
  private tail: { length: number; sha256: string } | undefined;
  private tailText = '';
  /** The bytes of an unfinished line, kept for the next chunk. */
  private carry: Buffer = Buffer.alloc(0);
  private carryStart: number;
  /** Lines held until the format is known (the first SAMPLE_LINES). */
  private held: Array<[number, string]> = [];
  private readonly readsBefore: number;

  constructor(
    private readonly name: string,
    private readonly run: ScanRun,
    private readonly skipTo: LogStreamState | undefined,
    start?: LogStreamState,
    format?: LogFormat,
    /** The last line counted before, when it had no line break yet: the break that follows now is its own. */
    private unterminated?: string,
  ) {
    this.offset = start?.offset ?? 0;
    this.carryStart = this.offset;
    this.lines = start?.lines ?? 0;
    this.alreadyCounted = this.lines;
    this.tail = start?.tail;
    this.format = format;
    this.readsBefore = totalOf(run.counters.added);
  }

  /** Still before the point the last run reached. */
  get skipping(): boolean {
    return this.skipTo !== undefined && this.offset < this.skipTo.offset;
  }

  get reads(): number {
    return totalOf(this.run.counters.added) - this.readsBefore;
  }

  /** Where the stream now stands, or undefined when no line was ever consumed. */
  position(): { offset: number; lines: number; tail: { length: number; sha256: string } } | undefined {
    if (this.offset === 0) return undefined;
    this.tail ??= { length: this.tailText.length, sha256: sha256Latin1(this.tailText) };
    return { offset: this.offset, lines: this.lines, tail: this.tail };
  }

  /** Feeds the next chunk of the log's bytes (after decompression). */
  push(chunk: Buffer): void {
    for (let at = 0; at < chunk.length; at += PIECE_BYTES) this.process(chunk.subarray(at, at + PIECE_BYTES), false, false);
  }

  /** The end of the log; `final`: a last line without line break is complete (not a file being written). */
  end(final: boolean): void {
    this.process(Buffer.alloc(0), true, final);
    this.decideFormat();
    if (this.skipTo && this.offset < this.skipTo.offset) throw new Mismatch(); // shorter than what was counted
  }

  private process(piece: Buffer, atEnd: boolean, final: boolean): void {
    if (this.carry.length > 0) {
      // The line begun in the previous chunk is completed alone, so the chunk itself is read
      // where it lies (copying a whole chunk after a few carried bytes would cost a copy each time).
      const nl = piece.indexOf(10);
      if (nl === -1) {
        this.carry = Buffer.concat([this.carry, piece]);
        if (atEnd) this.scan(this.carry, true, final);
        return;
      }
      this.scan(Buffer.concat([this.carry, piece.subarray(0, nl + 1)]), false, false);
      piece = piece.subarray(nl + 1);
    }
    this.scan(piece, atEnd, final);
  }

  /** Reads the lines of `bytes`, which start at `carryStart` in the log; keeps an unfinished last line for later. */
  private scan(bytes: Buffer, atEnd: boolean, final: boolean): void {
    // One flat string per chunk, for the native searches; the scanner reads the same bytes.
    const text = bytes.toString('latin1');
    const base = this.carryStart;
    let s = 0;
    let lastStart = -1;
    let lastNext = -1;
    if (this.unterminated !== undefined && base + s === this.offset) {
      const nl = text.indexOf('\n', s);
      if (nl !== -1 || atEnd) {
        // The line counted last ends here: its line break (CR LF too) is no line of its own.
        if (nl !== -1 && /^\r?$/.test(text.slice(s, nl))) {
          this.tailText = this.unterminated + text.slice(s, nl + 1);
          this.tail = undefined;
          this.offset = base + nl + 1;
          s = nl + 1;
        }
        this.unterminated = undefined;
      }
    }
    for (;;) {
      const nl = text.indexOf('\n', s);
      let e = nl;
      let next = nl + 1;
      if (nl === -1) {
        if (!atEnd || s >= text.length) break;
        // A last line without a line break: one the server is still writing is left for next time.
        e = text.length;
        next = e;
        if (!final && !this.isComplete(text.slice(s, e))) break;
      }
      const absStart = base + s;
      if (this.skipTo && absStart < this.skipTo.offset) {
        this.skipLine(text, s, next, absStart, base + next);
      } else {
        this.countLine(text, s, e, bytes);
        lastStart = s;
        lastNext = next;
        this.offset = base + next;
      }
      s = next;
    }
    if (lastStart !== -1) {
      this.tailText = text.slice(lastStart, lastNext);
      this.tail = undefined;
    }
    this.carry = bytes.subarray(s);
    this.carryStart = base + s;
  }

  /** A line before the point the last run reached: none is counted, the last one is checked. */
  private skipLine(text: string, s: number, next: number, absStart: number, absNext: number): void {
    const target = this.skipTo!;
    this.alreadyCounted++;
    if (absNext < target.offset) return;
    // This line holds the point where the last run stopped: it must end there (or be that
    // same line, now followed by its line break).
    const cut = s + (target.offset - absStart);
    const counted = text.slice(s, cut);
    if (counted.length !== target.tail.length || sha256Latin1(counted) !== target.tail.sha256 || !/^\r?\n?$/.test(text.slice(cut, next))) {
      throw new Mismatch();
    }
    this.alreadyCounted = target.lines;
    this.lines = target.lines;
    this.offset = absNext;
    if (absNext === target.offset) this.tail = target.tail;
    else {
      this.tail = undefined;
      this.tailText = text.slice(s, next);
    }
  }

  private isComplete(line: string): boolean {
    const parsed = parseAccessLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    return parsed !== undefined && (this.format === 'common' || parsed.format === 'combined');
  }

  private countLine(text: string, s: number, e: number, bytes: Uint8Array): void {
    this.lines++;
    this.newLines++;
    if (this.format === undefined) {
      this.held.push([this.lines, text.slice(s, e)]);
      if (this.held.length >= SAMPLE_LINES) this.decideFormat();
      return;
    }
    this.classify(text, s, e, this.lines, bytes);
  }

  /** `bytes`: the chunk `text` was decoded from (omitted for a line held apart). */
  private classify(text: string, s: number, e: number, lineNo: number, bytes?: Uint8Array): void {
    const verdict = this.run.scanner.scanLine(text, s, e, this.format!, bytes);
    if (verdict === UNREADABLE && this.run.unreadable.length < MAX_UNREADABLE_SHOWN) {
      this.run.unreadable.push({ file: this.name, line: lineNo, text: shortLine(text.slice(s, e)) });
    }
  }

  /** The format from the first lines (or --format, checked on them); then those lines are classified. */
  private decideFormat(): void {
    if (this.format !== undefined) return;
    const sample = this.held.map(([, line]) => line);
    this.format = formatOf(this.name, sample, this.run.format);
    const held = this.held;
    this.held = [];
    for (const [lineNo, line] of held) this.classify(line, 0, line.length, lineNo);
  }
}

/** The format of a log from its first lines, or --format checked on them; exit 2 when they are not an access log. */
function formatOf(name: string, sample: string[], forced: LogFormat | undefined): LogFormat {
  if (forced) {
    if (readableShare(sample, forced) < 0.5) throw notALog(name, sample, forced);
    return forced;
  }
  if (sample.every((l) => l.trim() === '')) return 'combined';
  const format = detectLogFormat(sample);
  if (format === undefined) throw notALog(name, sample);
  return format;
}

function totalOf(values: Uint32Array): number {
  let n = 0;
  for (const v of values) n += v;
  return n;
}

function shortLine(line: string): string {
  // latin1 back to the bytes, shown as UTF-8 where they are; control characters made visible.
  const text = Buffer.from(line, 'latin1').toString('utf8').replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}

function notALog(name: string, sample: string[], forced?: LogFormat): NewsError {
  const first = sample.find((l) => l.trim() !== '') ?? '';
  const looks = /^\s*[{[]/.test(first) ? ' (il ressemble à du JSON)' : /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[/.test(first) ? ' (il ressemble à un journal d’erreurs nginx)' : /^\[\w{3} \w{3} /.test(first) ? ' (il ressemble à un journal d’erreurs Apache)' : '';
  const expected = forced
    ? `au format ${forced} (forcé par --format)`
    : 'au format combined ou common de nginx ou Apache (ex. 203.0.113.7 - - [29/Oct/2013:09:12:00 +0100] "GET /actualites/un-billet/ HTTP/1.1" 200 5120 "-" "Mozilla/5.0")';
  return new NewsError(`${name} n’est pas un journal d’accès${looks} : attendu un journal ${expected} ; première ligne : ${shortLine(first)} ; rien n’a été compté (aucun des journaux)`, undefined, { code: 'INVALID_CONTENT' });
}

/** The raw bytes of a log from `start`, counting them for the progress bar. */
/**
 * The buffers a file is read into. Three, used in turn: a LogReader is done with a chunk once it
 * has been given the next one (it copies what it keeps of it), and only one read runs ahead.
 * A gzip stream queues chunks it has not inflated yet: contentChunks sets `reuse` to false then,
 * and each read gets a new buffer.
 */
interface ReadBuffers {
  reuse: boolean;
  pool: Buffer[];
  turn: number;
}

function readBuffers(): ReadBuffers {
  return { reuse: true, pool: [], turn: 0 };
}

function nextBuffer(buffers: ReadBuffers): Buffer {
  if (!buffers.reuse) return Buffer.allocUnsafe(CHUNK_BYTES);
  const i = buffers.turn++ % 3;
  buffers.pool[i] ??= Buffer.allocUnsafe(CHUNK_BYTES);
  return buffers.pool[i]!;
}

async function* rawChunks(log: OpenedLog, stdin: NodeJS.ReadableStream | undefined, start: number, onBytes: (n: number) => void, buffers = readBuffers()): AsyncGenerator<Buffer> {
  if (log.handle) {
    const handle = log.handle;
    // The next chunk is read (by libuv's threads) while this one is being counted.
    const readAt = (position: number) => {
      const buffer = nextBuffer(buffers);
      const read = readSome(handle, buffer, position).then(({ bytesRead }) => buffer.subarray(0, bytesRead));
      read.catch(() => undefined); // awaited below, or dropped when the reading stops early
      return read;
    };
    let position = start;
    let next = readAt(position);
    try {
      for (;;) {
        const chunk = await next;
        if (chunk.length === 0) return;
        position += chunk.length;
        next = readAt(position);
        onBytes(chunk.length);
        yield chunk;
      }
    } finally {
      await next.catch(() => undefined); // no read left running on a handle about to be closed
    }
  }
  if (!stdin) throw new NewsError('- : pas d’entrée standard à lire', undefined, { code: 'USAGE' });
  for await (const chunk of stdin) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : (chunk as Buffer);
    onBytes(buf.length);
    yield buf;
  }
}

/** A read that waits on a pipe opened non-blocking (a FIFO given as a log). */
async function readSome(handle: fs.promises.FileHandle, buffer: Buffer, position: number): Promise<{ bytesRead: number }> {
  for (;;) {
    try {
      return await handle.read(buffer, 0, buffer.length, position);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ESPIPE') return handle.read(buffer, 0, buffer.length, null).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'EAGAIN') return new Promise<{ bytesRead: number }>((r) => setTimeout(() => r(readSome(handle, buffer, position)), 10));
        throw e;
      });
      if (code === 'EAGAIN') {
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      throw error;
    }
  }
}

/** The log's content: gunzipped when its first bytes say gzip (whatever its name). */
async function* contentChunks(raw: AsyncGenerator<Buffer>, buffers: ReadBuffers, name: string): AsyncGenerator<Buffer> {
  let first = Buffer.alloc(0);
  while (first.length < 2) {
    const next = await raw.next();
    if (next.done) break;
    first = Buffer.concat([first, next.value]);
  }
  if (!isGzip(first)) {
    if (first.length > 0) yield first;
    yield* raw;
    return;
  }
  buffers.reuse = false; // the stream below holds chunks longer than one read
  const source = Readable.from((async function* () {
    yield first;
    yield* raw;
  })());
  const gunzip = zlib.createGunzip();
  pipeline(source, gunzip, () => undefined);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (error) {
    if (error instanceof NewsError) throw error;
    throw new NewsError(`${name} : fichier gzip abîmé ou incomplet (${(error as Error).message}) ; rien n’a été compté (aucun des journaux)`, undefined, { code: 'INVALID_CONTENT' });
  }
}

async function readHead(handle: fs.promises.FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return buffer.subarray(0, done);
}

interface ScanRun {
  scanner: LogScanner;
  counters: ScanCounters;
  state: ViewsState;
  unreadable: UnreadableLine[];
  format?: LogFormat;
  stdin?: NodeJS.ReadableStream;
  now: string;
  progress: (n: number, file: string) => void;
}

/** Reads one log; the state's entry for its stream is updated in memory. */
async function scanLog(log: OpenedLog, run: ScanRun): Promise<LogFileReport> {
  const regular = log.handle !== undefined && log.size !== undefined;
  let compressed = false;
  let allowSkip = true;
  if (regular) {
    const head = await readHead(log.handle!, 0, Math.min(HEAD_BYTES, log.size!));
    compressed = isGzip(head);
    if (!compressed) {
      // A plain file already partly counted is read on from where it was left, without reading the rest again.
      const text = head.toString('latin1');
      const nl = text.indexOf('\n');
      const candidates = nl !== -1 || head.length === HEAD_BYTES ? run.state.logs[streamKey(nl === -1 ? text : text.slice(0, nl))] ?? [] : [];
      for (const known of candidates) {
        const tail = await tailOf(log, known);
        if (tail !== undefined) return resume(log, run, known, text, tail);
      }
      if (candidates.length > 0) allowSkip = false; // same first line, other content: a replaced file
    }
  }
  // Anything else (compressed, a pipe, stdin, a new or replaced file) is read from its first byte.
  const final = !regular || compressed;
  for (;;) {
    try {
      return await readWhole(log, run, final, allowSkip);
    } catch (error) {
      if (!(error instanceof Mismatch)) throw error;
      if (!log.handle || !allowSkip) throw error;
      allowSkip = false; // same first line, other content: read again from the start, as a new log
    }
  }
}

/** The line a previous run counted last, when it is still there ending at the same byte (else undefined). */
async function tailOf(log: OpenedLog, known: LogStreamState): Promise<string | undefined> {
  if (known.offset < known.tail.length || known.offset > log.size!) return undefined;
  const bytes = await readHead(log.handle!, known.offset - known.tail.length, known.tail.length);
  const tail = bytes.toString('latin1');
  return bytes.length === known.tail.length && sha256Latin1(tail) === known.tail.sha256 ? tail : undefined;
}

async function resume(log: OpenedLog, run: ScanRun, known: LogStreamState, headText: string, tail: string): Promise<LogFileReport> {
  // The format is decided on the file's first lines, counted before or not.
  const lines = headText.split('\n');
  if (!headText.endsWith('\n')) lines.pop();
  const format = formatOf(log.name, lines.slice(0, SAMPLE_LINES), run.format);
  // A last line counted without its line break: the break, when it comes, closes it.
  const reader = new LogReader(log.name, run, undefined, known, format, tail.endsWith('\n') ? undefined : tail);
  run.progress(known.offset, log.name);
  for await (const chunk of rawChunks(log, run.stdin, known.offset, (n) => run.progress(n, log.name))) reader.push(chunk);
  reader.end(false);
  const key = Object.keys(run.state.logs).find((k) => run.state.logs[k]!.includes(known))!;
  return finishLog(log, run, reader, key, known, 'grown');
}

/** How much of stdin is kept while it is being skipped, to read it again if it turns out to be another log. */
const STDIN_REPLAY_BYTES = 256 * 1024 * 1024;

async function readWhole(log: OpenedLog, run: ScanRun, final: boolean, allowSkip: boolean): Promise<LogFileReport> {
  let reader: LogReader | undefined;
  let key = '';
  let known: LogStreamState | undefined;
  let replaced = !allowSkip;
  const held: Buffer[] = [];
  let headText = '';
  // stdin cannot be read twice: what is skipped is kept, to be read again if it is not the log counted before.
  let replay: Buffer[] | undefined = log.handle ? undefined : [];
  let replayBytes = 0;
  const feed = (chunk: Buffer, end = false) => {
    try {
      if (end) reader!.end(final);
      else reader!.push(chunk);
    } catch (error) {
      if (!(error instanceof Mismatch) || !replay) throw error;
      if (replayBytes > STDIN_REPLAY_BYTES) {
        throw new NewsError('- : l’entrée standard commence comme un journal déjà compté mais son contenu diffère ; passez ce journal par son nom de fichier pour qu’il soit relu depuis le début', undefined, { code: 'CONFLICT' });
      }
      // Same first line, other content: read again from the start, as a new log.
      replaced = true;
      reader = new LogReader(log.name, run, undefined);
      const again = replay;
      replay = undefined;
      for (const c of again) reader.push(c);
      if (end) reader.end(final);
    }
    if (replay && !reader!.skipping) replay = undefined;
  };
  const start = () => {
    const nl = headText.indexOf('\n');
    key = streamKey(nl === -1 ? headText.slice(0, HEAD_BYTES) : headText.slice(0, nl));
    known = run.state.logs[key]?.[0]; // the longest stream counted with this first line
    reader = new LogReader(log.name, run, allowSkip ? known : undefined);
    for (const chunk of held) feed(chunk);
    held.length = 0;
  };
  const buffers = readBuffers();
  for await (const chunk of contentChunks(rawChunks(log, run.stdin, 0, (n) => run.progress(n, log.name), buffers), buffers, log.name)) {
    if (replay) {
      replay.push(chunk);
      replayBytes += chunk.length;
      if (replayBytes > STDIN_REPLAY_BYTES) replay.length = 0;
    }
    if (reader) {
      feed(chunk);
      continue;
    }
    // The stream is known by its first line: hold the chunks until it is complete (copied: a
    // read buffer is used again three reads later, and a first line can come in many reads).
    held.push(Buffer.from(chunk));
    if (headText.length < HEAD_BYTES) headText += chunk.toString('latin1', 0, Math.min(chunk.length, HEAD_BYTES));
    if (headText.includes('\n') || headText.length >= HEAD_BYTES) start();
  }
  if (!reader) {
    if (headText === '') return { file: log.name, format: 'empty', state: 'new', lines: 0, alreadyCounted: 0, reads: 0 };
    start();
  }
  feed(Buffer.alloc(0), true);
  const state = known === undefined ? 'new' : replaced ? 'replaced' : 'grown';
  return finishLog(log, run, reader!, key, state === 'grown' ? known : undefined, state);
}

/** Streams kept per first line (a replaced file shares its first line with the one it replaced). */
const STREAMS_PER_KEY = 8;

/** Records where the stream now stands: the entry it continued is moved on, or a new one added. */
function finishLog(log: OpenedLog, run: ScanRun, reader: LogReader, key: string, continued: LogStreamState | undefined, verdict: LogFileReport['state']): LogFileReport {
  run.counters.skipped[ALREADY_COUNTED]! += reader.alreadyCounted;
  const position = reader.position();
  if (position) {
    const entry: LogStreamState = { offset: position.offset, lines: position.lines, tail: position.tail, file: log.file ?? '-', importedAt: run.now };
    const others = (run.state.logs[key] ?? []).filter((e) => e !== continued && !(e.offset === entry.offset && e.tail.sha256 === entry.tail.sha256));
    run.state.logs[key] = [entry, ...others].sort((a, b) => b.offset - a.offset).slice(0, STREAMS_PER_KEY);
  }
  return {
    file: log.name,
    format: reader.format ?? 'empty',
    state: verdict,
    lines: reader.newLines,
    alreadyCounted: reader.alreadyCounted,
    reads: reader.reads,
  };
}

/**
 * Adds the reads found in access logs to the posts' views (see the module comment). Returns
 * the report; with `dryRun`, counts and reports without writing anything.
 */
export async function importViews(options: ViewsImportOptions): Promise<ViewsImportReport> {
  const { contentDir } = options;
  const env = options.env ?? {};
  const site = loadSite(contentDir);
  if (options.format !== undefined && !(['combined', 'common'] as string[]).includes(options.format)) {
    throw new NewsError(`--format « ${options.format} » : attendu combined ou common`, undefined, { code: 'USAGE' });
  }
  const basePath = basePathOf(options.baseUrl ?? site.baseUrl, options.baseUrl !== undefined);
  const work = async (): Promise<ViewsImportReport> => {
    const finished = options.dryRun ? undefined : await finishPendingViews(contentDir);
    const listings = loadPostListings(contentDir, site.timeZone, env);
    failOnProblems(listings.problems, 'news views import');
    const posts = listings.posts.map((l) => l.post);
    const catalog = buildCatalog(posts);
    const state = loadViewsState(contentDir);
    const counters = emptyCounters(catalog.slugs.length);
    const visitors = decodeVisitors(state);
    const scanner = new LogScanner(catalog, basePath, site.timeZone, visitors, counters);
    const logs = await openLogs(options.logs, options.cwd ?? process.cwd());
    const total = logs.reduce((sum, l) => sum + (l.size ?? 0), 0);
    let done = 0;
    const unreadable: UnreadableLine[] = [];
    const files: LogFileReport[] = [];
    const now = formatIsoInstant(options.now, site.timeZone);
    try {
      for (const log of logs) {
        files.push(await scanLog(log, {
          scanner, counters, state, unreadable, format: options.format, stdin: options.stdin, now,
          progress: (n, file) => {
            done += n;
            options.onProgress?.(Math.min(done, total), total, file);
          },
        }));
      }
    } finally {
      await closeLogs(logs);
    }
    const reads = posts
      .map((p, i) => ({ slug: p.slug, added: counters.added[i]!, views: p.views + counters.added[i]! }))
      .filter((r) => r.added > 0)
      .sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
    const report: ViewsImportReport = {
      dryRun: Boolean(options.dryRun),
      added: reads.reduce((sum, r) => sum + r.added, 0),
      posts: reads,
      skipped: skippedByReason(counters),
      unreadable,
      files,
    };
    if (finished && finished.applied.length > 0) report.finished = finished.applied;
    if (options.dryRun) return report;
    if (visitors.size > 0) state.visitors = encodeVisitors(visitors);
    state.pending = { updatedAt: now, posts: reads.map((r) => ({ slug: r.slug, views: r.views, add: r.added })) };
    saveViewsState(contentDir, state); // the commit
    await options.commitHook?.();
    const applied = await applyPendingViews(contentDir, state, options.commitHook);
    for (const r of reads) {
      const a = applied.applied.find((x) => x.slug === r.slug);
      if (a) r.views = a.views;
    }
    return report;
  };
  return withContentLock(contentDir, work, { timeoutMs: lockTimeoutFromEnv(env), readOnly: options.dryRun });
}
