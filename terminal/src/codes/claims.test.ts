// The claim checks and the printed claims on their own (claims.ts), on payloads made by the real
// encoder and read by the real decoder. Each refusal must be null, never an exception:
// decodeCode calls the checks outside any try, and through verifyCode (whose net turns any
// exception into `malformed`) a check that threw looked the same as one that refused. Each field
// of an accepted payload is exactly what the code carried, and the printed form names every claim.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import { cborDecodePayload, cborEncode, claimsToJson } from './index.ts';
import { checkHcertClaims, checkYssClaims } from './claims.ts';

const T = Math.floor(Date.now() / 1000);
const CTI = Uint8Array.from({ length: 16 }, (_, i) => 0xf0 + i);

/** Already-encoded CBOR, placed as it is (a float where the encoder would write an integer). */
class Raw {
  constructor(readonly bytes: Uint8Array) {}
}
const enc = (v: unknown): Uint8Array => (v instanceof Raw ? v.bytes : cborEncode(v));
const f64 = (x: number) => {
  const b = Buffer.alloc(9);
  b[0] = 0xfb;
  b.writeDoubleBE(x, 1);
  return new Raw(b);
};
/** A CBOR map of these entries in this order (fewer than 24). */
const map = (entries: Iterable<readonly [unknown, unknown]>) => {
  const list = [...entries];
  return new Raw(Uint8Array.from([0xa0 | list.length, ...list.flatMap(([k, v]) => [...enc(k), ...enc(v)])]));
};
/** A CBOR array of these items (fewer than 24). */
const arr = (items: unknown[]) => new Raw(Uint8Array.from([0x80 | items.length, ...items.flatMap((v) => [...enc(v)])]));
const OMIT = Symbol('omit');
const without = (entries: Iterable<readonly [unknown, unknown]>) => [...entries].filter(([, v]) => v !== OMIT);

/** A decoded YSS1 payload: a valid personal code's claims with `top` labels and `yss` fields replaced (OMIT drops one). */
function yss(top: Record<number, unknown> = {}, fields: Record<string, unknown> = {}): unknown {
  const inner = map(without(Object.entries({ v: 1, t: 'personal', ...fields })));
  const claims = new Map<number, unknown>([[1, 'CN-44'], [2, 'u-1'], [4, T + 60], [6, T], [7, CTI], [-75000, inner]]);
  for (const [k, v] of Object.entries(top)) claims.set(Number(k), v);
  return cborDecodePayload(map(without(claims)).bytes, 'YSS1');
}

/** A decoded HCERT payload: exp and a vaccination DGC, with `top` labels replaced (OMIT drops one). */
function hcert(top: Record<number, unknown> = {}): unknown {
  const claims = new Map<number, unknown>([[4, T + 60], [-260, map([[1, map([['v', [new Map()]]])]])]]);
  for (const [k, v] of Object.entries(top)) claims.set(Number(k), v);
  return cborDecodePayload(map(without(claims)).bytes, 'HC1');
}
const dgc = (...kinds: string[]) => map([[1, map(kinds.map((k) => [k, [new Map()]] as const))]]);

/** The checked claims without `raw`, bytes as arrays, for deepEqual. */
const fields = (c: object | null) => {
  if (c === null) return null;
  const { raw: _raw, cti, ...rest } = c as { raw: unknown; cti: Uint8Array | null };
  return { ...rest, cti: cti && [...cti] };
};

test('a YSS1 payload gives exactly the fields it carried, and keeps the decoded map for printing', () => {
  const p = yss(
    { 5: T - 5 },
    {
      scope: ['venue', 'hotel'],
      subject: map([['name', '张三明'], ['name_masked', '张*明'], ['doc_no', 'X1'], ['sex', 7], ['nationality', new Uint8Array(2)], ['other', 'x']]),
      credential: map([['type', 'nurse'], ['no', 5], ['valid_until', '2030-01-01']]),
      health: map([['status', 'green'], ['as_of', T - 100]]),
    },
  );
  const c = checkYssClaims(p);
  assert.ok(c);
  assert.equal(c.raw, p);
  assert.deepEqual(fields(c), {
    family: 'YSS1',
    iss: 'CN-44',
    sub: 'u-1',
    exp: T + 60,
    nbf: T - 5,
    iat: T,
    cti: [...CTI],
    type: 'personal',
    scope: ['venue', 'hotel'],
    subject: { name: '张三明', name_masked: '张*明', doc_no: 'X1' },
    credential: { type: 'nurse', valid_until: '2030-01-01' },
    health: { status: 'green', as_of: T - 100 },
  });
});

