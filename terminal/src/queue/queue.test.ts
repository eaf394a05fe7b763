import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { eventHash, GENESIS_HASH, verifyChain, type WireEvent } from '../protocol/index.ts';
import Database from 'better-sqlite3';
import { DB_FILE, openDatabase, type Db } from '../db/index.ts';
import { Queue, type NewEvent } from './index.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

let dir: string;
let db: Db;

beforeEach(() => {
  dir = tempDir('yss-queue-');
  db = openDatabase(dir);
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const ev = (type = 'verdict', body: Record<string, unknown> = { accepted: true }): NewEvent => ({ type, at: 1_700_000_000_000, trusted_at: 1_700_000_000_000, scenario: 'verify', body, sealed: null });

function appendIn(q: Queue, e: NewEvent): WireEvent {
  return q.commit((tx) => tx.append(e));
}

test('the database runs in WAL mode with synchronous=FULL and a bounded WAL', () => {
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('synchronous', { simple: true }), 2);
  assert.equal(db.pragma('journal_size_limit', { simple: true }), 67108864);
});

test('appended events get gap-free sequence numbers and form a chain that verifies', () => {
  const q = new Queue(db);
  for (let i = 0; i < 20; i++) appendIn(q, ev());
  const all = q.after(0, 100);
  assert.deepEqual(all.map((e) => e.seq), Array.from({ length: 20 }, (_, i) => i + 1));
  assert.equal(all[0]!.prev_hash, GENESIS_HASH);
  assert.equal(verifyChain(all), null);
});

test('a reopened queue continues the sequence and the chain', () => {
  const q = new Queue(db);
  appendIn(q, ev());
  appendIn(q, ev());
  const q2 = new Queue(db);
  const third = appendIn(q2, ev());
  assert.equal(third.seq, 3);
  assert.equal(verifyChain(q2.after(0, 10)), null);
});

test('a rolled-back commit leaves no gap: the next event reuses the sequence, with no reload by the caller', () => {
  const q = new Queue(db);
  appendIn(q, ev());
  assert.throws(
    () =>
      q.commit((tx) => {
        tx.append(ev());
        tx.append(ev());
        throw new Error('side effect failed');
      }),
    /side effect failed/,
  );
  assert.equal(q.lastSequence, 1);
  const next = appendIn(q, ev());
  assert.equal(next.seq, 2);
  assert.equal(verifyChain(q.after(0, 10)), null);
});

test("commit() holds the caller's other writes in the same transaction: both land or neither does", () => {
  const q = new Queue(db);
  db.exec('CREATE TABLE side (n INTEGER NOT NULL)');
  const insert = db.prepare('INSERT INTO side (n) VALUES (?)');
  assert.throws(() =>
    q.commit((tx) => {
      insert.run(1);
      tx.append(ev());
      insert.run(null); // NOT NULL: the whole commit rolls back
    }),
  );
  assert.equal(db.prepare('SELECT count(*) FROM side').pluck().get(), 0);
  assert.equal(q.after(0, 10).length, 0);
  const e = q.commit((tx) => {
    insert.run(2);
    return tx.append(ev());
  });
  assert.equal(e.seq, 1);
  assert.equal(db.prepare('SELECT count(*) FROM side').pluck().get(), 1);
});

test('commit() takes the write lock before its function runs (IMMEDIATE), so no other writer slips in between', () => {
  const q = new Queue(db);
  const other = new Database(join(dir, DB_FILE), { timeout: 0 });
  try {
    q.commit((tx) => {
      assert.throws(() => other.exec('BEGIN IMMEDIATE'), /locked|busy/i);
      tx.append(ev());
    });
    assert.equal(q.lastSequence, 1);
  } finally {
    other.close();
  }
});

test('acknowledging moves ackedThrough and the backlog, and reports the oldest unsent age', () => {
  const q = new Queue(db);
  for (let i = 0; i < 5; i++) appendIn(q, { ...ev(), at: 1000 * i });
  assert.equal(q.ackedThrough, 0);
  q.ack(3, 10_000);
  assert.equal(q.ackedThrough, 3);
  const s = q.stats(13_000);
  assert.equal(s.backlog, 2);
  assert.equal(s.oldest_unsent_age_s, 10);
  assert.equal(s.last_seq, 5);
});

test('an ack commits without its own fsync but leaves events at synchronous=FULL, and both survive a reopen', () => {
  const q = new Queue(db);
  for (let i = 0; i < 3; i++) appendIn(q, ev());
  q.ack(2, 10_000);
  // The ack ran at NORMAL (no fsync of its own); the connection is back at FULL for what follows.
  assert.equal(db.pragma('synchronous', { simple: true }), 2);
  appendIn(q, ev());
  // Inside a transaction the level cannot change: the ack just joins it.
  q.commit(() => q.ack(3, 11_000));
  assert.equal(db.pragma('synchronous', { simple: true }), 2);
  db.close();
  db = openDatabase(dir);
  const again = new Queue(db);
  assert.equal(again.ackedThrough, 3);
  assert.equal(again.lastSequence, 4);
});

test('pruning deletes only acknowledged events past retention and keeps the chain head across a reopen', () => {
  const q = new Queue(db);
  for (let i = 0; i < 4; i++) appendIn(q, ev());
  const head = q.after(3, 1)[0]!;
  q.ack(4, 1000);
  assert.equal(q.prune(60_000, 30_000), 0, 'nothing is old enough yet');
  assert.equal(q.prune(60_000, 100_000), 4);
  assert.equal(q.after(0, 10).length, 0);
  const q2 = new Queue(db);
  assert.equal(q2.lastSequence, 4);
  const fifth = appendIn(q2, ev());
  assert.equal(fifth.seq, 5);
  assert.equal(fifth.prev_hash, head.hash);
});

test('an ack writes the same two rows whether it covers one event or two hundred', () => {
  const q = new Queue(db);
  for (let i = 0; i < 201; i++) appendIn(q, ev());
  const changes = () => db.prepare<[], number>('SELECT total_changes()').pluck().get()!;
  let before = changes();
  q.ack(1, 1000);
  assert.equal(changes() - before, 2);
  before = changes();
  q.ack(201, 2000);
  assert.equal(changes() - before, 2);
  assert.equal(q.stats().backlog, 0);
});

test('a database whose acks were flags on the rows keeps what was acknowledged and when, and loses the index', () => {
  const q = new Queue(db);
  for (let i = 0; i < 5; i++) appendIn(q, { ...ev(), at: 1000 * i });
  // As the queue kept acks before the mark: acked_at per row, and a partial index of the others.
  db.exec("DELETE FROM acks; DELETE FROM queue_state WHERE key = 'acked_seq'; CREATE INDEX events_unacked ON events (seq) WHERE acked_at IS NULL");
  db.exec('UPDATE events SET acked_at = 10000 WHERE seq <= 2; UPDATE events SET acked_at = 20000 WHERE seq = 3');
  const again = new Queue(db);
  assert.equal(again.ackedThrough, 3);
  assert.equal(again.stats(30_000).backlog, 2);
  assert.equal(again.stats(30_000).oldest_unsent_age_s, 27);
  assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'events_unacked'").pluck().get(), 0);
  // Retention still counts from each event's own ack time.
  assert.equal(again.prune(60_000, 75_000), 2);
  assert.equal(again.prune(60_000, 85_000), 1);
  assert.deepEqual(again.after(0, 10).map((e) => e.seq), [4, 5]);
});

test('unacknowledged events are never pruned', () => {
  const q = new Queue(db);
  for (let i = 0; i < 3; i++) appendIn(q, ev());
  q.ack(1, 0);
  assert.equal(q.prune(0, 1_000_000), 1);
  assert.deepEqual(q.after(0, 10).map((e) => e.seq), [2, 3]);
});

test('outgoing() serializes exactly the events after() returns', () => {
  const q = new Queue(db);
  appendIn(q, ev('registration', { accepted: true, note: 'quote " and 汉字' }));
  appendIn(q, { ...ev('device'), sealed: { epk: 'a'.repeat(43), n: 'b'.repeat(32), c: 'xyz' } });
  // SQLite writes the text (json_quote): every character JSON must escape, in the header's strings too.
  appendIn(q, { ...ev('tab\there "quoted" back\\slash\n汉字 \u0001\u001f\u007f\u2028'), scenario: 'line\rfeed\f\b/' });
  const parsed = q.outgoing(0, 10).map((o) => JSON.parse(o.json) as WireEvent);
  assert.deepEqual(parsed, q.after(0, 10));
  assert.deepEqual(parsed.map((e) => eventHash(e)), parsed.map((e) => e.hash), 'each hashes to its hash');
});

test('at the quota, acknowledged events go first, then droppable ones become tombstones, oldest first', () => {
  const big = { accepted: true, pad: 'x'.repeat(800) };
  const q = new Queue(db, { maxBytes: 10 * 1000 });
  for (let i = 0; i < 3; i++) appendIn(q, ev('registration', big));
  q.ack(3, 0);
  for (let i = 0; i < 4; i++) appendIn(q, ev('device', big));
  for (let i = 0; i < 3; i++) appendIn(q, ev('registration', big));
  assert.ok(q.stats().bytes <= 10_000, `bytes ${q.stats().bytes}`);
  assert.equal(q.stats().dropped_total, 0, 'the acknowledged registrations made room first');
  const kept = q.after(0, 100).map((e) => e.seq);
  assert.ok(kept[0]! > 1, 'an acknowledged event was deleted');
  assert.deepEqual(kept.slice(-7), [4, 5, 6, 7, 8, 9, 10], 'every unacknowledged event is still there');
  for (let i = 0; i < 3; i++) appendIn(q, ev('registration', big));
  const all = q.after(0, 100);
  const tombs = all.filter((e) => e.tombstone);
  assert.ok(tombs.length >= 1);
  assert.ok(tombs.every((e) => e.type === 'device' && e.droppable && Object.keys(e.body).length === 0 && e.sealed === null));
  assert.deepEqual(tombs.map((e) => e.seq), all.filter((e) => e.type === 'device').slice(0, tombs.length).map((e) => e.seq), 'the oldest go first');
  assert.ok(all.filter((e) => e.type === 'registration').every((e) => !e.tombstone && e.body.pad === big.pad), 'registrations keep their content');
  assert.equal(q.stats().dropped_total, tombs.length);
  assert.equal(verifyChain(all, all[0]!.prev_hash), null, 'tombstones keep the chain verifiable');
});

test('over the quota with nothing droppable left, registrations are still kept and over_quota is reported', () => {
  const q = new Queue(db, { maxBytes: 3000 });
  for (let i = 0; i < 5; i++) appendIn(q, ev('registration', { pad: 'y'.repeat(900) }));
  assert.equal(q.after(0, 10).length, 5);
  assert.equal(q.stats().over_quota, true);
  assert.equal(q.stats().dropped_total, 0);
});

test('an event type listed droppable is droppable even when the caller does not say so', () => {
  const q = new Queue(db, { droppableTypes: ['telemetry'] });
  assert.equal(appendIn(q, ev('telemetry')).droppable, true);
  assert.equal(appendIn(q, ev('device')).droppable, false);
  assert.equal(appendIn(q, { ...ev('device'), droppable: true }).droppable, true);
});

test('the dropped count and the byte total survive a reopen', () => {
  const q = new Queue(db, { maxBytes: 4000 });
  for (let i = 0; i < 6; i++) appendIn(q, ev('telemetry', { pad: 'z'.repeat(700) }));
  const before = q.stats();
  assert.ok(before.dropped_total > 0);
  const q2 = new Queue(db, { maxBytes: 4000 });
  assert.equal(q2.stats().dropped_total, before.dropped_total);
  assert.equal(q2.stats().bytes, before.bytes);
});
