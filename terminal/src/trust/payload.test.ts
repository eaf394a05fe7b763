// The trust-list payload on its own (payload.ts): what an index holds, and for every way a list
// can break trust-list.md §2, the message `trust install` prints, naming the entry. Through
// openTrustList all of these were only `malformed`, so a message could say nothing, or the wrong
// thing, and a check could throw a TypeError instead, without a test noticing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { buildIndex, fits, indexFromDocument, PayloadError, TRUST_LIST_FORMAT } from './payload.ts';
import { ByteHashSet } from './byte-hash-set.ts';
import { HashSet32 } from './hash-set.ts';
import { ed25519KeyObject } from './root.ts';
import { makeEcKey, makeEdKey, makeRsaKey } from '../codes/test/helpers.ts';

const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const hash = (s: string) => createHash('sha256').update(s).digest('base64url');
const ed = makeEdKey();
const ec = makeEcKey();
const spkiKey = (spki: string) => createPublicKey({ key: Buffer.from(spki, 'base64'), format: 'der', type: 'spki' });
// Kid bytes outside ASCII: the index keys them as latin1 text, one character a byte.
const KID_A = Uint8Array.from([0x80, 0xff, 0xc3, 0xa9, 0x00, 0x01, 0x7f, 0xfe]);
const KID_B = Uint8Array.from([0xe4, 0xb8, 0xad, 0x10, 0x20, 0x30, 0x40, 0x50]);

type Doc = {
  [k: string]: unknown;
  issuers: { [k: string]: unknown; keys: Record<string, unknown>[] }[];
  revoked: Record<string, unknown>;
};
function doc(): Doc {
  return {
    format: TRUST_LIST_FORMAT,
    sequence: 3,
    issued_at: 10,
    expires_at: 20,
    issuers: [
      {
        id: 'CN-44',
        names: { 'zh-CN': '广东', en: 'Guangdong' },
        types: ['personal', 'health'],
        keys: [
          { kid: b64u(KID_A), alg: 'EdDSA', x: ed.x, not_before: 5, not_after: 50 },
          { kid: b64u(KID_B), alg: 'ES256', spki: ec.spki },
        ],
      },
      { id: 'DCC', types: ['hcert'], keys: [{ kid: b64u(KID_A), alg: 'ES256', spki: ec.spki, usage: ['v', 't'] }] },
    ],
    revoked: { kids: [b64u(KID_B)], cti: [hash('c1'), hash('c2')], sub: [hash('s1')] },
  };
}
/** A DSA public key of 2048 bits (generating one takes a second): a modulus, but no RSA key. */
const DSA_2048 = [
  'MIIDRzCCAjoGByqGSM44BAEwggItAoIBAQDwKOF8AOH4+2darYKIV7f3UrujogHv+X/rwC/nFzeeNHoR00edPRoI3CmB4Dj7',
  'vEZRH17qZyqcO45RhORvohqcjywfxlIwk7XdtalgfsbKPN5KpHCLZLwmXPQp3rD1PNHUJPzgt/Wfy8+2fatGN7wyjW6/XlIr',
  '9vSr3xH7d17NxKvwj3JVt51qCta6z4FE5YDiytpf7seiwPQRsIOXGYYFHmioRUH6jH9vzAVk2/PJCONwuqd8v2S3YN9GT8K8',
  '3I4KWtceBaQIi3yZZVhEwp/BAn4Xg7ECCV2ZCuKeZcW84MjozJ6vUtuK6ZhXXZt88djyC3mYLsvugFWpRal4NcXdAiEAtXQt',
  'uplgs2/1t45XuwC2B32rOcDVTtmUFm1nBAmpHcMCggEBANl98RfREnX6wpzXJeFmOl93NsCm3xF/3uG3ql9AL37ybssr0mFo',
  'NSh9EsGN60x1r382UyddIqBkGHnyHjknfnL2b3ua5QfSciFR2HyrRTALQzGxpjV6L2DPOg7eL3xiixq4BFBFXYLAinW0v8c/',
  'qyXV5dohYKcxb4DHq87SsepHybFg1qELMehrIoJKojvs5cXvbDgVu6LcxpCOWHSJ4zJAsjcPW9JHIQ9YJu01nIwURlE70ikx',
  'Nzn199jOogRQYjDftkraLg7BvzMewTYLiEgL1L6Vy55imf5oPEf6NTj2MIdR0BhwqdB6UQ/6r6QCQbtR/a5mwm8REv/EtbuS',
  'gGYDggEFAAKCAQBRTJVEm2NCfoWiOpnBFsPWMlFHvt/wJ41Z+laGGcs5J5KmHZu/FIMmHh54oOjOthWrRgHSRijUS9Wcv0mS',
  'hbLEEjQnQV0C34YpXGSN1et1HzvDLFmt6zSAPfnblNbHHjwcxacOK1mMHlyLkz6LyVUEaXue/EJIoEXgJvoq0WUViaoceQSV',
  'OTxa/s+AjNQ0ksj3YhJHFyUY2TzaFKdd27TE3eNv+mBOb+d5PAZft2UBQfPu9z6xX1XZXUEhJtNkpzs6AWEcRBPRtjEAnuLr',
  'nLMQLbUFVDPq3uSa9li8cR/dwbVyHg5SvzEOUl9n7/16VJmajatxJ4x1q4+K1/cBPMuf',
].join('');
const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');

