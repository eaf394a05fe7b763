import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { maxHashes, scanPayload, ScanError } from './payload-scan.ts';
import { indexFromDocument } from './payload.ts';

const h = (s: string) => createHash('sha256').update(s).digest('base64url');
const bytes = (s: string) => Buffer.from(s, 'utf8');
const base = {
  format: 'yss-trust-list/1',
  sequence: 3,
  issued_at: 10,
  expires_at: 20,
  issuers: [{ id: 'CN-44', names: { 'zh-CN': '广东' }, types: ['personal'], keys: [] }],
};

/**
 * Both paths must give the same index: same revocations found, same other fields. The scan must
 * also do its job: index every array of hashes itself and hand JSON.parse the rest with those
 * arrays emptied (a scan that gave up, or left an array to JSON.parse, answers the same, slower).
 */
function assertSameAsParse(text: string, probes: string[]) {
  const fast = scanPayload(bytes(text), 0);
  assert.ok(fast, 'the scan takes this payload');
  const parsed = JSON.parse(text);
  const revoked = parsed.revoked;
  for (const k of ['cti', 'sub'] as const) {
    const indexed = Array.isArray(revoked?.[k]);
    assert.equal(fast[k] !== null, indexed, `revoked.${k} indexed by the scan`);
    if (indexed) revoked[k] = [];
  }
  assert.deepEqual(fast.doc, parsed, 'the document JSON.parse reads, with the indexed arrays emptied');
  const a = indexFromDocument(fast.doc, { cti: fast.cti, sub: fast.sub });
  const b = indexFromDocument(JSON.parse(text));
  assert.deepEqual([a.sequence, a.issuedAt, a.expiresAt, a.issuers], [b.sequence, b.issuedAt, b.expiresAt, b.issuers]);
  assert.deepEqual([a.revokedCti.size, a.revokedSub.size], [b.revokedCti.size, b.revokedSub.size]);
  for (const p of probes) {
    assert.equal(a.revokedCti.has(p), b.revokedCti.has(p), `cti ${p}`);
    assert.equal(a.revokedSub.has(p), b.revokedSub.has(p), `sub ${p}`);
  }
}

test('indexes revocations from the bytes exactly as JSON.parse would', () => {
  const cti = Array.from({ length: 300 }, (_, i) => h(`c${i}`));
  const sub = Array.from({ length: 200 }, (_, i) => h(`s${i}`));
  const probes = [...cti.slice(0, 50), ...sub.slice(0, 50), h('absent'), h('other')];
  assertSameAsParse(JSON.stringify({ ...base, revoked: { kids: ['AAAAAAAAAAA'], cti, sub } }), probes);
  assertSameAsParse(JSON.stringify({ revoked: { sub, cti }, ...base }, null, 2), probes);
  assertSameAsParse(JSON.stringify({ ...base, revoked: { cti: [], sub: [cti[0]!, cti[0]!] } }), probes);
  assertSameAsParse(JSON.stringify({ ...base, revoked: {} }), probes);
  assertSameAsParse(JSON.stringify({ ...base, revoked: { note: { nested: ['x', { y: '"]}' }] }, cti } }), probes);
});

test('reports the first bad hash with the index JSON.parse would name', () => {
  const text = JSON.stringify({ ...base, revoked: { cti: [h('a'), h('b').slice(1), h('c')] } });
  assert.throws(() => scanPayload(bytes(text), 0), (e: unknown) => e instanceof ScanError && e.message === 'revoked.cti[1] should be base64url of a 32-byte SHA-256 hash');
  const num = JSON.stringify({ ...base, revoked: { sub: [h('a'), 42] } });
  assert.throws(() => scanPayload(bytes(num), 0), /revoked\.sub\[1\]/);
});

test('leaves unusual payloads to JSON.parse', () => {
  const dup = `{"format":"yss-trust-list/1","revoked":{"cti":[]},"revoked":{"cti":[]}}`;
  assert.equal(scanPayload(bytes(dup), 0), null);
  const escaped = `{"format":"yss-trust-list/1","revoked":{"cti":["\\u0041${h('a').slice(1)}"]}}`;
  assert.equal(scanPayload(bytes(escaped), 0), null);
  const escapedKey = `{"revoked":{"c\\u0074i":["${h('a')}"]}}`;
  assert.equal(scanPayload(bytes(escapedKey), 0), null);
  assert.equal(scanPayload(bytes('[1,2]'), 0), null);
  assert.equal(scanPayload(bytes('{"a":1} trailing'), 0), null);
  assert.equal(scanPayload(bytes('{"a":1'), 0), null);
});

test('does not scan small payloads', () => {
  assert.equal(scanPayload(bytes(JSON.stringify(base))), null);
});

