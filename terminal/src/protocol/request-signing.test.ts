import assert from 'node:assert/strict';
import { test } from 'node:test';
import nacl from 'tweetnacl';
import { ed25519PrivateKey, ed25519PublicKey, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TERMINAL, HEADER_TIME, signRequest, verifyRequestSignature } from './request-signing.ts';

const seed = nacl.randomBytes(32);
const priv = ed25519PrivateKey(seed);
const pub = ed25519PublicKey(nacl.sign.keyPair.fromSeed(seed).publicKey);
const body = '{"events":[]}';
const h = signRequest(priv, 't-1', 'POST', '/v1/events', body, 1_700_000_000_000);
const check = (method = 'POST', path = '/v1/events', b = body, time = 1_700_000_000_000, nonce = h[HEADER_NONCE]!, sig = h[HEADER_SIGNATURE]!) =>
  verifyRequestSignature(pub, method, path, b, time, nonce, sig);

test('a signed request carries the terminal, time, nonce and signature headers and verifies', () => {
  assert.equal(h[HEADER_TERMINAL], 't-1');
  assert.equal(h[HEADER_TIME], '1700000000000');
  assert.match(h[HEADER_NONCE]!, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(check(), true);
});

test('changing the method, path, body, time or nonce breaks the signature', () => {
  assert.equal(check('PUT'), false);
  assert.equal(check('POST', '/v1/heartbeat'), false);
  assert.equal(check('POST', '/v1/events', '{"events":[{}]}'), false);
  assert.equal(check('POST', '/v1/events', body, 1_700_000_000_001), false);
  assert.equal(check('POST', '/v1/events', body, 1_700_000_000_000, 'AAAAAAAAAAAAAAAAAAAAAA'), false);
});

test('the query string is signed: adding, changing or dropping it breaks the signature', () => {
  const withQuery = signRequest(priv, 't-1', 'POST', '/v1/events?batch=1', body, 1_700_000_000_000);
  const q = (target: string) => verifyRequestSignature(pub, 'POST', target, body, 1_700_000_000_000, withQuery[HEADER_NONCE]!, withQuery[HEADER_SIGNATURE]!);
  assert.equal(q('/v1/events?batch=1'), true);
  assert.equal(q('/v1/events?batch=2'), false);
  assert.equal(q('/v1/events'), false);
  assert.equal(q('/v1/events?batch=1&open=1'), false);
  // And a request signed without a query does not verify once one is appended in transit.
  assert.equal(check('POST', '/v1/events?open=1'), false);
});

test('a signature by another key, or of the wrong length, does not verify', () => {
  const other = signRequest(ed25519PrivateKey(nacl.randomBytes(32)), 't-1', 'POST', '/v1/events', body, 1_700_000_000_000);
  assert.equal(check('POST', '/v1/events', body, 1_700_000_000_000, other[HEADER_NONCE]!, other[HEADER_SIGNATURE]!), false);
  assert.equal(check('POST', '/v1/events', body, 1_700_000_000_000, h[HEADER_NONCE]!, 'c2hvcnQ'), false);
});

test('two signatures of the same request use different nonces', () => {
  const again = signRequest(priv, 't-1', 'POST', '/v1/events', body, 1_700_000_000_000);
  assert.notEqual(again[HEADER_NONCE], h[HEADER_NONCE]);
});
