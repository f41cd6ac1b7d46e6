import { createHash } from 'node:crypto';
import { foldAccents } from './slug.js';

/**
 * Text as compared, never as stored. One scanner serves `normalizeForCompare` (a string, for
 * equality checks such as `news new`'s look-alike warning) and `news dedupe` (token hashes, so
 * 100,000 posts are read once, without building a string per word):
 *
 * - Unicode: NFC and NFD give the same words (combining marks are dropped after their letter);
 * - case folded, and accents folded (`École` = `ECOLE` = `ecole`), ligatures spelled out
 *   (`œ` = `oe`), as slugs do. French capitals are often written without their accent, and
 *   text pasted from old systems loses them: folding makes case-insensitivity whole. Words
 *   that differ only by an accent (`ou`/`où`, `a`/`à`) never decide whether two posts are the same;
 * - typographic quotes, apostrophes, punctuation and white space are word separators;
 * - markup dropped: HTML tags and comments (inline tags such as `<em>` do not split a word,
 *   block tags such as `<p>` do), character entities decoded (`&eacute;` = `é`), Markdown
 *   emphasis marks `*`, `_`, `~` (ignored, even inside a word), headings, quotes and lists
 *   (their marks are punctuation), link and image targets (`[texte](url)` counts as `texte`);
 * - invisible characters (soft hyphen, zero-width space and joiners) ignored;
 * - boilerplate dropped: the view count `(lu 787 fois)`, `lu 1 234 fois`.
 */

/** Token flags. */
export const TOKEN_DIGIT = 1; // contains a digit
export const TOKEN_NUMBER = 2; // only digits
export const TOKEN_NAME = 4; // capitalised, not at the start of a sentence or line

/** Character kinds, computed once per UTF-16 code unit. */
const KIND_UNKNOWN = 0;
const KIND_SEPARATOR = 1;
const KIND_MARK = 2; // combining mark: part of the word, adds nothing
const KIND_LETTER = 3; // folds to the code units in FOLDED

const kinds = new Uint8Array(0x10000);
const upper = new Uint8Array(0x10000);
const folded: Array<string | undefined> = [];
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
/** Combining marks, and invisible format characters (soft hyphen, zero-width joiners, BOM). */
const COMBINING = /^[\p{M}\p{Cf}]$/u;
/** Characters that join the parts of a word: Markdown emphasis marks (`ré*férence*`). */
const TRANSPARENT = new Set([0x2a /* * */, 0x5f /* _ */, 0x7e /* ~ */]);
/** HTML elements that sit inside a word (`ré<em>férence</em>`); any other tag separates words. */
const INLINE_TAGS = new Set(['a', 'abbr', 'b', 'bdi', 'bdo', 'cite', 'code', 'data', 'del', 'dfn', 'em', 'font', 'i', 'ins', 'kbd', 'mark', 'q', 's', 'samp', 'small', 'span', 'strong', 'sub', 'sup', 'time', 'u', 'var', 'wbr']);

function classify(code: number): number {
  const ch = String.fromCharCode(code);
  if (code >= 0xd800 && code <= 0xdfff) {
    kinds[code] = KIND_SEPARATOR; // lone surrogates; pairs are handled by the scanner
  } else if (COMBINING.test(ch) || TRANSPARENT.has(code)) {
    kinds[code] = KIND_MARK;
  } else if (LETTER_OR_DIGIT.test(ch)) {
    const fold = foldAccents(ch).toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
    if (fold === '') {
      kinds[code] = KIND_MARK;
    } else {
      kinds[code] = KIND_LETTER;
      folded[code] = fold;
      upper[code] = ch !== ch.toLowerCase() ? 1 : 0;
    }
  } else {
    kinds[code] = KIND_SEPARATOR;
  }
  return kinds[code]!;
}

for (let c = 0; c < 0x80; c++) classify(c);

/** Characters after which a capital letter starts a sentence rather than a name. */
const sentenceEnds = new Uint8Array(0x10000);
for (const c of '.!?:\n…#') sentenceEnds[c.charCodeAt(0)] = 1;

