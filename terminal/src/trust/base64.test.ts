// Canonical base64 (trust-list.md §2) against a rule written out independently: which texts are
// the one encoding of some bytes, on generated texts near and far from canonical; and values that
// are not text at all, alone and inside a signed list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fromBase64, fromBase64url } from './base64.ts';
import { openTrustList, signTrustList } from './index.ts';
import { makeWorld } from '../codes/test/helpers.ts';

const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const STD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** What a careless encoder, a mail gateway or an attacker puts in: padding, the other alphabet, space, non-ASCII. */
const STRAY = ['=', '+', '/', '-', '_', ' ', '\n', '.', 'é', '\u0000'];

/** RFC 4648 §3.5: the bits after the last whole byte are zero. `rest` is length mod 4 of the body. */
function unusedBitsZero(body: string, alphabet: string): boolean {
  const rest = body.length % 4;
  if (rest === 0) return true;
  if (rest === 1) return false;
  const last = alphabet.indexOf(body.at(-1)!);
  return rest === 2 ? last % 16 === 0 : last % 4 === 0;
}

function canonicalUrl(s: string): boolean {
  return [...s].every((c) => URL_ALPHABET.includes(c)) && unusedBitsZero(s, URL_ALPHABET);
}

function canonicalStd(s: string): boolean {
  if (s.length % 4 !== 0) return false;
  const body = s.replace(/=*$/, '');
  const pad = s.length - body.length;
  const needed = [0, -1, 2, 1][body.length % 4];
  return pad === needed && [...body].every((c) => STD_ALPHABET.includes(c)) && unusedBitsZero(body, STD_ALPHABET);
}

/** Canonical texts, and the same with one character inserted, replaced or removed. */
function texts(encode: (b: Buffer) => string, alphabet: string) {
  const char = fc.oneof(fc.constantFrom(...alphabet), fc.constantFrom(...STRAY));
  const canonical = fc.uint8Array({ maxLength: 40 }).map((b) => encode(Buffer.from(b)));
  const edited = fc.tuple(canonical, fc.nat(), char, fc.constantFrom('insert', 'replace', 'remove')).map(([s, at, c, how]) => {
    const i = s.length === 0 ? 0 : at % (s.length + (how === 'insert' ? 1 : 0));
    if (how === 'insert') return s.slice(0, i) + c + s.slice(i);
    if (how === 'replace') return s.slice(0, i) + c + s.slice(i + 1);
    return s.slice(0, i) + s.slice(i + 1);
  });
  return fc.oneof(canonical, edited, fc.array(char, { maxLength: 12 }).map((cs) => cs.join('')));
}

// Both decoders against RFC 4648's rule written out separately: the same property, two alphabets.
const decoders = [
  { name: 'fromBase64url', texts: 'unpadded', encoding: 'base64url', alphabet: URL_ALPHABET, decode: (s: string) => fromBase64url(s), canonical: canonicalUrl },
  { name: 'fromBase64', texts: 'padded', encoding: 'base64', alphabet: STD_ALPHABET, decode: (s: string) => fromBase64(s), canonical: canonicalStd },
] as const;

for (const d of decoders) {
  test(`${d.name} accepts exactly the canonical ${d.texts} texts, and gives back their bytes`, () => {
    let accepted = 0;
    fc.assert(
      fc.property(texts((b) => b.toString(d.encoding), d.alphabet), (s) => {
        const b = d.decode(s);
        assert.equal(b !== null, d.canonical(s), JSON.stringify(s));
        if (b) {
          accepted++;
          assert.equal(b.toString(d.encoding), s);
        }
      }),
      { numRuns: 2000 },
    );
    assert.ok(accepted > 300, `only ${accepted} canonical texts generated`);
  });
}

test('fromBase64url holds a length when asked', () => {
  const eight = Buffer.from('12345678').toString('base64url');
  assert.deepEqual(fromBase64url(eight, 8), Buffer.from('12345678'));
  assert.equal(fromBase64url(eight, 7), null);
  assert.equal(fromBase64url(eight, 9), null);
  assert.deepEqual(fromBase64url('', 0), Buffer.alloc(0));
});

test('a value that is not text is null, never thrown at', () => {
  for (const v of [12345678, 0, -1, 1.5, null, undefined, true, [1, 2], { length: 4 }, Buffer.from('abcd'), 10n]) {
    assert.equal(fromBase64url(v), null, `fromBase64url(${String(v)})`);
    assert.equal(fromBase64url(v, 8), null, `fromBase64url(${String(v)}, 8)`);
    assert.equal(fromBase64(v), null, `fromBase64(${String(v)})`);
  }
});

test('a signed list whose kid is a number is malformed, not a crash', () => {
  const w = makeWorld();
  const open = (edit: (p: { issuers: { keys: Record<string, unknown>[] }[]; revoked: Record<string, unknown> }) => void) => {
    const p = structuredClone(w.payload) as Parameters<typeof edit>[0];
    edit(p);
    const r = openTrustList(signTrustList(p, { kid: w.root.root.kid, secretKey: w.root.secretKey }), [w.root.root]);
    return r.ok ? 'ok' : `${r.reason}: ${r.message}`;
  };
  assert.equal(open(() => {}), 'ok');
  assert.match(open((p) => (p.issuers[0]!.keys[0]!.kid = 12345678)), /^malformed: issuers\[0\]\.keys\[0\]\.kid should be canonical base64url/);
  assert.match(open((p) => (p.revoked.kids = [12345678])), /^malformed: revoked\.kids/);
});