test('reads every field of yss.subject and yss.credential that codes.md §4 names, and no other', () => {
  // The names written out here, not taken from SUBJECT_FIELDS: a name lost from that list would
  // go unread on both sides of a comparison with it.
  const subject = ['name', 'name_masked', 'doc_type', 'doc_no', 'birth_date', 'sex', 'nationality'];
  const credential = ['type', 'no', 'holder', 'issuer_name', 'valid_from', 'valid_until'];
  const all = [...new Set([...subject, ...credential, 'status', 'other', ''])];
  const texts = map(all.map((k) => [k, `<${k}>`]));
  const c = checkYssClaims(yss({}, { subject: texts, credential: texts }));
  assert.deepEqual(c?.subject, Object.fromEntries(subject.map((k) => [k, `<${k}>`])));
  assert.deepEqual(c?.credential, Object.fromEntries(credential.map((k) => [k, `<${k}>`])));
});

test('a YSS1 payload without its optional parts gives null for each, and empty parts stay empty', () => {
  assert.deepEqual(fields(checkYssClaims(yss())), {
    family: 'YSS1',
    iss: 'CN-44',
    sub: 'u-1',
    exp: T + 60,
    nbf: null,
    iat: T,
    cti: [...CTI],
    type: 'personal',
    scope: null,
    subject: null,
    credential: null,
    health: null,
  });
  const c = checkYssClaims(yss({}, { scope: [], subject: new Map(), credential: new Map(), health: new Map() }));
  assert.deepEqual([c?.scope, c?.subject, c?.credential, c?.health], [[], {}, {}, { status: null, as_of: null }]);
  // exp equal to iat is a code valid for no time at all, but not a broken one.
  assert.equal(checkYssClaims(yss({ 4: T }))?.exp, T);
});

test('yss.health: a status only when text, a time only when a finite number (a float too)', () => {
  const health = (h: Raw) => checkYssClaims(yss({}, { health: h }))?.health;
  assert.deepEqual(health(map([['status', 5], ['as_of', 'yesterday']])), { status: null, as_of: null });
  assert.deepEqual(health(map([['status', 'red'], ['as_of', f64(T + 0.5)]])), { status: 'red', as_of: T + 0.5 });
  for (const x of [Infinity, -Infinity, NaN]) assert.deepEqual(health(map([['as_of', f64(x)]])), { status: null, as_of: null }, String(x));
  assert.deepEqual(health(map([['as_of', 0]])), { status: null, as_of: 0 });
});

test('every YSS1 payload that breaks codes.md §4 is null, not an exception', () => {
  const bytes = new Uint8Array(16);
  const cases: Record<string, unknown> = {
    'an array': cborDecodePayload(cborEncode([1]), 'YSS1'),
    'a number': cborDecodePayload(cborEncode(7), 'YSS1'),
    'a text': cborDecodePayload(cborEncode('x'), 'YSS1'),
    'null': cborDecodePayload(cborEncode(null), 'YSS1'),
    'nothing': undefined,
    'no iss': yss({ 1: OMIT }),
    'iss a number': yss({ 1: 44 }),
    'no sub': yss({ 2: OMIT }),
    'sub a number': yss({ 2: 1 }),
    'sub bytes': yss({ 2: bytes }),
    'no exp': yss({ 4: OMIT }),
    'exp text': yss({ 4: String(T + 60) }),
    'exp a float': yss({ 4: f64(T + 60) }),
    'exp past 2^53': yss({ 4: 2n ** 53n }),
    'no iat': yss({ 6: OMIT }),
    'iat a float': yss({ 6: f64(T) }),
    'iat text': yss({ 6: 'now' }),
    'exp before iat': yss({ 4: T - 1 }),
    'nbf a float': yss({ 5: f64(T) }),
    'nbf text': yss({ 5: 'x' }),
    'nbf null': yss({ 5: null }),
    'no cti': yss({ 7: OMIT }),
    'cti text': yss({ 7: 'abcdefghij' }),
    'cti of 7 bytes': yss({ 7: new Uint8Array(7) }),
    'cti of 17 bytes': yss({ 7: new Uint8Array(17) }),
    'no yss': yss({ [-75000]: OMIT }),
    'yss an array': yss({ [-75000]: [1, 'personal'] }),
    'yss text': yss({ [-75000]: 'personal' }),
    'no yss.v': yss({}, { v: OMIT }),
    'yss.v 2': yss({}, { v: 2 }),
    'yss.v 1.0': yss({}, { v: f64(1) }),
    'yss.v text': yss({}, { v: '1' }),
    'no yss.t': yss({}, { t: OMIT }),
    'yss.t a number': yss({}, { t: 1 }),
    'scope text': yss({}, { scope: 'venue' }),
    'scope a map': yss({}, { scope: new Map([['venue', 'x']]) }),
    'scope with a number': yss({}, { scope: ['venue', 1] }),
    'scope of a number': yss({}, { scope: [1] }),
    'scope null': yss({}, { scope: null }),
    'subject text': yss({}, { subject: 'x' }),
    'subject an array': yss({}, { subject: ['name', 'x'] }),
    'credential a number': yss({}, { credential: 1 }),
    'health text': yss({}, { health: 'green' }),
    'health an array': yss({}, { health: [] }),
    'health true': yss({}, { health: true }),
  };
  for (const [name, payload] of Object.entries(cases)) assert.equal(checkYssClaims(payload), null, name);
});

