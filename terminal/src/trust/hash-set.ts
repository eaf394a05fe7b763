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
  for (let i = 0; i < HASH_LENGTH; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || VALUE[c]! < 0) return false;
  }
  // 43 characters carry 258 bits; the last 2 must be zero.
  return (VALUE[s.charCodeAt(HASH_LENGTH - 1)]! & 3) === 0;
}

export interface HashLookup {
  readonly size: number;
  has(hash: string): boolean;
}

export class HashSet32 implements HashLookup {
  #keys: readonly string[];
  /** Index into #keys per slot, -1 when empty. */
  #slots: Int32Array;
  /** Characters 5–9 of the slot's key, so most mismatches are settled without touching the string. */
  #tags: Int32Array;
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
    this.#mask = cap - 1;
    this.#slots = new Int32Array(cap).fill(-1);
    this.#tags = new Int32Array(cap);
    this.#keys = hashes as readonly string[];
    for (let i = 0; i < hashes.length; i++) {
      const h = hashes[i];
      if (!isHash32(h)) {
        if (bad) bad.index = i;
        return;
      }
      this.#insert(h, i);
    }
  }

  get size(): number {
    return this.#size;
  }

  has(hash: string): boolean {
    if (hash.length !== HASH_LENGTH) return false;
    const slots = this.#slots;
    const tag = bits30(hash, 5);
    let i = bits30(hash, 0) & this.#mask;
    for (;;) {
      const k = slots[i]!;
      if (k < 0) return false;
      if (this.#tags[i] === tag && this.#keys[k] === hash) return true;
      i = (i + 1) & this.#mask;
    }
  }

  #insert(hash: string, index: number): void {
    const slots = this.#slots;
    const tag = bits30(hash, 5);
    let i = bits30(hash, 0) & this.#mask;
    for (;;) {
      const k = slots[i]!;
      if (k < 0) {
        slots[i] = index;
        this.#tags[i] = tag;
        this.#size++;
        return;
      }
      if (this.#tags[i] === tag && this.#keys[k] === hash) return;
      i = (i + 1) & this.#mask;
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
