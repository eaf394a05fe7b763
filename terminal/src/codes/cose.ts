// COSE_Sign1 (RFC 9052) as both families carry it: parsing into its four parts and building the
// exact bytes the signature covers.
import { cborDecode, cborDecodeHeader, Tagged } from './cbor.ts';

export interface CoseSign1 {
  protectedBytes: Uint8Array;
  protectedHeader: Map<unknown, unknown>;
  unprotectedHeader: Map<unknown, unknown>;
  payload: Uint8Array;
  signature: Uint8Array;
  /** Tags found around the array, outermost first: [], [18] or [61, 18]. */
  tags: number[];
}

/** Parses COSE_Sign1 bytes; null for anything that is not one (codes.md §2). */
export function parseCoseSign1(bytes: Uint8Array): CoseSign1 | null {
  return parseCommonShape(bytes) ?? parseCoseSign1Generic(bytes);
}

/**
 * The shape almost every code has, read by hand: optional tags 61/18, a definite 4-array of
 * bstr, empty map, bstr, bstr, and nothing after. Anything else (including every error) returns
 * undefined and goes through cborg, so this only ever accepts what the generic path accepts.
 * Exported for tests: a reader that gave up on everything would pass every comparison.
 */
export function parseCommonShape(b: Uint8Array): CoseSign1 | undefined {
  let p = 0;
  const tags: number[] = [];
  if (b[0] === 0xd8 && b[1] === 0x3d) {
    tags.push(61);
    p = 2;
    if (b[p] !== 0xd2) return undefined;
  }
  if (b[p] === 0xd2) {
    tags.push(18);
    p++;
  }
  if (b[p++] !== 0x84) return undefined;
  // Past the end, b[i] is undefined: as a head it matches no case below; as a length byte it
  // makes `len` NaN (0x58) or leaves `p` past the end (0x59, where `undefined << 8 | undefined`
  // is 0), and the one length check refuses both, NaN included.
  const bstr = (): Uint8Array | undefined => {
    const h = b[p]!;
    let len: number;
    if (h >= 0x40 && h <= 0x57) {
      len = h - 0x40;
      p += 1;
    } else if (h === 0x58) {
      len = b[p + 1]!;
      p += 2;
    } else if (h === 0x59) {
      len = (b[p + 1]! << 8) | b[p + 2]!;
      p += 3;
    } else {
      return undefined;
    }
    if (!(p + len <= b.length)) return undefined;
    // A plain Uint8Array view, as cborg gives (the input is often a Buffer).
    const out = new Uint8Array(b.buffer, b.byteOffset + p, len);
    p += len;
    return out;
  };
  const prot = bstr();
  if (prot === undefined || b[p++] !== 0xa0) return undefined;
  const payload = bstr();
  const signature = bstr();
  if (payload === undefined || signature === undefined || p !== b.length) return undefined;
  let protectedHeader: Map<unknown, unknown> | undefined;
  if (prot.length === 0) {
    protectedHeader = new Map();
  } else {
    protectedHeader = readSmallHeader(prot);
    if (protectedHeader === undefined) {
      try {
        const h = cborDecodeHeader(prot);
        if (!(h instanceof Map)) return undefined;
        protectedHeader = h;
      } catch {
        return undefined;
      }
    }
  }
  return { protectedBytes: prot, protectedHeader, unprotectedHeader: new Map(), payload, signature, tags };
}

/**
 * A header map of up to 5 small-integer labels with small-integer or short byte-string values
 * (alg and kid, in practice), read by hand; undefined for anything else, duplicates included.
 * Exported for tests, like parseCommonShape.
 */
export function readSmallHeader(b: Uint8Array): Map<unknown, unknown> | undefined {
  const head = b[0]!;
  if (head < 0xa0 || head > 0xa5) return undefined;
  const m = new Map<unknown, unknown>();
  let p = 1;
  // A byte read past the end is undefined, which matches no case below (a label or value: refused
  // there) or gives NaN and leaves `p` past the end (the byte after 0x38: refused at the end).
  for (let n = head - 0xa0; n > 0; n--) {
    const k = b[p++]!;
    let key: number;
    if (k <= 0x17) key = k;
    else if (k >= 0x20 && k <= 0x37) key = -1 - (k - 0x20);
    else return undefined;
    if (m.has(key)) return undefined;
    const v = b[p++]!;
    if (v <= 0x17) m.set(key, v);
    else if (v >= 0x20 && v <= 0x37) m.set(key, -1 - (v - 0x20));
    else if (v === 0x38) m.set(key, -1 - b[p++]!);
    else if (v >= 0x40 && v <= 0x57) {
      const len = v - 0x40;
      if (p + len > b.length) return undefined;
      m.set(key, new Uint8Array(b.buffer, b.byteOffset + p, len));
      p += len;
    } else return undefined;
  }
  return p === b.length ? m : undefined;
}

/** Any COSE_Sign1 cborg can read, with the same strictness. Exported for tests. */
export function parseCoseSign1Generic(bytes: Uint8Array): CoseSign1 | null {
  let item: unknown;
  try {
    item = cborDecode(bytes);
  } catch {
    return null;
  }
  // cborDecode allows tag 61 then 18, or 18 alone, around the top item and nowhere else, so the
  // tags are [], [18] or [61, 18] here (codes.md §2).
  const tags: number[] = [];
  while (item instanceof Tagged) {
    tags.push(item.tag);
    item = item.value;
  }
  if (!Array.isArray(item) || item.length !== 4) return null;
  const [prot, unprot, payload, signature] = item as unknown[];
  if (!(prot instanceof Uint8Array) || !(unprot instanceof Map)) return null;
  if (!(payload instanceof Uint8Array) || !(signature instanceof Uint8Array)) return null;
  let protectedHeader: Map<unknown, unknown>;
  if (prot.length === 0) {
    protectedHeader = new Map();
  } else {
    try {
      const h = cborDecodeHeader(prot);
      if (!(h instanceof Map)) return null;
      protectedHeader = h;
    } catch {
      return null;
    }
  }
  return { protectedBytes: prot, protectedHeader, unprotectedHeader: unprot, payload, signature, tags };
}

const SIGNATURE1 = new TextEncoder().encode('Signature1');

/** `Sig_structure = ["Signature1", protected, h'', payload]`, encoded by hand: it is on the hot path. */
export function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  const ph = bstrHead(protectedBytes.length);
  const pl = bstrHead(payload.length);
  const out = new Uint8Array(2 + SIGNATURE1.length + ph.length + protectedBytes.length + 1 + pl.length + payload.length);
  let o = 0;
  out[o++] = 0x84;
  out[o++] = 0x60 | SIGNATURE1.length;
  out.set(SIGNATURE1, o);
  o += SIGNATURE1.length;
  out.set(ph, o);
  o += ph.length;
  out.set(protectedBytes, o);
  o += protectedBytes.length;
  out[o++] = 0x40;
  out.set(pl, o);
  o += pl.length;
  out.set(payload, o);
  return out;
}

function bstrHead(n: number): number[] {
  if (n < 24) return [0x40 | n];
  if (n < 0x100) return [0x58, n];
  if (n < 0x10000) return [0x59, n >> 8, n & 0xff];
  return [0x5a, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}
