// A set of base64url SHA-256 hashes for revocation lists of millions of entries. A JS Set of
// 1M strings costs about a second to build on this hardware; SHA-256 output is uniform, so its
// first characters are already a perfect hash and an open-addressing table of string indexes
// builds in a single pass and probes in O(1).
const VALUE = new Int8Array(128).fill(-1);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
for (let i = 0; i < 64; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

/** Characters of base64url for 32 bytes, without padding. */
const HASH_LENGTH = 43;

/** True when `s` is base64url (no padding) of exactly 32 bytes, canonical in its last character. */
export function isHash32(s: unknown): s is string {
  if (typeof s !== 'string' || s.length !== HASH_LENGTH) return false;
  // VALUE is undefined for a character of 128 or more, and `undefined >= 0` is false.
  for (let i = 0; i < HASH_LENGTH; i++) if (!(VALUE[s.charCodeAt(i)]! >= 0)) return false;
  // 43 characters carry 258 bits; the last 2 must be zero.
  return (VALUE[s.charCodeAt(HASH_LENGTH - 1)]! & 3) === 0;
}

export interface HashLookup {
  readonly size: number;
  has(hash: string): boolean;
}

export class HashSet32 implements HashLookup {
  #keys: readonly string[];
  /**
   * Two int32 per slot, side by side so a probe costs one cache miss: the index into #keys
   * (-1 when empty), and characters 5–9 of that key, so most mismatches are settled without
   * touching the string.
   */
  #table: Int32Array;
  #mask: number;
  #size = 0;

  /**
   * Builds from base64url hashes, checking each in the same pass; returns the index of the first
   * entry that is not a 32-byte hash through `bad` (and builds nothing more). Duplicates count once.
   * The array is kept, not copied: callers hand over a list they no longer change.
   */
  constructor(hashes: readonly unknown[], bad?: { index: number }) {
    let cap = 16;
    while (cap < hashes.length * 2) cap *= 2;
    const mask = cap - 1;
    const table = new Int32Array(cap * 2).fill(-1);
    this.#mask = mask;
    this.#table = table;
    this.#keys = hashes as readonly string[];
    // One pass, locals only: at a million entries this loop is most of a list's load time.
    let size = 0;
    outer: for (let n = 0; n < hashes.length; n++) {
      const h = hashes[n];
      if (!isHash32(h)) {
        if (bad) bad.index = n;
        break;
      }
      const tag = bits30(h, 5);
      let i = bits30(h, 0) & mask;
      for (;;) {
        const k = table[2 * i]!;
        if (k < 0) {
          table[2 * i] = n;
          table[2 * i + 1] = tag;
          size++;
          continue outer;
        }
        if (table[2 * i + 1] === tag && hashes[k] === h) continue outer;
        i = (i + 1) & mask;
      }
    }
    this.#size = size;
  }

  get size(): number {
    return this.#size;
  }

  /** Any string may be asked (a wrong length or character only makes the probe miss). */
  has(hash: string): boolean {
    const table = this.#table;
    const mask = this.#mask;
    const tag = bits30(hash, 5);
    let i = bits30(hash, 0) & mask;
    for (;;) {
      const k = table[2 * i]!;
      if (k < 0) return false;
      if (table[2 * i + 1] === tag && this.#keys[k] === hash) return true;
      i = (i + 1) & mask;
    }
  }
}

/** 30 bits from 5 base64url characters starting at `at`. */
function bits30(s: string, at: number): number {
  return (
    (VALUE[s.charCodeAt(at)]! << 24) |
    (VALUE[s.charCodeAt(at + 1)]! << 18) |
    (VALUE[s.charCodeAt(at + 2)]! << 12) |
    (VALUE[s.charCodeAt(at + 3)]! << 6) |
    VALUE[s.charCodeAt(at + 4)]!
  );
}
