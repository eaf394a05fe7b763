// Boundaries that mutation testing found unguarded (issue 9 §5): each test fails on the mutant
// named in its title.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import nacl from 'tweetnacl';
import { ALG_EDDSA, ALG_ES256, ALG_PS256, base45Decode, base45Encode, sigStructure, verifyCode, verifySignature } from './index.ts';
import { openTrustList, signTrustList, type TrustIndex } from '../trust/index.ts';
import { makeWorld, NOW, es256Signer, hcertCode, type World } from './test/helpers.ts';

const w = makeWorld();
const at = { now: NOW };

function withDcc(world: World, key: Record<string, unknown>): TrustIndex {
  const p = structuredClone(world.payload) as { issuers: { id: string; keys: Record<string, unknown>[] }[] };
  Object.assign(p.issuers.find((i) => i.id === 'DCC')!.keys[0]!, key);
  const opened = openTrustList(signTrustList(p, { kid: world.root.root.kid, secretKey: world.root.secretKey }), [world.root.root]);
  if (!opened.ok) throw new Error(opened.message);
  return opened.index;
}

test('base45 refuses a group above 65535 and a final pair above 255, and takes the largest valid ones', () => {
  assert.deepEqual([...base45Decode('FGW')!], [0xff, 0xff]); // 15 + 16·45 + 32·2025 = 65535
  assert.equal(base45Decode('GGW'), null); // 65536
  assert.equal(base45Decode(':::'), null);
  assert.deepEqual([...base45Decode('U5')!], [0xff]); // 30 + 5·45 = 255
  assert.equal(base45Decode('V5'), null); // 256
  assert.equal(base45Decode('00FGW'.slice(2) + 'V5'), null);
  assert.equal(base45Decode('0'), null);
  assert.equal(base45Decode('abc'), null);
  assert.equal(base45Decode('AB\u0141'), null);
  assert.equal(base45Decode('\u0080AA'), null, 'the first code point past ASCII');
  assert.equal(base45Decode('AA\u007f'), null);
  for (const n of [0, 1, 2, 3, 5, 64]) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + 13) & 0xff);
    assert.deepEqual([...base45Decode(base45Encode(bytes))!], [...bytes]);
  }
});

test('key validity includes both bounds, to the second', () => {
  const key = { not_before: NOW - 100, not_after: NOW + 100 };
  const index = withDcc(w, key);
  for (const [iat, want] of [
    [NOW - 101, 'key_not_valid'],
    [NOW - 100, null],
    [NOW + 100, null],
    [NOW + 101, 'key_not_valid'],
  ] as const) {
    const r = verifyCode(hcertCode(w, { iat, exp: NOW + 1000 }), index, { now: NOW, skew: 200 });
    assert.equal(r.reason, want, `iat ${iat - NOW}`);
  }
});

test('the DSC usage limits the certificate kind an HCERT key may sign', () => {
  const vOnly = withDcc(w, { usage: ['v'] });
  assert.equal(verifyCode(hcertCode(w, { kind: 'v' }), vOnly, at).valid, true);
  assert.equal(verifyCode(hcertCode(w, { kind: 't' }), vOnly, at).reason, 'type_not_allowed');
  assert.equal(verifyCode(hcertCode(w, { kind: 'r' }), withDcc(w, { usage: ['t', 'v'] }), at).reason, 'type_not_allowed');
  assert.equal(verifyCode(hcertCode(w, { kind: 'r' }), withDcc(w, { usage: ['r', 't', 'v'] }), at).valid, true);
  assert.equal(verifyCode(hcertCode(w, { kind: 't' }), w.index, at).valid, true, 'no usage: every kind');
});

test('an HCERT key of an issuer without the hcert type signs no HC1 code', () => {
  const p = structuredClone(w.payload) as { issuers: { id: string; types: string[] }[] };
  p.issuers.find((i) => i.id === 'DCC')!.types = ['personal'];
  const opened = openTrustList(signTrustList(p, { kid: w.root.root.kid, secretKey: w.root.secretKey }), [w.root.root]);
  assert.ok(opened.ok);
  assert.equal(verifyCode(hcertCode(w), opened.index, at).reason, 'type_not_allowed');
});

test('Ed25519 refuses a signature whose S is not below L, which tweetnacl would accept', () => {
  const L = 2n ** 252n + 27742317777372353535851937790883648493n;
  const payload = new Uint8Array([1, 2, 3]);
  const data = sigStructure(new Uint8Array(0), payload);
  const sig = nacl.sign.detached(data, w.gd.secretKey);
  const s = [...sig.subarray(32)].reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n) + L;
  const bumped = Uint8Array.from(sig);
  for (let i = 0, v = s; i < 32; i++, v >>= 8n) bumped[32 + i] = Number(v & 0xffn);
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: w.gd.x }, format: 'jwk' });
  const pub = Buffer.from(w.gd.x, 'base64url');
  assert.equal(verifySignature(ALG_EDDSA, key, data, sig), true);
  assert.equal(nacl.sign.detached.verify(data, bumped, pub), true, 'tweetnacl does not check S < L');
  assert.equal(verifySignature(ALG_EDDSA, key, data, bumped), false);
});

test('a signature of the wrong length is refused for each alg', () => {
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: w.gd.x }, format: 'jwk' });
  const data = new Uint8Array([1]);
  const sig = nacl.sign.detached(data, w.gd.secretKey);
  assert.equal(verifySignature(ALG_EDDSA, key, data, sig), true);
  for (const bad of [Uint8Array.from([...sig, 0]), sig.subarray(0, 63), new Uint8Array(0)]) {
    assert.equal(verifySignature(ALG_EDDSA, key, data, bad), false, `EdDSA, ${bad.length} bytes`);
  }
  // ES256 is r ‖ s, 2 × 32 bytes: a leading or trailing zero byte, or one byte short, is refused.
  const ec = createPublicKey(w.hc.privateKey);
  const es = es256Signer(w.hc.privateKey)(data);
  assert.equal(verifySignature(ALG_ES256, ec, data, es), true);
  for (const bad of [Uint8Array.from([0, ...es]), Uint8Array.from([...es, 0]), es.subarray(0, 63), new Uint8Array(128)]) {
    assert.equal(verifySignature(ALG_ES256, ec, data, bad), false, `ES256, ${bad.length} bytes`);
  }
  assert.equal(verifySignature(-1, key, data, sig), false);
  // node:crypto throws for an Ed25519 key under ECDSA options: still exactly false, never a throw.
  assert.equal(verifySignature(ALG_ES256, key, data, sig), false);
  assert.equal(verifySignature(ALG_PS256, key, data, sig), false);
});
