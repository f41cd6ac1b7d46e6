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

/** A 53-bit hash of `text[start, end)` (cyrb53), stable across runs and machines. */
export function hashText(text: string, start = 0, end = text.length, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = start; i < end; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
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
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
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

/** The rest of a path below the base path: a post's page (slug, then `/`, `/index.html` or nothing, then its end), or a path holding a `%`. */
const SLUG_PATH = /[a-z0-9-]+(?:\/(?:index\.html)?)?[ ?#"]|[^ "%\n]*%/y;

/**
 * Decides, line by line, whether a line is a new read of a post. Most lines of a real log
 * are not posts, so the path is looked at first and the rest of such a line is never parsed.
 * The robot list runs once per distinct user agent.
 */
export class LogScanner {
  private readonly basePath: string;
  private readonly decodedBasePath: string;
  /** Whether the base path has characters a browser escapes (`/actualités/`). */
  private readonly escapedBase: boolean;
  private readonly slugHashes: number[];
  private readonly agents = new Map<string, number>(); // agent → its hash, or -1 for a robot
  private readonly offsets = new Map<number, number>(); // 15-minute slot (UTC) → site offset in minutes
  private lastDay = NaN;
  private lastDaySet: KeySet | undefined;

  constructor(
    private readonly catalog: PostCatalog,
    basePath: string,
    private readonly timeZone: string,
    readonly visitors: VisitorDays,
    readonly counters: ScanCounters,
  ) {
    this.basePath = basePath.endsWith('/') ? basePath : `${basePath}/`;
    this.decodedBasePath = safeDecode(this.basePath) ?? this.basePath;
    this.escapedBase = !/^[A-Za-z0-9\-._~/]*$/.test(this.decodedBasePath);
    this.slugHashes = catalog.slugs.map((slug) => hashText(slug));
  }

  /**
   * Classifies the line `text[start, end)` (without its line break) of a file in `format`,
   * counts it, and returns the verdict.
   */
  scanLine(text: string, start: number, end: number, format: LogFormat): LineVerdict {
    const verdict = this.classify(text, start, end, format);
    if (verdict !== READ) this.counters.skipped[verdict]! += 1;
    return verdict;
  }

  private classify(text: string, start: number, end: number, format: LogFormat): LineVerdict {
    if (end > start && text.charCodeAt(end - 1) === 13) end--; // CRLF
    // The request is the line's first quoted field, right after `] `: one search finds it.
    const open = indexIn(text, '"', start, end);
    if (open === -1 || text.charCodeAt(open - 1) !== SPACE || text.charCodeAt(open - 2) !== 93 /* ] */ || open - 2 <= start) {
      return UNREADABLE;
    }
    if (!text.startsWith('GET ', open + 1)) return this.otherRequest(text, open, end);
    const pathStart = open + 5;
    const post = this.postAt(text, pathStart, end);
    if (post === -2) return this.otherRequest(text, open, end);
    if (post === -1) return NOT_POST;

    const close = closingQuote(text, pathStart, end);
    if (close === -1) return UNREADABLE;
    const tail = readTail(text, close + 1, end);
    if (!tail) return UNREADABLE;
    let agentHash = 0;
    if (format === 'combined') {
      if (tail.agentStart === -1) return UNREADABLE;
    }
    const day = this.dayAt(text, open - 28, open - 2);
    if (day === undefined) return UNREADABLE;
    if (tail.status !== 200 && tail.status !== 304) return STATUS;
    if (format === 'combined') {
      agentHash = this.agentHash(text, tail.agentStart, tail.agentEnd);
      if (agentHash === -1) return ROBOT;
    }
    const addressHash = hashText(text, start, text.indexOf(' ', start));
    const key = hashNumbers(addressHash, agentHash, this.slugHashes[post]!, day);
    if (!this.daySet(day).add(key)) return REPEAT;
    this.counters.added[post]!++;
    return READ;
  }

  /** Not a GET: a readable line with another method (or `"-"`, junk, CONNECT), else unreadable. */
  private otherRequest(text: string, open: number, end: number): LineVerdict {
    const close = closingQuote(text, open + 1, end);
    if (close === -1 || !readTail(text, close + 1, end)) return UNREADABLE;
    return METHOD;
  }

  /**
   * The catalog index of the post whose page the path starting at `p` is; -1 when it is
   * another page; -2 when the request is not `GET <path>` at all.
   */
  private postAt(text: string, p: number, end: number): number {
    const base = this.basePath;
    if (!text.startsWith(base, p)) {
      // Outside the base path (browsers write a plain base path as it is: /actualites/, not
      // /%61ctualites/), unless the base path itself has characters that must be escaped.
      if (!this.escapedBase) return p < end ? -1 : -2;
      return this.escapedPost(text, p, end);
    }
    // One native match decides: a slug, then `/`, `/index.html` or nothing, then the end of
    // the path (a space, a query, a fragment, the closing quote); or a `%` somewhere in the path.
    const re = SLUG_PATH;
    const slugStart = p + base.length;
    re.lastIndex = slugStart;
    // test(), not exec(): no match array is made; the slug's end is read back from lastIndex.
    if (!re.test(text) || re.lastIndex > end) return p < end ? -1 : -2;
    const after = re.lastIndex - 1; // the character that ended the path, or the `%`
    if (text.charCodeAt(after) === 37 /* % */) return this.escapedPost(text, p, end);
    let slugEnd = after;
    if (text.charCodeAt(slugEnd - 1) === 47 /* / */) slugEnd--;
    else if (slugEnd - 11 > slugStart && text.startsWith('/index.html', slugEnd - 11)) slugEnd -= 11;
    return this.catalog.bySlugOrAlias.get(text.slice(slugStart, slugEnd)) ?? -1;
  }

  /** A path with `%` escapes, from its start to its end (a space or the closing quote). */
  private escapedPost(text: string, p: number, end: number): number {
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
  private agentHash(text: string, start: number, end: number): number {
    const agent = text.slice(start, end);
    let hash = this.agents.get(agent);
    if (hash === undefined) {
      hash = agent === '' || agent === '-' || isbot(agent) ? -1 : hashText(agent);
      if (this.agents.size > 100_000) this.agents.clear(); // a flood of one-off agents must not grow memory for ever
      // A copy as the key, so the cache does not keep the whole chunk alive.
      this.agents.set(Buffer.from(agent, 'latin1').toString('latin1'), hash);
    }
    return hash;
  }

  /**
   * The calendar day (site time zone) of the time field `text[start, end)`. Lines come in time
   * order: the day of the last minute seen is reused while the minute and the zone are the same.
   */
  private dayAt(text: string, start: number, end: number): number | undefined {
    if (end - start === 26 && text.charCodeAt(start - 1) === 91 /* [ */ && this.lastMinute !== '' &&
        text.startsWith(this.lastMinute, start) && text.startsWith(this.lastZone, start + 20)) {
      const second = twoDigits(text, start + 18);
      if (second >= 0 && second <= 60 && text.charCodeAt(start + 17) === 58 && text.charCodeAt(start + 20) === SPACE) return this.lastMinuteDay;
    }
    if (text.charCodeAt(start - 1) !== 91) return undefined;
    const instant = parseLogTime(text, start, end);
    if (instant === undefined) return undefined;
    this.lastMinute = text.slice(start, start + 17);
    this.lastZone = text.slice(start + 20, start + 26);
    // Offsets are whole minutes: the whole minute has the same day.
    this.lastMinuteDay = this.dayOf(instant);
    return this.lastMinuteDay;
  }

  private lastMinute = '';
  private lastZone = '';
  private lastMinuteDay = 0;

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
