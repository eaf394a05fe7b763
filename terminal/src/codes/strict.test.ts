// Inputs that were accepted or crashed before the strict decoder (issue 9 §3–§4): each is now one
// `malformed` verdict, reached within the decoder's limits, with claims that print.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ALG_EDDSA, ALG_ES256, MAX_CODE_TEXT, buildCoseSign1, cborEncode, ed25519Signer, encodeCodeText, verifyCode, yssClaims } from './index.ts';
import { es256Signer, makeWorld, NOW } from './test/helpers.ts';

const w = makeWorld();
const at = { now: NOW };
const cat = (...parts: (Uint8Array | number[])[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const enc = (v: unknown) => cborEncode(v);
/** A CBOR map from already-encoded keys and values (any bytes, duplicates included). */
const rawMap = (entries: [Uint8Array | number[], Uint8Array | number[]][]) =>
  cat(entries.length < 24 ? [0xa0 | entries.length] : [0xb9, entries.length >> 8, entries.length & 0xff], ...entries.flat());
const f64 = (x: number) => {
  const b = Buffer.alloc(9);
  b[0] = 0xfb;
  b.writeDoubleBE(x, 1);
  return b;
};

/** The standard claims of a valid personal code as raw entries, so one can be replaced by bytes. */
function claimEntries(over: Record<number, Uint8Array | number[]> = {}): [Uint8Array | number[], Uint8Array | number[]][] {
  const c = yssClaims({ iss: 'CN-44', sub: 'u-1', type: 'personal', iat: NOW - 10, exp: NOW + 50, cti: randomBytes(16) });
  const entries: [Uint8Array | number[], Uint8Array | number[]][] = [...c].map(([k, v]) => [enc(k), over[k] ?? enc(v)]);
  for (const k of Object.keys(over).map(Number)) if (!c.has(k)) entries.push([enc(k), over[k]!]);
  return entries;
}

function yssWith(payload: Uint8Array, prot: Uint8Array | Map<number, unknown> = new Map<number, unknown>([[1, ALG_EDDSA], [4, w.gd.kid]])): string {
  const protectedHeader = prot instanceof Map ? prot : new Map<number, unknown>();
  const cose = buildCoseSign1({ protectedHeader, payload, sign: ed25519Signer(w.gd.secretKey) });
  if (prot instanceof Map) return encodeCodeText('YSS1', cose);
  // Hand-built protected header bytes; the signature does not matter, decoding fails first.
  return encodeCodeText('YSS1', cat([0xd2, 0x84], bstr(prot), [0xa0], bstr(payload), bstr(new Uint8Array(64))));
}
const bstr = (b: Uint8Array) => cat(b.length < 24 ? [0x40 | b.length] : b.length < 256 ? [0x58, b.length] : [0x59, b.length >> 8, b.length & 0xff], b);

const verdict = (text: string) => {
  const r = verifyCode(text, w.index, at);
  JSON.stringify(r); // the printed form must exist for every input
  return r.reason ?? 'valid';
};

test('the raw builders make a valid code when nothing is replaced', () => {
  assert.equal(verdict(yssWith(rawMap(claimEntries()))), 'valid');
});

test('reports malformed, with printable claims, for an unsigned code whose aud nests arrays 3000 deep', () => {
  const deep = cat(new Array(3000).fill(0x81), [0x01]);
  const text = encodeCodeText(
    'YSS1',
    buildCoseSign1({ protectedHeader: new Map<number, unknown>([[1, ALG_EDDSA], [4, w.gd.kid]]), payload: rawMap(claimEntries({ 3: deep })), sign: () => randomBytes(64) }),
  );
  assert.ok(text.length < 400, `${text.length} characters`);
  const r = verifyCode(text, w.index, at);
  assert.equal(r.reason, 'malformed');
  assert.doesNotThrow(() => JSON.stringify(r));
});

test('refuses float keys, and any key that is not an integer or text, before building a map', () => {
  const floats = rawMap(Array.from({ length: 100 }, (_, i) => [f64(1 + i * 2 ** -40), [0x01]] as [Uint8Array, number[]]));
  assert.equal(verdict(yssWith(rawMap(claimEntries({ 3: floats })))), 'malformed');
  assert.equal(verdict(yssWith(rawMap([...claimEntries(), [f64(4), enc(NOW + 50)]]))), 'malformed');
  assert.equal(verdict(yssWith(rawMap([...claimEntries(), [enc(new Uint8Array([1])), [0x01]]]))), 'malformed');
});

test('refuses a map larger than the decoder allows, and too many items', () => {
  const big = rawMap(Array.from({ length: 40 }, (_, i) => [enc(1000 + i), [0x01]] as [Uint8Array, number[]]));
  assert.equal(verdict(yssWith(rawMap(claimEntries({ 3: big })))), 'malformed');
  const many = cat([0x99, 0x0b, 0xb8], new Array(3000).fill(0x01));
  assert.equal(verdict(yssWith(rawMap(claimEntries({ 3: many })))), 'malformed');
});

test('reports malformed for floats where integers are required', () => {
  assert.equal(verdict(yssWith(rawMap(claimEntries({ 4: f64(NOW + 50) })))), 'malformed', 'exp');
  assert.equal(verdict(yssWith(rawMap(claimEntries({ 6: f64(NOW - 10) })))), 'malformed', 'iat');
  const yss = rawMap([[enc('v'), f64(1)], [enc('t'), enc('personal')]]);
  assert.equal(verdict(yssWith(rawMap(claimEntries({ [-75000]: yss })))), 'malformed', 'yss.v');
  const floatAlg = rawMap([[[0x01], f64(-8)], [[0x04], enc(w.gd.kid)]]);
  assert.equal(verdict(yssWith(rawMap(claimEntries()), floatAlg)), 'malformed', 'alg -8.0');
  const floatLabel = rawMap([[f64(1), enc(ALG_EDDSA)], [[0x04], enc(w.gd.kid)]]);
  assert.equal(verdict(yssWith(rawMap(claimEntries()), floatLabel)), 'malformed', 'label 1.0');
});

test('still accepts HCERT float times (codes.md §4)', () => {
  const hc = (exp: Uint8Array) =>
    encodeCodeText(
      'HC1',
      buildCoseSign1({
        protectedHeader: new Map<number, unknown>([[1, ALG_ES256], [4, w.hc.kid]]),
        payload: rawMap([[[0x01], enc('AT')], [[0x04], exp], [[0x06], f64(NOW - 100.5)], [enc(-260), enc(new Map([[1, { v: [{}] }]]))]]),
        sign: es256Signer(w.hc.privateKey),
      }),
    );
  assert.equal(verdict(hc(f64(NOW + 1000.5))), 'valid');
});

test('accepts tags 61 and 18 only around the COSE object, nowhere else', () => {
  const claims = rawMap(claimEntries());
  assert.equal(verdict(yssWith(rawMap(claimEntries({ 3: cat([0xd2], enc([1])) })))), 'malformed', 'tag 18 in the claims');
  assert.equal(verdict(yssWith(claims, cat([0xd2], enc(new Map<number, unknown>([[1, ALG_EDDSA], [4, w.gd.kid]]))))), 'malformed', 'tag 18 on the header');
  const cose = buildCoseSign1({ protectedHeader: new Map<number, unknown>([[1, ALG_EDDSA], [4, w.gd.kid]]), payload: claims, sign: ed25519Signer(w.gd.secretKey), tags: [] });
  assert.equal(verdict(encodeCodeText('YSS1', cat([0xd8, 0x3d], cose))), 'malformed', 'tag 61 alone');
  assert.equal(verdict(encodeCodeText('YSS1', cat([0xd2, 0xd2], cose))), 'malformed', 'tag 18 twice');
  assert.equal(verdict(encodeCodeText('YSS1', cat([0xd2, 0xd8, 0x3d], cose))), 'malformed', 'tags 18 then 61');
  assert.equal(verdict(encodeCodeText('YSS1', cat([0xd8, 0x3d, 0xd2], cose))), 'valid', 'tags 61 then 18');
  const unprot = buildCoseSign1({
    protectedHeader: new Map<number, unknown>([[1, ALG_ES256], [4, w.hc.kid]]),
    unprotectedHeader: new Map<number, unknown>([[99, 0]]),
    payload: rawMap([[[0x01], enc('AT')], [[0x04], enc(NOW + 1000)], [enc(-260), enc(new Map([[1, { v: [{}] }]]))]]),
    sign: es256Signer(w.hc.privateKey),
  });
  const at99 = Buffer.from(unprot).indexOf(Buffer.from([0xa1, 0x18, 0x63, 0x00]));
  assert.ok(at99 > 0);
  assert.equal(verdict(encodeCodeText('HC1', unprot)), 'valid');
  const tagged = cat(unprot.subarray(0, at99 + 3), [0xd2], unprot.subarray(at99 + 3));
  assert.equal(verdict(encodeCodeText('HC1', tagged)), 'malformed', 'tag 18 in the unprotected header');
});

test('reports malformed for duplicate map keys of every type', () => {
  assert.equal(verdict(yssWith(rawMap([...claimEntries(), [enc(4), enc(NOW + 40)]]))), 'malformed', 'integer');
  const yss = rawMap([[enc('v'), enc(1)], [enc('t'), enc('personal')], [enc('t'), enc('health')]]);
  assert.equal(verdict(yssWith(rawMap(claimEntries({ [-75000]: yss })))), 'malformed', 'text');
  const bkeys = rawMap([[enc(new Uint8Array([1])), [0x01]], [enc(new Uint8Array([1])), [0x02]]]);
  assert.equal(verdict(yssWith(rawMap(claimEntries({ 3: bkeys })))), 'malformed', 'byte string');
  const akeys = rawMap([[enc([1]), [0x01]], [enc([1]), [0x02]]]);
  assert.equal(verdict(yssWith(rawMap(claimEntries({ 3: akeys })))), 'malformed', 'array');
});

test('reports malformed for invalid UTF-8 in a text string', () => {
  assert.equal(verdict(yssWith(rawMap(claimEntries({ 2: [0x63, 0x75, 0xff, 0x31] })))), 'malformed');
  assert.equal(verdict(yssWith(rawMap(claimEntries({ 2: [0x63, 0xed, 0xa0, 0x80] })))), 'malformed', 'a lone surrogate');
});

test('counts sub in characters, not UTF-16 units', () => {
  assert.equal(verdict(yssWith(rawMap(claimEntries({ 2: enc('😀'.repeat(64)) })))), 'valid');
  assert.equal(verdict(yssWith(rawMap(claimEntries({ 2: enc('😀'.repeat(65)) })))), 'malformed');
  assert.equal(verdict(yssWith(rawMap(claimEntries({ 2: enc('a'.repeat(64)) })))), 'valid');
  assert.equal(verdict(yssWith(rawMap(claimEntries({ 2: enc('a'.repeat(65)) })))), 'malformed');
});

test('bounds the cti at 8 to 16 bytes', () => {
  for (const [n, want] of [[7, 'malformed'], [8, 'valid'], [16, 'valid'], [17, 'malformed']] as const) {
    assert.equal(verdict(yssWith(rawMap(claimEntries({ 7: enc(randomBytes(n)) })))), want, `${n} bytes`);
  }
});

test('decodes no code text longer than a QR code can hold', () => {
  const ok = yssWith(rawMap(claimEntries({ 3: enc('x'.repeat(10)) })));
  assert.equal(verdict(ok), 'valid');
  assert.equal(verdict(ok + '0'.repeat(MAX_CODE_TEXT)), 'malformed');
  assert.equal(verifyCode('HC1:' + '0'.repeat(10 * 1024 * 1024), w.index, at).reason, 'malformed');
});

test('decodes a code of exactly the QR limit and refuses one character more', () => {
  // An uncompressed HC1 code is "HC1:" + base45 of its COSE bytes, 1.5 characters a byte: a text
  // claim pads it to the length wanted (4,296 is 4 + 4,292, a whole number of base45 groups).
  const hc1 = (pad: number) => {
    const claims = new Map<number, unknown>([
      [1, 'AT'],
      [4, NOW + 86_400],
      [6, NOW - 86_400],
      [-260, new Map([[1, { ver: '1.3.0', nam: { fn: 'Muster', gn: 'Erika' }, dob: '1964-08-12', v: [{ tg: '840539006' }] }]])],
      [99, 'x'.repeat(pad)],
    ]);
    const cose = buildCoseSign1({
      protectedHeader: new Map<number, unknown>([[1, ALG_ES256], [4, w.hc.kid]]),
      payload: cborEncode(claims),
      sign: es256Signer(w.hc.privateKey),
    });
    return encodeCodeText('HC1', cose, false);
  };
  const base = hc1(1000).length;
  const exact = hc1(1000 + ((MAX_CODE_TEXT - base) / 3) * 2);
  assert.equal(exact.length, MAX_CODE_TEXT);
  assert.equal(verdict(exact), 'valid');
  const over = hc1(1000 + ((MAX_CODE_TEXT - base) / 3) * 2 + 1);
  assert.equal(over.length, MAX_CODE_TEXT + 1);
  assert.equal(verdict(over), 'malformed');
});
