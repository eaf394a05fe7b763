// The revocation table for lists read straight from their JSON bytes: each entry is the offset of
// a 43-byte base64url hash inside the payload buffer, so a million entries cost no JS strings
// (creating and collecting those was most of a large list's load time).
import type { HashLookup } from './hash-set.ts';

const VALUE = new Int8Array(256).fill(-1);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
for (let i = 0; i < 64; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

export const HASH_LENGTH = 43;

/** True when buf[at, at+43) is canonical base64url of 32 bytes. */
export function isHash32At(buf: Uint8Array, at: number): boolean {
  if (at + HASH_LENGTH > buf.length) return false;
  for (let i = at; i < at + HASH_LENGTH; i++) if (VALUE[buf[i]!]! < 0) return false;
  return (VALUE[buf[at + HASH_LENGTH - 1]!]! & 3) === 0;
}

function bitsAt(buf: Uint8Array, at: number): number {
  return (VALUE[buf[at]!]! << 24) | (VALUE[buf[at + 1]!]! << 18) | (VALUE[buf[at + 2]!]! << 12) | (VALUE[buf[at + 3]!]! << 6) | VALUE[buf[at + 4]!]!;
}

/** Same bits as bitsAt, from a string; characters outside latin1 only make a probe miss. */
function bitsOf(s: string, at: number): number {
  return (
    (VALUE[s.charCodeAt(at) & 0xff]! << 24) |
    (VALUE[s.charCodeAt(at + 1) & 0xff]! << 18) |
    (VALUE[s.charCodeAt(at + 2) & 0xff]! << 12) |
    (VALUE[s.charCodeAt(at + 3) & 0xff]! << 6) |
    VALUE[s.charCodeAt(at + 4) & 0xff]!
  );
}

export class ByteHashSet implements HashLookup {
  #buf: Uint8Array;
  /** Two int32 per slot: byte offset of the key (-1 empty) and bits of characters 5–9. */
  #table: Int32Array;
  #mask: number;
  #size = 0;

  constructor(buf: Uint8Array, capacityHint: number) {
    let cap = 16;
    while (cap < capacityHint * 2) cap *= 2;
    this.#buf = buf;
    this.#mask = cap - 1;
    this.#table = new Int32Array(cap * 2).fill(-1);
  }

  get size(): number {
    return this.#size;
  }

  /** Adds the checked hash at `at`; the table must have room (capacityHint ≥ entries). */
  add(at: number): void {
    const buf = this.#buf;
    const table = this.#table;
    const mask = this.#mask;
    const tag = bitsAt(buf, 5 + at);
    let i = bitsAt(buf, at) & mask;
    for (;;) {
      const k = table[2 * i]!;
      if (k < 0) {
        table[2 * i] = at;
        table[2 * i + 1] = tag;
        this.#size++;
        return;
      }
      if (table[2 * i + 1] === tag && sameBytes(buf, k, at)) return;
      i = (i + 1) & mask;
    }
  }

  has(hash: string): boolean {
    if (hash.length !== HASH_LENGTH) return false;
    const buf = this.#buf;
    const table = this.#table;
    const mask = this.#mask;
    const tag = bitsOf(hash, 5);
    let i = bitsOf(hash, 0) & mask;
    for (;;) {
      const k = table[2 * i]!;
      if (k < 0) return false;
      if (table[2 * i + 1] === tag && sameAsString(buf, k, hash)) return true;
      i = (i + 1) & mask;
    }
  }
}

function sameBytes(buf: Uint8Array, a: number, b: number): boolean {
  for (let j = 0; j < HASH_LENGTH; j++) if (buf[a + j] !== buf[b + j]) return false;
  return true;
}

function sameAsString(buf: Uint8Array, at: number, s: string): boolean {
  for (let j = 0; j < HASH_LENGTH; j++) if (buf[at + j] !== s.charCodeAt(j)) return false;
  return true;
}