/** The PayloadError message for a document, or "accepted"; any other exception fails the test. */
function refusal(d: unknown): string {
  try {
    indexFromDocument(d);
  } catch (e) {
    if (e instanceof PayloadError) return e.message;
    throw e;
  }
  return 'accepted';
}
const edited = (edit: (d: Doc) => void) => {
  const d = doc();
  edit(d);
  return refusal(d);
};

test('indexes a list: its numbers, its issuers, their keys by kid in list order, the revocations', () => {
  const d = doc();
  const index = indexFromDocument(d);
  assert.deepEqual([index.sequence, index.issuedAt, index.expiresAt], [3, 10, 20]);
  assert.deepEqual(index.issuers, [
    { id: 'CN-44', names: { 'zh-CN': '广东', en: 'Guangdong' }, types: ['personal', 'health'] },
    { id: 'DCC', names: {}, types: ['hcert'] },
  ]);
  assert.deepEqual([...index.keysByKid.keys()], [latin1(KID_A), latin1(KID_B)]);
  const [gdEd, dcc] = index.keysByKid.get(latin1(KID_A))!;
  const [gdEs] = index.keysByKid.get(latin1(KID_B))!;
  assert.deepEqual(
    [gdEd, gdEs, dcc].map((k) => k && { ...k, kid: [...k.kid], key: k.key?.asymmetricKeyType, issuer: k.issuer.id }),
    [
      { kid: [...KID_A], alg: 'EdDSA', key: 'ed25519', issuer: 'CN-44', notBefore: 5, notAfter: 50, usage: null, revoked: false },
      { kid: [...KID_B], alg: 'ES256', key: 'ec', issuer: 'CN-44', notBefore: -Infinity, notAfter: Infinity, usage: null, revoked: true },
      { kid: [...KID_A], alg: 'ES256', key: 'ec', issuer: 'DCC', notBefore: -Infinity, notAfter: Infinity, usage: ['v', 't'], revoked: false },
    ],
  );
  assert.equal(gdEd!.issuer, index.issuers[0]);
  assert.deepEqual([index.revokedCti.size, index.revokedSub.size], [2, 1]);
  assert.deepEqual([hash('c1'), hash('c2'), hash('s1')].map((h) => index.revokedCti.has(h)), [true, true, false]);
  assert.deepEqual([hash('s1'), hash('c1')].map((h) => index.revokedSub.has(h)), [true, false]);
  // Immutable once built: installs swap the whole object.
  for (const o of [index, index.issuers[0]!, index.issuers[0]!.names, index.issuers[0]!.types, gdEd!, dcc!.usage!]) assert.ok(Object.isFrozen(o));
  // The names are the index's own copy.
  (d.issuers[0]!.names as Record<string, string>).en = 'changed';
  assert.equal(index.issuers[0]!.names.en, 'Guangdong');
});

