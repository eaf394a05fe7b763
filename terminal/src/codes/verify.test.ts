import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { ALG_EDDSA, ALG_ES256, ALG_PS256, verifyCode, cborEncode, buildCoseSign1, encodeCodeText, ed25519Signer, yssClaims } from './index.ts';
import { openTrustList, signTrustList } from '../trust/index.ts';
import { NOW, makeWorld, makeEcKey, yssCode, hcertCode, es256Signer, ps256Signer } from './test/helpers.ts';

const w = makeWorld();
const at = { now: NOW };
const hash = (d: Uint8Array | string) => createHash('sha256').update(d).digest('base64url');

test('accepts a fresh personal code and names its claims', () => {
  const r = verifyCode(yssCode(w, { scope: ['hotel-checkin'], subject: { name: '张小明', name_masked: '张*明' } }), w.index, at);
  assert.equal(r.valid, true);
  assert.equal(r.reason, null);
  assert.equal(r.family, 'YSS1');
  assert.equal(r.issuer, 'CN-44');
  assert.equal(r.type, 'personal');
  assert.equal(r.claims?.family, 'YSS1');
  assert.equal(r.claims.sub, 'u-1234');
  assert.deepEqual(r.claims.scope, ['hotel-checkin']);
  assert.deepEqual(r.claims.subject, { name: '张小明', name_masked: '张*明' });
  assert.equal(r.claims.cti.length, 16);
  // Printed (codes.md §6): the same claims by name, the cti as base64url.
  assert.equal(r.printed?.sub, 'u-1234');
  assert.deepEqual((r.printed?.yss as Record<string, unknown>).scope, ['hotel-checkin']);
  assert.equal(r.printed?.cti, Buffer.from(r.claims.cti).toString('base64url'));
  assert.equal(r.replayed, false);
});

test('accepts a YSS1 code signed with ES256 by a key listed as ES256', () => {
  const k = w.gdEs;
  const code = yssCode(w, {
    protectedHeader: new Map<number, unknown>([[1, ALG_ES256], [4, k.kid]]),
    sign: es256Signer(k.privateKey),
  });
  assert.equal(verifyCode(code, w.index, at).valid, true);
});

test('reports malformed for an unknown prefix with a null family', () => {
  const r = verifyCode('HELLO', w.index, at);
  assert.deepEqual([r.reason, r.family], ['malformed', null]);
});

test('reports malformed for lower-case base45 and a dangling character', () => {
  const code = yssCode(w);
  assert.equal(verifyCode(code.toLowerCase().replace('yss1:', 'YSS1:'), w.index, at).reason, 'malformed');
  assert.equal(verifyCode(code + '0', w.index, at).reason, 'malformed');
});

test('reports malformed when a required claim is missing or mistyped', () => {
  for (const edit of [
    (c: Map<number, unknown>) => c.delete(7),
    (c: Map<number, unknown>) => c.set(4, '2030'),
    (c: Map<number, unknown>) => c.set(7, new Uint8Array(4)),
    (c: Map<number, unknown>) => c.set(4, NOW - 1000),
    (c: Map<number, unknown>) => c.set(-75000, { v: 2, t: 'personal' }),
  ]) {
    assert.equal(verifyCode(yssCode(w, { edit }), w.index, at).reason, 'malformed');
  }
});

test('reports malformed when a YSS1 kid is only in the unprotected header', () => {
  const code = yssCode(w, {
    protectedHeader: new Map<number, unknown>([[1, ALG_EDDSA]]),
    unprotectedHeader: new Map<number, unknown>([[4, w.gd.kid]]),
  });
  assert.equal(verifyCode(code, w.index, at).reason, 'malformed');
});

test('reports malformed for a foreign tag and for a kid that is not a byte string', () => {
  assert.equal(verifyCode(yssCode(w, { tags: [98] }), w.index, at).reason, 'malformed');
  const code = yssCode(w, { protectedHeader: new Map<number, unknown>([[1, ALG_EDDSA], [4, 'kid']]) });
  assert.equal(verifyCode(code, w.index, at).reason, 'malformed');
});

test('accepts untagged, tag 18 and tags 61+18, compressed or not', () => {
  for (const tags of [[], [18], [61, 18]]) {
    assert.equal(verifyCode(yssCode(w, { tags }), w.index, at).valid, true, `tags ${tags}`);
  }
  assert.equal(verifyCode(yssCode(w, { compressed: false }), w.index, at).valid, true);
});

test('reports unsupported_alg for an alg outside EdDSA, ES256 and PS256', () => {
  const code = yssCode(w, { protectedHeader: new Map<number, unknown>([[1, -35], [4, w.gd.kid]]) });
  assert.equal(verifyCode(code, w.index, at).reason, 'unsupported_alg');
});

