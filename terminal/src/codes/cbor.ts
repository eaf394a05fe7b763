// The one place CBOR is read or written. Reading is our own strict decoder for the subset codes
// use (codes.md §2–§4), so that every limit is checked while decoding, before work or memory grows
// with the input: depth, item count, map size, declared lengths, key types. Writing is cborg.
import { encode } from 'cborg';

/** A CBOR tag the decoder kept (only 61 and 18 around the COSE object, codes.md §2). */
export class Tagged {
  constructor(
    readonly tag: number,
    readonly value: unknown,
  ) {}
}

/**
 * A CBOR float (major type 7, half/single/double). Kept apart from integers so that `4.0` is
 * never taken where codes.md requires an integer (`exp`, `yss.v`, alg, labels).
 */
export class CborFloat {
  constructor(readonly value: number) {}
}

export class CborError extends Error {}

/** Deepest nesting of arrays, maps and tags: real codes use 6 (a DGC's vaccination entry). */
export const CBOR_MAX_DEPTH = 16;
/** Most data items in one decode: real payloads hold a few dozen to a few hundred. */
export const CBOR_MAX_ITEMS = 2048;
/** Most entries in one map; bounds the cost of keys an attacker makes collide in a hash table. */
export const CBOR_MAX_MAP_ENTRIES = 32;

/**
 * Where tags may appear: `cose` 61 then 18, or 18, around the top item only; `none` nowhere;
 * `hcert` the RFC 8949 date/time tags 0 (on text) and 1 (on a number) anywhere, unwrapped.
 */
export type TagPolicy = 'cose' | 'none' | 'hcert';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

class Reader {
  p = 0;
  items = 0;
  constructor(
    readonly b: Uint8Array,
    readonly tags: TagPolicy,
  ) {}

  fail(what: string): never {
    throw new CborError(`${what} at byte ${this.p}`);
  }

  byte(): number {
    if (this.p >= this.b.length) this.fail('unexpected end');
    return this.b[this.p++]!;
  }

  /** The argument of a head with additional info `ai`: a number, or -1 for indefinite. */
  arg(ai: number): number {
    if (ai < 24) return ai;
    const b = this.b;
    const p = this.p;
    switch (ai) {
      case 24:
        if (p + 1 > b.length) this.fail('unexpected end');
        this.p += 1;
        return b[p]!;
      case 25:
        if (p + 2 > b.length) this.fail('unexpected end');
        this.p += 2;
        return (b[p]! << 8) | b[p + 1]!;
      case 26:
        if (p + 4 > b.length) this.fail('unexpected end');
        this.p += 4;
        return ((b[p]! << 24) >>> 0) + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
      case 27: {
        if (p + 8 > b.length) this.fail('unexpected end');
        this.p += 8;
        const hi = ((b[p]! << 24) >>> 0) + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
        const lo = ((b[p + 4]! << 24) >>> 0) + ((b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]!);
        // Above 2^53 the value is only exact as a bigint; integers keep it, lengths refuse it below.
        return hi >= 0x200000 ? Infinity : hi * 0x100000000 + lo;
      }
      case 31:
        return -1;
      default:
        return this.fail(`reserved additional info ${ai}`);
    }
  }

  /** The 64-bit argument exactly, for integers above 2^53. */
  bigArg(): bigint {
    let n = 0n;
    for (let i = this.p - 8; i < this.p; i++) n = (n << 8n) | BigInt(this.b[i]!);
    return n;
  }

  length(n: number, unit: number): number {
    // A declared length is checked against what is left before anything is allocated for it.
    if (n > (this.b.length - this.p) / unit) this.fail(`declared length ${n} exceeds the input`);
    return n;
  }

  item(depth: number): unknown {
    if (++this.items > CBOR_MAX_ITEMS) this.fail(`more than ${CBOR_MAX_ITEMS} data items`);
    const head = this.byte();
    const major = head >> 5;
    const ai = head & 31;
    switch (major) {
      case 0:
      case 1: {
        const n = this.arg(ai);
        if (n < 0) this.fail('indefinite-length integer');
        // arg() gives Infinity for every 64-bit argument from 2^53 up, and the exact number below.
        if (n === Infinity) return major === 0 ? this.bigArg() : -1n - this.bigArg();
        return major === 0 ? n : -1 - n;
      }
      case 2:
        return this.bytes(ai);
      case 3:
        return this.text(ai);
      case 4:
        return this.array(ai, depth + 1);
      case 5:
        return this.map(ai, depth + 1);
      case 6:
        return this.tag(ai, depth + 1);
      default:
        return this.simple(ai);
    }
  }

