// The strict CBOR reader byte by byte (codes.md §2–§4): each head form to its boundary, each limit
// at its value and one past it, each refusal with its own message. Bytes are written out here, not
// made by an encoder, so a reader and an encoder that agree on a mistake cannot hide it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CborError, CborFloat, Tagged, cborDecode, cborDecodeHeader, cborDecodePayload, cborTag } from './cbor.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));
const bytes = (...b: number[]) => Uint8Array.from(b);
const repeat = (s: string, n: number) => s.repeat(n);
/** Text string `s` as definite CBOR: head, then its UTF-8 (lengths below 256 only). */
const text = (s: string) => {
  const u = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from(u.length < 24 ? [0x60 | u.length] : [0x78, u.length]), u]).toString('hex');
};
type Decode = (b: Uint8Array) => unknown;
const hcert: Decode = (b) => cborDecodePayload(b, 'HC1');

function refuses(input: string | Uint8Array, message: string, decode: Decode = cborDecodeHeader): void {
  const b = typeof input === 'string' ? hex(input) : input;
  assert.throws(
    () => decode(b),
    (e: unknown) => {
      assert.ok(e instanceof CborError, `${String(e)} is not a CborError`);
      assert.equal(e.message, message);
      return true;
    },
  );
}

test('reads every integer head form to its boundaries, bigint only past 2^53 − 1', () => {
  const cases: [string, number | bigint][] = [
    ['00', 0],
    ['17', 23],
    ['1818', 24],
    ['18ff', 255],
    ['190100', 256],
    ['190102', 258],
    ['19ffff', 65535],
    ['1a00010000', 65536],
    ['1a80000001', 2 ** 31 + 1],
    ['1affffffff', 2 ** 32 - 1],
    ['1b0000000000000005', 5],
    ['1b0000000100000002', 2 ** 32 + 2],
    ['1b001fffffffffffff', Number.MAX_SAFE_INTEGER],
    ['1b0020000000000000', 2n ** 53n],
    ['1b0020000000000001', 2n ** 53n + 1n],
    ['1bffffffffffffffff', 2n ** 64n - 1n],
    ['20', -1],
    ['37', -24],
    ['3818', -25],
    ['39ffff', -65536],
    ['3a80000001', -(2 ** 31) - 2],
    ['3b001fffffffffffff', -(2 ** 53)],
    ['3b0020000000000000', -(2n ** 53n) - 1n],
    ['3bffffffffffffffff', -(2n ** 64n)],
  ];
  for (const [h, want] of cases) assert.equal(cborDecodeHeader(hex(h)), want, h);
});

test('refuses a truncated head, a reserved additional info and an indefinite integer', () => {
  refuses('', 'unexpected end at byte 0');
  refuses('18', 'unexpected end at byte 1');
  refuses('1901', 'unexpected end at byte 1');
  refuses('1a000000', 'unexpected end at byte 1');
  refuses('1b00000000000000', 'unexpected end at byte 1');
  refuses('8118', 'unexpected end at byte 2');
  for (const ai of [28, 29, 30]) refuses(bytes(ai), `reserved additional info ${ai} at byte 1`);
  refuses('1f', 'indefinite-length integer at byte 1');
  refuses('3f', 'indefinite-length integer at byte 1');
  refuses('0000', '1 bytes after the item at byte 1');
  refuses('80ffff', '2 bytes after the item at byte 1');
});

test('reads byte strings definite and in chunks, as views of the input where it can', () => {
  assert.deepEqual(cborDecodeHeader(hex('40')), new Uint8Array(0));
  assert.deepEqual(cborDecodeHeader(hex('4401020304')), bytes(1, 2, 3, 4));
  assert.deepEqual(cborDecodeHeader(hex('5818' + repeat('07', 24))), new Uint8Array(24).fill(7));
  assert.deepEqual(cborDecodeHeader(hex('5f420102410340ff')), bytes(1, 2, 3));
  assert.deepEqual(cborDecodeHeader(hex('5fff')), new Uint8Array(0));
  // Input that is itself a view at an offset (a Buffer from the pool is one).
  const outer = hex('aa 82 42 0102 fa3fc00000 bb');
  assert.deepEqual(cborDecodeHeader(outer.subarray(1, outer.length - 1)), [bytes(1, 2), new CborFloat(1.5)]);
  refuses('41', 'declared length 1 exceeds the input at byte 1');
  refuses('5a00010000' + '00', 'declared length 65536 exceeds the input at byte 5');
  refuses('5b0020000000000000', 'declared length Infinity exceeds the input at byte 9');
  refuses('5f', 'unexpected end at byte 1');
  refuses('5f40', 'unexpected end at byte 2');
  refuses('5f6161ff', 'indefinite byte string chunk is not a definite byte string at byte 2');
  refuses('5f5fffff', 'indefinite byte string chunk is not a definite byte string at byte 2');
});

