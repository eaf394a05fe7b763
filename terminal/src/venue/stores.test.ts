import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from '../db/index.ts';
import { PendingDetailsStore, PersonSeenStore } from './stores.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

const dataDir = () => tempDir('yss-venue-store-');

test('when a person last passed survives a reopen of the database, and is forgotten when it stops mattering', () => {
  const dir = dataDir();
  const db = openDatabase(dir);
  const seen = new PersonSeenStore(db);
  assert.equal(seen.lastSeen('k1'), null);
  seen.record('k1', 1000, 1060);
  seen.record('k1', 1010, 1070);
  db.close();
  const again = new PersonSeenStore(openDatabase(dir));
  assert.equal(again.lastSeen('k1'), 1010);
  assert.equal(again.prune(1071), 1);
  assert.equal(again.lastSeen('k1'), null);
});

test('the person store stays within its bound, dropping the entries that expire first', () => {
  const seen = new PersonSeenStore(openDatabase(dataDir()), 5);
  for (let i = 0; i < 12; i++) seen.record(`k${i}`, 1000 + i, 2000 + i);
  seen.prune(0);
  assert.equal(seen.lastSeen('k0'), null);
  assert.equal(seen.lastSeen('k11'), 1011);
  assert.equal(seen.lastSeen('k7'), 1007);
  assert.equal(seen.lastSeen('k6'), null);
});

test('a reading waiting for keypad details is still waiting after a restart, once, until it expires', () => {
  const dir = dataDir();
  const db = openDatabase(dir);
  new PendingDetailsStore(db).open(42, ['room', 'guests'], 1000, 600);
  db.close();
  const pending = new PendingDetailsStore(openDatabase(dir));
  assert.deepEqual(pending.get(42, 1500), { seq: 42, fields: ['room', 'guests'] });
  assert.equal(pending.get(42, 1601), null, 'expired');
  assert.equal(pending.get(41, 1500), null);
  pending.close(42);
  assert.equal(pending.get(42, 1500), null, 'answered once');
});