  bytes(ai: number): Uint8Array {
    const n = this.arg(ai);
    if (n >= 0) {
      const len = this.length(n, 1);
      // A plain view, not a copy (the input is often a Buffer; callers get a Uint8Array).
      const out = new Uint8Array(this.b.buffer, this.b.byteOffset + this.p, len);
      this.p += len;
      return out;
    }
    const chunks: Uint8Array[] = [];
    for (;;) {
      const h = this.byte();
      if (h === 0xff) break;
      if (h >> 5 !== 2 || (h & 31) === 31) this.fail('indefinite byte string chunk is not a definite byte string');
      if (++this.items > CBOR_MAX_ITEMS) this.fail(`more than ${CBOR_MAX_ITEMS} data items`);
      chunks.push(this.bytes(h & 31));
    }
    return Uint8Array.from(Buffer.concat(chunks));
  }

  text(ai: number): string {
    const n = this.arg(ai);
    if (n >= 0) {
      const len = this.length(n, 1);
      const start = this.p;
      this.p += len;
      // Short strings, the common case, without TextDecoder's per-call cost (which made a code
      // of many short non-ASCII strings several times slower than a valid one).
      return len <= 64 ? this.shortUtf8(start, len) : this.utf8(start, len);
    }
    let s = '';
    for (;;) {
      const h = this.byte();
      if (h === 0xff) break;
      if (h >> 5 !== 3 || (h & 31) === 31) this.fail('indefinite text string chunk is not a definite text string');
      if (++this.items > CBOR_MAX_ITEMS) this.fail(`more than ${CBOR_MAX_ITEMS} data items`);
      s += this.text(h & 31);
    }
    return s;
  }

  /** Strict UTF-8 (RFC 3629: no overlongs, surrogates or values past U+10FFFF), by hand. */
  shortUtf8(start: number, len: number): string {
    const b = this.b;
    const end = start + len;
    let s = '';
    for (let i = start; i < end; ) {
      const c = b[i++]!;
      if (c < 0x80) {
        s += String.fromCharCode(c);
        continue;
      }
      let need: number;
      let cp: number;
      let min: number;
      if (c >= 0xc2 && c <= 0xdf) [need, cp, min] = [1, c & 0x1f, 0x80];
      else if (c >= 0xe0 && c <= 0xef) [need, cp, min] = [2, c & 0x0f, 0x800];
      else if (c >= 0xf0 && c <= 0xf4) [need, cp, min] = [3, c & 0x07, 0x10000];
      else return this.fail('text string is not valid UTF-8');
      if (i + need > end) this.fail('text string is not valid UTF-8');
      for (let k = 0; k < need; k++) {
        const x = b[i++]!;
        if ((x & 0xc0) !== 0x80) this.fail('text string is not valid UTF-8');
        cp = (cp << 6) | (x & 0x3f);
      }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) this.fail('text string is not valid UTF-8');
      s += String.fromCodePoint(cp);
    }
    return s;
  }

  utf8(start: number, len: number): string {
    try {
      return utf8.decode(this.b.subarray(start, start + len));
    } catch {
      return this.fail('text string is not valid UTF-8');
    }
  }

  array(ai: number, depth: number): unknown[] {
    if (depth > CBOR_MAX_DEPTH) this.fail(`nesting deeper than ${CBOR_MAX_DEPTH}`);
    const n = this.arg(ai);
    if (n >= 0) {
      const len = this.length(n, 1);
      const out = new Array<unknown>(len);
      for (let i = 0; i < len; i++) out[i] = this.item(depth);
      return out;
    }
    const out: unknown[] = [];
    for (;;) {
      if (this.b[this.p] === 0xff) {
        this.p++;
        return out;
      }
      out.push(this.item(depth));
    }
  }

  map(ai: number, depth: number): Map<string | number, unknown> {
    if (depth > CBOR_MAX_DEPTH) this.fail(`nesting deeper than ${CBOR_MAX_DEPTH}`);
    const n = this.arg(ai);
    const out = new Map<string | number, unknown>();
    if (n >= 0) {
      const len = this.length(n, 2);
      if (len > CBOR_MAX_MAP_ENTRIES) this.fail(`map of ${len} entries, more than ${CBOR_MAX_MAP_ENTRIES}`);
      for (let i = 0; i < len; i++) this.entry(out, depth);
      return out;
    }
    for (;;) {
      if (this.b[this.p] === 0xff) {
        this.p++;
        return out;
      }
      if (out.size >= CBOR_MAX_MAP_ENTRIES) this.fail(`map of more than ${CBOR_MAX_MAP_ENTRIES} entries`);
      this.entry(out, depth);
    }
  }

  entry(out: Map<string | number, unknown>, depth: number): void {
    const key = this.key();
    if (out.has(key)) this.fail(`duplicate map key ${JSON.stringify(key)}`);
    out.set(key, this.item(depth));
  }

  /** Map keys are integers or text (COSE labels, CWT claims, DGC fields); anything else is refused before a map sees it. */
  key(): string | number {
    // Past the end reads as major type 0, whose item() then fails as an unexpected end.
    const major = this.b[this.p]! >> 5;
    if (major === 0 || major === 1) {
      const k = this.item(0);
      if (typeof k !== 'number') this.fail('integer map key beyond 2^53');
      return k;
    }
    if (major === 3) return this.item(0) as string;
    return this.fail(`map key of major type ${major}: only integer and text keys are allowed`);
  }

  tag(ai: number, depth: number): unknown {
    if (depth > CBOR_MAX_DEPTH) this.fail(`nesting deeper than ${CBOR_MAX_DEPTH}`);
    const tag = this.arg(ai);
    if (this.tags === 'hcert' && (tag === 0 || tag === 1)) {
      const v = this.item(depth);
      if (tag === 0 ? typeof v !== 'string' : typeof v !== 'number' && !(v instanceof CborFloat)) this.fail(`tag ${tag} on the wrong type`);
      return v;
    }
    // cose: only the top item may be tagged, 61 then 18 or 18 alone; depth 1 is the top item's first tag.
    if (this.tags === 'cose' && tag === 18 && depth === (this.after61 ? 2 : 1)) return new Tagged(18, this.item(depth));
    if (this.tags === 'cose' && tag === 61 && depth === 1) {
      this.after61 = true;
      const inner = this.item(depth);
      if (!(inner instanceof Tagged)) this.fail('tag 61 not followed by tag 18');
      return new Tagged(61, inner);
    }
    return this.fail(`tag ${tag} not allowed here`);
  }

  /** The top item is tag 61 (so 18 may follow it, one level down). */
  after61 = false;

  simple(ai: number): unknown {
    switch (ai) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 25: {
        const h = this.arg(25);
        const exp = (h >> 10) & 0x1f;
        const mant = h & 0x3ff;
        const v = exp === 0 ? mant * 2 ** -24 : exp === 31 ? (mant ? NaN : Infinity) : (mant + 1024) * 2 ** (exp - 25);
        return new CborFloat(h & 0x8000 ? -v : v);
      }
      case 26: {
        if (this.p + 4 > this.b.length) this.fail('unexpected end');
        const v = new DataView(this.b.buffer, this.b.byteOffset + this.p, 4).getFloat32(0);
        this.p += 4;
        return new CborFloat(v);
      }
      case 27: {
        if (this.p + 8 > this.b.length) this.fail('unexpected end');
        const v = new DataView(this.b.buffer, this.b.byteOffset + this.p, 8).getFloat64(0);
        this.p += 8;
        return new CborFloat(v);
      }
      case 31:
        // A break outside an indefinite-length item; inside one, the loops consume it first.
        return this.fail('unexpected break');
      default:
        return this.fail(`simple value ${ai === 24 ? 'with a one-byte argument' : ai} not allowed`);
    }
  }
}