test('reports unknown_key for an unlisted kid and when there is no trust list', () => {
  const code = yssCode(w, { protectedHeader: new Map<number, unknown>([[1, ALG_EDDSA], [4, randomBytes(8)]]) });
  assert.equal(verifyCode(code, w.index, at).reason, 'unknown_key');
  assert.equal(verifyCode(yssCode(w), null, at).reason, 'unknown_key');
});

test('reports alg_mismatch when the header alg differs from the key alg', () => {
  const code = yssCode(w, { protectedHeader: new Map<number, unknown>([[1, ALG_ES256], [4, w.gd.kid]]) });
  assert.equal(verifyCode(code, w.index, at).reason, 'alg_mismatch');
});

test('reports alg_mismatch for a P-384 key listed as ES256', () => {
  const p384 = makeEcKey('secp384r1');
  const payload = structuredClone(w.payload) as { issuers: { keys: object[] }[] };
  payload.issuers[2]!.keys.push({ kid: Buffer.from(p384.kid).toString('base64url'), alg: 'ES256', spki: p384.spki });
  const opened = openTrustList(signTrustList(payload, { kid: w.root.root.kid, secretKey: w.root.secretKey }), [w.root.root]);
  assert.ok(opened.ok);
  const code = hcertCode(w, { key: p384, sign: (d) => es256Signer(p384.privateKey)(d) });
  assert.equal(verifyCode(code, opened.index, at).reason, 'alg_mismatch');
});

test('reports issuer_mismatch when iss is not the issuer owning the kid', () => {
  assert.equal(verifyCode(yssCode(w, { iss: 'CN-11' }), w.index, at).reason, 'issuer_mismatch');
});

test('reports key_revoked before key_not_valid', () => {
  const revoked = makeWorld({ revoked: { kids: [] } });
  const payload = structuredClone(revoked.payload) as { revoked: { kids: string[] } };
  payload.revoked.kids.push(Buffer.from(revoked.gd.kid).toString('base64url'));
  const opened = openTrustList(signTrustList(payload, { kid: revoked.root.root.kid, secretKey: revoked.root.secretKey }), [revoked.root.root]);
  assert.ok(opened.ok);
  const old = yssCode(revoked, { iat: NOW - 2 * 365 * 86_400, exp: NOW + 60 });
  assert.equal(verifyCode(old, opened.index, at).reason, 'key_revoked');
  assert.equal(verifyCode(old, revoked.index, at).reason, 'key_not_valid');
});

test('reports type_not_allowed for a type the issuer may not sign, unknown types included', () => {
  assert.equal(verifyCode(yssCode(w, { key: w.mo, iss: 'MO', type: 'personal' }), w.index, at).reason, 'type_not_allowed');
  assert.equal(verifyCode(yssCode(w, { type: 'coupon' }), w.index, at).reason, 'type_not_allowed');
  assert.equal(verifyCode(yssCode(w, { key: w.mo, iss: 'MO', type: 'health', exp: NOW + 600 }), w.index, at).valid, true);
});

test('reports bad_signature for a flipped bit, a short signature and a foreign key', () => {
  const flip = (s: Uint8Array) => {
    const c = Uint8Array.from(s);
    c[5]! ^= 1;
    return c;
  };
  assert.equal(verifyCode(yssCode(w, { tamper: flip }), w.index, at).reason, 'bad_signature');
  assert.equal(verifyCode(yssCode(w, { tamper: (s) => s.subarray(0, 63) }), w.index, at).reason, 'bad_signature');
  const code = yssCode(w, { sign: ed25519Signer(w.mo.secretKey) });
  assert.equal(verifyCode(code, w.index, at).reason, 'bad_signature');
});

test('applies the skew at both ends, equality passing', () => {
  const code = yssCode(w, { iat: NOW + 120, exp: NOW + 180 });
  assert.equal(verifyCode(code, w.index, at).valid, true);
  assert.equal(verifyCode(code, w.index, { now: NOW - 1 }).reason, 'not_yet_valid');
  const late = yssCode(w, { iat: NOW - 180, exp: NOW - 120 });
  assert.equal(verifyCode(late, w.index, at).valid, true);
  assert.equal(verifyCode(late, w.index, { now: NOW + 1 }).reason, 'expired');
  assert.equal(verifyCode(late, w.index, { now: NOW + 1, skew: 0 }).reason, 'expired');
});

test('takes nbf into account for not_yet_valid', () => {
  assert.equal(verifyCode(yssCode(w, { nbf: NOW + 500, exp: NOW + 200 }), w.index, at).reason, 'not_yet_valid');
});

