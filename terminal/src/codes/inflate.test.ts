// The zlib step of codes.md §2 at its edges: which first bytes are taken as CBOR as they are, the
// 64 KiB output limit to the byte, and what a stream that cannot be inflated gives back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { INFLATE_LIMIT, base45Decode, base45Encode, unwrapCompressed, verifyCode } from './index.ts';
import { NOW, hcertCode, makeWorld, yssCode } from './test/helpers.ts';

const w = makeWorld();
const at = { now: NOW };
const bytesOf = (text: string) => base45Decode(text, text.indexOf(':') + 1)!;

test('uncompressed COSE is taken as it is whatever it starts with: untagged (84), tag 18 (D2), tags 61 and 18 (D8 3D)', () => {
  for (const [tags, first] of [
    [[], [0x84]],
    [[18], [0xd2]],
    [[61, 18], [0xd8, 0x3d]],
  ] as const) {
    const yss = yssCode(w, { tags: [...tags], compressed: false });
    const hc1 = hcertCode(w, { tags: [...tags], compressed: false });
    for (const code of [yss, hc1]) {
      const raw = bytesOf(code);
      assert.deepEqual([...raw.subarray(0, first.length)], [...first]);
      assert.equal(unwrapCompressed(raw), raw, `tags [${tags}] are passed through, not inflated`);
      const r = verifyCode(code, w.index, at);
      assert.equal(r.valid, true, `${code.slice(0, 4)} tags [${tags}]: ${r.reason}`);
    }
  }
});

test('D8 followed by anything but 3D is not tag 61: it is inflated, and fails as zlib', () => {
  // Tag 18 written in two bytes (D8 12) around a real COSE array: not a form §2 takes as CBOR.
  const untagged = bytesOf(yssCode(w, { tags: [], compressed: false }));
  const longTag18 = Uint8Array.from([0xd8, 0x12, ...untagged]);
  assert.equal(unwrapCompressed(longTag18), null);
  assert.equal(verifyCode(`YSS1:${base45Encode(longTag18)}`, w.index, at).reason, 'malformed');
  assert.equal(unwrapCompressed(Uint8Array.of(0xd8)), null, 'a lone D8');
});

test('3D in second place makes no tag without D8 before it', () => {
  // 0x3D as zlib's flag byte asks for a preset dictionary, which no code has: refused, not taken
  // for CBOR. The same for any other first byte before 3D.
  for (const b0 of [0x78, 0x00, 0xd9, 0x85]) {
    const data = Uint8Array.from([b0, 0x3d, ...bytesOf(yssCode(w, { tags: [], compressed: false })).subarray(1)]);
    assert.equal(unwrapCompressed(data), null, `first byte ${b0.toString(16)}`);
  }
});

test('inflates up to exactly 64 KiB and refuses one byte more', () => {
  const exact = Buffer.alloc(INFLATE_LIMIT, 0x61);
  const out = unwrapCompressed(deflateSync(exact));
  assert.ok(out !== null, 'exactly INFLATE_LIMIT bytes inflate');
  assert.equal(out.length, INFLATE_LIMIT);
  assert.ok(Buffer.from(out).equals(exact));
  assert.equal(unwrapCompressed(deflateSync(Buffer.alloc(INFLATE_LIMIT + 1, 0x61))), null);
  assert.equal(unwrapCompressed(deflateSync(Buffer.alloc(INFLATE_LIMIT - 1, 0x61)))?.length, INFLATE_LIMIT - 1);
});

test('nothing that fails to inflate comes back as anything but null', () => {
  const good = deflateSync(Buffer.from('a COSE object'));
  for (const [what, data] of [
    ['no bytes', new Uint8Array(0)],
    ['not zlib', Uint8Array.of(0x01, 0x02, 0x03)],
    ['a truncated stream', good.subarray(0, good.length - 2)],
    ['bytes after the stream', Uint8Array.from([...good, 0])],
  ] as const) {
    assert.equal(unwrapCompressed(data), null, what);
  }
  assert.equal(Buffer.from(unwrapCompressed(good)!).toString(), 'a COSE object');
});
