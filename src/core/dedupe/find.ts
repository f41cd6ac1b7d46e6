import { calendarDayOf, epochDay, parsePostDate, postInstant } from '../dates.js';
import type { Post } from '../post.js';
import { scanForCompare, TokenBuffer, TOKEN_DIGIT, TOKEN_NAME, wordHash } from '../normalize.js';
import { mix2, rangeKey } from './hash.js';
import { BANDS, BINS, bandKeys, LONG_MIN_WORDS, SHORT_MAX_WORDS, signature } from './minhash.js';
import { collapseRepeatedBlocks, findRepeatedParagraphs, mayRepeat, splitParagraphs } from './repeated.js';
import { roundSimilarity, similarity } from './similarity.js';

/**
 * Finding duplicate posts without comparing every pair:
 *
 * 1. each post becomes one comparable text: title and body (repeated blocks already
 *    collapsed, so a merge never changes what was compared), normalised (normalize.ts);
 * 2. exact duplicates: equal token sequences (same length, same two 32-bit hashes);
 * 3. near duplicates: one post per exact class goes into MinHash/LSH indexes (minhash.ts);
 *    posts sharing a band bucket are candidates, and every candidate pair is confirmed by its
 *    measured similarity (similarity.ts) ≥ threshold;
 * 4. facts guard (hard negatives): two posts that do not cite the same numbers and dated
 *    months are never candidates (the facts are part of every band key), and a pair whose
 *    differences are mostly names, numbers, days and months on both sides (a template filled
 *    in twice) is rejected (differentFacts);
 * 5. groups are connected components of confirmed pairs; each member is checked again
 *    against the post kept, and leaves the group when it is not similar enough to it, or
 *    dated more than the window (`--window`, 30 days by default) away from it: a yearly
 *    announcement published again on purpose is not a duplicate of last year's.
 *
 * A post whose file says `"dedupe": false` is left out altogether: never merged into another,
 * never kept over others, never cleaned of repeated blocks.
 *
 * The cost is linear in the number of posts plus the number of candidate pairs.
 */

export interface DuplicateEntry {
  slug: string;
  kind: 'exact' | 'near';
  similarity: number;
}

export interface DuplicateGroup {
  keep: string;
  duplicates: DuplicateEntry[];
}

export interface RepeatedEntry {
  slug: string;
  paragraphs: number;
  removed: number;
}

export interface DedupeFindings {
  groups: DuplicateGroup[];
  repeated: RepeatedEntry[];
  /** Posts examined. */
  posts: number;
  /** Posts left out because their file says `"dedupe": false`, in slug order. */
  excluded: string[];
  /** Candidate pairs measured (for --verbose and the benchmark). */
  candidates: number;
}

export interface FindOptions {
  threshold: number;
  timeZone: string;
  /** Posts dated more than this many days apart (in the site's time zone) are never duplicates. Default 30. */
  windowDays?: number;
}

export const DEFAULT_WINDOW_DAYS = 30;

/** A post that asks, with `"dedupe": false`, to be left alone by `news dedupe`. */
export function isExcludedFromDedupe(post: Pick<Post, 'dedupe'>): boolean {
  return post.dedupe === false;
}

/** The day number of a post date in the site's time zone (NaN when it cannot be read). */
function dayNumber(date: string, timeZone: string, cache: Map<string, number>): number {
  let day = cache.get(date);
  if (day === undefined) {
    const parsed = parsePostDate(date);
    day = parsed ? epochDay(calendarDayOf(parsed, timeZone)) : Number.NaN;
    cache.set(date, day);
  }
  return day;
}

const MONTHS_AND_DAYS = new Set(
  ['janvier', 'fevrier', 'mars', 'avril', 'mai', 'juin', 'juillet', 'aout', 'septembre', 'octobre', 'novembre', 'decembre',
    'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'].map(wordHash),
);

/** The words of a post as compared. */
export interface Comparable {
  tokens: Int32Array;
  flags: Uint8Array;
}

/**
 * Writes the words of a post as compared into `buffer`: title and body (repeated blocks
 * collapsed), normalised. The summary is left out: it is a lead drawn from the body, and
 * copies often lack it (a merge keeps it). Returns the repeated blocks found, if any.
 */