test('reports lifetime_too_long per type and allows long credentials', () => {
  assert.equal(verifyCode(yssCode(w, { exp: NOW - 10 + 301 }), w.index, at).reason, 'lifetime_too_long');
  assert.equal(verifyCode(yssCode(w, { exp: NOW - 10 + 300 }), w.index, at).valid, true);
  assert.equal(verifyCode(yssCode(w, { type: 'health', exp: NOW + 86_400 }), w.index, at).reason, 'lifetime_too_long');
  assert.equal(verifyCode(yssCode(w, { type: 'credential', exp: NOW + 10 * 365 * 86_400 }), w.index, at).valid, true);
});

test('reports revoked for a listed cti hash or subject hash', () => {
  const cti = randomBytes(12);
  const rw = makeWorld({ revoked: { cti: [hash(cti)], sub: [hash('CN-44|u-bad')] } });
  assert.equal(verifyCode(yssCode(rw, { cti }), rw.index, at).reason, 'revoked');
  assert.equal(verifyCode(yssCode(rw, { sub: 'u-bad' }), rw.index, at).reason, 'revoked');
  assert.equal(verifyCode(yssCode(rw, { sub: 'u-good' }), rw.index, at).valid, true);
});

test('reports replayed for a personal code already accepted, or flags it when replays are allowed', () => {
  const cti = randomBytes(16);
  const seen = { has: (c: Uint8Array) => Buffer.from(c).equals(cti) };
  const code = yssCode(w, { cti });
  const replayed = verifyCode(code, w.index, { now: NOW, replay: seen });
  assert.deepEqual([replayed.valid, replayed.reason, replayed.replayed], [false, 'replayed', true]);
  const allowed = verifyCode(code, w.index, { now: NOW, replay: seen, allowReplay: true });
  assert.deepEqual([allowed.valid, allowed.reason, allowed.replayed], [true, null, true]);
  const health = yssCode(w, { cti, type: 'health', exp: NOW + 600 });
  assert.equal(verifyCode(health, w.index, { now: NOW, replay: seen }).valid, true);
});

test('verifies HC1 with ES256 and PS256, kid and alg in either header', () => {
  assert.equal(verifyCode(hcertCode(w), w.index, at).valid, true);
  const r = verifyCode(hcertCode(w, { key: w.hcRsa }), w.index, at);
  assert.deepEqual([r.valid, r.family, r.type, r.issuer, r.claimedIssuer], [true, 'HC1', 'hcert', 'DCC', 'AT']);
  assert.equal(verifyCode(hcertCode(w, { kidWhere: 'unprotected', algWhere: 'unprotected' }), w.index, at).valid, true);
  assert.equal(verifyCode(hcertCode(w, { tags: [61, 18] }), w.index, at).valid, true);
  assert.equal(verifyCode(hcertCode(w, { tags: [] }), w.index, at).valid, true);
});

test('rejects PS256 with a salt length other than 32 as bad_signature', () => {
  const code = hcertCode(w, { key: w.hcRsa, sign: ps256Signer(w.hcRsa.privateKey, 20) });
  assert.equal(verifyCode(code, w.index, at).reason, 'bad_signature');
});

test('reports expired for an HC1 code past exp', () => {
  assert.equal(verifyCode(hcertCode(w, { exp: NOW - 1000 }), w.index, at).reason, 'expired');
});

test('passes when a later candidate sharing the kid verifies, else reports the first reason', () => {
  const other = makeWorld();
  const payload = structuredClone(other.payload) as { issuers: { keys: { kid: string }[] }[] };
  const gdKid = payload.issuers[0]!.keys[0]!.kid;
  // A Macau key listed under Guangdong's kid first: issuer_mismatch for it, the second passes.
  payload.issuers.unshift({
    id: 'MO',
    types: ['health'],
    keys: [{ kid: gdKid, alg: 'EdDSA', x: other.mo.x }],
  } as never);
  const opened = openTrustList(signTrustList(payload, { kid: other.root.root.kid, secretKey: other.root.secretKey }), [other.root.root]);
  assert.ok(opened.ok);
  assert.equal(verifyCode(yssCode(other), opened.index, at).valid, true);
  assert.equal(verifyCode(yssCode(other, { sign: ed25519Signer(other.mo.secretKey) }), opened.index, at).reason, 'issuer_mismatch');
});

test('never throws on a code whose claims are not a map', () => {
  const cose = buildCoseSign1({
    protectedHeader: new Map<number, unknown>([[1, ALG_EDDSA], [4, w.gd.kid]]),
    payload: cborEncode([1, 2, 3]),
    sign: ed25519Signer(w.gd.secretKey),
  });
  assert.equal(verifyCode(encodeCodeText('YSS1', cose), w.index, at).reason, 'malformed');
  void yssClaims;
  void ALG_PS256;
});