test('agrees with JSON.parse on thousands of mutated payloads', () => {
  const cti = Array.from({ length: 40 }, (_, i) => h(`c${i}`));
  const sub = Array.from({ length: 20 }, (_, i) => h(`s${i}`));
  const text = JSON.stringify({ ...base, revoked: { kids: [], cti, sub } }, null, 1);
  const alphabet = '{}[]",: \\0aA_-\n';
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const outcome = (fn: () => ReturnType<typeof indexFromDocument>) => {
    try {
      const i = fn();
      return { ok: true, seq: i.sequence, c: i.revokedCti.size, s: i.revokedSub.size, hit: cti.filter((x) => i.revokedCti.has(x)).length };
    } catch {
      return { ok: false };
    }
  };
  let scanned = 0;
  for (let n = 0; n < 3000; n++) {
    const chars = [...text];
    for (let k = 1 + rand(3); k > 0; k--) chars[rand(chars.length)] = alphabet[rand(alphabet.length)]!;
    const t = chars.join('');
    const slow = outcome(() => indexFromDocument(JSON.parse(t)));
    const fast = outcome(() => {
      const s = scanPayload(bytes(t), 0);
      if (s) scanned++;
      return s ? indexFromDocument(s.doc, { cti: s.cti, sub: s.sub }) : indexFromDocument(JSON.parse(t));
    });
    assert.deepEqual(fast, slow, `mutation ${n}: ${t}`);
  }
  assert.ok(scanned > 200, `the scan took only ${scanned} payloads`);
});

test('takes any JSON whitespace and any kind of value around the arrays it indexes', () => {
  const cti = Array.from({ length: 30 }, (_, i) => h(`c${i}`));
  const sub = Array.from({ length: 10 }, (_, i) => h(`s${i}`));
  const probes = [...cti.slice(0, 5), ...sub.slice(0, 5), h('absent')];
  // Every one of JSON's four whitespace characters, between every two tokens.
  const ws = ' \t\r\n';
  const spaced = (doc: unknown) =>
    JSON.stringify(doc)
      .split(/(?<=[{}[\],:])|(?=[{}[\],:])/)
      .join(ws);
  // (No delimiter inside the string: the spacing would put control characters into it.)
  const values = { n: -1.5e3, t: true, f: false, z: null, s: 'a"b\\', o: { a: [[], {}, [1, [2]]] } };
  assertSameAsParse(spaced({ ...base, revoked: { cti, sub } }), probes);
  assertSameAsParse(spaced({ ...values, ...base, revoked: { ...values, cti, ...values, sub } }), probes);
  assertSameAsParse(`${ws}${spaced({ ...base, revoked: { sub, cti: [] } })}${ws}`, probes);
  assertSameAsParse(JSON.stringify({ ...base, revoked: { cti: [cti[0]] } }), probes);
});

test('leaves to JSON.parse what is not plain JSON of an object', () => {
  for (const text of ['{}', ' {} ', '{"a":[1}', '{"a":1]', '{"a" 1}', '{"a":1,}', '{"revoked":{"cti":[] "sub":[]}}', '{"revoked":{}}x', '{"revoked":{"a":1,"a":2}}'])
    assert.equal(scanPayload(bytes(text), 0), null, text);
  // Two hashes without a comma between them, or a hash then a brace.
  assert.equal(scanPayload(bytes(`{"revoked":{"cti":["${h('a')}" "${h('b')}"]}}`), 0), null);
  assert.equal(scanPayload(bytes(`{"revoked":{"cti":["${h('a')}"}}`), 0), null);
});

test('scans a payload of exactly the minimum size, and none a byte shorter', () => {
  const buf = bytes(JSON.stringify({ ...base, revoked: { cti: [h('a')] } }));
  assert.equal(scanPayload(buf, buf.length)?.cti?.size, 1);
  assert.equal(scanPayload(buf, buf.length + 1), null);
});

test('reads a value of any kind where it indexes nothing, and leaves judging it to the index', () => {
  for (const revoked of [null, [], 'x', 7, { cti: 'x', sub: null }, { cti: {}, sub: '' }, { cti: true, sub: 1 }]) {
    const text = JSON.stringify({ ...base, revoked });
    assert.deepEqual(scanPayload(bytes(text), 0), { doc: JSON.parse(text), cti: null, sub: null }, text);
  }
});

