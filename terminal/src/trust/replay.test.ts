import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../db/index.ts';
import { ReplayStore } from './index.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

const dataDir = () => tempDir('yss-replay-');
const cti = (n: number) => Buffer.from(n.toString(16).padStart(16, '0'), 'hex');

test('remembers an accepted cti across a reopen of the database', () => {
  const dir = dataDir();
  const db = openDatabase(dir);
  const store = new ReplayStore(db);
  assert.equal(store.has(cti(1)), false);
  store.record(cti(1), 1000);
  assert.equal(store.has(cti(1)), true);
  db.close();
  assert.equal(new ReplayStore(openDatabase(dir)).has(cti(1)), true);
});

test('stays within its bound by forgetting the entries that expire first', () => {
  const store = new ReplayStore(openDatabase(dataDir()), { maxEntries: 10 });
  for (let i = 0; i < 25; i++) store.record(cti(i), 1000 + i);
  assert.equal(store.size, 10);
  assert.equal(store.has(cti(24)), true);
  assert.equal(store.has(cti(0)), false);
});

test('recording the same cti again counts it once and evicts nothing', () => {
  // A replayed code accepted by policy (allowReplay) is recorded again: its one row must stay.
  const store = new ReplayStore(openDatabase(dataDir()), { maxEntries: 3 });
  store.record(cti(1), 1000);
  store.record(cti(2), 1001);
  for (let i = 0; i < 5; i++) store.record(cti(2), 1002 + i);
  assert.equal(store.size, 2);
  assert.deepEqual([store.has(cti(1)), store.has(cti(2))], [true, true]);
  store.record(cti(3), 1010);
  assert.equal(store.size, 3);
  assert.deepEqual([1, 2, 3].map((n) => store.has(cti(n))), [true, true, true], 'exactly at the bound: all kept');
});

test('prunes entries whose codes can no longer be valid', () => {
  const store = new ReplayStore(openDatabase(dataDir()));
  store.record(cti(1), 100);
  store.record(cti(2), 300);
  assert.equal(store.prune(200), 1);
  assert.deepEqual([store.has(cti(1)), store.has(cti(2))], [false, true]);
});

test('a restart does not reopen the replay window for an accepted personal code', async () => {
  const { verifyCode } = await import('../codes/index.ts');
  const { makeWorld, yssCode, NOW } = await import('../codes/test/helpers.ts');
  const w = makeWorld();
  const dir = dataDir();
  const code = yssCode(w);
  let db = openDatabase(dir);
  let replay = new ReplayStore(db);
  const first = verifyCode(code, w.index, { now: NOW, replay });
  assert.equal(first.valid, true);
  assert.equal(first.claims?.family, 'YSS1');
  replay.record(first.claims.cti, first.claims.exp + 120);
  db.close();
  db = openDatabase(dir);
  replay = new ReplayStore(db);
  assert.equal(verifyCode(code, w.index, { now: NOW + 5, replay }).reason, 'replayed');
});