test('reads text strings definite and in chunks, strict UTF-8 on both sides of 64 bytes', () => {
  assert.equal(cborDecodeHeader(hex('60')), '');
  assert.equal(cborDecodeHeader(hex('6161')), 'a');
  assert.equal(cborDecodeHeader(hex('7f6161626263ff')), 'abc');
  assert.equal(cborDecodeHeader(hex('7fff')), '');
  // The first and last code point of each UTF-8 length, around the surrogates, and a BOM kept.
  const valid = ['\u0000', '\u007f', '\u0080', '\u07ff', '\u0800', '\ud7ff', '\ue000', '\ufffd', '\uffff', '\u{10000}', '\u{10ffff}', '\ufeffa'];
  for (const s of valid) {
    assert.equal(cborDecodeHeader(hex(text(s))), s, JSON.stringify(s));
    // The same inside strings of 64 bytes (read by hand) and of 65 (read by TextDecoder).
    for (const total of [64, 65]) {
      const long = s + 'x'.repeat(total - Buffer.byteLength(s));
      assert.equal(cborDecodeHeader(hex(text(long))), long, `${JSON.stringify(s)} in ${total} bytes`);
    }
  }
  assert.equal(cborDecodeHeader(hex('7f 63e4b8ad 62c2a9 ff')), '中©');
  const invalid = [
    '80', 'bf', 'c080', 'c1bf', 'c341', 'c3c3', 'e08080', 'e09fbf', 'e282', 'eda080', 'edbfbf',
    'f0808080', 'f08fbfbf', 'f4908080', 'f5808080', 'f8', 'fe', 'ff',
  ];
  for (const bad of invalid) {
    const n = bad.length / 2;
    refuses(bytes(0x60 | n, ...hex(bad)), `text string is not valid UTF-8 at byte ${1 + n}`);
    const long = bytes(0x78, 65, ...new Array<number>(65 - n).fill(0x41), ...hex(bad));
    refuses(long, 'text string is not valid UTF-8 at byte 67');
  }
  // A character cut by the string's end is refused even when the next item's byte would complete it.
  refuses('8261c380', 'text string is not valid UTF-8 at byte 3');
  refuses('7f4100ff', 'indefinite text string chunk is not a definite text string at byte 2');
  refuses('7f7fffff', 'indefinite text string chunk is not a definite text string at byte 2');
  refuses('62c3', 'declared length 2 exceeds the input at byte 1');
});

test('reads arrays definite and indefinite, and refuses a declared length past the input', () => {
  assert.deepEqual(cborDecodeHeader(hex('80')), []);
  assert.deepEqual(cborDecodeHeader(hex('83010203')), [1, 2, 3]);
  assert.deepEqual(cborDecodeHeader(hex('9f0102ff')), [1, 2]);
  assert.deepEqual(cborDecodeHeader(hex('9fff')), []);
  assert.deepEqual(cborDecodeHeader(hex('9f9fff80ff')), [[], []]);
  assert.deepEqual(cborDecodeHeader(hex('9818' + repeat('01', 24))), new Array(24).fill(1));
  refuses('830102', 'declared length 3 exceeds the input at byte 1');
  refuses('828100', 'unexpected end at byte 3');
  refuses('9f01', 'unexpected end at byte 2');
  refuses('ff', 'unexpected break at byte 1');
  refuses('8200ff', 'unexpected break at byte 3');
});