function endsSentence(code: number): boolean {
  return sentenceEnds[code] === 1;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', shy: '', hellip: '…', ndash: '–', mdash: '—',
  laquo: '«', raquo: '»', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', thinsp: ' ', euro: '€',
  eacute: 'é', egrave: 'è', ecirc: 'ê', euml: 'ë', agrave: 'à', acirc: 'â', auml: 'ä', ccedil: 'ç',
  icirc: 'î', iuml: 'ï', ocirc: 'ô', ouml: 'ö', ugrave: 'ù', ucirc: 'û', uuml: 'ü', oelig: 'œ', aelig: 'æ',
  Eacute: 'É', Egrave: 'È', Ecirc: 'Ê', Agrave: 'À', Acirc: 'Â', Ccedil: 'Ç', Ocirc: 'Ô', OElig: 'Œ',
};
const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,10}));/y;

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;

/** Hash of one folded word, as the scanner computes it. */
export function wordHash(word: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), FNV_PRIME);
  return h;
}

const HASH_LU = wordHash('lu');
const HASH_FOIS = wordHash('fois');

/**
 * Where the scanner writes: one entry per word (32-bit hash and flags). `words` is filled
 * only when asked for (normalizeForCompare, tests): building strings costs time.
 */
export class TokenBuffer {
  hashes: Int32Array;
  flags: Uint8Array;
  count = 0;
  readonly words: string[] | undefined;

  constructor(options: { words?: boolean; capacity?: number } = {}) {
    const capacity = Math.max(16, options.capacity ?? 256);
    this.hashes = new Int32Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.words = options.words ? [] : undefined;
  }

  reset(): void {
    this.count = 0;
    if (this.words) this.words.length = 0;
  }

  push(hash: number, flags: number, word: string | undefined): void {
    if (this.count === this.hashes.length) {
      const hashes = new Int32Array(this.count * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
      const f = new Uint8Array(this.count * 2);
      f.set(this.flags);
      this.flags = f;
    }
    this.hashes[this.count] = hash;
    this.flags[this.count] = flags;
    this.count++;
    if (this.words) this.words.push(word ?? '');
  }

  truncate(count: number): void {
    this.count = count;
    if (this.words) this.words.length = count;
  }

  /** A copy of the hashes, trimmed to the words written. */
  tokens(): Int32Array {
    return this.hashes.slice(0, this.count);
  }
}

/**
 * Appends the words of `text` (or of `text.slice(start, end)`), normalised for comparison, to
 * `out`. Single pass over the UTF-16 code units; see the file comment for what is folded and dropped.
 */
export function scanForCompare(text: string, out: TokenBuffer, start = 0, end = text.length): void {
  scanner.run(text, out, start, end);
}

/** The scanner's state between characters; one instance, reused (no allocation per call). */
class Scanner {
  private out: TokenBuffer = new TokenBuffer();
  private withWords = false;
  private h = FNV_OFFSET;
  private length = 0;
  private flags = 0;
  private allDigits = true;
  private word = '';
  private sentenceStart = true;
  // Boilerplate `lu <n> fois`: where `lu` was written, and how many numbers followed it.
  private luAt = -1;
  private numbersAfterLu = 0;