test('a list without revocations or optional fields is whole: empty sets, no names, no types, no keys', () => {
  const index = indexFromDocument({ format: TRUST_LIST_FORMAT, sequence: 0, issued_at: 0, expires_at: 0, issuers: [{ id: 'X', keys: [] }] });
  assert.deepEqual(index.issuers, [{ id: 'X', names: {}, types: [] }]);
  assert.deepEqual([index.keysByKid.size, index.revokedCti.size, index.revokedSub.size], [0, 0, 0]);
  assert.equal(index.revokedCti.has(hash('c1')), false);
  const empty = indexFromDocument({ ...doc(), revoked: {} });
  assert.deepEqual([empty.revokedCti.size, empty.revokedSub.size], [0, 0]);
  assert.equal(empty.keysByKid.get(latin1(KID_B))![0]!.revoked, false);
});

test('revocation sets built by the byte scan replace the document\'s arrays', () => {
  const prebuilt = new HashSet32([hash('other')]);
  const index = indexFromDocument(doc(), { cti: prebuilt, sub: null });
  assert.equal(index.revokedCti, prebuilt);
  assert.equal(index.revokedSub.has(hash('s1')), true, 'null: built from the document');
});

test('a key whose material does not fit its alg is kept, with no key to verify with', () => {
  const key = (k: Record<string, unknown>) => {
    const d = doc();
    d.issuers[0]!.keys = [{ kid: b64u(KID_A), ...k }];
    return indexFromDocument(d).keysByKid.get(latin1(KID_A))![0]!;
  };
  assert.equal(key({ alg: 'ES256', x: ed.x }).key, null);
  assert.equal(key({ alg: 'EdDSA', spki: ec.spki }).key, null);
  assert.equal(key({ alg: 'HS256', x: ed.x }).key, null);
  assert.equal(key({ alg: 'HS256', x: ed.x }).alg, 'HS256');
  assert.equal(key({ alg: 'EdDSA', x: ed.x }).key?.asymmetricKeyType, 'ed25519');
  // node imports any 32 bytes as an Ed25519 key (a point off the curve verifies nothing).
  assert.equal(key({ alg: 'EdDSA', x: b64u(new Uint8Array(32).fill(0xff)) }).key?.asymmetricKeyType, 'ed25519');
});

test('names what is wrong with the document as a whole', () => {
  for (const d of [null, [], [{ format: TRUST_LIST_FORMAT }], 'x', 5, undefined]) {
    assert.equal(refusal(d), 'trust list payload is not a JSON object', JSON.stringify(d));
  }
  assert.equal(edited((d) => (d.format = 'yss-trust-list/2')), 'trust list format is "yss-trust-list/2", expected "yss-trust-list/1"');
  assert.equal(edited((d) => delete d.format), 'trust list format is undefined, expected "yss-trust-list/1"');
  assert.equal(edited((d) => (d.sequence = -1)), 'sequence -1 should be >= 0');
  assert.equal(edited((d) => (d.sequence = '3')), 'sequence should be an integer, got "3"');
  assert.equal(edited((d) => (d.sequence = 1.5)), 'sequence should be an integer, got 1.5');
  assert.equal(edited((d) => (d.sequence = 2 ** 53)), 'sequence should be an integer, got 9007199254740992');
  assert.equal(edited((d) => delete d.sequence), 'sequence should be an integer, got undefined');
  assert.equal(edited((d) => (d.issued_at = null)), 'issued_at should be an integer, got null');
  assert.equal(edited((d) => (d.expires_at = [20])), 'expires_at should be an integer, got [20]');
  for (const issuers of [undefined, {}, 'CN-44', { length: 0 }]) {
    assert.equal(edited((d) => (d.issuers = issuers as never)), 'issuers should be an array', JSON.stringify(issuers));
  }
});