test('reads maps with integer and text keys, definite and indefinite, and refuses any other key', () => {
  assert.deepEqual(cborDecodeHeader(hex('a0')), new Map());
  assert.deepEqual(
    cborDecodeHeader(hex('a3 0102 2003 6161 80')),
    new Map<string | number, unknown>([[1, 2], [-1, 3], ['a', []]]),
  );
  assert.deepEqual(cborDecodeHeader(hex('bf 0102 6162 f5 ff')), new Map<string | number, unknown>([[1, 2], ['b', true]]));
  assert.deepEqual(cborDecodeHeader(hex('bfff')), new Map());
  assert.deepEqual(cborDecodeHeader(hex('a1 1b001fffffffffffff 00')), new Map([[Number.MAX_SAFE_INTEGER, 0]]));
  refuses('a101', 'declared length 1 exceeds the input at byte 1');
  refuses('bf', 'unexpected end at byte 1');
  refuses('bf0102', 'unexpected end at byte 3');
  refuses('a2010203', 'declared length 2 exceeds the input at byte 1');
  refuses('a14000', 'map key of major type 2: only integer and text keys are allowed at byte 1');
  refuses('a18000', 'map key of major type 4: only integer and text keys are allowed at byte 1');
  refuses('a1a000', 'map key of major type 5: only integer and text keys are allowed at byte 1');
  refuses('a1f93c0000', 'map key of major type 7: only integer and text keys are allowed at byte 1');
  refuses('a1f500', 'map key of major type 7: only integer and text keys are allowed at byte 1');
  refuses('a11b002000000000000000', 'integer map key beyond 2^53 at byte 10');
  refuses('a13b002000000000000000', 'integer map key beyond 2^53 at byte 10');
  refuses('a201000100', 'duplicate map key 1 at byte 4');
  refuses('a2616100616100', 'duplicate map key "a" at byte 6');
  refuses('bf01000100ff', 'duplicate map key 1 at byte 4');
});

test('reads the simple values and floats codes use, and refuses the others', () => {
  assert.equal(cborDecodeHeader(hex('f4')), false);
  assert.equal(cborDecodeHeader(hex('f5')), true);
  assert.equal(cborDecodeHeader(hex('f6')), null);
  const floats: [string, number][] = [
    ['f90000', 0],
    ['f98000', -0],
    ['f93c00', 1],
    ['f9c000', -2],
    ['f90001', 2 ** -24],
    ['f903ff', 1023 * 2 ** -24],
    ['f90400', 2 ** -14],
    ['f97bff', 65504],
    ['f97c00', Infinity],
    ['f9fc00', -Infinity],
    ['f97e00', NaN],
    ['fa47c35000', 100000],
    ['fa80000000', -0],
    ['fb3ff199999999999a', 1.1],
    ['fbc010000000000000', -4],
  ];
  for (const [h, want] of floats) {
    const v = cborDecodeHeader(hex(h));
    assert.ok(v instanceof CborFloat, h);
    assert.ok(Object.is(v.value, want), `${h}: ${v.value}, expected ${want}`);
  }
  refuses('f93c', 'unexpected end at byte 1');
  refuses('fa3f8000', 'unexpected end at byte 1');
  refuses('fb3ff00000000000', 'unexpected end at byte 1');
  refuses('e0', 'simple value 0 not allowed at byte 1');
  refuses('f3', 'simple value 19 not allowed at byte 1');
  refuses('f7', 'simple value 23 not allowed at byte 1');
  refuses('f820', 'simple value with a one-byte argument not allowed at byte 1');
  refuses('fc', 'simple value 28 not allowed at byte 1');
});

test('takes nesting to depth 16 and item 2048, and refuses one more', () => {
  assert.deepEqual(cborDecodeHeader(hex(repeat('81', 15) + '80')), JSON.parse('['.repeat(16) + ']'.repeat(16)));
  refuses(repeat('81', 16) + '80', 'nesting deeper than 16 at byte 17');
  const maps = cborDecodeHeader(hex(repeat('a100', 15) + 'a0'));
  assert.ok(maps instanceof Map);
  refuses(repeat('a100', 16) + 'a0', 'nesting deeper than 16 at byte 33');
  // Tags count as a level (HCERT takes tag 1 anywhere).
  assert.deepEqual(hcert(hex(repeat('81', 15) + 'c100')), JSON.parse('['.repeat(15) + '0' + ']'.repeat(15)));
  refuses(repeat('81', 16) + 'c100', 'nesting deeper than 16 at byte 17', hcert);

  // One array head and 2047 items is 2048; the chunks of a string count too.
  assert.equal((cborDecodeHeader(hex('9907ff' + repeat('00', 2047))) as unknown[]).length, 2047);
  refuses('990800' + repeat('00', 2048), 'more than 2048 data items at byte 2050');
  assert.equal((cborDecodeHeader(hex('5f' + repeat('4101', 2047) + 'ff')) as Uint8Array).length, 2047);
  refuses('5f' + repeat('4101', 2048) + 'ff', 'more than 2048 data items at byte 4096');
  assert.equal((cborDecodeHeader(hex('7f' + repeat('6161', 2047) + 'ff')) as string).length, 2047);
  refuses('7f' + repeat('6161', 2048) + 'ff', 'more than 2048 data items at byte 4096');
});

