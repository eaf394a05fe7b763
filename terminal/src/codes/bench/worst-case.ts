// The most expensive inputs we know how to build within MAX_CODE_TEXT characters (issue 9 §3),
// for the verification benchmark. Each decodes as far as the limits let it, then fails its
// signature (an attacker has no key) or a limit.
import { deflateSync } from 'node:zlib';
import { base45Encode } from '../base45.ts';
import { CBOR_MAX_DEPTH, CBOR_MAX_ITEMS, CBOR_MAX_MAP_ENTRIES } from '../cbor.ts';
import { MAX_CODE_TEXT } from '../decode.ts';
import { INFLATE_LIMIT } from '../inflate.ts';
import { ALG_EDDSA } from '../decode.ts';
import { cborEncode } from '../cbor.ts';

const u = (n: number): number[] => (n < 24 ? [n] : n < 256 ? [24, n] : n < 65536 ? [25, n >> 8, n & 255] : [26, n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255]);
const head = (major: number, n: number) => {
  const h = u(n);
  h[0]! |= major << 5;
  return h;
};

/** V8's hash of a small integer (ComputeUnseededHash): keys equal in its low bits share a bucket. */
function smiHash(key: number): number {
  let h = key >>> 0;
  h = (~h + (h << 15)) >>> 0;
  h = (h ^ (h >>> 12)) >>> 0;
  h = (h + (h << 2)) >>> 0;
  h = (h ^ (h >>> 4)) >>> 0;
  h = Math.imul(h, 2057) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return h & 0x3fffffff;
}

function collidingKeys(n: number): number[] {
  const out: number[] = [];
  for (let k = 1; out.length < n; k++) if ((smiHash(k) & 0x3ff) === 0) out.push(k);
  return out;
}

/** A YSS1 code around `claims` bytes (raw CBOR), compressed, with the platform header and a junk signature. */
function codeAround(kid: Uint8Array, claims: Uint8Array): string {
  const prot = cborEncode(new Map<number, unknown>([[1, ALG_EDDSA], [4, kid]]));
  const cose = Uint8Array.from([0xd2, ...cborEncode([prot, new Map(), claims, new Uint8Array(64).fill(7)])]);
  return `YSS1:${base45Encode(deflateSync(cose, { level: 9 }))}`;
}

/** Valid-looking claims with `aud` (label 3) replaced by raw CBOR bytes. */
function claimsWithAud(aud: number[], now: number): Uint8Array {
  const base = cborEncode(
    new Map<number, unknown>([
      [1, 'CN-44'],
      [2, 'u-1'],
      [4, now + 50],
      [6, now - 10],
      [7, new Uint8Array(16).fill(1)],
      [-75000, new Map<string, unknown>([['v', 1], ['t', 'personal']])],
    ]),
  );
  return Uint8Array.from([0xa7, ...base.subarray(1), 0x03, ...aud]);
}

/** Inputs by name, each at most MAX_CODE_TEXT characters. */
export function worstCases(kid: Uint8Array, now: number): Record<string, string> {
  const budget = CBOR_MAX_ITEMS - 40;
  const keys = collidingKeys(CBOR_MAX_MAP_ENTRIES);
  const oneMap = [...head(5, keys.length), ...keys.flatMap((k) => [...head(0, k), 0xf6])];
  const maps = Math.floor(budget / (1 + 2 * keys.length));
  const cases: Record<string, string> = {
    // As many maps of colliding integer keys as the item limit allows (one hash bucket each).
    collidingKeys: codeAround(kid, claimsWithAud([...head(4, maps), ...Array.from({ length: maps }, () => oneMap).flat()], now)),
    // The item limit in small floats: each one an object to allocate, and to print.
    floats: codeAround(kid, claimsWithAud([...head(4, budget), ...Array.from({ length: budget }, () => [0xf9, 0x3c, 0x00]).flat()], now)),
    // Short non-ASCII text strings: each goes through the UTF-8 decoder.
    utf8Texts: codeAround(kid, claimsWithAud([...head(4, budget), ...Array.from({ length: budget }, () => [0x62, 0xc3, 0xa9]).flat()], now)),
    // Nesting to the depth limit, over and over.
    deep: codeAround(
      kid,
      claimsWithAud(
        [...head(4, Math.floor(budget / CBOR_MAX_DEPTH)), ...Array.from({ length: Math.floor(budget / CBOR_MAX_DEPTH) }, () => [...new Array(CBOR_MAX_DEPTH - 2).fill(0x81), 0x00]).flat()],
        now,
      ),
    ),
    // The inflate limit's worth of payload: one text string the signature check must hash.
    bigPayload: codeAround(kid, claimsWithAud([...head(3, INFLATE_LIMIT - 400), ...new Array(INFLATE_LIMIT - 400).fill(0x61)], now)),
    // A zlib bomb just past the inflate limit.
    bomb: `YSS1:${base45Encode(deflateSync(Buffer.alloc(INFLATE_LIMIT * 64, 0), { level: 9 }).subarray(0, Math.floor((MAX_CODE_TEXT - 5) / 3) * 2))}`,
  };
  for (const [name, text] of Object.entries(cases)) {
    if (text.length > MAX_CODE_TEXT) throw new Error(`worst case ${name} is ${text.length} characters, over ${MAX_CODE_TEXT}`);
  }
  return cases;
}
