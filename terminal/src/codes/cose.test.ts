import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommonShape, parseCoseSign1, parseCoseSign1Generic, readSmallHeader, sigStructure } from './cose.ts';
import { base45Decode, unwrapCompressed } from './index.ts';
import { hcertCode, makeWorld, yssCode } from './test/helpers.ts';

const w = makeWorld();
const cose = (text: string) => unwrapCompressed(base45Decode(text, text.indexOf(':') + 1)!)!;
const seeds = [yssCode(w), yssCode(w, { tags: [61, 18] }), yssCode(w, { tags: [] }), hcertCode(w), hcertCode(w, { kidWhere: 'unprotected' })].map(cose);

const plain = (c: ReturnType<typeof parseCoseSign1>) =>
  c && { ...c, protectedBytes: [...c.protectedBytes], payload: [...c.payload], signature: [...c.signature] };

test('the hand-read common shape gives what cborg gives, for real objects', () => {
  for (const s of seeds) assert.deepEqual(plain(parseCoseSign1(s)), plain(parseCoseSign1Generic(s)));
});

test('the hand-read common shape never accepts what cborg rejects, across mutations', () => {
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  let accepted = 0;
  for (let n = 0; n < 5000; n++) {
    const b = Uint8Array.from(seeds[n % seeds.length]!);
    const mode = rand(3);
    let m: Uint8Array = b;
    if (mode === 0) for (let k = 1 + rand(3); k > 0; k--) m[rand(m.length)] = rand(256);
    else if (mode === 1) m = b.subarray(0, rand(b.length));
    else m = Uint8Array.from([...b, ...[rand(256)]]);
    const fast = parseCoseSign1(m);
    assert.deepEqual(plain(fast), plain(parseCoseSign1Generic(m)), `mutation ${n}`);
    if (fast) accepted++;
  }
  assert.ok(accepted > 100, `only ${accepted} mutations still parsed`);
});

test('a protected header with a repeated label is refused on both paths', async () => {
  const { cborEncode } = await import('./cbor.ts');
  const prot = Uint8Array.from([0xa2, 0x01, 0x27, 0x01, 0x27]);
  const obj = cborEncode([prot, new Map(), new Uint8Array(3), new Uint8Array(64)]);
  assert.equal(parseCoseSign1(obj), null);
  assert.equal(parseCoseSign1Generic(obj), null);
});

// The hand readers must do the reading themselves: one that gave up on everything (undefined,
// then cborg) would pass every comparison above. Objects are built here byte by byte.
const head = (major: number, n: number): number[] =>
  n < 24 ? [major | n] : n < 0x100 ? [major | 24, n] : [major | 25, n >> 8, n & 0xff];
const bstr = (b: Uint8Array): number[] => [...head(0x40, b.length), ...b];
const bytes = (n: number, fill = 7) => new Uint8Array(n).fill(fill);
const sign1 = (prot: Uint8Array, payload: Uint8Array, sig: Uint8Array, tags: number[] = []) =>
  Uint8Array.from([...tags.flatMap((t) => (t === 61 ? [0xd8, 0x3d] : [0xd2])), 0x84, ...bstr(prot), 0xa0, ...bstr(payload), ...bstr(sig)]);

test('the hand reader reads the common shape itself: every tag form, every length form, an empty header', () => {
  const prot = Uint8Array.from([0xa2, 0x01, 0x27, 0x04, 0x48, 1, 2, 3, 4, 5, 6, 7, 8]);
  for (const tags of [[], [18], [61, 18]]) {
    for (const [p, n] of [[prot, 0], [new Uint8Array(0), 23], [prot, 24], [prot, 255], [prot, 256], [prot, 4000]] as const) {
      const obj = sign1(p, bytes(n), bytes(64, 9), tags);
      const fast = parseCommonShape(obj);
      assert.ok(fast, `tags ${tags}, payload of ${n}`);
      assert.deepEqual(plain(fast), plain(parseCoseSign1Generic(obj)), `tags ${tags}, payload of ${n}`);
    }
  }
  for (const s of seeds.slice(0, 4)) assert.ok(parseCommonShape(s), 'the real codes take the hand path');
  // A kid in the unprotected map is not the common shape: cborg reads it.
  assert.equal(parseCommonShape(seeds[4]!), undefined);
  assert.ok(parseCoseSign1(seeds[4]!));
});