function decodeWith(bytes: Uint8Array, tags: TagPolicy): unknown {
  const r = new Reader(bytes, tags);
  const v = r.item(0);
  if (r.p !== bytes.length) r.fail(`${bytes.length - r.p} bytes after the item`);
  return v;
}

/**
 * Decodes exactly one CBOR item, the COSE object: tags 61+18 or 18 around it only (as `Tagged`).
 * Maps come back as `Map` with integer or text keys; floats as `CborFloat`; integers beyond 2^53
 * as bigint. Throws CborError for anything outside that subset, a duplicate key, invalid UTF-8,
 * trailing bytes, or a limit passed.
 */
export function cborDecode(bytes: Uint8Array): unknown {
  return decodeWith(bytes, 'cose');
}

/** Decodes a COSE header map (no tags at all). */
export function cborDecodeHeader(bytes: Uint8Array): unknown {
  return decodeWith(bytes, 'none');
}

/**
 * Decodes a CWT payload: no tags at all in YSS1; in HCERT only the standard date/time tags 0 and
 * 1, unwrapped. Same strictness otherwise.
 */
export function cborDecodePayload(bytes: Uint8Array, family: 'YSS1' | 'HC1'): unknown {
  return decodeWith(bytes, family === 'YSS1' ? 'none' : 'hcert');
}

export function cborEncode(value: unknown): Uint8Array {
  return encode(value);
}

/** Prefixes already-encoded CBOR with a tag header (tags below 65536 only). */
export function cborTag(tag: number, encoded: Uint8Array): Uint8Array {
  const head = tag < 24 ? [0xc0 | tag] : tag < 256 ? [0xd8, tag] : [0xd9, tag >> 8, tag & 0xff];
  const out = new Uint8Array(head.length + encoded.length);
  out.set(head);
  out.set(encoded, head.length);
  return out;
}
