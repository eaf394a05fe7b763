import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import Database from 'better-sqlite3';
import { Queue, type NewEvent } from '../queue/index.ts';
import { DB_FILE, IdleCheckpoints, openDatabase, reserveWal, type Db } from './index.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

let dir: string;
let db: Db;
let clock = 0;
const now = () => clock;

beforeEach(() => {
  dir = tempDir('yss-checkpoints-');
  db = openDatabase(dir);
  // When checkpoints run is the subject, not the fsync: the streams below commit hundreds of
  // times, which at FULL would take seconds of the suite on a shared disk.
  db.pragma('synchronous = OFF');
  clock = 0;
});

afterEach(() => {
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

const ev = (i: number): NewEvent => ({ type: 'verdict', at: 1_700_000_000_000 + i, trusted_at: 1_700_000_000_000 + i, scenario: 'desk', body: { accepted: true, i, pad: 'x'.repeat(200) }, sealed: null });
const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);
const dbFile = () => join(dir, DB_FILE);
const walFile = () => `${dbFile()}-wal`;
/** SQLite's own checkpoint threshold, in WAL pages. */
const AUTO_PAGES = 1000;

test('a stream of commits past 1,000 WAL pages checkpoints nothing until the writes pause, then the WAL is copied into the database file', () => {
  const q = new Queue(db);
  const cp = new IdleCheckpoints(db, { idleMs: 1000, maxChanges: 100_000, now });
  const before = size(dbFile());
  const page = db.pragma('page_size', { simple: true }) as number;
  for (let i = 0; size(walFile()) <= 1.5 * AUTO_PAGES * page; i++) {
    q.commit((tx) => tx.append(ev(i)));
    clock += 5;
    assert.equal(cp.tick(), 'writing');
  }
  // No commit checkpointed: the database file is as it was, every page of the stream is in the WAL.
  assert.equal(size(dbFile()), before);
  clock += 999;
  assert.equal(cp.tick(), 'writing');
  clock += 1;
  assert.equal(cp.tick(), 'checkpointed');
  // The WAL held many frames of the same pages; the file grows by the distinct ones.
  assert.ok(size(dbFile()) > before, `database file ${size(dbFile())} bytes after the checkpoint, ${before} before`);
  assert.equal(cp.tick(), 'clean');
  assert.deepEqual(cp.counts, { idle: 1, forced: 0 });
});

test('the same stream on a connection left to SQLite checkpoints inside a commit (what the daemon avoids)', () => {
  const q = new Queue(db);
  const before = size(dbFile());
  const page = db.pragma('page_size', { simple: true }) as number;
  for (let i = 0; i < 2000 && size(dbFile()) === before; i++) q.commit((tx) => tx.append(ev(i)));
  assert.ok(size(dbFile()) > before, 'a commit copied the WAL into the database file');
  assert.ok(size(walFile()) <= 1.1 * AUTO_PAGES * page + 64 * 1024, `the WAL restarted near ${AUTO_PAGES} pages (${size(walFile())} bytes)`);
});

test('a stream that never pauses is checkpointed once it wrote maxChanges rows, so the WAL stays bounded', () => {
  const q = new Queue(db);
  const cp = new IdleCheckpoints(db, { idleMs: 1000, maxChanges: 100, now });
  const seen: string[] = [];
  for (let i = 0; i < 150; i++) {
    q.commit((tx) => tx.append(ev(i)));
    clock += 5;
    seen.push(cp.tick());
  }
  assert.equal(seen.filter((s) => s === 'checkpointed').length, 1);
  assert.equal(seen.indexOf('checkpointed'), 99);
  assert.deepEqual(cp.counts, { idle: 0, forced: 1 });
});

test('events committed before any checkpoint survive a power cut: the files as they lie on disk hold them all', () => {
  db.pragma('synchronous = FULL');
  const q = new Queue(db);
  const cp = new IdleCheckpoints(db, { now });
  cp.tick();
  for (let i = 0; i < 5; i++) q.commit((tx) => tx.append(ev(i)));
  assert.equal(cp.tick(), 'writing');
  // The database and its WAL copied while the connection is open, as a crash leaves them.
  const copy = join(dir, 'after-crash');
  mkdirSync(copy);
  for (const f of [dbFile(), walFile()]) copyFileSync(f, join(copy, f.slice(dir.length + 1)));
  const reopened = new Database(join(copy, DB_FILE), { readonly: false });
  try {
    assert.equal(reopened.prepare('SELECT count(*) FROM events').pluck().get(), 5);
  } finally {
    reopened.close();
  }
});

test('quietMs() is the time since the last write it saw, a look or a checkpoint in between changing nothing', () => {
  const q = new Queue(db);
  const cp = new IdleCheckpoints(db, { idleMs: 1000, now });
  clock += 400;
  assert.equal(cp.quietMs(), 400, 'no write since it was made');
  q.commit((tx) => tx.append(ev(1)));
  clock += 300;
  assert.equal(cp.quietMs(), 0, 'the write is first seen now');
  clock += 700;
  assert.equal(cp.quietMs(), 700);
  clock += 300;
  assert.equal(cp.tick(), 'checkpointed');
  assert.equal(cp.quietMs(), 1000, 'a checkpoint is not a write');
});

test('stop() gives the connection SQLite\'s own checkpoints back', () => {
  const cp = new IdleCheckpoints(db, { now });
  assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 0);
  cp.start();
  cp.stop();
  assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000);
});

