import { parsePostDate, postInstant } from '../dates.js';
import type { Post } from '../post.js';
import { scanForCompare, TokenBuffer, TOKEN_DIGIT, TOKEN_NAME, wordHash } from '../normalize.js';
import { mix2, rangeKey } from './hash.js';
import { BANDS, BINS, bandKeys, LONG_MIN_WORDS, SHORT_MAX_WORDS, signature } from './minhash.js';
import { collapseRepeatedBlocks, findRepeatedParagraphs, splitParagraphs } from './repeated.js';
import { roundSimilarity, similarity } from './similarity.js';

/**
 * Finding duplicate posts without comparing every pair:
 *
 * 1. each post becomes one comparable text: title, summary and body (repeated blocks already
 *    collapsed, so a merge never changes what was compared), normalised (normalize.ts);
 * 2. exact duplicates: equal token sequences (grouped by a hash, checked word for word);
 * 3. near duplicates: one post per exact class goes into MinHash/LSH indexes (minhash.ts);
 *    posts sharing a band bucket are candidates, and every candidate pair is confirmed by its
 *    measured similarity (similarity.ts) ≥ threshold;
 * 4. facts guard (hard negatives): two posts that do not cite the same numbers and dated
 *    months are never candidates (the facts are part of every band key), and a pair where each
 *    side has a name or a day/month word the other lacks (a template filled in twice) is
 *    rejected;
 * 5. groups are connected components of confirmed pairs; each member is checked again
 *    against the post kept, and leaves the group when it is not similar enough to it.
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
  /** Candidate pairs measured (for --verbose and the benchmark). */
  candidates: number;
}