function scanPost(post: Pick<Post, 'title' | 'body'>, buffer: TokenBuffer): Omit<RepeatedEntry, 'slug'> | undefined {
  buffer.reset();
  scanForCompare(post.title, buffer);
  const bodyStart = buffer.count;
  const paragraphs = splitParagraphs(post.body, buffer);
  if (!mayRepeat(paragraphs) || !findRepeatedParagraphs(paragraphs, buffer.hashes, post.body).includes(true)) return undefined;
  const collapsed = collapseRepeatedBlocks(post.body);
  buffer.truncate(bodyStart);
  scanForCompare(collapsed.body, buffer);
  return { paragraphs: collapsed.paragraphs, removed: collapsed.removed };
}

/** The words of a post as compared, in arrays of their own. */
function comparableText(post: Pick<Post, 'title' | 'body'>, buffer: TokenBuffer = new TokenBuffer()): Comparable {
  scanPost(post, buffer);
  return { tokens: buffer.tokens(), flags: buffer.flags.slice(0, buffer.count) };
}

/** Numbers, and month or day names next to a number: what a template changes. */
function factsKey(tokens: Int32Array, flags: Uint8Array, count: number): number {
  const facts: number[] = [];
  for (let i = 0; i < count; i++) {
    if ((flags[i]! & TOKEN_DIGIT) !== 0) {
      facts.push(tokens[i]!);
      for (const j of [i - 1, i + 1]) {
        if (j >= 0 && j < count && (flags[j]! & TOKEN_DIGIT) === 0 && MONTHS_AND_DAYS.has(tokens[j]!)) facts.push(tokens[j]!);
      }
    }
  }
  if (facts.length === 0) return 0;
  facts.sort((x, y) => x - y);
  let h = 0x2f6b1a3c;
  let previous: number | undefined;
  for (const f of facts) {
    if (f !== previous) h = mix2(h, f);
    previous = f;
  }
  return h;
}

function isSlot(c: Comparable, i: number): boolean {
  return (c.flags[i]! & (TOKEN_NAME | TOKEN_DIGIT)) !== 0 || MONTHS_AND_DAYS.has(c.tokens[i]!);
}

