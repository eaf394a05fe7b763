import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { HashSet32, isHash32 } from './index.ts';

const h = (s: string | Uint8Array) => createHash('sha256').update(s).digest('base64url');

test('finds every inserted hash and no other', () => {
  const inserted = Array.from({ length: 5000 }, (_, i) => h(`in-${i}`));
  const set = new HashSet32(inserted);
  assert.equal(set.size, 5000);
  assert.ok(inserted.every((x) => set.has(x)));
  const others = Array.from({ length: 5000 }, (_, i) => h(`out-${i}`));
  assert.equal(others.filter((x) => set.has(x)).length, 0);
});

test('counts duplicates once', () => {
  const x = h('a');
  assert.equal(new HashSet32([x, x, h('b')]).size, 2);
});

test('finds hashes that share their first characters', () => {
  const base = randomBytes(32);
  const near = Array.from({ length: 50 }, (_, i) => {
    const b = Buffer.from(base);
    b[31] = i;
    return b.toString('base64url');
  });
  const set = new HashSet32(near);
  assert.equal(set.size, 50);
  assert.ok(near.every((x) => set.has(x)));
});

test('reports the first entry that is not a 32-byte base64url hash', () => {
  const bad = { index: -1 };
  new HashSet32([h('a'), h('b') + 'A', h('c')], bad);
  assert.equal(bad.index, 1);
});

test('accepts only canonical 43-character base64url of 32 bytes', () => {
  assert.equal(isHash32(h('x')), true);
  assert.equal(isHash32(Buffer.alloc(31).toString('base64url')), false);
  assert.equal(isHash32(createHash('sha256').update('x').digest('base64')), false);
  const s = h('x');
  assert.equal(isHash32(s.slice(0, 42) + 'B'), false);
  assert.equal(isHash32(42), false);
});

test('a character outside ASCII is never part of a hash, wherever it stands', () => {
  const s = h('x');
  for (const c of ['é', 'Ā', '\u{80}', '\u{ff}']) {
    assert.equal(isHash32(c + s.slice(1)), false, `${JSON.stringify(c)} first`);
    assert.equal(isHash32(s.slice(0, 20) + c + s.slice(21)), false, `${JSON.stringify(c)} inside`);
  }
});

test('looks up only whole hashes: a prefix, an extension or the empty text of an entry is not in the set', () => {
  const x = h('x');
  const set = new HashSet32([x, h('y')]);
  for (const probe of [x.slice(0, 42), `${x}A`, `${x}${x}`, '', 'é'.repeat(43)]) assert.equal(set.has(probe), false, probe);
  assert.equal(set.has(x), true);
});

test('builds nothing past the first bad entry, and reports nothing when there is none', () => {
  const [a, c] = [h('a'), h('c')];
  const bad = { index: -1 };
  const set = new HashSet32([a, 'not a hash', c], bad);
  assert.equal(bad.index, 1);
  assert.equal(set.has(c), false);
  const good = { index: -1 };
  assert.equal(new HashSet32([a, c], good).size, 2);
  assert.equal(good.index, -1);
});

test('a value that is not a string is no hash, whatever its length', () => {
  for (const v of [Array.from({ length: 43 }, () => 'A'), { length: 43 }, null, undefined, 43]) assert.equal(isHash32(v), false, JSON.stringify(v));
});

test('builds up to the first bad entry when no one asks which it was', () => {
  const [a, c] = [h('a'), h('c')];
  const set = new HashSet32([a, ['not a hash'], c]);
  assert.equal(set.size, 1);
  assert.equal(set.has(a), true);
  assert.equal(set.has(c), false);
});
