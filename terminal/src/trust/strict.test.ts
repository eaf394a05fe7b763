// Trust lists that were accepted before (issue 9 §4): non-canonical base64url anywhere, a kid of
// the wrong length, a JWS with junk, spaces, the standard alphabet or non-ASCII in it, `crit` or
// `b64` headers. Each is refused now; and roots sharing a kid are all tried.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import nacl from 'tweetnacl';
import { openTrustList, parseRootArg, signTrustList, type RootKey } from './index.ts';
import { makeRoot, makeWorld, type TestRoot } from '../codes/test/helpers.ts';

const w = makeWorld();
type Payload = { issuers: { keys: Record<string, unknown>[] }[]; revoked: Record<string, string[]> };
const sign = (payload: object, root: TestRoot = w.root) => signTrustList(payload, { kid: root.root.kid, secretKey: root.secretKey });
const open = (jws: string, roots: RootKey[] = [w.root.root]) => {
  const r = openTrustList(jws, roots);
  return r.ok ? 'ok' : r.reason;
};
function edited(edit: (p: Payload) => void): string {
  const p = structuredClone(w.payload) as unknown as Payload;
  edit(p);
  return sign(p);
}
/** A JWS over exactly these header and payload texts (already base64url or not), signed. */
function rawJws(h: string, p: string, root: TestRoot = w.root): string {
  const input = `${h}.${p}`;
  return `${input}.${Buffer.from(nacl.sign.detached(Buffer.from(input, 'utf8'), root.secretKey)).toString('base64url')}`;
}
const b64u = (s: string) => Buffer.from(s).toString('base64url');
const header = (extra: object = {}) => b64u(JSON.stringify({ alg: 'EdDSA', kid: w.root.root.kid, typ: 'yss-trust-list+json', ...extra }));

test('the world list opens as it is', () => {
  assert.equal(open(w.jws), 'ok');
});

test('refuses a kid that is empty, of the wrong length, padded or not canonical', () => {
  const kid = w.payload.issuers as { keys: { kid: string }[] }[];
  const k = kid[0]!.keys[0]!.kid;
  for (const bad of ['', b64u('1234567'), b64u('123456789'), `${k}=`, k.replace(/.$/, (c) => String.fromCharCode(c.charCodeAt(0) + 1)), `${k.slice(0, 4)} ${k.slice(4)}`]) {
    assert.equal(open(edited((p) => (p.issuers[0]!.keys[0]!.kid = bad))), 'malformed', JSON.stringify(bad));
  }
  assert.equal(open(edited((p) => (p.revoked.kids = [`${k}==`]))), 'malformed');
});

