import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { scanPayload, ScanError } from './payload-scan.ts';
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

/** Both paths must give the same index: same revocations found, same other fields. */
function assertSameAsParse(text: string, probes: string[]) {
  const fast = scanPayload(bytes(text), 0);
  assert.ok(fast, 'the scan takes this payload');
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