test('the hand reader leaves to cborg what it does not read, and never accepts it itself', () => {
  const ok = sign1(new Uint8Array(0), bytes(10), bytes(64));
  const cases: [string, Uint8Array][] = [
    ['tag 61 without 18', Uint8Array.from([0xd8, 0x3d, ...ok])],
    ['a 5-array', Uint8Array.from([0x85, ...ok.subarray(1), 0x40])],
    ['one byte more', Uint8Array.from([...ok, 0])],
    ['one byte less', ok.subarray(0, ok.length - 1)],
    ['a text payload', Uint8Array.from([0x84, 0x40, 0xa0, 0x61, 0x41, ...bstr(bytes(64))])],
    ['a payload length past the end', Uint8Array.from([0x84, 0x40, 0xa0, 0x58])],
    ['a two-byte length past the end', Uint8Array.from([0x84, 0x40, 0xa0, 0x59, 0x01])],
    ['a protected header that is no map', sign1(Uint8Array.from([0x01]), bytes(3), bytes(64))],
    ['nothing after the array head', Uint8Array.from([0x84])],
    // Read as a byte string's head, a text head would take the next two bytes as a length of 1.
    ['a text payload of two bytes', Uint8Array.from([0x84, 0x40, 0xa0, 0x62, 0x00, 0x01, 0xee, 0x40])],
    // An empty map where the protected bstr belongs, then what reads as a map, payload and signature.
    ['a map in place of the protected bytes', Uint8Array.from([0x84, 0xa0, 0x40, 0x40])],
  ];
  for (const [name, obj] of cases) {
    assert.equal(parseCommonShape(obj), undefined, name);
    // None of them is a COSE_Sign1 at all: each path must refuse it on its own, not just agree.
    assert.equal(parseCoseSign1(obj), null, name);
    assert.equal(parseCoseSign1Generic(obj), null, name);
  }
});

test('the hand reader reads a protected header the small reader leaves, through cborg, without giving up', async () => {
  const { cborEncode } = await import('./cbor.ts');
  const headers = [
    new Map<number, unknown>([[1, -7], [4, bytes(32)]]), // a 32-byte kid: a length byte
    new Map<number, unknown>([[1, -7], [2, 0], [3, 0], [5, 0], [6, 0], [7, 0]]), // six labels
  ];
  for (const h of headers) {
    const prot = cborEncode(h);
    assert.equal(readSmallHeader(prot), undefined);
    const fast = parseCommonShape(sign1(prot, bytes(40), bytes(64)));
    assert.ok(fast);
    assert.deepEqual(fast.protectedHeader, h);
  }
});

test('the generic reader refuses what is no COSE_Sign1 even where cborg reads it', () => {
  const cases: [string, number[]][] = [
    ['a 5-array', [0x85, 0x40, 0xa0, 0x40, 0x40, 0x40]],
    ['a 3-array', [0x83, 0x40, 0xa0, 0x40]],
    ['a map', [0xa1, 0x01, 0x40]],
    ['a byte string of four bytes', [0x44, 0x40, 0xa0, 0x40, 0x40]],
    ['an empty text string as the protected header', [0x84, 0x60, 0xa0, 0x40, 0x40]],
    ['an array as the unprotected header', [0x84, 0x40, 0x80, 0x40, 0x40]],
    ['a text payload', [0x84, 0x40, 0xa0, 0x60, 0x40]],
    ['a text signature', [0x84, 0x40, 0xa0, 0x40, 0x60]],
    ['a protected header that is an integer', [0x84, 0x41, 0x01, 0xa0, 0x40, 0x40]],
    ['a protected header that is an array', [0x84, 0x41, 0x80, 0xa0, 0x40, 0x40]],
  ];
  for (const [name, b] of cases) {
    assert.equal(parseCoseSign1Generic(Uint8Array.from(b)), null, name);
    assert.equal(parseCoseSign1(Uint8Array.from(b)), null, name);
  }
  // The same object with an unprotected map is one, and the map is what the generic reader gives.
  const one = parseCoseSign1Generic(Uint8Array.from([0x84, 0x40, 0xa1, 0x04, 0x41, 0x09, 0x40, 0x40]));
  assert.deepEqual(one?.unprotectedHeader, new Map([[4, Uint8Array.of(9)]]));
});