  run(text: string, out: TokenBuffer, start: number, end: number): void {
    this.out = out;
    const withWords = (this.withWords = out.words !== undefined);
    this.resetWord();
    this.sentenceStart = true;
    this.luAt = -1;
    this.numbersAfterLu = 0;
    // The word being read lives in locals (the hot path); the slow paths work on the fields,
    // synced before and after them.
    let h = FNV_OFFSET;
    let length = 0;
    let flags = 0;
    let allDigits = true;
    let word = '';
    for (let i = start; i < end; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x61 && code <= 0x7a) {
        h = Math.imul(h ^ code, FNV_PRIME);
        allDigits = false;
        length++;
        if (withWords) word += String.fromCharCode(code);
        continue;
      }
      if (code <= 0x5a && (code >= 0x41 || (code >= 0x30 && code <= 0x39))) {
        if (code >= 0x41) {
          if (length === 0 && !this.sentenceStart) flags |= TOKEN_NAME;
          h = Math.imul(h ^ (code + 32), FNV_PRIME);
          allDigits = false;
          if (withWords) word += String.fromCharCode(code + 32);
        } else {
          h = Math.imul(h ^ code, FNV_PRIME);
          flags |= TOKEN_DIGIT;
          if (withWords) word += String.fromCharCode(code);
        }
        length++;
        continue;
      }
      const kind = kinds[code]!;
      if (kind === KIND_SEPARATOR && code !== 0x3c && code !== 0x5d && code !== 0x26) {
        if (length > 0) {
          this.emit(h, flags, allDigits, word);
          h = FNV_OFFSET;
          length = 0;
          flags = 0;
          allDigits = true;
          word = '';
        }
        if (sentenceEnds[code] === 1) this.sentenceStart = true;
        continue;
      }
      if (kind === KIND_LETTER && code >= 0x80) {
        const fold = folded[code]!;
        if (fold.length === 1) {
          const c = fold.charCodeAt(0);
          if (length === 0 && upper[code] === 1 && !this.sentenceStart) flags |= TOKEN_NAME;
          if (c >= 0x30 && c <= 0x39) flags |= TOKEN_DIGIT;
          else allDigits = false;
          h = Math.imul(h ^ c, FNV_PRIME);
          length++;
          if (withWords) word += fold;
          continue;
        }
      }
      // Slow paths: state to the fields, work, state back.
      this.h = h;
      this.length = length;
      this.flags = flags;
      this.allDigits = allDigits;
      this.word = word;
      if (code === 0x3c || code === 0x5d || code === 0x26) i = this.markup(text, i, end, code);
      else if (code >= 0xd800 && code <= 0xdbff && i + 1 < end) {
        this.astral(text.codePointAt(i)!);
        i++;
      } else this.add(code);
      h = this.h;
      length = this.length;
      flags = this.flags;
      allDigits = this.allDigits;
      word = this.word;
    }
    if (length > 0) this.emit(h, flags, allDigits, word);
    this.resetWord();
  }

  private resetWord(): void {
    this.h = FNV_OFFSET;
    this.length = 0;
    this.flags = 0;
    this.allDigits = true;
    this.word = '';
  }

  /** Markup at `i`: skipped whole (returns the index of its last character), or handled as a character. */
  private markup(text: string, i: number, end: number, code: number): number {
    if (code === 0x3c) {
      // An HTML tag, comment or autolink: dropped whole.
      const next = text.charCodeAt(i + 1);
      if ((next >= 0x41 && next <= 0x5a) || (next >= 0x61 && next <= 0x7a) || next === 0x2f || next === 0x21 || next === 0x3f) {
        const comment = next === 0x21 && text.startsWith('<!--', i);
        const close = comment ? text.indexOf('-->', i + 4) : text.indexOf('>', i + 1);
        if (close > 0 && close < end && close - i < (comment ? 10_000 : 1_000)) {
          const inner = text.indexOf('<', i + 1);
          if (comment || inner < 0 || inner > close) {
            if (comment || !INLINE_TAGS.has(tagName(text, i))) this.endWord();
            return comment ? close + 2 : close;
          }
        }
      }
      this.endWord();
      return i;
    }
    if (code === 0x5d) {
      // A Markdown link or image target: `[texte](url "titre")` counts as `texte`.
      if (text.charCodeAt(i + 1) === 0x28) {
        const close = text.indexOf(')', i + 2);
        const newline = text.indexOf('\n', i + 2);
        if (close > 0 && close < end && close - i < 2_000 && (newline < 0 || newline > close)) {
          this.endWord();
          return close;
        }
      }
      this.endWord();
      return i;
    }
    ENTITY.lastIndex = i;
    const m = ENTITY.exec(text);
    if (!m || i + m[0].length > end) {
      this.endWord();
      return i;
    }
    const decoded = m[1] !== undefined ? safeFromCodePoint(Number(m[1])) : m[2] !== undefined ? safeFromCodePoint(parseInt(m[2], 16)) : NAMED_ENTITIES[m[3]!];
    if (decoded === undefined) this.endWord();
    else for (let k = 0; k < decoded.length; k++) this.add(decoded.charCodeAt(k));
    return i + m[0].length - 1;
  }