/** The words of `a` that `b` lacks (as multisets): how many, and how many of them are slots. */
function unmatched(a: Comparable, b: Comparable): { words: number; slots: number } {
  const counts = new Map<number, number>();
  for (const t of b.tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  let words = 0;
  let slots = 0;
  for (let i = 0; i < a.tokens.length; i++) {
    const left = counts.get(a.tokens[i]!);
    if (left) {
      counts.set(a.tokens[i]!, left - 1);
      continue;
    }
    words++;
    if (isSlot(a, i)) slots++;
  }
  return { words, slots };
}

/**
 * True when two similar texts are the same template filled in twice: what differs between
 * them is, on both sides and for at least half, slots (names, i.e. capitalised words inside
 * a sentence, numbers, day and month names). A copy with a sentence rewritten differs in
 * ordinary words.
 */
function differentFacts(a: Comparable, b: Comparable): boolean {
  const aOnly = unmatched(a, b);
  if (aOnly.slots === 0) return false;
  const bOnly = unmatched(b, a);
  if (bOnly.slots === 0) return false;
  return 2 * (aOnly.slots + bOnly.slots) >= aOnly.words + bOnly.words;
}

/** What choosing the kept post looks at. */
export type KeepFields = Pick<Post, 'slug' | 'status' | 'date' | 'views'>;

/** The order in which a group picks the post it keeps: published, earliest, most viewed, slug. */
export function keepOrder(timeZone: string): (a: KeepFields, b: KeepFields) => number {
  const time = (p: KeepFields) => {
    const parsed = parsePostDate(p.date);
    return parsed ? postInstant(parsed, timeZone).getTime() : Number.POSITIVE_INFINITY;
  };
  return (a, b) =>
    (a.status === b.status ? 0 : a.status === 'published' ? -1 : 1) ||
    time(a) - time(b) ||
    b.views - a.views ||
    (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0);
}

class UnionFind {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(x: number): number {
    while (this.parent[x] !== x) {
      this.parent[x] = this.parent[this.parent[x]!]!;
      x = this.parent[x]!;
    }
    return x;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/** Within one band bucket larger than this, each post meets only the WINDOW posts added last. */
const WINDOW = 200;
const INDEX_BITS = 2 ** 21;

/** What the finder keeps of one post, computed without the others (so a worker thread can). */
function fingerprintPost(post: Pick<Post, 'title' | 'body'>, buffer: TokenBuffer, sig: Uint32Array, short: Uint32Array, long: Uint32Array, offset = 0) {
  const repeated = scanPost(post, buffer);
  const count = buffer.count;
  const key = rangeKey(buffer.hashes, 0, count);
  const facts = factsKey(buffer.hashes, buffer.flags, count);
  let hasShort = false;
  let hasLong = false;
  if (count > 0 && count <= SHORT_MAX_WORDS && signature(buffer.hashes, 0, count, 'short', sig)) {
    bandKeys(sig, mix2(facts, 1), short, offset);
    hasShort = true;
  }
  if (count >= LONG_MIN_WORDS && signature(buffer.hashes, 0, count, 'long', sig)) {
    bandKeys(sig, mix2(facts, 2), long, offset);
    hasLong = true;
  }
  return { count, key, repeated, hasShort, hasLong };
}

/** Fingerprints of posts in order, packed to cross from a worker thread (typed arrays transfer). */
export interface PackedFingerprints {
  metas: PostMeta[];
  /** Slugs of the posts left out (`"dedupe": false`). */
  excluded: string[];
  counts: Uint32Array;
  keys: string[];
  repeated: Array<Omit<RepeatedEntry, 'slug'> | null>;
  /** Bit 1: short-text bands present; bit 2: long-text bands present. */
  bandKinds: Uint32Array;
  short: Uint32Array;
  long: Uint32Array;
}

/** Builds PackedFingerprints one post at a time. */
export class FingerprintPacker {
  private readonly buffer = new TokenBuffer({ capacity: 4096 });
  private readonly sig = new Uint32Array(BINS);
  private readonly metas: PostMeta[] = [];
  private readonly excluded: string[] = [];
  private readonly keys: string[] = [];
  private readonly repeated: Array<Omit<RepeatedEntry, 'slug'> | null> = [];
  private readonly counts: GrowableUint32;
  private readonly kinds: GrowableUint32;
  private readonly short: GrowableUint32;
  private readonly long: GrowableUint32;

  /** `expected`: about how many posts will be added (the arrays grow past it if needed). */
  constructor(expected = 256) {
    const capacity = Math.max(16, expected);
    this.counts = new GrowableUint32(capacity);
    this.kinds = new GrowableUint32(capacity);
    this.short = new GrowableUint32(capacity * BANDS);
    this.long = new GrowableUint32(capacity * BANDS);
  }

  /** Adds a post; false (and nothing added) for a post excluded with `"dedupe": false`. */
  add(post: Post): boolean {
    if (isExcludedFromDedupe(post)) {
      this.excluded.push(post.slug);
      return false;
    }
    const k = this.metas.length;
    this.short.ensure((k + 1) * BANDS);
    this.long.ensure((k + 1) * BANDS);
    const f = fingerprintPost(post, this.buffer, this.sig, this.short.data, this.long.data, k * BANDS);
    this.metas.push({ slug: post.slug, status: post.status, date: post.date, views: post.views });
    this.keys.push(f.key);
    this.repeated.push(f.repeated ?? null);
    this.counts.ensure(k + 1);
    this.counts.data[k] = f.count;
    this.kinds.ensure(k + 1);
    this.kinds.data[k] = (f.hasShort ? 1 : 0) | (f.hasLong ? 2 : 0);
    return true;
  }

  pack(): PackedFingerprints {
    const n = this.metas.length;
    return {
      metas: this.metas,
      excluded: this.excluded,
      counts: this.counts.data.subarray(0, n),
      keys: this.keys,
      repeated: this.repeated,
      bandKinds: this.kinds.data.subarray(0, n),
      short: this.short.data.subarray(0, n * BANDS),
      long: this.long.data.subarray(0, n * BANDS),
    };
  }
}

/** What the kept-post choice needs of a post once its text is dropped. */
export interface PostMeta {
  slug: string;
  status: Post['status'];
  date: string;
  views: number;
}

class GrowableUint32 {
  data: Uint32Array;
  constructor(capacity: number) {
    this.data = new Uint32Array(capacity);
  }
  ensure(size: number): void {
    if (size <= this.data.length) return;
    const next = new Uint32Array(Math.max(size, this.data.length * 2));
    next.set(this.data);
    this.data = next;
  }
}

export interface FinderOptions extends FindOptions {
  /** Gives a post's text back (title and body) when a candidate pair is measured. */
  load(index: number): Pick<Post, 'title' | 'body'>;
}

/**
 * Finds duplicates among posts given one at a time: only a fingerprint of each is kept
 * (about 300 bytes), so 100,000 bodies need not stay in memory; a post's text is asked for
 * again (`load`) only when it is a candidate.
 */
export class DuplicateFinder {
  private readonly options: FinderOptions;
  private readonly buffer = new TokenBuffer({ capacity: 4096 });
  private readonly sig = new Uint32Array(BINS);
  private readonly scratchShort = new Uint32Array(BANDS);
  private readonly scratchLong = new Uint32Array(BANDS);
  private readonly metas: PostMeta[] = [];
  private lengths = new GrowableUint32(1024);
  private shortBands = new GrowableUint32(1024 * BANDS);
  private longBands = new GrowableUint32(1024 * BANDS);
  private readonly inShort: number[] = [];
  private readonly inLong: number[] = [];
  private readonly repeated: RepeatedEntry[] = [];
  private readonly classes = new Map<string, number[]>();
  private readonly excluded: string[] = [];
  /** Each post's day number in the site's time zone, for the window. */
  private readonly days: number[] = [];
  private readonly dayCache = new Map<string, number>();

  constructor(options: FinderOptions) {
    this.options = options;
  }

  /** Adds a post; false (and nothing added: `load` will not be asked for it) for a post excluded with `"dedupe": false`. */
  add(post: Post): boolean {
    if (isExcludedFromDedupe(post)) {
      this.excluded.push(post.slug);
      return false;
    }
    const f = fingerprintPost(post, this.buffer, this.sig, this.scratchShort, this.scratchLong);
    this.addOne({ slug: post.slug, status: post.status, date: post.date, views: post.views }, f.count, f.key, f.repeated, f.hasShort ? this.scratchShort : null, f.hasLong ? this.scratchLong : null, 0);
    return true;
  }

  /** Fingerprints made elsewhere (a worker thread), in order. */
  addPacked(packed: PackedFingerprints): void {
    this.excluded.push(...packed.excluded);
    for (let k = 0; k < packed.metas.length; k++) {
      const kind = packed.bandKinds[k]!;
      this.addOne(packed.metas[k]!, packed.counts[k]!, packed.keys[k]!, packed.repeated[k] ?? undefined, kind & 1 ? packed.short : null, kind & 2 ? packed.long : null, k * BANDS);
    }
  }

  private addOne(meta: PostMeta, count: number, key: string, repeated: Omit<RepeatedEntry, 'slug'> | undefined, short: Uint32Array | null, long: Uint32Array | null, offset: number): void {
    const i = this.metas.length;
    if (i + 1 >= INDEX_BITS) throw new RangeError(`too many posts for one run: ${i + 1}`);
    this.metas.push(meta);
    this.days.push(dayNumber(meta.date, this.options.timeZone, this.dayCache));
    if (repeated) this.repeated.push({ slug: meta.slug, ...repeated });
    this.lengths.ensure(i + 1);
    this.lengths.data[i] = count;
    const members = this.classes.get(key);
    if (members) {
      members.push(i);
      return;
    }
    this.classes.set(key, [i]);
    // Only the first post of an exact class goes into the near-duplicate indexes.
    if (short) {
      this.shortBands.ensure((this.inShort.length + 1) * BANDS);
      this.shortBands.data.set(short.subarray(offset, offset + BANDS), this.inShort.length * BANDS);
      this.inShort.push(i);
    }
    if (long) {
      this.longBands.ensure((this.inLong.length + 1) * BANDS);
      this.longBands.data.set(long.subarray(offset, offset + BANDS), this.inLong.length * BANDS);
      this.inLong.push(i);
    }
  }

  finish(): DedupeFindings {
    const { threshold } = this.options;
    const window = this.options.windowDays ?? DEFAULT_WINDOW_DAYS;
    const days = this.days;
    /** Dated close enough to be duplicates (a date that cannot be read is never close). */
    const withinWindow = (a: number, b: number) => Math.abs(days[a]! - days[b]!) <= window;
    const n = this.metas.length;
    const lengths = this.lengths.data;
    const uf = new UnionFind(n);
    const cache = new Map<number, Comparable>();
    const comparable = (i: number): Comparable => {
      let c = cache.get(i);
      if (!c) {
        if (cache.size > 4096) cache.clear();
        c = comparableText(this.options.load(i), this.buffer);
        cache.set(i, c);
      }
      return c;
    };

    // Exact classes: same word count and two independent 32-bit hashes of the word sequence
    // (a false match would need a 64-bit collision), so no text is read again for them.
    const exactClass = new Int32Array(n).fill(-1);
    for (const members of this.classes.values()) {
      const first = members[0]!;
      for (const member of members) {
        exactClass[member] = first;
        uf.union(first, member);
      }
    }

    // Near duplicates: candidates from shared band buckets, each one measured.
    let candidates = 0;
    const tried = new Set<number>();
    const confirm = (i: number, j: number) => {
      const a = Math.min(i, j);
      const b = Math.max(i, j);
      // No window here: a and b stand for their whole exact classes, whose other members may
      // be dated closer; the window is applied when each group is checked against its kept post.
      if (uf.find(a) === uf.find(b)) return;
      const pair = a * INDEX_BITS + b;
      if (tried.has(pair)) return;
      tried.add(pair);
      const la = lengths[a]!;
      const lb = lengths[b]!;
      // A ratio ≥ threshold needs 2·min / (la + lb) ≥ threshold.
      if (2 * Math.min(la, lb) < threshold * (la + lb)) return;
      candidates++;
      const ca = comparable(a);
      const cb = comparable(b);
      if (similarity(ca.tokens, cb.tokens, threshold) < threshold) return;
      if (differentFacts(ca, cb)) return;
      uf.union(a, b);
    };
    for (const [bands, ids] of [[this.shortBands.data, this.inShort], [this.longBands.data, this.inLong]] as const) {
      if (ids.length < 2) continue;
      // One open-addressing table per band: posts with the same key are chained; each post
      // meets the posts already in its bucket (at most WINDOW of them).
      const size = 2 ** Math.ceil(Math.log2(ids.length * 2));
      const shift = 32 - Math.log2(size);
      const slotKey = new Uint32Array(size);
      const slotHead = new Int32Array(size);
      const next = new Int32Array(ids.length);
      for (let band = 0; band < BANDS; band++) {
        slotHead.fill(-1);
        for (let k = 0; k < ids.length; k++) {
          const key = bands[k * BANDS + band]!;
          let slot = Math.imul(key, 0x9e3779b1) >>> shift;
          while (slotHead[slot] !== -1 && slotKey[slot] !== key) slot = (slot + 1) & (size - 1);
          let other = slotHead[slot]!;
          next[k] = other;
          slotKey[slot] = key;
          slotHead[slot] = k;
          for (let seen = 0; other !== -1 && seen < WINDOW; seen++) {
            confirm(ids[other]!, ids[k]!);
            other = next[other]!;
          }
        }
      }
    }

    // Groups: connected components, the kept post chosen, every member checked against it.
    const components = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const root = uf.find(i);
      if (root === i) continue;
      let list = components.get(root);
      if (!list) components.set(root, (list = [root]));
      list.push(i);
    }
    const order = keepOrder(this.options.timeZone);
    const metas = this.metas;
    const groups: DuplicateGroup[] = [];
    for (const members of components.values()) {
      const pending = [...members].sort((x, y) => order(metas[x]!, metas[y]!));
      while (pending.length > 1) {
        const keep = pending[0]!;
        const keepText = comparable(keep);
        const duplicates: DuplicateEntry[] = [];
        const left: number[] = [];
        for (const other of pending.slice(1)) {
          if (!withinWindow(keep, other)) {
            left.push(other);
            continue;
          }
          if (exactClass[other] === exactClass[keep]) {
            duplicates.push({ slug: metas[other]!.slug, kind: 'exact', similarity: 1 });
            continue;
          }
          const otherText = comparable(other);
          const value = similarity(keepText.tokens, otherText.tokens, threshold);
          if (value >= threshold && !differentFacts(keepText, otherText)) {
            duplicates.push({ slug: metas[other]!.slug, kind: 'near', similarity: roundSimilarity(value) });
          } else {
            left.push(other);
          }
        }
        if (duplicates.length > 0) {
          duplicates.sort((x, y) => compareText(x.slug, y.slug));
          groups.push({ keep: metas[keep]!.slug, duplicates });
        }
        pending.splice(0, pending.length, ...left);
      }
    }
    groups.sort((x, y) => compareText(x.keep, y.keep));
    // A post merged away is not cleaned: it goes to the trash whole.
    const merged = new Set(groups.flatMap((g) => g.duplicates.map((d) => d.slug)));
    const repeated = this.repeated.filter((r) => !merged.has(r.slug)).sort((x, y) => compareText(x.slug, y.slug));
    const excluded = [...this.excluded].sort(compareText);
    return { groups, repeated, posts: n, excluded, candidates };
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** All posts at once (tests, small folders). */
export function findDuplicates(posts: Post[], options: FindOptions): DedupeFindings {
  const finder = new DuplicateFinder({ ...options, load: (i) => posts[i]! });
  for (const post of posts) finder.add(post);
  return finder.finish();
}