test('refuses x and spki that are not canonical', () => {
  const x = w.gd.x;
  assert.equal(open(edited((p) => (p.issuers[0]!.keys[0]!.x = `${x}=`))), 'malformed');
  assert.equal(open(edited((p) => (p.issuers[0]!.keys[0]!.x = x.replace(/-/g, '+').replace(/_/g, '/')))), x.includes('-') || x.includes('_') ? 'malformed' : 'ok');
  assert.equal(open(edited((p) => (p.issuers[0]!.keys[0]!.x = `${x}!!`))), 'malformed');
  const spki = w.gdEs.spki;
  assert.equal(open(edited((p) => (p.issuers[0]!.keys[1]!.spki = spki.replace(/=+$/, '')))), spki.endsWith('=') ? 'malformed' : 'ok');
  assert.equal(open(edited((p) => (p.issuers[0]!.keys[1]!.spki = ` ${spki}`))), 'malformed');
  assert.equal(open(edited((p) => (p.issuers[0]!.keys[1]!.spki = spki.replace(/\+/g, '-').replace(/\//g, '_')))), /[+/]/.test(spki) ? 'malformed' : 'ok');
});

test('refuses a revocation hash that is padded or carries the standard alphabet', () => {
  const h = Buffer.from(randomBytes(32)).toString('base64url');
  assert.equal(open(edited((p) => (p.revoked.cti = [h]))), 'ok');
  assert.equal(open(edited((p) => (p.revoked.cti = [`${h}=`]))), 'malformed');
  assert.equal(open(edited((p) => (p.revoked.sub = [Buffer.from(randomBytes(32)).toString('base64')]))), 'malformed');
});

test('refuses a JWS with =junk, spaces or the standard alphabet in its signature', () => {
  const [h, p, s] = w.jws.split('.') as [string, string, string];
  assert.equal(open(`${h}.${p}.${s}=junk`), 'malformed');
  assert.equal(open(`${h}.${p}.${s.slice(0, 10)} ${s.slice(10)}`), 'malformed');
  assert.equal(open(`${h}.${p}.${Buffer.from(s, 'base64url').toString('base64')}`), 'malformed');
  assert.equal(open(`${h}.${p}.${s}==`), 'malformed');
});

test('refuses non-ASCII in the signed part even when the signature covers it', () => {
  const p = b64u(JSON.stringify(w.payload));
  assert.equal(open(rawJws(header(), p)), 'ok');
  assert.equal(open(rawJws(header(), `${p.slice(0, 8)}é${p.slice(8)}`)), 'malformed');
});

test('refuses crit and b64 headers', () => {
  const p = b64u(JSON.stringify(w.payload));
  assert.equal(open(rawJws(header({ crit: ['exp'] }), p)), 'malformed');
  assert.equal(open(rawJws(header({ b64: false }), p)), 'malformed');
  assert.equal(open(rawJws(header({ b64: true }), p)), 'malformed');
});

test('checks the header typ and alg', () => {
  const p = b64u(JSON.stringify(w.payload));
  assert.equal(open(rawJws(header({ typ: 'JWT' }), p)), 'malformed');
  assert.equal(open(rawJws(header({ typ: undefined }), p)), 'malformed');
  assert.equal(open(rawJws(header({ alg: 'ES256' }), p)), 'bad_signature');
  assert.equal(open(rawJws(header({ alg: 'none' }), p)), 'bad_signature');
});

test('refuses a negative sequence and non-integer times', () => {
  assert.equal(open(sign({ ...w.payload, sequence: -1 })), 'malformed');
  assert.equal(open(sign({ ...w.payload, sequence: 0 })), 'ok');
  assert.equal(open(sign({ ...w.payload, sequence: 1.5 })), 'malformed');
  assert.equal(open(sign({ ...w.payload, issued_at: '1' })), 'malformed');
});

test('tries every pinned root that shares the header kid', () => {
  const second = makeRoot();
  const twin: TestRoot = { root: { kid: w.root.root.kid, x: second.root.x }, secretKey: second.secretKey };
  const jws = sign(w.payload, twin);
  assert.equal(open(jws, [w.root.root, twin.root]), 'ok');
  assert.equal(open(jws, [twin.root, w.root.root]), 'ok');
  assert.equal(open(jws, [w.root.root]), 'bad_signature');
});

test('refuses a root argument whose key is not canonical base64url', () => {
  const { kid, x } = w.root.root;
  assert.deepEqual(parseRootArg(`${kid}:${x}`), w.root.root);
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  // 43 characters carry 258 bits: setting one of the last two makes the same key in another text.
  const other = x.slice(0, -1) + ALPHABET[ALPHABET.indexOf(x.at(-1)!) | 1];
  assert.throws(() => parseRootArg(`${kid}:${other}`), /canonical/);
});

test('refuses a root argument with an empty kid or a kid outside base64url, naming which part is wrong', () => {
  const { kid, x } = w.root.root;
  // The colon first: an empty kid is a missing part, not a kid with bad characters.
  assert.throws(() => parseRootArg(`:${x}`), /^Error: root ":.*" should be "<kid>:<x>"/);
  assert.throws(() => parseRootArg(x), /should be "<kid>:<x>"/);
  for (const bad of [`${kid}=`, `${kid.slice(0, 3)}+${kid.slice(4)}`, `${kid.slice(0, 3)}/`, `${kid} `, `é${kid}`]) {
    assert.throws(() => parseRootArg(`${bad}:${x}`), (e: Error) => e.message === `root kid "${bad}" should be base64url without padding`, bad);
  }
  // Any base64url text is a kid (the pinned kid is a name, not bytes of a fixed length).
  assert.deepEqual(parseRootArg(`a-_9:${x}`), { kid: 'a-_9', x });
});

test('refuses a trust-list signature a byte short, a byte long or empty', () => {
  const [h, p, s] = w.jws.split('.') as [string, string, string];
  const sig = Buffer.from(s, 'base64url');
  for (const bad of [sig.subarray(0, 63), Buffer.concat([sig, Buffer.of(0)]), Buffer.alloc(0)]) {
    assert.equal(open(`${h}.${p}.${bad.toString('base64url')}`), 'bad_signature', `${bad.length} bytes`);
  }
});

test('says which part of the envelope is wrong: part count, header shape, header text', () => {
  const why = (jws: string) => {
    const r = openTrustList(jws, [w.root.root]);
    return r.ok ? 'ok' : `${r.reason}: ${r.message}`;
  };
  const p = b64u(JSON.stringify(w.payload));
  assert.match(why(w.jws.split('.').slice(0, 2).join('.')), /^malformed: .*three base64url parts/);
  assert.match(why(`${w.jws}.${p}`), /^malformed: .*three base64url parts/);
  for (const h of ['null', '[]', '"x"', '1']) assert.match(why(rawJws(b64u(h), p)), /^malformed: trust list header is not a JSON object/, h);
  // A header that is not UTF-8 (0xFF inside a JSON string) is refused, not read with U+FFFD.
  const latin = Buffer.from([...Buffer.from('{"alg":"EdDSA","kid":"'), 0xff, ...Buffer.from('"}')]).toString('base64url');
  assert.match(why(rawJws(latin, p)), /^malformed: trust list header is not base64url JSON/);
  assert.match(why(`${w.jws.split('.')[0]}.${p}.${'A'.repeat(5)}`), /^malformed: .*canonical base64url/);
  assert.match(why(rawJws(header({ typ: 'JWT' }), p)), /^malformed: trust list typ is "JWT"/);
  assert.match(why(rawJws(header({ crit: [] }), p)), /^malformed: trust list header has "crit"/);
  assert.match(why(rawJws(header({ alg: 'none' }), p)), /^bad_signature: trust list alg is "none"/);
  assert.match(why(rawJws(header(), p, makeRoot())), new RegExp(`^bad_signature: trust list signature does not verify with root ${w.root.root.kid}`));
});
