/**
 * A set of 53-bit integer keys (visitor hashes) in one Float64Array, open addressing with
 * linear probing. A `Set<number>` of such keys allocates a heap number per key: on a log of
 * millions of reads that is most of the garbage collector's work; this allocates nothing per key.
 */
export class KeySet {
  private table: Float64Array;
  private mask: number;
  size = 0;

  constructor(expected = 16) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.table = new Float64Array(capacity);
    this.mask = capacity - 1;
  }

  static from(keys: ArrayLike<number>): KeySet {
    const set = new KeySet(keys.length);
    for (let i = 0; i < keys.length; i++) set.add(keys[i]!);
    return set;
  }

  /** Adds `key`; returns false when it was already there. 0 is stored as 2^53 (0 marks a free slot). */
  add(key: number): boolean {
    const k = key === 0 ? 9007199254740992 : key;
    const table = this.table;
    let i = (k % 4294967296 ^ Math.floor(k / 4294967296)) & this.mask;
    for (;;) {
      const v = table[i]!;
      if (v === 0) break;
      if (v === k) return false;
      i = (i + 1) & this.mask;
    }
    table[i] = k;
    if (++this.size * 2 > table.length) this.grow();
    return true;
  }

  has(key: number): boolean {
    const k = key === 0 ? 9007199254740992 : key;
    const table = this.table;
    let i = (k % 4294967296 ^ Math.floor(k / 4294967296)) & this.mask;
    for (;;) {
      const v = table[i]!;
      if (v === 0) return false;
      if (v === k) return true;
      i = (i + 1) & this.mask;
    }
  }

  /** The keys, sorted (the same set gives the same bytes). */
  sortedKeys(): Float64Array {
    const out = new Float64Array(this.size);
    let n = 0;
    for (const v of this.table) if (v !== 0) out[n++] = v === 9007199254740992 ? 0 : v;
    return out.sort();
  }

  private grow(): void {
    const old = this.table;
    this.table = new Float64Array(old.length * 2);
    this.mask = this.table.length - 1;
    this.size = 0;
    for (const v of old) if (v !== 0) this.add(v === 9007199254740992 ? 0 : v);
  }
}