export interface FindOptions {
  threshold: number;
  timeZone: string;
  /** Called now and then with the number of posts fingerprinted. */
  onProgress?: (done: number, total: number) => void;
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

/** Title, summary and body of a post (body with repeated blocks collapsed), normalised. */
export function comparableText(post: Pick<Post, 'title' | 'summary' | 'body'>, buffer: TokenBuffer = new TokenBuffer()): Comparable & { repeated?: RepeatedEntry } {
  buffer.reset();
  scanForCompare(post.title, buffer);
  if (post.summary) scanForCompare(post.summary, buffer);
  const bodyStart = buffer.count;
  const paragraphs = splitParagraphs(post.body, buffer);
  let repeated: RepeatedEntry | undefined;
  if (paragraphs.length > 1 && findRepeatedParagraphs(paragraphs, buffer.hashes).includes(true)) {
    const collapsed = collapseRepeatedBlocks(post.body);
    repeated = { slug: '', paragraphs: collapsed.paragraphs, removed: collapsed.removed };
    buffer.truncate(bodyStart);
    scanForCompare(collapsed.body, buffer);
  }
  return { tokens: buffer.hashes.slice(0, buffer.count), flags: buffer.flags.slice(0, buffer.count), repeated };
}

/** Numbers, and month or day names next to a number: what a template changes. */
function factsKey(c: Comparable): number {
  const facts: number[] = [];
  const { tokens, flags } = c;
  for (let i = 0; i < tokens.length; i++) {
    if ((flags[i]! & TOKEN_DIGIT) !== 0) {
      facts.push(tokens[i]!);
      for (const j of [i - 1, i + 1]) {
        if (j >= 0 && j < tokens.length && (flags[j]! & TOKEN_DIGIT) === 0 && MONTHS_AND_DAYS.has(tokens[j]!)) facts.push(tokens[j]!);
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

/** Names and day/month words: the slots a template fills in. */
function slotWords(c: Comparable): Set<number> {
  const slots = new Set<number>();
  for (let i = 0; i < c.tokens.length; i++) {
    if ((c.flags[i]! & TOKEN_NAME) !== 0 || MONTHS_AND_DAYS.has(c.tokens[i]!)) slots.add(c.tokens[i]!);
  }
  return slots;
}

/** True when each side has a slot word the other lacks: the same template, filled in differently. */
export function differentFacts(a: Comparable, b: Comparable): boolean {
  const wordsA = new Set(a.tokens);
  const wordsB = new Set(b.tokens);
  let aOnly = false;
  for (const w of slotWords(a)) if (!wordsB.has(w)) { aOnly = true; break; }
  if (!aOnly) return false;
  for (const w of slotWords(b)) if (!wordsA.has(w)) return true;
  return false;
}

/** The order in which a group picks the post it keeps: published, earliest, most viewed, slug. */
export function keepOrder(timeZone: string): (a: Post, b: Post) => number {
  const time = (p: Post) => {
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

/** Within one sorted band bucket larger than this, each post meets only its next WINDOW neighbours. */
const WINDOW = 200;
const INDEX_BITS = 2 ** 21;

export function findDuplicates(posts: Post[], options: FindOptions): DedupeFindings {
  const { threshold } = options;
  const n = posts.length;
  if (n >= INDEX_BITS) throw new RangeError(`too many posts for one run: ${n}`);
  const buffer = new TokenBuffer({ capacity: 4096 });
  const sig = new Uint32Array(BINS);
  const lengths = new Int32Array(n);
  const facts = new Int32Array(n);
  const exactKeys = new Array<string>(n);
  const shortBands = new Uint32Array(n * BANDS);
  const longBands = new Uint32Array(n * BANDS);
  const inShort = new Uint8Array(n);
  const inLong = new Uint8Array(n);
  const repeated: RepeatedEntry[] = [];
  const classes = new Map<string, number[]>();

  for (let i = 0; i < n; i++) {
    const post = posts[i]!;
    const c = comparableText(post, buffer);
    if (c.repeated) repeated.push({ ...c.repeated, slug: post.slug });
    const count = c.tokens.length;
    lengths[i] = count;
    const key = rangeKey(c.tokens, 0, count);
    exactKeys[i] = key;
    const members = classes.get(key);
    if (members) {
      members.push(i);
    } else {
      classes.set(key, [i]);
      // Only the first post of an exact class goes into the near-duplicate indexes.
      facts[i] = factsKey(c);
      if (count > 0 && count <= SHORT_MAX_WORDS && signature(c.tokens, 0, count, 'short', sig)) {
        bandKeys(sig, mix2(facts[i]!, 1), shortBands, i * BANDS);
        inShort[i] = 1;
      }
      if (count >= LONG_MIN_WORDS && signature(c.tokens, 0, count, 'long', sig)) {
        bandKeys(sig, mix2(facts[i]!, 2), longBands, i * BANDS);
        inLong[i] = 1;
      }
    }
    if (options.onProgress && (i + 1) % 2000 === 0) options.onProgress(i + 1, n);
  }
  options.onProgress?.(n, n);

  // Exact classes, checked word for word (a hash collision splits a class).
  const uf = new UnionFind(n);
  const cache = new Map<number, Comparable>();
  const comparable = (i: number): Comparable => {
    let c = cache.get(i);
    if (!c) {
      if (cache.size > 4096) cache.clear();
      c = comparableText(posts[i]!, buffer);
      cache.set(i, c);
    }
    return c;
  };
  const exactClass = new Int32Array(n).fill(-1);
  for (const members of classes.values()) {
    const first = members[0]!;
    exactClass[first] = first;
    for (let k = 1; k < members.length; k++) {
      const other = members[k]!;
      if (sameTokens(comparable(first).tokens, comparable(other).tokens)) {
        uf.union(first, other);
        exactClass[other] = first;
      } else {
        exactClass[other] = other;
      }
    }
  }

  // Near duplicates: candidates from shared band buckets, each one measured.
  let candidates = 0;
  const tried = new Set<number>();
  const confirm = (i: number, j: number) => {
    const a = Math.min(i, j);
    const b = Math.max(i, j);
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
  for (const [bands, member] of [[shortBands, inShort], [longBands, inLong]] as const) {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) if (member[i] === 1) ids.push(i);
    if (ids.length < 2) continue;
    const sorted = new Float64Array(ids.length);
    for (let band = 0; band < BANDS; band++) {
      for (let k = 0; k < ids.length; k++) sorted[k] = bands[ids[k]! * BANDS + band]! * INDEX_BITS + ids[k]!;
      sorted.sort();
      let runStart = 0;
      for (let k = 1; k <= sorted.length; k++) {
        if (k < sorted.length && Math.floor(sorted[k]! / INDEX_BITS) === Math.floor(sorted[runStart]! / INDEX_BITS)) continue;
        for (let x = runStart; x < k; x++) {
          const limit = Math.min(k, x + 1 + WINDOW);
          for (let y = x + 1; y < limit; y++) confirm(sorted[x]! % INDEX_BITS, sorted[y]! % INDEX_BITS);
        }
        runStart = k;
      }
    }
  }

  // Groups: connected components, the kept post chosen, every member checked against it.
  const components = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const root = uf.find(i);
    if (root === i && !components.has(i)) continue;
    let list = components.get(root);
    if (!list) components.set(root, (list = [root]));
    if (i !== root) list.push(i);
  }
  const order = keepOrder(options.timeZone);
  const groups: DuplicateGroup[] = [];
  for (const members of components.values()) {
    if (members.length < 2) continue;
    const byRank = [...members].sort((x, y) => order(posts[x]!, posts[y]!));
    const pending = byRank;
    while (pending.length > 1) {
      const keep = pending[0]!;
      const keepText = comparable(keep);
      const duplicates: DuplicateEntry[] = [];
      const left: number[] = [];
      for (const other of pending.slice(1)) {
        if (exactClass[other] === exactClass[keep]) {
          duplicates.push({ slug: posts[other]!.slug, kind: 'exact', similarity: 1 });
          continue;
        }
        const otherText = comparable(other);
        const value = similarity(keepText.tokens, otherText.tokens, threshold);
        if (value >= threshold && !differentFacts(keepText, otherText)) {
          duplicates.push({ slug: posts[other]!.slug, kind: 'near', similarity: roundSimilarity(value) });
        } else {
          left.push(other);
        }
      }
      if (duplicates.length > 0) {
        duplicates.sort((x, y) => (x.slug < y.slug ? -1 : x.slug > y.slug ? 1 : 0));
        groups.push({ keep: posts[keep]!.slug, duplicates });
      }
      pending.splice(0, pending.length, ...left);
    }
  }
  groups.sort((x, y) => (x.keep < y.keep ? -1 : x.keep > y.keep ? 1 : 0));
  // A post merged away is not cleaned: it goes to the trash whole.
  const merged = new Set(groups.flatMap((g) => g.duplicates.map((d) => d.slug)));
  const repeatedLeft = repeated.filter((r) => !merged.has(r.slug)).sort((x, y) => (x.slug < y.slug ? -1 : x.slug > y.slug ? 1 : 0));
  return { groups, repeated: repeatedLeft, posts: n, candidates };
}

function sameTokens(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
