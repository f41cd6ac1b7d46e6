/** Small, fast 32-bit hashing helpers shared by the dedupe modules. */

/** MurmurHash3's finaliser: spreads every input bit over the output. Unsigned result. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Order-sensitive combination of two 32-bit values. */
export function mix2(a: number, b: number): number {
  return fmix32((Math.imul(a, 0x9e3779b1) + Math.imul(b ^ (b >>> 15), 0x85ebca77)) | 0);
}

/** Two independent hashes of a token range, with its length: equal ranges give equal keys. */
export function rangeKey(tokens: Int32Array, start: number, end: number): string {
  let h1 = 0x12345678;
  let h2 = 0x9abcdef0 | 0;
  for (let i = start; i < end; i++) {
    const t = tokens[i]!;
    h1 = Math.imul(h1 ^ t, 0x01000193);
    h2 = (Math.imul(h2, 31) + (t ^ (t >>> 13))) | 0;
  }
  return `${end - start}:${(h1 >>> 0).toString(36)}:${(h2 >>> 0).toString(36)}`;
}

export function sameRange(a: Int32Array, aStart: number, aEnd: number, b: Int32Array, bStart: number, bEnd: number): boolean {
  if (aEnd - aStart !== bEnd - bStart) return false;
  for (let i = 0; i < aEnd - aStart; i++) if (a[aStart + i] !== b[bStart + i]) return false;
  return true;
}

/** One 32-bit hash of a token range (callers confirm equality with sameRange). */
export function rangeHash(tokens: Int32Array, start: number, end: number): number {
  let h = 0x3c6ef372 ^ (end - start);
  for (let i = start; i < end; i++) h = Math.imul(h ^ tokens[i]!, 0x01000193);
  return fmix32(h) || 1;
}
