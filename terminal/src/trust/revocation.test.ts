// Revocation lookups (trust-list.md §2) on a real signed list: by cti, by holder, each alone, and
// a code that lacks the part a lookup needs is never looked up by it (nor crashes the verifier).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ctiHash, isRevoked, subHash } from './index.ts';
import { verifyCode } from '../codes/index.ts';
import { NOW, hcertCode, makeWorld, yssCode } from '../codes/test/helpers.ts';

const at = { now: NOW };
const revokedCti = randomBytes(16);
// Holders as `${iss}|${sub}`, including the texts a null would turn into.
const w = makeWorld({
  revoked: {
    cti: [ctiHash(revokedCti)],
    sub: [subHash('CN-44', 'u-9'), subHash('CN-44', 'null'), subHash('null', 'u-1234'), subHash('AT', 'null')],
  },
});
const empty = makeWorld();

test('a revoked cti or holder is found, each on its own', () => {
  assert.equal(isRevoked(w.index, revokedCti, 'CN-44', 'u-1'), true);
  assert.equal(isRevoked(w.index, randomBytes(16), 'CN-44', 'u-9'), true);
  assert.equal(isRevoked(w.index, null, 'CN-44', 'u-9'), true, 'no cti: the holder is still looked up');
  assert.equal(isRevoked(w.index, randomBytes(16), 'CN-44', 'u-1'), false);
  assert.equal(isRevoked(w.index, randomBytes(16), 'MO', 'u-9'), false, 'the same subject of another issuer');
});

test('a code without a cti, issuer or subject is not looked up by the missing part', () => {
  assert.equal(isRevoked(w.index, null, 'CN-44', null), false, 'no subject is not the subject "null"');
  assert.equal(isRevoked(w.index, null, null, 'u-1234'), false, 'no issuer is not the issuer "null"');
  assert.equal(isRevoked(w.index, null, null, null), false);
});

test('nothing is revoked on a list that revokes nothing', () => {
  assert.equal(isRevoked(empty.index, revokedCti, 'CN-44', 'u-9'), false);
  assert.equal(isRevoked(empty.index, null, 'CN-44', 'u-9'), false);
});

test('verifyCode: revoked by cti and by holder; an HC1 code without cti or holder passes a list that revokes both', () => {
  assert.equal(verifyCode(yssCode(w, { cti: revokedCti }), w.index, at).reason, 'revoked');
  assert.equal(verifyCode(yssCode(w, { sub: 'u-9' }), w.index, at).reason, 'revoked');
  const fresh = verifyCode(yssCode(w), w.index, at);
  assert.equal(fresh.valid, true, String(fresh.reason));
  // HC1 has no cti here and its `sub` is no one's: neither lookup may run (nor throw).
  const hc1 = verifyCode(hcertCode(w), w.index, at);
  assert.equal(hc1.valid, true, String(hc1.reason));
  assert.equal(hc1.claims?.cti, null);
});