test('reserveWal makes the WAL file its size once; commits then overwrite it in place, across checkpoints, where without it they grow it', () => {
  const q = new Queue(db);
  const stream = (from: number) => {
    for (let i = from; i < from + 40; i++) q.commit((tx) => tx.append(ev(i)));
  };
  // Without: the same commits make the file longer.
  const bare = size(walFile());
  stream(0);
  assert.ok(size(walFile()) > bare, `the WAL grew from ${bare} bytes without a reservation`);

  assert.equal(reserveWal(db, 1 << 20), true);
  const reserved = size(walFile());
  assert.ok(reserved >= 1 << 20, `WAL ${reserved} bytes after the reservation`);
  assert.equal(reserveWal(db, 1 << 20), false, 'a WAL already that long is left alone');
  const cp = new IdleCheckpoints(db, { idleMs: 1000, now });
  for (let round = 1; round <= 3; round++) {
    stream(round * 100);
    assert.equal(size(walFile()), reserved, `round ${round}: the commits overwrote the WAL`);
    assert.equal(cp.tick(), 'writing');
    clock += 1000;
    assert.equal(cp.tick(), 'checkpointed');
  }
  // What the reservation wrote is gone; what the queue wrote is all there.
  assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'wal_reserve'").pluck().get(), 0);
  assert.equal(db.prepare('SELECT count(*) FROM events').pluck().get(), 160);
});

test('a reservation cut short by a crash (its rows committed, not yet dropped) is finished by the next one', () => {
  db.exec('CREATE TABLE wal_reserve (b BLOB)');
  db.prepare('INSERT INTO wal_reserve (b) VALUES (zeroblob(1000))').run();
  assert.equal(reserveWal(db, 1 << 20), true);
  assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'wal_reserve'").pluck().get(), 0);
  assert.ok(size(walFile()) >= 1 << 20);
});

test('given reserveWalBytes, the reservation waits for the first pause in writes, is made once, and is not taken for a write', () => {
  const q = new Queue(db);
  const cp = new IdleCheckpoints(db, { idleMs: 1000, reserveWalBytes: 1 << 20, now });
  q.commit((tx) => tx.append(ev(1)));
  assert.equal(cp.tick(), 'writing');
  assert.ok(size(walFile()) < 1 << 20, 'nothing reserved while writing');
  clock += 1000;
  assert.equal(cp.tick(), 'reserved');
  assert.ok(size(walFile()) >= 1 << 20);
  assert.equal(cp.quietMs(), 1000, 'the reservation is not a write');
  assert.equal(cp.tick(), 'checkpointed', 'the queue\'s row is checkpointed as before');
  assert.equal(cp.tick(), 'clean');
  assert.equal(db.prepare('SELECT count(*) FROM events').pluck().get(), 1);
});