test('indexes around numbers and literals that end an object, and around empty objects spaced out', () => {
  const cti = [h('a'), h('b')];
  const probes = [...cti, h('c')];
  assertSameAsParse(`{"format":"yss-trust-list/1","sequence":3,"issued_at":10,"issuers":[],"revoked":{"cti":${JSON.stringify(cti)},"n":-1.5e3},"expires_at":20}`, probes);
  assertSameAsParse(`{"format":"yss-trust-list/1","revoked":{"sub":${JSON.stringify(cti)},"t":true},"sequence":3,"issued_at":10,"expires_at":20,"issuers":[],"z":null}`, probes);
  assertSameAsParse(`{"format":"yss-trust-list/1","sequence":3,"issued_at":10,"expires_at":20,"issuers":[],"revoked":{ \t\r\n}}`, probes);
  // A number that ends `revoked` ends it: the `sub` after it is not one of its members.
  assertSameAsParse(`{"format":"yss-trust-list/1","sequence":3,"issued_at":10,"expires_at":20,"issuers":[],"revoked":{"n":1},"sub":${JSON.stringify(cti)}}`, probes);
});

test('reads on past no syntax error into the revocations: what follows one is left to JSON.parse, not reported', () => {
  // Each text breaks JSON where the scan reads it, then revokes something that is no hash. Read
  // on, the scan would report that entry (a ScanError); JSON.parse never gets that far.
  const after = `{"cti":["not a hash"]}}`;
  for (const text of [
    `x"revoked":${after}`, // no opening brace
    `{"revoked"x${after}`, // no colon
    `{"revoked":{"cti"x["not a hash"]}}`, // no colon inside
    `{xrevoked":${after}`, // a key without its opening quote
    `{"revoked":{xcti":["not a hash"]}}`,
    `{"a":],"revoked":${after}`, // a value that closes what it never opened
    `{"a":}],"revoked":${after}`,
    `{"a":1],"revoked":${after}`, // a number ended by a bracket
    `{"a":[]"x","revoked":${after}`, // a second value after the first
    `{"a":{}{},"revoked":${after}`,
    `{"a":"s" "revoked":${after}`, // no comma between members
    `{"revoked":{"a":"s" "cti":["not a hash"]}}`,
  ])
    assert.equal(scanPayload(bytes(text), 0), null, text);
});

test('leaves to JSON.parse what it walks through but cannot parse', () => {
  const hash = JSON.stringify([h('a')]);
  for (const text of [`{"a":tru,"revoked":{"cti":${hash}}}`, `{"a":[1}}`, `{"a":01,"revoked":{"cti":${hash}}}`, `{"revoked":{"cti":${hash}} }}`, `{"revoked":{"cti":${hash}]}`])
    assert.equal(scanPayload(bytes(text), 0), null, text);
});

test('stops at the end of a payload cut short anywhere', () => {
  // Fresh buffers: nothing readable past their last byte.
  const cut = (s: string) => new Uint8Array(bytes(s));
  for (const text of ['{"ab', '{"a":"b', '{"a":"b\\', '{"a":[1,2', '{"a":{"b":[', '{"a":1', '{"a"', '{"revoked":{"cti":[]'])
    assert.equal(scanPayload(cut(text), 0), null, text);
  // An entry cut short is reported like any other that is no hash.
  assert.throws(() => scanPayload(cut('{"revoked":{"cti":["abc'), 0), /revoked\.cti\[0\]/);
});

test('leaves to JSON.parse only the entries that hold an escape, wherever it stands', () => {
  const a = h('a');
  // An escape after the first character: JSON.parse reads a valid hash.
  const escaped = `{"format":"yss-trust-list/1","revoked":{"cti":["${a.slice(0, 1)}\\u00${a.charCodeAt(1).toString(16)}${a.slice(2)}"]}}`;
  assert.equal(JSON.parse(escaped).revoked.cti[0], a);
  assert.equal(scanPayload(bytes(escaped), 0), null);
  // A bad entry is reported even when an escape stands later in the payload, outside it.
  assert.throws(() => scanPayload(bytes(`{"revoked":{"cti":["not a hash"]},"note":"a\\nb"}`), 0), /revoked\.cti\[0\]/);
});

test('sizes a table for the most hashes the bytes left can hold, and little more', () => {
  const hashes = Array.from({ length: 1000 }, (_, i) => h(`m${i}`));
  // The array after 100 KB of other fields: only the bytes from its bracket on count.
  const text = `{"note":"${'x'.repeat(100_000)}","revoked":{"cti":${JSON.stringify(hashes)}}}`;
  const from = text.indexOf('[');
  const bound = maxHashes(text.length, from);
  assert.ok(bound >= 1000 && bound <= 1030, `bound ${bound} for 1000 hashes`);
  // Packed as tightly as JSON allows, one hash and two: room for each.
  assert.ok(maxHashes(from + JSON.stringify([h('a')]).length, from) >= 1);
  assert.ok(maxHashes(from + JSON.stringify([h('a'), h('b')]).length, from) >= 2);
  const scanned = scanPayload(bytes(text), 0);
  assert.equal(scanned?.cti?.size, 1000);
  assert.ok(hashes.every((x) => scanned.cti!.has(x)));
});
