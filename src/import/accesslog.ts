import { isbot } from 'isbot';
import { offsetMinutes } from '../core/dates.js';
import { KeySet } from '../core/keyset.js';

/*
 * Web server access logs, nginx or Apache, `combined` or `common`:
 *
 *   203.0.113.7 - - [29/Oct/2013:09:12:00 +0100] "GET /actualites/un-billet/ HTTP/1.1" 200 5120 "https://ref/" "Mozilla/5.0 …"
 *
 * Lines are handled as latin1 strings (one character per byte), so offsets are byte offsets
 * and no UTF-8 decoding is paid for; the fields that matter (method, path, status, time) are
 * ASCII, and a user agent is only compared with itself and with the robot list.
 */

export const LOG_FORMATS = ['combined', 'common'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Why a line did not add a read. */
export const SKIP_REASONS = ['robot', 'status', 'method', 'notPost', 'unreadable', 'alreadyCounted', 'repeat'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** The fields of one line, as text (see parseAccessLine). */
export interface AccessLine {
  address: string;
  time: string;
  request: string;
  status: number;
  size: string;
  referer?: string;
  agent?: string;
  format: LogFormat;
}

const BACKSLASH = 92;
const QUOTE = 34;
const SPACE = 32;

/** Index of the quote that closes a quoted field opened before `from`, skipping `\"`; -1 when none before `end`. */
export function closingQuote(text: string, from: number, end: number): number {
  for (let q = indexIn(text, '"', from, end); q !== -1; q = indexIn(text, '"', q + 1, end)) {
    let backslashes = 0;
    for (let i = q - 1; i >= from && text.charCodeAt(i) === BACKSLASH; i--) backslashes++;
    if (backslashes % 2 === 0) return q;
  }
  return -1;
}

/** Index of `ch` in `text[from, end)`, or -1. Native search: it may look past the line, but the next line has one. */
function indexIn(text: string, ch: string, from: number, end: number): number {
  const i = text.indexOf(ch, from);
  return i !== -1 && i < end ? i : -1;
}


/** Where the request field opens: the `"` after `address ident user [time] `; -1 when the line is not shaped so. */
function requestStart(text: string, start: number, end: number): number {
  const space = indexIn(text, ' ', start, end);
  if (space <= start) return -1;
  const bracket = indexIn(text, '[', space, end);
  if (bracket === -1 || text.charCodeAt(bracket - 1) !== SPACE) return -1;
  const quote = indexIn(text, '"', bracket, end);
  if (quote === -1 || text.charCodeAt(quote - 1) !== SPACE || text.charCodeAt(quote - 2) !== 93 /* ] */) return -1;
  return quote;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * What follows the request: ` status size` then, in `combined`, ` "referer" "agent"`
 * (nginx's `main` format adds fields after them: ignored). `afterRequest` is the index just
 * after the request's closing quote. Returns undefined when the line is not readable.
 */
export interface LineTail {
  status: number;
  sizeEnd: number;
  /** -1 in `common` lines. */
  agentStart: number;
  agentEnd: number;
}

/** readTail's answer, one object reused (nothing allocated per line). */
const TAIL: LineTail = { status: 0, sizeEnd: 0, agentStart: -1, agentEnd: -1 };

function tailOf(status: number, sizeEnd: number, agentStart: number, agentEnd: number): LineTail {
  TAIL.status = status;
  TAIL.sizeEnd = sizeEnd;
  TAIL.agentStart = agentStart;
  TAIL.agentEnd = agentEnd;
  return TAIL;
}

/** The fields after the request (valid until the next call), or undefined. */
export function readTail(text: string, afterRequest: number, end: number): LineTail | undefined {
  let i = afterRequest;
  if (text.charCodeAt(i) !== SPACE || !isDigit(text.charCodeAt(i + 1)) || !isDigit(text.charCodeAt(i + 2)) || !isDigit(text.charCodeAt(i + 3))) return undefined;
  const status = (text.charCodeAt(i + 1) - 48) * 100 + (text.charCodeAt(i + 2) - 48) * 10 + (text.charCodeAt(i + 3) - 48);
  i += 4;
  if (text.charCodeAt(i) !== SPACE) return undefined;
  i++;
  if (text.charCodeAt(i) === 45 /* - */) i++;
  else {
    const digits = i;
    while (i < end && isDigit(text.charCodeAt(i))) i++;
    if (i === digits) return undefined;
  }
  const sizeEnd = i;
  if (i >= end || text.charCodeAt(i) === 13 /* \r */) return tailOf(status, sizeEnd, -1, -1);
  if (text.charCodeAt(i) !== SPACE || text.charCodeAt(i + 1) !== QUOTE) return undefined;
  const refererEnd = closingQuote(text, i + 2, end);
  if (refererEnd === -1 || text.charCodeAt(refererEnd + 1) !== SPACE || text.charCodeAt(refererEnd + 2) !== QUOTE) return undefined;
  const agentEnd = closingQuote(text, refererEnd + 3, end);
  if (agentEnd === -1) return undefined;
  return tailOf(status, sizeEnd, refererEnd + 3, agentEnd);
}

/**
 * The whole line in fields, or undefined when it is neither `combined` nor `common`. Used to
 * recognise a file's format and by tests; the import itself reads only what it needs
 * (LogScanner.scanLine).
 */
export function parseAccessLine(line: string): AccessLine | undefined {
  const end = line.length;
  const open = requestStart(line, 0, end);
  if (open === -1) return undefined;
  const close = closingQuote(line, open + 1, end);
  if (close === -1) return undefined;
  const tail = readTail(line, close + 1, end);
  if (!tail) return undefined;
  const timeStart = line.indexOf(' [') + 2;
  const time = line.slice(timeStart, open - 2);
  if (parseLogTime(line, timeStart, open - 2) === undefined) return undefined;
  const fields: AccessLine = {
    address: line.slice(0, line.indexOf(' ')),
    time,
    request: line.slice(open + 1, close),
    status: tail.status,
    size: line.slice(close + 5, tail.sizeEnd),
    format: tail.agentStart === -1 ? 'common' : 'combined',
  };
  if (tail.agentStart !== -1) {
    fields.referer = line.slice(line.indexOf('"', tail.sizeEnd) + 1, tail.agentStart - 3);
    fields.agent = line.slice(tail.agentStart, tail.agentEnd);
  }
  return fields;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH_BY_CODES = new Map(MONTHS.map((m, i) => [m.charCodeAt(0) * 65536 + m.charCodeAt(1) * 256 + m.charCodeAt(2), i]));

/** `Oct` → 9, from its three character codes (no substring made). */
function monthOf(a: number, b: number, c: number): number | undefined {
  return b < 256 && c < 256 ? MONTH_BY_CODES.get(a * 65536 + b * 256 + c) : undefined;
}

function twoDigits(text: string, i: number): number {
  const a = text.charCodeAt(i) - 48;
  const b = text.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** `29/Oct/2013:09:12:00 +0100` → milliseconds since the epoch (UTC), or undefined. */
export function parseLogTime(text: string, start: number, end: number): number | undefined {
  if (end - start !== 26) return undefined;
  const t = start;
  const day = twoDigits(text, t);
  const month = monthOf(text.charCodeAt(t + 3), text.charCodeAt(t + 4), text.charCodeAt(t + 5));
  const century = twoDigits(text, t + 7);
  const year = twoDigits(text, t + 9);
  const hour = twoDigits(text, t + 12);
  const minute = twoDigits(text, t + 15);
  const second = twoDigits(text, t + 18);
  const sign = text.charCodeAt(t + 21);
  const offH = twoDigits(text, t + 22);
  const offM = twoDigits(text, t + 24);
  if (month === undefined || day < 1 || day > 31 || century < 0 || year < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
      second < 0 || second > 60 || offH < 0 || offM < 0 || (sign !== 43 && sign !== 45) ||
      text.charCodeAt(t + 2) !== 47 || text.charCodeAt(t + 6) !== 47 || text.charCodeAt(t + 11) !== 58 ||
      text.charCodeAt(t + 14) !== 58 || text.charCodeAt(t + 17) !== 58 || text.charCodeAt(t + 20) !== SPACE) return undefined;
  const fullYear = century * 100 + year;
  const local = Date.UTC(fullYear, month, day, hour, minute, second);
  if (new Date(local).getUTCDate() !== day) return undefined; // 31/Feb
  const offset = (offH * 60 + offM) * (sign === 45 ? -1 : 1);
  return local - offset * 60_000;
}

/**
 * A file's format from its first lines: the format most of its readable lines have; undefined
 * when fewer than half of them are readable (a JSON log, an error log, anything else).
 */
export function detectLogFormat(lines: string[]): LogFormat | undefined {
  let combined = 0;
  let common = 0;
  let total = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    total++;
    const parsed = parseAccessLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (parsed?.format === 'combined') combined++;
    else if (parsed?.format === 'common') common++;
  }
  if (total === 0 || (combined + common) * 2 < total) return undefined;
  return combined >= common ? 'combined' : 'common';
}

/** Whether this share of a file's first lines reads as `format` (when --format names it). */
export function readableShare(lines: string[], format: LogFormat): number {
  let total = 0;
  let readable = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    total++;
    const parsed = parseAccessLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (parsed && (format === 'common' || parsed.format === 'combined')) readable++;
  }
  return total === 0 ? 1 : readable / total;
}

/** cyrb53's last mixing of its two lanes into 53 bits (shared by the three hashes below). */
function cyrb53Finish(h1: number, h2: number): number {
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** A 53-bit hash of `text[start, end)` (cyrb53), stable across runs and machines. */
export function hashText(text: string, start = 0, end = text.length, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = start; i < end; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  return cyrb53Finish(h1, h2);
}

/** The same mixing over four numbers (53-bit hashes or small integers): a visitor's key. */
export function hashNumbers(a: number, b: number, c: number, d: number): number {
  const words = HASH_WORDS;
  words[0] = a >>> 0;
  words[1] = (a / 4294967296) >>> 0;
  words[2] = b >>> 0;
  words[3] = (b / 4294967296) >>> 0;
  words[4] = c >>> 0;
  words[5] = (c / 4294967296) >>> 0;
  words[6] = d >>> 0;
  words[7] = (d / 4294967296) >>> 0;
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < 8; i++) {
    h1 = Math.imul(h1 ^ words[i]!, 2654435761);
    h2 = Math.imul(h2 ^ words[i]!, 1597334677);
  }
  return cyrb53Finish(h1, h2);
}

/** hashNumbers' words, reused (nothing allocated per line). */
const HASH_WORDS = new Uint32Array(8);

/** What the scanner needs to know about the site: its posts' URLs and its clock. */
export interface PostCatalog {
  /** Every slug and alias → the index of its post in `slugs`. */
  bySlugOrAlias: Map<string, number>;
  /** The posts' own slugs (an alias counts for its post). */
  slugs: string[];
}

export function buildCatalog(posts: Iterable<{ slug: string; aliases: readonly string[] }>): PostCatalog {
  const bySlugOrAlias = new Map<string, number>();
  const slugs: string[] = [];
  for (const post of posts) {
    const index = slugs.length;
    slugs.push(post.slug);
    for (const alias of post.aliases) if (!bySlugOrAlias.has(alias)) bySlugOrAlias.set(alias, index);
  }
  // A post's own slug wins over another post's alias.
  slugs.forEach((slug, index) => bySlugOrAlias.set(slug, index));
  return { bySlugOrAlias, slugs };
}

/** Days since 1970-01-01 → `YYYY-MM-DD`. */
export function dayName(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

export function dayNumber(name: string): number {
  return Math.floor(Date.parse(`${name}T00:00:00Z`) / 86_400_000);
}

/** Unique reads already counted: per calendar day (site time zone), the visitors' keys. */
export type VisitorDays = Map<number, KeySet>;

export interface ScanCounters {
  /** Lines skipped, by reason (index in SKIP_REASONS): numbers, not a keyed object, on the hot path. */
  skipped: Float64Array;
  /** Reads added, by index in the catalog. */
  added: Uint32Array;
}

export function emptyCounters(postCount: number): ScanCounters {
  return { skipped: new Float64Array(SKIP_REASONS.length), added: new Uint32Array(postCount) };
}

/** The skipped lines by reason, as a report shows them. */
export function skippedByReason(counters: ScanCounters): Record<SkipReason, number> {
  const out = {} as Record<SkipReason, number>;
  SKIP_REASONS.forEach((reason, i) => (out[reason] = counters.skipped[i]!));
  return out;
}

/** What scanLine says of a line: the index of a reason in SKIP_REASONS, or READ. */
export type LineVerdict = number;
export const ROBOT = 0;
export const STATUS = 1;
export const METHOD = 2;
export const NOT_POST = 3;
export const UNREADABLE = 4;
export const ALREADY_COUNTED = 5;
export const REPEAT = 6;
export const READ = 7;

const FIFTEEN_MINUTES = 15 * 60_000;

/*
 * The scanner reads each chunk of a log twice over, as the same bytes: a latin1 string, for the
 * native searches (`indexOf`, one per quoted field), and a Uint8Array with a DataView on it, for
 * everything read character by character or four at a time (typed-array reads are the cheapest
 * JavaScript has; `bytes[i] === text.charCodeAt(i)` since latin1 is one byte per character).
 * Nothing is allocated per line.
 */

/** Characters of a slug, `[a-z0-9-]`, by byte. */
const SLUG_CHAR = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45) SLUG_CHAR[c] = 1;
}

/** What may end the path of a post's page: a space, a query, a fragment, the request's closing quote. */
function endsPath(c: number): boolean {
  return c === SPACE || c === 63 /* ? */ || c === 35 /* # */ || c === QUOTE;
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;

/** Latin1 bytes of a string, with a DataView to compare them four at a time. */
interface Bytes {
  bytes: Uint8Array;
  view: DataView;
}

function bytesOf(text: string): Bytes {
  const bytes = Buffer.from(text, 'latin1');
  return { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

/** Whether `bytes[pos, pos + want.length)` are `want`'s bytes (false past the end, as startsWith). */
function bytesAt(bytes: Uint8Array, view: DataView, pos: number, want: Bytes): boolean {
  return sameBytes(bytes, view, pos, want.bytes, want.view, 0, want.bytes.length);
}

/** cyrb53 over bytes: hashText's value for the same latin1 text (the state stores these). */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = start; i < end; i++) {
    const ch = bytes[i]!;
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  return cyrb53Finish(h1, h2);
}

/** Whether `bytes[start, start + length)` are `arena[offset, offset + length)`, compared four bytes at a time. */
function sameBytes(bytes: Uint8Array, view: DataView, start: number, arena: Uint8Array, arenaView: DataView, offset: number, length: number): boolean {
  if (start < 0 || start + length > bytes.length) return false;
  let i = 0;
  for (; i + 4 <= length; i += 4) if (view.getInt32(start + i, true) !== arenaView.getInt32(offset + i, true)) return false;
  for (; i < length; i++) if (bytes[start + i] !== arena[offset + i]) return false;
  return true;
}

/**
 * Slugs and aliases made of `[a-z0-9-]` (the only ones a path can name without `%` escapes),
 * in an open-addressing table keyed by SlugTable.hash: a path is looked up where it stands in
 * the log's bytes, no substring made. Each slot holds (hash, start of the key in one byte
 * arena, its length, its post) side by side, so a lookup touches two places in memory: the
 * slot and the key's bytes (10,000 slugs do not fit in the processor's caches).
 */
class SlugTable {
  /** Per slot: hash, arena offset, length (0: free slot), post. */
  private readonly slots: Int32Array;
  private readonly mask: number;
  private readonly arena: Uint8Array;
  private readonly arenaView: DataView;

  constructor(bySlugOrAlias: Map<string, number>) {
    const entries = [...bySlugOrAlias].filter(([key]) => /^[a-z0-9-]+$/.test(key));
    let capacity = 16;
    while (capacity < entries.length * 4) capacity *= 2;
    this.slots = new Int32Array(capacity * 4);
    this.mask = capacity - 1;
    this.arena = Buffer.from(entries.map(([key]) => key).join(''), 'latin1');
    this.arenaView = new DataView(this.arena.buffer, this.arena.byteOffset, this.arena.byteLength);
    let offset = 0;
    for (const [key, post] of entries) {
      const hash = SlugTable.hash(this.arena, this.arenaView, offset, offset + key.length);
      let i = SlugTable.slot(hash) & this.mask;
      while (this.slots[i * 4 + 2] !== 0) i = (i + 1) & this.mask;
      this.slots.set([hash, offset, key.length, post], i * 4);
      offset += key.length;
    }
  }

  static slot(hash: number): number {
    return hash ^ (hash >>> 15);
  }

  /** The hash of the slug `bytes[start, end)`, read four bytes at a time. */
  static hash(bytes: Uint8Array, view: DataView, start: number, end: number): number {
    let h = FNV_OFFSET ^ (end - start);
    let i = start;
    for (; i + 4 <= end; i += 4) h = Math.imul(h ^ view.getInt32(i, true), FNV_PRIME);
    for (; i < end; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
    return h;
  }

  /** The post of the slug `bytes[start, end)` whose SlugTable.hash is `hash`, or -1. */
  find(bytes: Uint8Array, view: DataView, start: number, end: number, hash: number): number {
    const slots = this.slots;
    const length = end - start;
    for (let i = SlugTable.slot(hash) & this.mask; ; i = (i + 1) & this.mask) {
      const at = i * 4;
      const keyLength = slots[at + 2]!;
      if (keyLength === 0) return -1;
      if (slots[at] === hash && keyLength === length && sameBytes(bytes, view, start, this.arena, this.arenaView, slots[at + 1]!, length)) return slots[at + 3]!;
    }
  }


}

/**
 * User agents seen, each with its hash (hashText, the one visitor keys are made of) or -1 for
 * a robot, found without making a string: a 32-bit hash of the agent's bytes, read four at a
 * time, picks the slot, and the bytes are compared with the copy kept in one arena (two
 * different agents never share an entry).
 */
class AgentTable {
  /** Per slot: hash, arena offset, length + 1 (0: free slot). */
  private slots = new Int32Array(1024 * 3);
  private values = new Float64Array(1024);
  private arena = new Uint8Array(64 * 1024);
  private arenaView = new DataView(this.arena.buffer);
  private used = 0;
  size = 0;

  static hash(bytes: Uint8Array, view: DataView, start: number, end: number): number {
    let h = (end - start) ^ 0x9e3779b9;
    let i = start;
    for (; i + 4 <= end; i += 4) h = Math.imul(h ^ view.getInt32(i, true), 0x85ebca6b);
    for (; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x85ebca6b);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    return h ^ (h >>> 12);
  }

  /** The value of the agent `bytes[start, end)`, whose AgentTable.hash is `hash`; NaN when unknown. */
  get(bytes: Uint8Array, view: DataView, start: number, end: number, hash: number): number {
    const slots = this.slots;
    const mask = this.values.length - 1;
    const length = end - start;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const at = i * 3;
      const stored = slots[at + 2]!;
      if (stored === 0) return NaN;
      if (slots[at] === hash && stored === length + 1 && sameBytes(bytes, view, start, this.arena, this.arenaView, slots[at + 1]!, length)) return this.values[i]!;
    }
  }

  /** Adds an agent not in the table. */
  add(bytes: Uint8Array, start: number, end: number, hash: number, value: number): void {
    if ((this.size + 1) * 2 > this.values.length) this.grow();
    const length = end - start;
    if (this.used + length > this.arena.length) {
      let size = this.arena.length * 2;
      while (this.used + length > size) size *= 2;
      const arena = new Uint8Array(size);
      arena.set(this.arena.subarray(0, this.used));
      this.arena = arena;
      this.arenaView = new DataView(arena.buffer);
    }
    this.arena.set(bytes.subarray(start, end), this.used);
    this.place(hash, this.used, length, value);
    this.used += length;
    this.size++;
  }

  clear(): void {
    this.slots = new Int32Array(1024 * 3);
    this.values = new Float64Array(1024);
    this.used = 0;
    this.size = 0;
  }

  private place(hash: number, offset: number, length: number, value: number): void {
    const mask = this.values.length - 1;
    let i = hash & mask;
    while (this.slots[i * 3 + 2] !== 0) i = (i + 1) & mask;
    this.slots[i * 3] = hash;
    this.slots[i * 3 + 1] = offset;
    this.slots[i * 3 + 2] = length + 1;
    this.values[i] = value;
  }

  private grow(): void {
    const { slots, values } = this;
    this.slots = new Int32Array(slots.length * 2);
    this.values = new Float64Array(values.length * 2);
    for (let i = 0; i < values.length; i++) {
      if (slots[i * 3 + 2] !== 0) this.place(slots[i * 3]!, slots[i * 3 + 1]!, slots[i * 3 + 2]! - 1, values[i]!);
    }
  }
}

const GET_SPACE = 0x20544547; // `GET ` read as a little-endian 32-bit integer

const EMPTY_BYTES = new Uint8Array(0);

/**
 * Decides, line by line, whether a line is a new read of a post. Most lines of a real log
 * are not posts, so the path is looked at first and the rest of such a line is never parsed.
 * The robot list runs once per distinct user agent.
 */
export class LogScanner {
  private readonly basePath: string;
  private readonly base: Bytes;
  /** False when the base path has characters a latin1 text cannot hold: it never starts a path as it is. */
  private readonly latin1Base: boolean;
  private readonly decodedBasePath: string;
  /** Whether the base path has characters a browser escapes (`/actualités/`). */
  private readonly escapedBase: boolean;
  private readonly slugHashes: number[];
  private readonly slugs: SlugTable;
  private readonly agents = new AgentTable();
  private readonly offsets = new Map<number, number>(); // 15-minute slot (UTC) → site offset in minutes
  private lastDay = NaN;
  private lastDaySet: KeySet | undefined;
  /** The chunk being read: its text and the same bytes. */
  private text = '';
  private bytes: Uint8Array = EMPTY_BYTES;
  private view: DataView = new DataView(EMPTY_BYTES.buffer);
  /** The minute of the last time field parsed (its first 17 bytes, `29/Oct/2013:09:12`, and its zone ` +0100`), as numbers; its day. */
  private minuteWords = new Int32Array(6);
  private minuteDay = NaN;

  constructor(
    private readonly catalog: PostCatalog,
    basePath: string,
    private readonly timeZone: string,
    readonly visitors: VisitorDays,
    readonly counters: ScanCounters,
  ) {
    this.basePath = basePath.endsWith('/') ? basePath : `${basePath}/`;
    this.base = bytesOf(this.basePath);
    this.latin1Base = /^[\x00-\xff]*$/.test(this.basePath);
    this.decodedBasePath = safeDecode(this.basePath) ?? this.basePath;
    this.escapedBase = !/^[A-Za-z0-9\-._~/]*$/.test(this.decodedBasePath);
    this.slugHashes = catalog.slugs.map((slug) => hashText(slug));
    this.slugs = new SlugTable(catalog.bySlugOrAlias);
  }

  /**
   * Classifies the line `text[start, end)` (without its line break) of a file in `format`,
   * counts it, and returns the verdict. `bytes` are the latin1 bytes of `text` (the chunk the
   * string was decoded from), or omitted (then made here: for a few lines, not a whole log).
   */
  scanLine(text: string, start: number, end: number, format: LogFormat, bytes?: Uint8Array): LineVerdict {
    if (bytes !== this.bytes) {
      if (bytes === undefined) bytes = Buffer.from(text, 'latin1');
      this.bytes = bytes;
      this.text = text;
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    const verdict = this.classify(start, end, format);
    if (verdict !== READ) this.counters.skipped[verdict]! += 1;
    return verdict;
  }

  private classify(start: number, end: number, format: LogFormat): LineVerdict {
    const text = this.text;
    const bytes = this.bytes;
    if (end > start && bytes[end - 1] === 13) end--; // CRLF
    // The request is the line's first quoted field, right after `] `: one search finds it.
    const open = indexIn(text, '"', start, end);
    if (open === -1 || bytes[open - 1] !== SPACE || bytes[open - 2] !== 93 /* ] */ || open - 2 <= start) {
      return UNREADABLE;
    }
    if (open + 5 > bytes.length || this.view.getInt32(open + 1, true) !== GET_SPACE) return this.otherRequest(open, end);
    const pathStart = open + 5;
    const post = this.postAt(pathStart, end);
    if (post === -2) return this.otherRequest(open, end);
    if (post === -1) return NOT_POST;

    const close = this.closingQuote(pathStart, end);
    if (close === -1) return UNREADABLE;
    const tail = this.readTail(close + 1, end);
    if (!tail) return UNREADABLE;
    let agentHash = 0;
    if (format === 'combined') {
      if (tail.agentStart === -1) return UNREADABLE;
    }
    const day = this.dayAt(open - 28);
    if (day === undefined) return UNREADABLE;
    if (tail.status !== 200 && tail.status !== 304) return STATUS;
    if (format === 'combined') {
      agentHash = this.agentHash(tail.agentStart, tail.agentEnd);
      if (agentHash === -1) return ROBOT;
    }
    const addressHash = hashBytes(bytes, start, text.indexOf(' ', start));
    const key = hashNumbers(addressHash, agentHash, this.slugHashes[post]!, day);
    if (!this.daySet(day).add(key)) return REPEAT;
    this.counters.added[post]!++;
    return READ;
  }

  /** closingQuote on the chunk: the native search finds the quote, the bytes say whether it is escaped. */
  private closingQuote(from: number, end: number): number {
    const text = this.text;
    const bytes = this.bytes;
    for (let q = indexIn(text, '"', from, end); q !== -1; q = indexIn(text, '"', q + 1, end)) {
      let backslashes = 0;
      for (let i = q - 1; i >= from && bytes[i] === BACKSLASH; i--) backslashes++;
      if (backslashes % 2 === 0) return q;
    }
    return -1;
  }

  /** readTail on the chunk's bytes (same answer). */
  private readTail(afterRequest: number, end: number): LineTail | undefined {
    const b = this.bytes;
    let i = afterRequest;
    if (b[i] !== SPACE || !isDigit(b[i + 1]!) || !isDigit(b[i + 2]!) || !isDigit(b[i + 3]!)) return undefined;
    const status = (b[i + 1]! - 48) * 100 + (b[i + 2]! - 48) * 10 + (b[i + 3]! - 48);
    i += 4;
    if (b[i] !== SPACE) return undefined;
    i++;
    if (b[i] === 45 /* - */) i++;
    else {
      const digits = i;
      while (i < end && isDigit(b[i]!)) i++;
      if (i === digits) return undefined;
    }
    const sizeEnd = i;
    if (i >= end || b[i] === 13 /* \r */) return tailOf(status, sizeEnd, -1, -1);
    if (b[i] !== SPACE || b[i + 1] !== QUOTE) return undefined;
    // The usual empty referer `"-"` needs no search.
    const refererEnd = b[i + 2] === 45 && b[i + 3] === QUOTE && i + 3 < end ? i + 3 : this.closingQuote(i + 2, end);
    if (refererEnd === -1 || b[refererEnd + 1] !== SPACE || b[refererEnd + 2] !== QUOTE) return undefined;
    const agentEnd = this.closingQuote(refererEnd + 3, end);
    if (agentEnd === -1) return undefined;
    return tailOf(status, sizeEnd, refererEnd + 3, agentEnd);
  }

  /** Not a GET: a readable line with another method (or `"-"`, junk, CONNECT), else unreadable. */
  private otherRequest(open: number, end: number): LineVerdict {
    const close = this.closingQuote(open + 1, end);
    if (close === -1 || !this.readTail(close + 1, end)) return UNREADABLE;
    return METHOD;
  }

  /**
   * The catalog index of the post whose page the path starting at `p` is; -1 when it is
   * another page; -2 when the request is not `GET <path>` at all.
   */
  private postAt(p: number, end: number): number {
    const bytes = this.bytes;
    const view = this.view;
    if (!this.latin1Base || !bytesAt(bytes, view, p, this.base)) {
      // Outside the base path (browsers write a plain base path as it is: /actualites/, not
      // /%61ctualites/), unless the base path itself has characters that must be escaped.
      if (!this.escapedBase) return p < end ? -1 : -2;
      return this.escapedPost(p, end);
    }
    const slugStart = p + this.base.bytes.length;
    // The usual page: `<slug>/`, `<slug>/index.html` or `<slug>`, then the space before the
    // protocol. The path's end is found by one native search, the slug is hashed four bytes at
    // a time and compared with the table's: an exact match is a post's page (a slug has only
    // `[a-z0-9-]`, so nothing in it ends the path earlier).
    const space = indexIn(this.text, ' ', slugStart, end);
    if (space > slugStart) {
      let slugEnd = space;
      if (bytes[space - 1] === 47 /* / */) slugEnd--;
      else if (space - 11 > slugStart && bytesAt(bytes, view, space - 11, SLASH_INDEX_HTML)) slugEnd -= 11;
      if (slugEnd > slugStart) {
        const post = this.slugs.find(bytes, view, slugStart, slugEnd, SlugTable.hash(bytes, view, slugStart, slugEnd));
        if (post !== -1) return post;
      }
    }
    // Otherwise the path, character by character: a slug then `/`, `/index.html` or nothing,
    // then the end of the path (a space, a query, a fragment, the closing quote).
    let i = slugStart;
    let c = 0;
    while (i < end) {
      c = bytes[i]!;
      if (SLUG_CHAR[c] !== 1) break;
      i++;
    }
    if (i > slugStart && i < end) {
      let known = false;
      if (endsPath(c)) known = true;
      else if (c === 47 /* / */) {
        known = (i + 1 < end && endsPath(bytes[i + 1]!)) || (i + 11 < end && bytesAt(bytes, view, i + 1, INDEX_HTML) && endsPath(bytes[i + 11]!));
      }
      if (known) return this.slugs.find(bytes, view, slugStart, i, SlugTable.hash(bytes, view, slugStart, i));
    }
    // Not a post's page, unless the path has `%` escapes (before its end) to decode first.
    for (let j = slugStart; j < end; j++) {
      const d = bytes[j]!;
      if (d === 37 /* % */) return this.escapedPost(p, end);
      if (d === SPACE || d === QUOTE || d === 10) break;
    }
    return p < end ? -1 : -2;
  }

  /** A path with `%` escapes, from its start to its end (a space or the closing quote). */
  private escapedPost(p: number, end: number): number {
    const text = this.text;
    let stop = indexIn(text, ' ', p, end);
    if (stop === -1) stop = indexIn(text, '"', p, end);
    if (stop === -1) return -2;
    const path = text.slice(p, stop);
    return path.includes('%') ? this.decodedPost(path) : -1;
  }

  /** A path with percent escapes: decoded (as UTF-8), then compared. */
  private decodedPost(raw: string): number {
    const cut = raw.search(/[?#]/);
    const decoded = safeDecode(cut === -1 ? raw : raw.slice(0, cut));
    if (decoded === undefined || !decoded.startsWith(this.decodedBasePath)) return -1;
    let rel = decoded.slice(this.decodedBasePath.length);
    if (rel.endsWith('/index.html')) rel = rel.slice(0, -'/index.html'.length);
    else if (rel.endsWith('/')) rel = rel.slice(0, -1);
    if (!/^[a-z0-9-]+$/.test(rel)) return -1;
    return this.catalog.bySlugOrAlias.get(rel) ?? -1;
  }

  /** An agent's hash, or -1 for a robot (isbot, or an empty or `-` agent); judged once per agent. */
  private agentHash(start: number, end: number): number {
    const slot = AgentTable.hash(this.bytes, this.view, start, end);
    let hash = this.agents.get(this.bytes, this.view, start, end, slot);
    if (Number.isNaN(hash)) {
      const agent = this.text.slice(start, end);
      hash = agent === '' || agent === '-' || isbot(agent) ? -1 : hashText(agent);
      if (this.agents.size >= 100_000) this.agents.clear(); // a flood of one-off agents must not grow memory for ever
      this.agents.add(this.bytes, start, end, slot, hash);
    }
    return hash;
  }

  /**
   * The calendar day (site time zone) of the time field that starts at `start` (26 bytes,
   * `29/Oct/2013:09:12:00 +0100`). Lines come in time order: the day of the last minute seen
   * is reused while the minute and the zone are the same.
   */
  private dayAt(start: number): number | undefined {
    const bytes = this.bytes;
    if (bytes[start - 1] !== 91 /* [ */) return undefined;
    const view = this.view;
    const w = this.minuteWords;
    if (!Number.isNaN(this.minuteDay) &&
        view.getInt32(start, true) === w[0] && view.getInt32(start + 4, true) === w[1] && view.getInt32(start + 8, true) === w[2] &&
        view.getInt32(start + 12, true) === w[3] && bytes[start + 16] === w[4] && view.getInt32(start + 20, true) === w[5] &&
        bytes[start + 24] === this.zoneEnd[0] && bytes[start + 25] === this.zoneEnd[1]) {
      const second = twoDigits(this.text, start + 18);
      if (second >= 0 && second <= 60 && bytes[start + 17] === 58 && bytes[start + 20] === SPACE) return this.minuteDay;
    }
    const instant = parseLogTime(this.text, start, start + 26);
    if (instant === undefined) return undefined;
    w[0] = view.getInt32(start, true);
    w[1] = view.getInt32(start + 4, true);
    w[2] = view.getInt32(start + 8, true);
    w[3] = view.getInt32(start + 12, true);
    w[4] = bytes[start + 16]!;
    w[5] = view.getInt32(start + 20, true);
    this.zoneEnd[0] = bytes[start + 24]!;
    this.zoneEnd[1] = bytes[start + 25]!;
    // Offsets are whole minutes: the whole minute has the same day.
    this.minuteDay = this.dayOf(instant);
    return this.minuteDay;
  }

  private readonly zoneEnd = new Uint8Array(2);

  /** The calendar day (days since 1970-01-01) of an instant in the site's time zone. */
  private dayOf(instant: number): number {
    const slot = Math.floor(instant / FIFTEEN_MINUTES);
    let offset = this.offsets.get(slot);
    if (offset === undefined) {
      offset = offsetMinutes(new Date(slot * FIFTEEN_MINUTES), this.timeZone);
      this.offsets.set(slot, offset);
    }
    return Math.floor((instant + offset * 60_000) / 86_400_000);
  }

  private daySet(day: number): KeySet {
    if (day === this.lastDay) return this.lastDaySet!;
    let set = this.visitors.get(day);
    if (!set) {
      set = new KeySet();
      this.visitors.set(day, set);
    }
    this.lastDay = day;
    this.lastDaySet = set;
    return set;
  }
}

const INDEX_HTML = bytesOf('index.html');
const SLASH_INDEX_HTML = bytesOf('/index.html');


/** Percent-decoding of a path written in latin1 (one char per byte) as UTF-8; undefined when malformed. */
function safeDecode(latin1Path: string): string | undefined {
  try {
    return Buffer.from(decodeURIComponentBytes(latin1Path)).toString('utf8');
  } catch {
    return undefined;
  }
}

function decodeURIComponentBytes(text: string): Uint8Array {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 37 /* % */) {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new URIError('bad escape');
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(c & 0xff);
  }
  return Uint8Array.from(bytes);
}