test('the small-header reader reads alg and kid itself, and only the shapes it knows', async () => {
  const { cborDecodeHeader } = await import('./cbor.ts');
  const readable = [
    [0xa0],
    [0xa1, 0x01, 0x27], // alg -8
    [0xa1, 0x01, 0x26], // alg -7
    [0xa1, 0x01, 0x38, 0x24], // alg -37
    [0xa1, 0x01, 0x37], // -24, the last one-byte negative
    [0xa1, 0x37, 0x17], // label -24, value 23
    [0xa1, 0x17, 0x01], // label 23, the last one-byte label
    [0xa1, 0x20, 0x20], // label -1, value -1, the first one-byte negatives
    [0xa2, 0x01, 0x27, 0x04, 0x48, 1, 2, 3, 4, 5, 6, 7, 8],
    [0xa1, 0x04, 0x57, ...bytes(23)],
    [0xa1, 0x04, 0x40],
    [0xa5, 0x00, 0x00, 0x01, 0x01, 0x02, 0x02, 0x03, 0x03, 0x04, 0x04],
  ];
  for (const h of readable) {
    const b = Uint8Array.from(h);
    const m = readSmallHeader(b);
    assert.ok(m, JSON.stringify(h));
    assert.deepEqual(m, cborDecodeHeader(b), JSON.stringify(h));
  }
  const unread = [
    [0x9f],
    [0xa6, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5], // six entries
    [0xa1, 0x18, 0x18, 0x01], // label 24
    [0xa1, 0x38, 0x18, 0x01], // label -25
    [0xa1, 0x01, 0x18, 0x18], // value 24
    [0xa1, 0x01, 0x39, 0x01, 0x00], // value -257
    [0xa1, 0x04, 0x58, 0x01, 0x00], // a byte string with a length byte
    [0xa1, 0x61, 0x41, 0x01], // a text label
    [0xa2, 0x01, 0x27, 0x01, 0x26], // a repeated label
    [0xa1, 0x01], // no value
    [0xa1], // no entry
    [0xa1, 0x01, 0x38], // a negative without its byte
    [0xa1, 0x04, 0x42, 0x01], // a byte string past the end
    [0xa1, 0x01, 0x27, 0x00], // a byte after the map
    // A reader that took 0x18 for a small negative label or value, or 0x58 for a short byte
    // string, would read each of these to its end as another map (the first two cborg reads).
    [0xa1, 0x18, 0x38, 0x01], // label 56 (0x18 0x38), value 1: not {7: -2}
    [0xa1, 0x04, 0x58, 0x17, ...bytes(23)], // a 23-byte kid with a length byte: not 24 bytes
    [0xa1, 0x01, 0x18], // a one-byte value without its byte: not {1: 7}
  ];
  for (const h of unread) assert.equal(readSmallHeader(Uint8Array.from(h)), undefined, JSON.stringify(h));
});

test('the signed structure is the CBOR encoding of ["Signature1", protected, h\'\', payload] at every length form', async () => {
  // mint.ts signs with the same sigStructure, so a wrong head would sign and verify alike: the
  // check is against cborg's encoder. 23/24, 255/256 and 65535/65536 are where a head grows.
  const { cborEncode } = await import('./cbor.ts');
  for (const n of [0, 1, 23, 24, 255, 256, 65_535, 65_536]) {
    const prot = bytes(Math.min(n, 300), 3);
    const payload = bytes(n, 5);
    const ours = sigStructure(prot, payload);
    assert.deepEqual(Buffer.from(ours), Buffer.from(cborEncode(['Signature1', prot, new Uint8Array(0), payload])), `length ${n}`);
  }
});