test('takes a map of 32 entries, definite or indefinite, and refuses 33', () => {
  const entries = (n: number) => Array.from({ length: n }, (_, i) => (i < 24 ? (i).toString(16).padStart(2, '0') : '18' + i.toString(16)) + 'f6').join('');
  const want = new Map(Array.from({ length: 32 }, (_, i) => [i, null]));
  assert.deepEqual(cborDecodeHeader(hex('b820' + entries(32))), want);
  assert.deepEqual(cborDecodeHeader(hex('bf' + entries(32) + 'ff')), want);
  refuses('b821' + entries(33), 'map of 33 entries, more than 32 at byte 2');
  refuses('bf' + entries(33) + 'ff', 'map of more than 32 entries at byte 73');
});

test('takes tags 61 and 18 around the COSE object only', () => {
  assert.deepEqual(cborDecode(hex('d280')), new Tagged(18, []));
  assert.deepEqual(cborDecode(hex('d83dd280')), new Tagged(61, new Tagged(18, [])));
  assert.deepEqual(cborDecode(hex('80')), []);
  refuses('d2d280', 'tag 18 not allowed here at byte 2', cborDecode);
  refuses('d281d280', 'tag 18 not allowed here at byte 3', cborDecode);
  refuses('81d280', 'tag 18 not allowed here at byte 2', cborDecode);
  refuses('d83d80', 'tag 61 not followed by tag 18 at byte 3', cborDecode);
  refuses('d83dd83dd280', 'tag 61 not allowed here at byte 4', cborDecode);
  refuses('81d83dd280', 'tag 61 not allowed here at byte 3', cborDecode);
  refuses('d2d83dd280', 'tag 61 not allowed here at byte 3', cborDecode);
  refuses('d83d81d280', 'tag 18 not allowed here at byte 4', cborDecode);
  refuses('d83dd2d280', 'tag 18 not allowed here at byte 4', cborDecode);
  refuses('c100', 'tag 1 not allowed here at byte 1', cborDecode);
  refuses('d280', 'tag 18 not allowed here at byte 1');
  refuses('d83d80', 'tag 61 not allowed here at byte 2');
});

test('takes the date/time tags 0 on text and 1 on a number in HCERT payloads only', () => {
  assert.equal(hcert(hex('c0' + text('2021-06-01T00:00:00Z'))), '2021-06-01T00:00:00Z');
  assert.equal(hcert(hex('c11a60b57880')), 1622505600);
  assert.deepEqual(hcert(hex('c1f93c00')), new CborFloat(1));
  assert.deepEqual(hcert(hex('a104c100')), new Map([[4, 0]]));
  refuses('c000', 'tag 0 on the wrong type at byte 2', hcert);
  refuses('c16161', 'tag 1 on the wrong type at byte 3', hcert);
  refuses('c11b0020000000000000', 'tag 1 on the wrong type at byte 10', hcert);
  refuses('c240', 'tag 2 not allowed here at byte 1', hcert);
  refuses('d280', 'tag 18 not allowed here at byte 1', hcert);
  refuses('c100', 'tag 1 not allowed here at byte 1', (b) => cborDecodePayload(b, 'YSS1'));
  refuses('c06161', 'tag 0 not allowed here at byte 1', (b) => cborDecodePayload(b, 'YSS1'));
});

test('prefixes a tag head in its shortest form', () => {
  const x = bytes(0x80);
  assert.deepEqual(cborTag(18, x), bytes(0xd2, 0x80));
  assert.deepEqual(cborTag(23, x), bytes(0xd7, 0x80));
  assert.deepEqual(cborTag(24, x), bytes(0xd8, 0x18, 0x80));
  assert.deepEqual(cborTag(61, x), bytes(0xd8, 0x3d, 0x80));
  assert.deepEqual(cborTag(255, x), bytes(0xd8, 0xff, 0x80));
  assert.deepEqual(cborTag(256, x), bytes(0xd9, 0x01, 0x00, 0x80));
  assert.deepEqual(cborTag(0x1234, x), bytes(0xd9, 0x12, 0x34, 0x80));
});
