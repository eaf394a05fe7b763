import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../db/index.ts';
import { TrustStore, TrustedClock, signTrustList, openTrustList, parseRootArg } from './index.ts';
import { makeRoot, makeWorld, NOW } from '../codes/test/helpers.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

const dataDir = () => tempDir('yss-trust-');

function relist(w: ReturnType<typeof makeWorld>, changes: Record<string, unknown>): string {
  return signTrustList({ ...w.payload, ...changes }, { kid: w.root.root.kid, secretKey: w.root.secretKey });
}

// One world for the newer tests (a world makes an RSA key); each list is re-signed from it.
const one = makeWorld({ sequence: 5 });

test('installs a signed list and keeps it across a reopen of the database', () => {
  const w = makeWorld({ sequence: 5 });
  const dir = dataDir();
  const db = openDatabase(dir);
  const store = TrustStore.open(db, [w.root.root]);
  const before = store.index;
  assert.equal(before, null);
  assert.deepEqual(store.install(w.jws), { status: 'installed', sequence: 5 });
  assert.equal(store.index?.sequence, 5);
  db.close();
  const again = TrustStore.open(openDatabase(dir), [w.root.root]);
  assert.equal(again.index?.sequence, 5);
  assert.equal(again.index?.keysByKid.size, 5);
});

test('refuses an older sequence as rollback and reports the same one as already installed', () => {
  const w = makeWorld({ sequence: 5 });
  const store = TrustStore.open(openDatabase(dataDir()), [w.root.root]);
  store.install(w.jws);
  assert.equal(store.install(w.jws).status, 'already_installed');
  const older = store.install(relist(w, { sequence: 4 }));
  assert.equal(older.status, 'refused');
  assert.equal(older.reason, 'rollback');
  assert.equal(store.index?.sequence, 5);
  assert.equal(store.install(relist(w, { sequence: 6 })).status, 'installed');
  assert.equal(store.index?.sequence, 6);
});

test('refuses a list signed by an unpinned root or with a broken signature, keeping the old one', () => {
  const w = makeWorld({ sequence: 2 });
  const store = TrustStore.open(openDatabase(dataDir()), [w.root.root]);
  store.install(w.jws);
  const stranger = makeRoot();
  const foreign = signTrustList({ ...w.payload, sequence: 9 }, { kid: stranger.root.kid, secretKey: stranger.secretKey });
  assert.equal(store.install(foreign).reason, 'unknown_root');
  const parts = relist(w, { sequence: 9 }).split('.');
  const forged = `${parts[0]}.${Buffer.from(JSON.stringify({ ...w.payload, sequence: 10 })).toString('base64url')}.${parts[2]}`;
  assert.equal(store.install(forged).reason, 'bad_signature');
  assert.equal(store.install('not a jws').reason, 'malformed');
  assert.equal(store.index?.sequence, 2);
});

test('reports each refusal whole: status, reason, a message naming the sequences, the sequence kept', () => {
  const w = one;
  const store = TrustStore.open(openDatabase(dataDir()), [w.root.root]);
  const none = store.install('not a jws');
  assert.deepEqual({ ...none, message: undefined }, { status: 'refused', reason: 'malformed', message: undefined, sequence: null });
  assert.ok(none.message);
  store.install(w.jws);
  assert.deepEqual(store.install(relist(w, { sequence: 4 })), {
    status: 'refused',
    reason: 'rollback',
    message: 'trust list sequence 4 is older than the installed 5',
    sequence: 5,
  });
  assert.deepEqual(store.install(w.jws), { status: 'already_installed', sequence: 5 });
});

test('records when a list was installed, in unix seconds of its clock', () => {
  const w = one;
  const db = openDatabase(dataDir());
  const wall = w.index.issuedAt + 1234.75;
  const clock = TrustedClock.open(db, { wall: () => wall });
  TrustStore.open(db, [w.root.root], { clock }).install(w.jws);
  const row = db.prepare('SELECT sequence, installed_at FROM trust_list').get();
  assert.deepEqual({ ...(row as object) }, { sequence: 5, installed_at: Math.floor(wall) });
});

