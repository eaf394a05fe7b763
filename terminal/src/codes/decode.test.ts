// decodeCode on its own (decode.ts): it promises never to throw, and every step's refusal is its
// own `malformed`. Through verifyCode a throw or a code passed on without claims was caught later
// and came out `malformed` too, so those steps were held by nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ALG_EDDSA, buildCoseSign1, cborEncode, decodeCode, encodeCodeText, yssClaims } from './index.ts';

const NOW = Math.floor(Date.now() / 1000);
const claims = () => cborEncode(yssClaims({ iss: 'CN-44', sub: 'u-1', type: 'personal', iat: NOW - 10, exp: NOW + 50, cti: randomBytes(16) }));
const sign = () => new Uint8Array(64);
const kid = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
const code = (payload: Uint8Array, alg: unknown = ALG_EDDSA) =>
  encodeCodeText('YSS1', buildCoseSign1({ protectedHeader: new Map<number, unknown>([[1, alg], [4, kid]]), payload, sign }));

test('a well-formed code decodes, with its alg, kid and claims', () => {
  const out = decodeCode(code(claims()));
  assert.ok(out.ok);
  assert.equal(out.code.alg, ALG_EDDSA);
  assert.deepEqual([...out.code.kid], [...kid]);
  assert.equal(out.code.family, 'YSS1');
  assert.equal(out.code.claims.family, 'YSS1');
});

test('CBOR that is no COSE_Sign1 is malformed, not an exception', () => {
  for (const v of [[1, 2, 3], new Map([[1, 2]]), 'text', [new Uint8Array(0), new Map(), new Uint8Array(0)]]) {
    assert.deepEqual(decodeCode(encodeCodeText('YSS1', cborEncode(v))), { ok: false, reason: 'malformed', family: 'YSS1', claims: null }, JSON.stringify(v));
  }
});

test('claims that fail their check are malformed even under a supported alg', () => {
  for (const payload of [cborEncode(new Map([[1, 'CN-44']])), cborEncode([1]), cborEncode(7), Uint8Array.from([0xff]), new Uint8Array(0)]) {
    assert.deepEqual(decodeCode(code(payload)), { ok: false, reason: 'malformed', family: 'YSS1', claims: null }, Buffer.from(payload).toString('hex'));
  }
});

test('an alg that is not one of ours is unsupported, with the claims it carried', () => {
  for (const alg of ['EdDSA', -9, 0, -257]) {
    const out = decodeCode(code(claims(), alg));
    assert.equal(out.ok, false);
    assert.equal(!out.ok && out.reason, 'unsupported_alg', String(alg));
    assert.equal(!out.ok && out.claims?.family, 'YSS1');
  }
});
