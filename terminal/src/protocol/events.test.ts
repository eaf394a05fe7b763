import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentHash, contentHashOfJson, eventHash, GENESIS_HASH, verifyChain, type WireEvent } from './events.ts';

function chain(n: number, droppable = (i: number) => i % 2 === 0): WireEvent[] {
  const out: WireEvent[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const e = { seq: i, type: droppable(i) ? 'device' : 'registration', at: i, trusted_at: i, scenario: 'hotel-checkin', droppable: droppable(i), body: { i }, sealed: null, prev_hash: prev };
    const hash = eventHash(e);
    out.push({ ...e, hash });
    prev = hash;
  }
  return out;
}

test('an untouched chain verifies', () => {
  assert.equal(verifyChain(chain(6)), null);
});

test('editing any event breaks the chain at that event', () => {
  const c = chain(6);
  c[2] = { ...c[2]!, body: { i: 99 } };
  assert.match(verifyChain(c)!, /event 3: hash/);
});

test('removing an event is found as a sequence gap', () => {
  const c = chain(6);
  c.splice(3, 1);
  assert.match(verifyChain(c)!, /event 5: expected sequence 4/);
});

test('a droppable event replaced by a tombstone with its content hash still verifies', () => {
  const c = chain(6);
  const d = c[1]!;
  c[1] = { ...d, body: {}, sealed: null, tombstone: contentHash(d.body, d.sealed) };
  assert.equal(verifyChain(c), null);
});

test('a registration cannot be turned into a tombstone, even with the right content hash', () => {
  const c = chain(6);
  const r = c[0]!;
  assert.equal(r.droppable, false);
  c[0] = { ...r, body: {}, tombstone: contentHash(r.body, r.sealed) };
  assert.match(verifyChain(c)!, /not droppable/);
  c[0] = { ...r, droppable: true, body: {}, tombstone: contentHash(r.body, r.sealed) };
  assert.match(verifyChain(c)!, /event 1: hash/, 'flipping droppable changes the hash');
});

test('the content hash from stored JSON texts equals the one from the values', () => {
  const body = { a: 1, s: '汉字 "q"', n: null };
  const sealed = { epk: 'e'.repeat(43), n: 'n'.repeat(32), c: 'ccc' };
  assert.equal(contentHashOfJson(JSON.stringify(body), JSON.stringify(sealed)), contentHash(body, sealed));
  assert.equal(contentHashOfJson(JSON.stringify(body), null), contentHash(body, null));
});