test('names what is wrong with the revocations', () => {
  for (const revoked of [null, [], ['kids'], 'x', 1]) {
    assert.equal(edited((d) => (d.revoked = revoked as never)), 'revoked should be an object', JSON.stringify(revoked));
  }
  for (const kids of ['AAAAAAAAAAA', [1], [b64u(KID_A), 1], [null], { 0: b64u(KID_A) }]) {
    assert.equal(edited((d) => (d.revoked.kids = kids)), 'revoked.kids should be an array of strings', JSON.stringify(kids));
  }
  assert.equal(edited((d) => (d.revoked.kids = [b64u(KID_A), 'AAAA'])), 'revoked.kids should be canonical base64url of 8 bytes, got "AAAA"');
  for (const field of ['cti', 'sub']) {
    assert.equal(edited((d) => (d.revoked[field] = hash('x'))), `revoked.${field} should be an array`);
    assert.equal(edited((d) => (d.revoked[field] = { 0: hash('x') })), `revoked.${field} should be an array`);
    assert.equal(edited((d) => (d.revoked[field] = ['x'])), `revoked.${field}[0] should be base64url of a 32-byte SHA-256 hash`);
    assert.equal(edited((d) => (d.revoked[field] = [hash('a'), hash('b'), 7])), `revoked.${field}[2] should be base64url of a 32-byte SHA-256 hash`);
  }
});

test('names the issuer and what is wrong with it', () => {
  for (const entry of [null, [], 'CN-44', { names: {} }, { id: 44 }]) {
    assert.equal(edited((d) => (d.issuers[1] = entry as never)), 'issuers[1].id should be a string', JSON.stringify(entry));
  }
  for (const names of [null, [], ['广东'], 'en', { en: 5 }, { en: 'Guangdong', fr: 5 }, { en: null }]) {
    assert.equal(edited((d) => (d.issuers[1]!.names = names)), 'issuers[1].names should map language tags to strings', JSON.stringify(names));
  }
  for (const types of ['hcert', [1], ['hcert', 1], {}]) {
    assert.equal(edited((d) => (d.issuers[1]!.types = types)), 'issuers[1].types should be an array of strings', JSON.stringify(types));
  }
  for (const keys of [undefined, {}, 'k']) {
    assert.equal(edited((d) => (d.issuers[1]!.keys = keys as never)), 'issuers[1].keys should be an array', JSON.stringify(keys));
  }
});

test('names the key and what is wrong with it', () => {
  const key = (k: unknown) => edited((d) => (d.issuers[0]!.keys[1] = k as never));
  const good = { kid: b64u(KID_B), alg: 'ES256', spki: ec.spki };
  for (const k of [null, [], 'key', 5]) assert.equal(key(k), 'issuers[0].keys[1] should be an object', JSON.stringify(k));
  assert.equal(key({ ...good, alg: undefined }), 'issuers[0].keys[1].alg should be a string');
  assert.equal(key({ ...good, alg: -7 }), 'issuers[0].keys[1].alg should be a string');
  assert.equal(key({ ...good, kid: undefined }), 'issuers[0].keys[1].kid should be canonical base64url of 8 bytes, got undefined');
  assert.equal(key({ ...good, kid: 'AAAA' }), 'issuers[0].keys[1].kid should be canonical base64url of 8 bytes, got "AAAA"');
  assert.equal(key({ ...good, spki: undefined }), 'issuers[0].keys[1] should have "x" or "spki"');
  assert.equal(key({ ...good, spki: undefined, x: 5 }), 'issuers[0].keys[1] should have "x" or "spki"');
  // A P-256 SPKI is 91 bytes: its base64 ends in "==".
  assert.equal(key({ ...good, spki: ec.spki.replace(/=+$/, '') }), 'issuers[0].keys[1].spki should be canonical base64 with padding');
  assert.equal(key({ ...good, spki: Buffer.from('not a key at all').toString('base64') }), 'issuers[0].keys[1] key material does not parse as DER SPKI');
  assert.equal(key({ ...good, spki: undefined, x: `${ed.x}=` }), 'issuers[0].keys[1].x should be canonical base64url of a 32-byte key');
  assert.equal(key({ ...good, spki: undefined, x: b64u(new Uint8Array(31)) }), 'issuers[0].keys[1].x should be canonical base64url of a 32-byte key');
  // With both, x is the key: a broken spki beside it is not read.
  assert.equal(key({ ...good, alg: 'EdDSA', x: ed.x, spki: 'junk' }), 'accepted');
  assert.equal(key({ ...good, usage: 'v' }), 'issuers[0].keys[1].usage should be an array of strings');
  assert.equal(key({ ...good, usage: ['v', 1] }), 'issuers[0].keys[1].usage should be an array of strings');
  assert.equal(key({ ...good, not_before: '1' }), 'issuers[0].keys[1].not_before should be an integer, got "1"');
  assert.equal(key({ ...good, not_after: 1.5 }), 'issuers[0].keys[1].not_after should be an integer, got 1.5');
  assert.equal(key({ ...good, usage: [], not_before: -5, not_after: 0 }), 'accepted');
});

