// The one place CBOR is read or written, so every caller gets the same strict options.
import { decode, encode } from 'cborg';
import type { TagDecoder } from 'cborg';

/** A CBOR tag the decoder kept (only the COSE/CWT ones are allowed, codes.md §2). */
export class Tagged {
  constructor(
    readonly tag: number,
    readonly value: unknown,
  ) {}
}

const keep =
  (tag: number): TagDecoder =>
  (inner) =>
    new Tagged(tag, inner());

const TAGS: Record<number, TagDecoder> = { 18: keep(18), 61: keep(61) };

// RFC 8949 standard date/time tags, which some member states put inside HCERT payloads (HU):
// unwrapped to their content when it has the type the tag requires.
const typed =
  (tag: number, type: 'string' | 'number'): TagDecoder =>
  (inner) => {
    const v = inner();
    if (typeof v !== type) throw new Error(`CBOR tag ${tag} on a ${typeof v}`);
    return v;
  };
const HCERT_PAYLOAD_TAGS: Record<number, TagDecoder> = { 0: typed(0, 'string'), 1: typed(1, 'number') };

const BASE = { useMaps: true, rejectDuplicateMapKeys: true, allowUndefined: false, allowBigInt: true } as const;
const DECODE = { ...BASE, tags: TAGS } as const;
const DECODE_PLAIN = { ...BASE, tags: [] } as const;
const DECODE_HCERT_PAYLOAD = { ...BASE, tags: HCERT_PAYLOAD_TAGS } as const;

/**
 * Decodes exactly one CBOR item. Maps come back as `Map` (integer keys stay integers), only tags
 * 18 and 61 are accepted (as `Tagged`), and trailing bytes, duplicate keys or any other tag throw.
 */
export function cborDecode(bytes: Uint8Array): unknown {
  return decode(bytes, DECODE);
}

/**
 * Decodes a CWT payload: no tags at all in YSS1; in HCERT only the standard date/time tags 0 and
 * 1, unwrapped. Same strictness otherwise (duplicates, trailing bytes).
 */
export function cborDecodePayload(bytes: Uint8Array, family: 'YSS1' | 'HC1'): unknown {
  return decode(bytes, family === 'YSS1' ? DECODE_PLAIN : DECODE_HCERT_PAYLOAD);
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
