// The revocation table read from a list's bytes (byte-hash-set.ts), on its own: payload-scan.test.ts
// reaches it only through whole lists, where a hash never ends the buffer and every probe is 43
// characters of base64url.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ByteHashSet, HASH_LENGTH, isHash32At } from './byte-hash-set.ts';

const h = (s: string) => createHash('sha256').update(s).digest('base64url');

/** The hashes side by side in one buffer, as `"…","…"` in a list, and their offsets. */
function packed(hashes: string[]): { buf: Buffer; at: number[] } {
  const buf = Buffer.from(hashes.map((x) => `"${x}"`).join(','), 'latin1');
  return { buf, at: hashes.map((_, i) => 1 + i * (HASH_LENGTH + 3)) };
}

test('a hash is checked where it stands, up to the very end of the buffer and not past it', () => {
  const x = h('x');
  const buf = Buffer.from(`[${x}`, 'latin1');
  assert.equal(isHash32At(buf, 1), true, 'ending exactly at the end of the buffer');
  assert.equal(isHash32At(buf, 2), false, 'one character short');
  assert.equal(isHash32At(buf, 0), false, '[ is not base64url');
  for (const [i, c] of [[0, 0xc3], [21, 0x2b], [42, 0xff]] as const) {
    const bad = Buffer.from(buf);
    bad[1 + i] = c;
    assert.equal(isHash32At(bad, 1), false, `byte 0x${c.toString(16)} at ${i}`);
  }
  const loose = Buffer.from(`${x.slice(0, 42)}B`, 'latin1');
  assert.equal(isHash32At(loose, 0), false, 'a last character with bits past the 32 bytes');
});

test('finds every added hash and no other, duplicates counted once', () => {
  const inserted = Array.from({ length: 3000 }, (_, i) => h(`in-${i}`));
  const { buf, at } = packed([...inserted, inserted[7]!, inserted[2999]!]);
  const set = new ByteHashSet(buf, at.length);
  for (const a of at) set.add(a);
  assert.equal(set.size, 3000);
  assert.ok(inserted.every((x) => set.has(x)));
  assert.equal(Array.from({ length: 3000 }, (_, i) => h(`out-${i}`)).filter((x) => set.has(x)).length, 0);
});

test('looks up only whole hashes: a prefix, an extension, the empty text or look-alike characters miss', () => {
  const x = h('x');
  const { buf, at } = packed([x, h('y')]);
  const set = new ByteHashSet(buf, 2);
  at.forEach((a) => set.add(a));
  // Ł is 0x141: its low byte is "A", so only the whole character tells it apart.
  const lookalike = x.replace(/A/g, 'Ł');
  for (const probe of [x.slice(0, 42), `${x}A`, `${x}"`, '', lookalike === x ? `Ł${x.slice(1)}` : lookalike]) {
    assert.equal(set.has(probe), false, JSON.stringify(probe));
  }
  assert.equal(set.has(x), true);
});

test('hashes that share their first characters each get a slot', () => {
  const base = createHash('sha256').update('base').digest();
  const near = Array.from({ length: 40 }, (_, i) => {
    const b = Buffer.from(base);
    b[31] = i;
    return b.toString('base64url');
  });
  const { buf, at } = packed(near);
  const set = new ByteHashSet(buf, near.length);
  at.forEach((a) => set.add(a));
  assert.equal(set.size, 40);
  assert.ok(near.every((x) => set.has(x)));
});

test('a hash at the very start of the buffer is a key like any other, and its repeat at the very end is the same key', () => {
  // Offset 0 is a real key, not an empty slot (-1); the comparison stops at the hash's last byte,
  // whatever follows each copy (a comma after the first, the buffer's end after the second).
  const x = h('first');
  const buf = Buffer.from(`${x},${x}`, 'latin1');
  const set = new ByteHashSet(buf, 2);
  set.add(0);
  set.add(HASH_LENGTH + 1);
  assert.equal(set.size, 1, 'the repeat is the same key');
  assert.equal(set.has(x), true);
  assert.equal(set.has(h('other')), false);
});
