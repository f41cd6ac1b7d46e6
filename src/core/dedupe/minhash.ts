import { fmix32, mix2 } from './hash.js';

/**
 * MinHash signatures by one-permutation hashing (each shingle hashed once, its top bits pick
 * one of BINS bins, the bin keeps its smallest value), with "optimal densification" for the
 * empty bins of short texts (an empty bin borrows from the first non-empty bin of a fixed
 * pseudo-random probe sequence, the same for every text). Two signatures agree in a bin with
 * probability about the Jaccard similarity of the shingle sets, at the cost of one hash per
 * shingle instead of one per shingle and bin.
 *
 * LSH banding: BANDS bands of ROWS bins. Two texts become candidates when they agree on every
 * bin of at least one band: probability 1 − (1 − J^ROWS)^BANDS, i.e. 0.87 at J = 0.5,
 * 0.99 at J = 0.6, ≥ 0.9999 from J = 0.7, and 0.003 at J = 0.1.
 */

export const BINS = 128;
export const ROWS = 4;
export const BANDS = BINS / ROWS;
const BIN_SHIFT = 32 - Math.log2(BINS);
const VALUE_MASK = (1 << BIN_SHIFT) - 1;
const EMPTY = 0xffffffff;
const PROBES = 64;

/** Shingles: single words for short texts, three-word shingles for longer ones. */
export const SHINGLE_WORDS = 3;
/** Texts up to this many words are indexed by single words... */
export const SHORT_MAX_WORDS = 40;
/** ...and texts from this many words by three-word shingles (both in between, see find.ts). */
export const LONG_MIN_WORDS = 30;

export type ShingleKind = 'short' | 'long';

const probeTable = (() => {
  const table = new Uint8Array(BINS * PROBES);
  for (let bin = 0; bin < BINS; bin++) {
    for (let a = 0; a < PROBES; a++) table[bin * PROBES + a] = fmix32(mix2(bin + 1, a + 0x51ed)) & (BINS - 1);
  }
  return table;
})();

/** Fills `signature` (BINS values) for the shingles of `tokens[start, end)`. False when there are none. */
export function signature(tokens: Int32Array, start: number, end: number, kind: ShingleKind, out: Uint32Array): boolean {
  out.fill(EMPTY);
  let any = false;
  if (kind === 'short') {
    for (let i = start; i < end; i++) {
      const s = fmix32(tokens[i]! ^ 0x2545f491);
      const bin = s >>> BIN_SHIFT;
      const value = s & VALUE_MASK;
      if (value < out[bin]!) out[bin] = value;
      any = true;
    }
  } else {
    for (let i = start; i + SHINGLE_WORDS <= end; i++) {
      const s = fmix32((Math.imul(tokens[i]!, 0x9e3779b1) + Math.imul(tokens[i + 1]!, 0x85ebca77) + Math.imul(tokens[i + 2]!, 0xc2b2ae3d)) | 0);
      const bin = s >>> BIN_SHIFT;
      const value = s & VALUE_MASK;
      if (value < out[bin]!) out[bin] = value;
      any = true;
    }
  }
  if (!any) return false;
  densify(out);
  return true;
}

const scratch = new Uint32Array(BINS);

function densify(out: Uint32Array): void {
  let empty = 0;
  for (let bin = 0; bin < BINS; bin++) if (out[bin] === EMPTY) empty++;
  if (empty === 0) return;
  const filled = scratch;
  filled.set(out);
  for (let bin = 0; bin < BINS; bin++) {
    if (filled[bin] !== EMPTY) continue;
    let value = EMPTY;
    for (let a = 0; a < PROBES; a++) {
      const from = probeTable[bin * PROBES + a]!;
      if (filled[from] !== EMPTY) {
        value = (filled[from]! + ((a + 1) << BIN_SHIFT)) >>> 0;
        break;
      }
    }
    if (value === EMPTY) {
      // Rare: a text with one or two shingles. Rotate to the next filled bin.
      for (let step = 1; step < BINS; step++) {
        const from = (bin + step) & (BINS - 1);
        if (filled[from] !== EMPTY) {
          value = (filled[from]! ^ (step << BIN_SHIFT)) >>> 0;
          break;
        }
      }
    }
    out[bin] = value;
  }
}

/** One 32-bit key per band, salted with the band number and `salt` (facts and shingle kind). */
export function bandKeys(sig: Uint32Array, salt: number, out: Uint32Array, outOffset: number): void {
  for (let band = 0; band < BANDS; band++) {
    // Keys only pick buckets (every candidate is measured), so a light mix is enough.
    let h = salt ^ Math.imul(band + 1, 0x9e3779b1);
    for (let r = 0; r < ROWS; r++) {
      h = Math.imul(h ^ sig[band * ROWS + r]!, 0x85ebca6b);
      h ^= h >>> 15;
    }
    out[outOffset + band] = fmix32(h);
  }
}