test('reports malformed for bytes after the zlib stream and for a truncated one', async () => {
  const { base45Decode, base45Encode } = await import('./index.ts');
  const raw = base45Decode(yssCode(w), 5)!;
  const trailing = Uint8Array.from([...raw, 0, 1]);
  assert.equal(verifyCode(`YSS1:${base45Encode(trailing)}`, w.index, at).reason, 'malformed');
  assert.equal(verifyCode(`YSS1:${base45Encode(raw.subarray(0, raw.length - 3))}`, w.index, at).reason, 'malformed');
  assert.equal(verifyCode(`YSS1:${base45Encode(raw)}`, w.index, at).valid, true);
});

test('reports malformed for a zlib bomb past 64 KiB', async () => {
  const { deflateSync } = await import('node:zlib');
  const { base45Encode } = await import('./index.ts');
  assert.equal(verifyCode(`HC1:${base45Encode(deflateSync(Buffer.alloc(65_537)))}`, w.index, at).reason, 'malformed');
});

test('reports unsupported_alg for a text alg and bad_signature for a DER-encoded ES256 signature', async () => {
  const { sign } = await import('node:crypto');
  const textAlg = yssCode(w, { protectedHeader: new Map<number, unknown>([[1, 'EdDSA'], [4, w.gd.kid]]) });
  assert.equal(verifyCode(textAlg, w.index, at).reason, 'unsupported_alg');
  const der = hcertCode(w, { sign: (d) => sign('sha256', d, w.hc.privateKey) });
  assert.equal(verifyCode(der, w.index, at).reason, 'bad_signature');
});

test('takes an HCERT kid from the protected header even when the unprotected one differs', () => {
  const prot = new Map<number, unknown>([[1, ALG_ES256], [4, w.hc.kid]]);
  const code = hcertCode(w);
  assert.equal(verifyCode(code, w.index, at).valid, true);
  // Built by hand: protected kid right, unprotected kid wrong (CO21); and the reverse (CO22).
  const build = (p: Map<number, unknown>, u: Map<number, unknown>) =>
    encodeCodeText(
      'HC1',
      buildCoseSign1({
        protectedHeader: p,
        unprotectedHeader: u,
        payload: cborEncode(new Map<number, unknown>([[1, 'AT'], [4, NOW + 1000], [6, NOW - 1000], [-260, new Map([[1, { v: [{}] }]])]])),
        sign: es256Signer(w.hc.privateKey),
      }),
    );
  assert.equal(verifyCode(build(prot, new Map([[4, randomBytes(8)]])), w.index, at).valid, true);
  const wrongProt = new Map<number, unknown>([[1, ALG_ES256], [4, randomBytes(8)]]);
  assert.equal(verifyCode(build(wrongProt, new Map([[4, w.hc.kid]])), w.index, at).reason, 'unknown_key');
});

test('reports malformed, never an exception, when a bug throws inside verification', () => {
  // A trust index whose lookup throws stands for any bug past decoding: the scan still ends in a verdict.
  const broken = { ...w.index, keysByKid: { get: () => { throw new Error('a bug'); } } } as unknown as typeof w.index;
  const r = verifyCode(yssCode(w), broken, at);
  assert.deepEqual([r.valid, r.reason, r.family, r.claims, r.printed], [false, 'malformed', null, null, null]);
});

test('names no issuer, type or claims for a code that stopped before its claims, and prints its claims once', () => {
  const none = verifyCode('HELLO', w.index, at);
  assert.deepEqual([none.issuer, none.claimedIssuer, none.type, none.claims, none.printed, none.replayed], [null, null, null, null, null, false]);
  const r = verifyCode(yssCode(w), w.index, at);
  assert.equal(r.claimedIssuer, 'CN-44');
  // Built on first read and kept: a second reader gets the same object, not a second copy.
  assert.ok(r.printed !== null && r.printed === r.printed);
  assert.deepEqual(JSON.parse(JSON.stringify(r)).printed, JSON.parse(JSON.stringify(r.printed)));
});

test('never revokes an HC1 code by its sub: a subject list names an issuer\'s own holders', () => {
  const rw = makeWorld({ revoked: { sub: [hash('AT|u-1234'), hash('CN-44|u-1234')] } });
  const claims = new Map<number, unknown>([[1, 'AT'], [2, 'u-1234'], [4, NOW + 1000], [6, NOW - 100], [-260, new Map([[1, { v: [{}] }]])]]);
  const code = encodeCodeText(
    'HC1',
    buildCoseSign1({ protectedHeader: new Map<number, unknown>([[1, ALG_ES256], [4, rw.hc.kid]]), payload: cborEncode(claims), sign: es256Signer(rw.hc.privateKey) }),
  );
  const r = verifyCode(code, rw.index, at);
  assert.deepEqual([r.valid, r.claims?.family === 'HC1' && r.claims.sub], [true, 'u-1234']);
  // The same subject in a YSS1 code is revoked: the list is read, and holds both.
  assert.equal(verifyCode(yssCode(rw, { sub: 'u-1234' }), rw.index, at).reason, 'revoked');
});
