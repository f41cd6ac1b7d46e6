import { scanForCompare, TokenBuffer } from '../normalize.js';
import { rangeHash, sameRange } from './hash.js';

/**
 * Repeated content inside one post: a run of paragraphs that appears again (the legacy page
 * printed its whole body twice, the second copy differing in white space), or a paragraph
 * repeated. Paragraphs are compared once normalised (see normalize.ts).
 *
 * What counts, so that a heading used in two sections is never dropped:
 * - a run of two or more paragraphs seen before, holding at least MIN_WORDS words in all;
 * - a single paragraph of at least MIN_WORDS words seen before;
 * - any paragraph that repeats the one just before it (a stutter), whatever its length.
 * Paragraphs without words (`* * *`, `---`) are never dropped on their own.
 * The first copy is kept; later copies go, with the blank lines before them.
 */

export const MIN_WORDS = 8;

/** A paragraph of a body: its characters, and its words in a token buffer. */
export interface Paragraph {
  start: number;
  end: number;
  tokenStart: number;
  tokenEnd: number;
  /** Hash of the paragraph's words; 0 when it has none. */
  key: number;
}

export interface CollapseResult {
  /** Paragraphs before. */
  paragraphs: number;
  /** Paragraphs dropped. */
  removed: number;
  /** The body with later copies dropped (the same string when nothing is). */
  body: string;
}

/** Splits a body on blank lines; each paragraph's words go into `buffer` (appended). */
export function splitParagraphs(body: string, buffer: TokenBuffer): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  const n = body.length;
  let start = -1;
  let end = -1;
  let lineStart = 0;
  while (lineStart <= n) {
    let lineEnd = body.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = n;
    let blank = true;
    for (let i = lineStart; i < lineEnd; i++) {
      const c = body.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0b && c !== 0x0c && c !== 0xa0) {
        blank = false;
        break;
      }
    }
    if (blank) {
      if (start >= 0) paragraphs.push(makeParagraph(body, start, end, buffer));
      start = -1;
    } else {
      if (start < 0) start = lineStart;
      end = lineEnd;
    }
    lineStart = lineEnd + 1;
  }
  if (start >= 0) paragraphs.push(makeParagraph(body, start, end, buffer));
  return paragraphs;
}

function makeParagraph(body: string, start: number, end: number, buffer: TokenBuffer): Paragraph {
  const tokenStart = buffer.count;
  scanForCompare(body, buffer, start, end);
  const tokenEnd = buffer.count;
  const key = tokenEnd > tokenStart ? rangeHash(buffer.hashes, tokenStart, tokenEnd) : 0;
  return { start, end, tokenStart, tokenEnd, key };
}

const keyScratch: number[] = [];

/** True when two paragraphs with words share a key: the only case worth a closer look. */
export function mayRepeat(paragraphs: Paragraph[]): boolean {
  if (paragraphs.length < 2) return false;
  keyScratch.length = 0;
  for (const p of paragraphs) if (p.key !== 0) keyScratch.push(p.key);
  keyScratch.sort((a, b) => a - b);
  for (let i = 1; i < keyScratch.length; i++) if (keyScratch[i] === keyScratch[i - 1]) return true;
  return false;
}

/** Which paragraphs are later copies (one pass; see the file comment for what counts). */
export function findRepeatedParagraphs(paragraphs: Paragraph[], tokens: Int32Array, body: string): boolean[] {
  const removed = new Array<boolean>(paragraphs.length).fill(false);
  if (!mayRepeat(paragraphs)) return removed;
  const kept: number[] = [];
  const seen = new Map<number, number[]>();
  const words = (p: Paragraph) => p.tokenEnd - p.tokenStart;
  const same = (a: Paragraph, b: Paragraph) =>
    a.key === b.key &&
    (words(a) === 0
      ? words(b) === 0 && body.slice(a.start, a.end).trim() === body.slice(b.start, b.end).trim()
      : sameRange(tokens, a.tokenStart, a.tokenEnd, tokens, b.tokenStart, b.tokenEnd));
  for (let i = 0; i < paragraphs.length; i++) {
    const p = paragraphs[i]!;
    const earlier = words(p) > 0 ? seen.get(p.key) : undefined;
    let bestLength = 0;
    let bestWords = 0;
    let adjacent = false;
    for (const at of earlier ?? []) {
      let length = 0;
      let count = 0;
      while (i + length < paragraphs.length && at + length < kept.length && same(paragraphs[kept[at + length]!]!, paragraphs[i + length]!)) {
        count += words(paragraphs[i + length]!);
        length++;
      }
      if (length > bestLength || (length === bestLength && at + length === kept.length)) {
        bestLength = length;
        bestWords = count;
        adjacent = at + length === kept.length;
      }
    }
    const counts = bestLength > 0 && (bestWords >= MIN_WORDS || (adjacent && bestLength === 1));
    if (counts) {
      for (let k = 0; k < bestLength; k++) removed[i + k] = true;
      i += bestLength - 1;
      continue;
    }
    if (words(p) > 0) {
      const list = seen.get(p.key);
      if (!list) seen.set(p.key, [kept.length]);
      else if (list.length < 64) list.push(kept.length);
    }
    kept.push(i);
  }
  return removed;
}

/** The body without the paragraphs marked removed; separators before them go too. */
export function dropParagraphs(body: string, paragraphs: Paragraph[], removed: boolean[]): string {
  if (!removed.includes(true)) return body;
  let out = body.slice(0, paragraphs[0]!.start);
  for (let i = 0; i < paragraphs.length; i++) {
    if (removed[i]) continue;
    const p = paragraphs[i]!;
    if (i > 0) out += body.slice(paragraphs[i - 1]!.end, p.start);
    out += body.slice(p.start, p.end);
  }
  out += body.slice(paragraphs[paragraphs.length - 1]!.end);
  return out;
}

/**
 * Collapses repeated blocks, keeping the first copy. Repeats until nothing changes, so that
 * running it again on its result finds nothing.
 */
export function collapseRepeatedBlocks(body: string, buffer: TokenBuffer = new TokenBuffer()): CollapseResult {
  let current = body;
  let total = 0;
  let before = -1;
  for (let round = 0; round < 8; round++) {
    buffer.reset();
    const paragraphs = splitParagraphs(current, buffer);
    if (before < 0) before = paragraphs.length;
    const removed = findRepeatedParagraphs(paragraphs, buffer.hashes, current);
    const count = removed.filter(Boolean).length;
    if (count === 0) break;
    total += count;
    current = dropParagraphs(current, paragraphs, removed);
  }
  return { paragraphs: before, removed: total, body: current };
}
