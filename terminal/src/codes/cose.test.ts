import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCoseSign1, parseCoseSign1Generic } from './cose.ts';
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