test('the cti is 8 to 16 bytes, both included', () => {
  for (const n of [8, 16]) assert.equal(checkYssClaims(yss({ 7: new Uint8Array(n) }))?.cti.length, n);
});

test('sub counts characters (code points) in every plane: 64 pass, 65 do not', () => {
  // Around both ends of the high surrogates (U+10000 is D800 DC00, U+10FFFF is DBFF DFFF) and on
  // both sides of the surrogate block in the BMP (U+D7FF, U+E000, U+FF21).
  for (const cp of [0x61, 0x5f20, 0xd7ff, 0xe000, 0xff21, 0x10000, 0x1f600, 0x10ffff]) {
    const ch = String.fromCodePoint(cp);
    assert.equal(checkYssClaims(yss({ 2: ch.repeat(64) }))?.sub, ch.repeat(64), `64 × U+${cp.toString(16)}`);
    assert.equal(checkYssClaims(yss({ 2: ch.repeat(65) })), null, `65 × U+${cp.toString(16)}`);
  }
  assert.equal(checkYssClaims(yss({ 2: 'a😀'.repeat(32) }))?.sub.length, 96);
  assert.equal(checkYssClaims(yss({ 2: `${'a😀'.repeat(32)}a` })), null);
});

test('an HCERT payload gives exactly the fields it carried; times may be floats', () => {
  const p = hcert({ 1: 'AT', 2: 'someone', 4: f64(T + 60.5), 5: T - 1, 6: f64(T - 0.5), 7: new Uint8Array([1, 2, 3]) });
  const c = checkHcertClaims(p);
  assert.ok(c);
  assert.equal(c.raw, p);
  assert.deepEqual(fields(c), { family: 'HC1', iss: 'AT', sub: 'someone', exp: T + 60.5, nbf: T - 1, iat: T - 0.5, cti: [1, 2, 3], type: 'hcert', kind: 'v' });
  assert.deepEqual(fields(checkHcertClaims(hcert())), { family: 'HC1', iss: null, sub: null, exp: T + 60, nbf: null, iat: null, cti: null, type: 'hcert', kind: 'v' });
  assert.equal(checkHcertClaims(hcert({ 2: 5 }))?.sub, null, 'a sub that is no text is not read');
});

test('the HCERT kind is the one certificate kind present, else null', () => {
  const kind = (...kinds: string[]) => checkHcertClaims(hcert({ [-260]: dgc(...kinds) }))?.kind;
  assert.deepEqual([kind('v'), kind('t'), kind('r')], ['v', 't', 'r']);
  assert.equal(kind(), null);
  assert.equal(kind('v', 't'), null);
  assert.equal(kind('t', 'r'), null);
  assert.equal(kind('v', 't', 'r'), null);
  assert.equal(kind('x'), null);
});

test('every HCERT payload that breaks codes.md §7 is null, not an exception', () => {
  const cases: Record<string, unknown> = {
    'an array': cborDecodePayload(cborEncode([1]), 'HC1'),
    'a number': cborDecodePayload(cborEncode(7), 'HC1'),
    'nothing': undefined,
    'iss a number': hcert({ 1: 44 }),
    'iss bytes': hcert({ 1: new Uint8Array(2) }),
    'no exp': hcert({ 4: OMIT }),
    'exp text': hcert({ 4: 'tomorrow' }),
    'exp bytes': hcert({ 4: new Uint8Array(4) }),
    'exp infinite': hcert({ 4: f64(Infinity) }),
    'exp minus infinity': hcert({ 4: f64(-Infinity) }),
    'exp NaN': hcert({ 4: f64(NaN) }),
    'nbf text': hcert({ 5: 'x' }),
    'nbf NaN': hcert({ 5: f64(NaN) }),
    'iat text': hcert({ 6: 'x' }),
    'iat infinite': hcert({ 6: f64(Infinity) }),
    'cti text': hcert({ 7: 'abc' }),
    'cti a number': hcert({ 7: 5 }),
    'no hcert': hcert({ [-260]: OMIT }),
    'hcert an array': hcert({ [-260]: [map([['v', []]])] }),
    'hcert without 1': hcert({ [-260]: map([[2, map([['v', []]])]]) }),
    'hcert 1 text': hcert({ [-260]: map([[1, 'v']]) }),
    'hcert 1 an array': hcert({ [-260]: map([[1, ['v']]]) }),
  };
  for (const [name, payload] of Object.entries(cases)) assert.equal(checkHcertClaims(payload), null, name);
});