test('buildIndex reads the bytes: not JSON, not an object, or the list', () => {
  const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
  const why = (b: Uint8Array) => {
    try {
      buildIndex(b);
      return 'accepted';
    } catch (e) {
      assert.ok(e instanceof PayloadError, String(e));
      return e.message;
    }
  };
  assert.equal(why(bytes('{"format":')), 'trust list payload is not JSON');
  assert.equal(why(new Uint8Array(0)), 'trust list payload is not JSON');
  assert.equal(why(bytes('[1]')), 'trust list payload is not a JSON object');
  // A view into a larger buffer reads its own bytes only.
  const text = JSON.stringify(doc());
  const framed = Buffer.from(`xx${text}yy`, 'utf8').subarray(2, 2 + Buffer.byteLength(text));
  const index = buildIndex(framed);
  assert.equal(index.issuers[0]!.names['zh-CN'], '广东');
  assert.ok(index.revokedCti instanceof HashSet32, 'a small list is parsed whole');
});

test('a list past the scan threshold is indexed from its bytes, and a bad hash in it is a PayloadError naming the entry', () => {
  const cti = Array.from({ length: 6_500 }, (_, i) => hash(`c${i}`));
  const big = { ...doc(), revoked: { kids: [], cti, sub: [hash('s1')] } };
  const text = JSON.stringify(big);
  assert.ok(text.length > 256 * 1024, `${text.length} bytes`);
  const index = buildIndex(Buffer.from(text, 'utf8'));
  assert.ok(index.revokedCti instanceof ByteHashSet, 'the byte scan built the set');
  assert.deepEqual([index.revokedCti.size, index.revokedCti.has(cti[6_000]!), index.revokedCti.has(hash('absent')), index.revokedSub.has(hash('s1'))], [6_500, true, false, true]);
  assert.deepEqual(index.issuers, indexFromDocument(JSON.parse(text)).issuers);
  cti[4_321] = 'x';
  assert.throws(
    () => buildIndex(Buffer.from(JSON.stringify(big), 'utf8')),
    (e: unknown) => e instanceof PayloadError && e.message === 'revoked.cti[4321] should be base64url of a 32-byte SHA-256 hash',
  );
});

test('fits: each alg takes its own kind of key only (no algorithm confusion)', () => {
  const edKey = ed25519KeyObject(ed.x);
  const p256 = spkiKey(ec.spki);
  const p384 = spkiKey(makeEcKey('secp384r1').spki);
  const rsa2048 = spkiKey(makeRsaKey(2048).spki);
  const rsa1024 = spkiKey(makeRsaKey(1024).spki);
  const pss2048 = generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).publicKey;
  const x25519 = generateKeyPairSync('x25519').publicKey;
  const dsa2048 = spkiKey(DSA_2048);
  assert.equal(dsa2048.asymmetricKeyDetails?.modulusLength, 2048);
  const all: Record<string, KeyObject> = { edKey, p256, p384, rsa2048, rsa1024, pss2048, x25519, dsa2048 };
  // Exactly true or false: a boolean, not something that only behaves like one.
  const fitting = (alg: string) => Object.keys(all).filter((name) => fits(alg, all[name]!) === true);
  const failing = (alg: string) => Object.keys(all).filter((name) => fits(alg, all[name]!) === false);
  assert.deepEqual(fitting('EdDSA'), ['edKey']);
  assert.deepEqual(fitting('ES256'), ['p256']);
  assert.deepEqual(fitting('PS256'), ['rsa2048', 'pss2048']);
  for (const alg of ['EdDSA', 'ES256', 'PS256']) assert.equal(failing(alg).length, Object.keys(all).length - fitting(alg).length, alg);
  for (const alg of ['', 'eddsa', 'HS256', 'none', 'RS256']) assert.deepEqual(failing(alg), Object.keys(all), alg);
});