test('writes the floor a list gives the clock as coming from the trust list, on install and on open', () => {
  const w = one;
  const dir = dataDir();
  const db = openDatabase(dir);
  const clockRow = (d: typeof db) => ({ ...(d.prepare('SELECT floor, source FROM trust_clock').get() as object) });
  const clock = TrustedClock.open(db, { wall: () => w.index.issuedAt - 100_000 });
  TrustStore.open(db, [w.root.root], { clock }).install(w.jws);
  assert.deepEqual(clockRow(db), { floor: w.index.issuedAt, source: 'trust-list' });
  // A floor lost (a database from before the clock): the store gives it back when it opens.
  db.exec('DELETE FROM trust_clock');
  db.close();
  const db2 = openDatabase(dir);
  TrustStore.open(db2, [w.root.root], { clock: TrustedClock.open(db2, { wall: () => w.index.issuedAt - 100_000 }) });
  assert.deepEqual(clockRow(db2), { floor: w.index.issuedAt, source: 'trust-list' });
});

test('picks up a list of sequence 0 that another process stored while it had none', () => {
  const w = one;
  const dir = dataDir();
  const daemon = TrustStore.open(openDatabase(dir), [w.root.root]);
  assert.deepEqual(daemon.refresh(), { status: 'unchanged', sequence: null });
  assert.equal(TrustStore.open(openDatabase(dir), [w.root.root]).install(relist(w, { sequence: 0 })).status, 'installed');
  assert.deepEqual(daemon.refresh(), { status: 'loaded', sequence: 0 });
  assert.equal(daemon.index?.sequence, 0);
  assert.deepEqual(daemon.refresh(), { status: 'unchanged', sequence: 0 });
});

test('refuses an unknown format and a revocation entry that is not a 32-byte hash as malformed', () => {
  const w = makeWorld();
  assert.deepEqual(openTrustList(relist(w, { format: 'yss-trust-list/2' }), [w.root.root]).ok, false);
  const bad = openTrustList(relist(w, { revoked: { cti: ['AAAA'] } }), [w.root.root]);
  assert.equal(bad.ok ? null : bad.reason, 'malformed');
});

test('accepts a list signed by either of two pinned roots', () => {
  const w = makeWorld();
  const other = makeRoot();
  assert.equal(openTrustList(w.jws, [other.root, w.root.root]).ok, true);
});

test('installs a newer list past its expiry and reports itself stale', () => {
  const w = makeWorld({ sequence: 1 });
  const store = TrustStore.open(openDatabase(dataDir()), [w.root.root]);
  const expired = relist(w, { sequence: 3, issued_at: NOW - 100, expires_at: NOW - 10 });
  assert.equal(store.install(expired).status, 'installed');
  assert.deepEqual(store.health(NOW), { sequence: 3, issued_at: NOW - 100, expires_at: NOW - 10, stale: true });
  assert.equal(store.health(NOW - 20).stale, false);
  // Stale past expires_at: at that second the list still holds.
  assert.equal(store.health(NOW - 10).stale, false);
  assert.equal(store.health(NOW - 9).stale, true);
});

test('reports itself stale, with nothing to show, before any list is installed', () => {
  const w = one;
  const store = TrustStore.open(openDatabase(dataDir()), [w.root.root]);
  assert.deepEqual(store.health(NOW), { sequence: null, issued_at: null, expires_at: null, stale: true });
});

test('keeps anti-rollback when the stored list no longer opens under the pinned roots', () => {
  const w = makeWorld({ sequence: 7 });
  const dir = dataDir();
  const db = openDatabase(dir);
  TrustStore.open(db, [w.root.root]).install(w.jws);
  db.close();
  const rotated = makeRoot();
  const store = TrustStore.open(openDatabase(dir), [rotated.root]);
  const index = store.index;
  assert.equal(index, null);
  assert.match(store.loadError ?? '', /not pinned/);
  const older = signTrustList({ ...w.payload, sequence: 6 }, { kid: rotated.root.kid, secretKey: rotated.secretKey });
  assert.equal(store.install(older).reason, 'rollback');
});

test('parses a root argument and explains a bad one', () => {
  const w = makeWorld();
  assert.deepEqual(parseRootArg(`${w.root.root.kid}:${w.root.root.x}`), w.root.root);
  assert.throws(() => parseRootArg('nocolon'), /<kid>:<x>/);
  assert.throws(() => parseRootArg('kid:AAAA'), /32 bytes/);
});

test('swaps the whole index on install, leaving a reader holding the old one untouched', () => {
  const w = makeWorld({ sequence: 1 });
  const store = TrustStore.open(openDatabase(dataDir()), [w.root.root]);
  store.install(w.jws);
  const held = store.index!;
  store.install(relist(w, { sequence: 2, issuers: [] }));
  assert.equal(held.sequence, 1);
  assert.equal(held.keysByKid.size, 5);
  assert.equal(store.index?.keysByKid.size, 0);
  assert.ok(Object.isFrozen(held));
});
