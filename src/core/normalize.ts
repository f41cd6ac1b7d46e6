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
 * - markup dropped: HTML tags and comments, character entities decoded (`&eacute;` = `é`),
 *   Markdown emphasis, headings and lists (their marks are punctuation), link and image
 *   targets (`[texte](url)` counts as `texte`);
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
const COMBINING = /^\p{M}$/u;

function classify(code: number): number {
  const ch = String.fromCharCode(code);
  if (code >= 0xd800 && code <= 0xdfff) {
    kinds[code] = KIND_SEPARATOR; // lone surrogates; pairs are handled by the scanner
  } else if (COMBINING.test(ch)) {
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
function endsSentence(code: number): boolean {
  return code === 0x2e /* . */ || code === 0x21 /* ! */ || code === 0x3f /* ? */ || code === 0x3a /* : */ || code === 0x0a || code === 0x2026 /* … */ || code === 0x23 /* # */;
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
 * Appends the words of `text`, normalised for comparison, to `out`. Single pass over the
 * UTF-16 code units; see the file comment for what is folded and dropped.
 */
export function scanForCompare(text: string, out: TokenBuffer): void {
  const withWords = out.words !== undefined;
  let h = FNV_OFFSET;
  let length = 0;
  let flags = 0;
  let allDigits = true;
  let word = '';
  let sentenceStart = true;
  // Boilerplate `lu <n> fois`: where `lu` was written, and how many numbers followed it.
  let luAt = -1;
  let numbersAfterLu = 0;

  const endWord = (): void => {
    if (length === 0) return;
    if (allDigits) flags |= TOKEN_NUMBER;
    if (h === HASH_FOIS && luAt >= 0 && numbersAfterLu > 0 && numbersAfterLu + luAt + 1 === out.count) {
      out.truncate(luAt);
      luAt = -1;
    } else {
      if (h === HASH_LU) {
        luAt = out.count;
        numbersAfterLu = 0;
      } else if (luAt >= 0 && (flags & TOKEN_NUMBER) !== 0) {
        numbersAfterLu++;
      } else {
        luAt = -1;
      }
      out.push(h, flags, withWords ? word : undefined);
    }
    h = FNV_OFFSET;
    length = 0;
    flags = 0;
    allDigits = true;
    word = '';
    sentenceStart = false;
  };

  const addLetter = (code: number): void => {
    let kind = kinds[code]!;
    if (kind === KIND_UNKNOWN) kind = classify(code);
    if (kind === KIND_SEPARATOR) {
      endWord();
      if (endsSentence(code)) sentenceStart = true;
      return;
    }
    if (kind === KIND_MARK) return;
    if (code < 0x80) {
      // ASCII fast path: a-z, 0-9, A-Z.
      if (code <= 0x39) {
        flags |= TOKEN_DIGIT;
        h = Math.imul(h ^ code, FNV_PRIME);
      } else {
        if (code <= 0x5a) {
          if (length === 0 && !sentenceStart) flags |= TOKEN_NAME;
          code += 32;
        }
        allDigits = false;
        h = Math.imul(h ^ code, FNV_PRIME);
      }
      length++;
      if (withWords) word += String.fromCharCode(code);
      return;
    }
    const fold = folded[code]!;
    if (length === 0 && upper[code] === 1 && !sentenceStart) flags |= TOKEN_NAME;
    for (let k = 0; k < fold.length; k++) {
      const c = fold.charCodeAt(k);
      if (c >= 0x30 && c <= 0x39) flags |= TOKEN_DIGIT;
      else allDigits = false;
      h = Math.imul(h ^ c, FNV_PRIME);
    }
    length++;
    if (withWords) word += fold;
  };

  const n = text.length;
  for (let i = 0; i < n; i++) {
    let code = text.charCodeAt(i);
    if (code === 0x3c /* < */) {
      // An HTML tag, comment or autolink: dropped whole.
      const next = text.charCodeAt(i + 1);
      if ((next >= 0x41 && next <= 0x5a) || (next >= 0x61 && next <= 0x7a) || next === 0x2f || next === 0x21 || next === 0x3f) {
        const close = next === 0x21 && text.startsWith('<!--', i) ? text.indexOf('-->', i + 4) : text.indexOf('>', i + 1);
        const limit = next === 0x21 ? 10_000 : 1_000;
        if (close > 0 && close - i < limit) {
          const inner = text.indexOf('<', i + 1);
          if (next === 0x21 || inner < 0 || inner > close) {
            endWord();
            i = next === 0x21 && text.startsWith('<!--', i) ? close + 2 : close;
            continue;
          }
        }
      }
      endWord();
      continue;
    }
    if (code === 0x5d /* ] */ && text.charCodeAt(i + 1) === 0x28 /* ( */) {
      // A Markdown link or image target: `[texte](url "titre")` counts as `texte`.
      const close = text.indexOf(')', i + 2);
      const newline = text.indexOf('\n', i + 2);
      if (close > 0 && close - i < 2_000 && (newline < 0 || newline > close)) {
        endWord();
        i = close;
        continue;
      }
    }
    if (code === 0x26 /* & */) {
      ENTITY.lastIndex = i;
      const m = ENTITY.exec(text);
      if (m) {
        const decoded = m[1] !== undefined ? safeFromCodePoint(Number(m[1])) : m[2] !== undefined ? safeFromCodePoint(parseInt(m[2], 16)) : NAMED_ENTITIES[m[3]!];
        i += m[0].length - 1;
        if (decoded === undefined) {
          endWord();
          continue;
        }
        for (let k = 0; k < decoded.length; k++) addLetter(decoded.charCodeAt(k));
        continue;
      }
    }
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < n) {
      // An astral character (emoji, rare scripts): a letter of its own kind or a separator.
      const cp = text.codePointAt(i)!;
      i++;
      const ch = String.fromCodePoint(cp);
      if (LETTER_OR_DIGIT.test(ch)) {
        const fold = ch.toLowerCase();
        for (let k = 0; k < fold.length; k++) h = Math.imul(h ^ fold.charCodeAt(k), FNV_PRIME);
        allDigits = false;
        length++;
        if (withWords) word += fold;
      } else {
        endWord();
      }
      continue;
    }
    if (code === 0x2019 || code === 0x27) code = 0x27; // apostrophes: separators either way
    addLetter(code);
  }
  endWord();
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