  /** One character other than a-z (and other than markup). */
  private add(code: number): void {
    let kind = kinds[code]!;
    if (kind === KIND_UNKNOWN) kind = classify(code);
    if (kind === KIND_SEPARATOR) {
      this.endWord();
      if (endsSentence(code)) this.sentenceStart = true;
      return;
    }
    if (kind === KIND_MARK) return;
    if (code < 0x80) {
      if (code <= 0x39) {
        this.flags |= TOKEN_DIGIT;
      } else {
        if (code <= 0x5a) {
          if (this.length === 0 && !this.sentenceStart) this.flags |= TOKEN_NAME;
          code += 32;
        }
        this.allDigits = false;
      }
      this.h = Math.imul(this.h ^ code, FNV_PRIME);
      this.length++;
      if (this.withWords) this.word += String.fromCharCode(code);
      return;
    }
    const fold = folded[code]!;
    if (this.length === 0 && upper[code] === 1 && !this.sentenceStart) this.flags |= TOKEN_NAME;
    for (let k = 0; k < fold.length; k++) {
      const c = fold.charCodeAt(k);
      if (c >= 0x30 && c <= 0x39) this.flags |= TOKEN_DIGIT;
      else this.allDigits = false;
      this.h = Math.imul(this.h ^ c, FNV_PRIME);
    }
    this.length++;
    if (this.withWords) this.word += fold;
  }

  /** An astral character (emoji, rare scripts): a letter of its own kind or a separator. */
  private astral(cp: number): void {
    const ch = String.fromCodePoint(cp);
    if (!LETTER_OR_DIGIT.test(ch)) {
      this.endWord();
      return;
    }
    const fold = ch.toLowerCase();
    for (let k = 0; k < fold.length; k++) this.h = Math.imul(this.h ^ fold.charCodeAt(k), FNV_PRIME);
    this.allDigits = false;
    this.length++;
    if (this.withWords) this.word += fold;
  }

  private endWord(): void {
    if (this.length === 0) return;
    this.emit(this.h, this.flags, this.allDigits, this.word);
    this.resetWord();
  }

  /** A finished word: written out, unless it closes the boilerplate `lu <n> fois`. */
  private emit(h: number, flags: number, allDigits: boolean, word: string): void {
    const out = this.out;
    if (allDigits) flags |= TOKEN_NUMBER;
    this.sentenceStart = false;
    if (h === HASH_FOIS && this.luAt >= 0 && this.numbersAfterLu > 0 && this.numbersAfterLu + this.luAt + 1 === out.count) {
      out.truncate(this.luAt);
      this.luAt = -1;
      return;
    }
    if (h === HASH_LU) {
      this.luAt = out.count;
      this.numbersAfterLu = 0;
    } else if (this.luAt >= 0 && (flags & TOKEN_NUMBER) !== 0) {
      this.numbersAfterLu++;
    } else {
      this.luAt = -1;
    }
    const at = out.count;
    if (at < out.hashes.length && !this.withWords) {
      out.hashes[at] = h;
      out.flags[at] = flags;
      out.count = at + 1;
    } else {
      out.push(h, flags, this.withWords ? word : undefined);
    }
  }
}

const scanner = new Scanner();

/** The lower-case name of the tag opening at `at` (`<em class="x">`, `</EM>` → `em`). */
function tagName(text: string, at: number): string {
  let i = at + 1;
  if (text.charCodeAt(i) === 0x2f) i++;
  let name = '';
  for (; i < text.length && name.length < 12; i++) {
    const c = text.charCodeAt(i) | 0x20;
    if (c < 0x61 || c > 0x7a) break;
    name += String.fromCharCode(c);
  }
  return name;
}

function safeFromCodePoint(cp: number): string | undefined {
  return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : undefined;
}

/** The words of `text` as compared, separated by single spaces (see the file comment). */
export function normalizeForCompare(text: string): string {
  const buffer = new TokenBuffer({ words: true });
  scanForCompare(text, buffer);
  return buffer.words!.join(' ');
}

/**
 * What `news new` compares to warn about a post that looks like an existing one: the title
 * and the body as normalizeForCompare gives them, each hashed (so the metadata cache can keep
 * it for every post in a few bytes). Two posts look alike when either half is equal.
 */
export function lookKey(post: { title: string; body: string }): string {
  const half = (text: string) => createHash('sha256').update(normalizeForCompare(text)).digest('base64').slice(0, 16);
  return `${half(post.title)} ${half(post.body)}`;
}

/** Whether two look-alike keys (lookKey) share their title or their body. */
export function looksAlike(a: string, b: string): boolean {
  const [ta, ba] = a.split(' ');
  const [tb, bb] = b.split(' ');
  return ta === tb || ba === bb;
}