test('prints every claim codes.md §6 names, by name, and nothing else', () => {
  const raw = cborDecodePayload(
    map([
      [1, 'CN-44'],
      [2, 'u-1'],
      [3, ['gate', 'hall']],
      [4, T + 60],
      [5, T - 5],
      [6, T],
      [7, CTI],
      [-75000, map([['v', 1], ['t', 'personal']])],
      [-260, map([[1, map([['ver', '1.3.0']])]])],
      [99, 'unknown'],
      [-1, 'unknown'],
      ['iss', 'a text label'],
    ]).bytes,
    'YSS1',
  ) as Map<unknown, unknown>;
  assert.deepEqual(JSON.parse(JSON.stringify(claimsToJson(raw))), {
    iss: 'CN-44',
    sub: 'u-1',
    aud: ['gate', 'hall'],
    exp: T + 60,
    nbf: T - 5,
    iat: T,
    cti: Buffer.from(CTI).toString('base64url'),
    yss: { v: 1, t: 'personal' },
    hcert: { 1: { ver: '1.3.0' } },
  });
});

test('prints byte strings as base64url, floats and big integers as numbers and text, in arrays and maps alike', () => {
  const aud = (v: unknown) => {
    const raw = cborDecodePayload(map([[1, 'CN-44'], [3, v]]).bytes, 'HC1') as Map<unknown, unknown>;
    return JSON.parse(JSON.stringify(claimsToJson(raw))).aud as unknown;
  };
  // Byte strings the decoder returns sit inside the payload's buffer (a view at an offset).
  assert.equal(aud(new Uint8Array([0xfb, 0xff, 0x01])), '-_8B');
  assert.deepEqual(aud(arr([new Uint8Array([0xfb, 0xff]), f64(1.5), arr([f64(-0.25), new Uint8Array(0)]), true, null, 7])), ['-_8', 1.5, [-0.25, ''], true, null, 7]);
  assert.deepEqual(aud(map([[1, new Uint8Array([0xff])], ['f', f64(2.5)], ['l', arr([new Uint8Array([0])])]])), { 1: '_w', f: 2.5, l: ['AA'] });
  assert.deepEqual(aud([2n ** 64n - 1n, -(2n ** 64n), 2n ** 53n]), ['18446744073709551615', '-18446744073709551616', '9007199254740992']);
});

test('prints a "__proto__" key as an own key like any other, without touching the prototype', () => {
  const raw = cborDecodePayload(map([[3, map([['a', 1], ['__proto__', map([['scope', ['all']]])]])]]).bytes, 'YSS1') as Map<unknown, unknown>;
  const aud = claimsToJson(raw).aud as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(aud), Object.prototype);
  assert.deepEqual(Object.keys(aud), ['a', '__proto__']);
  assert.deepEqual(Object.getOwnPropertyDescriptor(aud, '__proto__'), { value: { scope: ['all'] }, writable: true, enumerable: true, configurable: true });
  assert.equal(JSON.stringify(aud), '{"a":1,"__proto__":{"scope":["all"]}}');
});

test('prints maps with integer-like keys into sparse (dictionary) elements, and only those', () => {
  // Speed, not the answer: added one by one with gaps, integer keys would grow a holey array per
  // object (milliseconds for a few hundred). V8's own view of the object, through its natives.
  v8.setFlagsFromString('--allow-natives-syntax');
  const sparse = new Function('o', 'return %HasDictionaryElements(o)') as (o: object) => boolean;
  const printed = (entries: [unknown, unknown][]) => {
    const raw = cborDecodePayload(map([[3, map(entries)]]).bytes, 'YSS1') as Map<unknown, unknown>;
    return claimsToJson(raw).aud as object;
  };
  for (const keys of [[0, 1], [1, 2], ['a', 5], [7, 'b'], ['a', 'b', '4294967294'], [1000, 3000, 5000, 7000], ['0', '1'], ['a', '99']]) {
    assert.equal(sparse(printed(keys.map((k) => [k, null]))), true, JSON.stringify(keys));
  }
  // Text keys that are no array index, and a single key (no gap to grow): the plain object.
  for (const keys of [['a', 'b'], ['-1', '01'], ['1.5', '4294967295'], ['1e3', ' 1'], ['00', 'x0'], ['12345678901', '1a'], [1], ['0']]) {
    assert.equal(sparse(printed(keys.map((k) => [k, null]))), false, JSON.stringify(keys));
  }
});
