import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { eventHash, GENESIS_HASH, type WireEvent } from '../../../terminal/src/protocol/index.ts';
import { ServiceError } from '../errors.ts';
import { entryBundle } from '../../../scripts/lib/entry.ts';
import { SqliteStorage } from './sqlite.ts';
import { storageContract } from './storage-contract.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

// The contract's thread writers start from the writer's bundle when the suite built one (a tenth
// of tsx's start); the tests of the thread itself below start it as the service does under tsx.
const writerProgram = entryBundle('sync-service/src/storage/sqlite-writer-thread.ts');

for (const writer of ['inline', 'thread'] as const) {
  storageContract(`sqlite (${writer} writer)`, async () => {
    const dir = tempDir('yss-store-');
    const storage = new SqliteStorage(dir, { writer, writerProgram });
    return {
      storage,
      cleanup: async () => {
        await storage.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
}

test('the service database is WAL with synchronous=FULL and survives a reopen', async () => {
  const dir = tempDir('yss-store-');
  try {
    const s = new SqliteStorage(dir);
    const db = (s as unknown as { db: { pragma(p: string, o: object): unknown } }).db;
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('synchronous', { simple: true }), 2);
    await s.createTerminal('t-1', 'desk', 'h', 1);
    await s.close();
    const again = new SqliteStorage(dir);
    assert.equal((await again.getTerminal('t-1'))!.name, 'desk');
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a database made before appointments and the hall-wide rules gains the hall tickets\' placement, person, rules, override and labels columns on open, and keeps its tickets', async () => {
  const dir = tempDir('yss-store-');
  try {
    const s = new SqliteStorage(dir);
    const db = (s as unknown as { db: { exec(sql: string): void; prepare(sql: string): { all(): { name: string }[] } } }).db;
    // The table as it was: drop the column the way a database of an older release lacks it.
    db.exec("INSERT INTO hall_tickets (hall, day, number, category, service, priority, taken_at, service_minutes, terminal_id, seq) VALUES ('hall', '2026-12-01', 'A001', 'A', '社保业务', NULL, 1, NULL, 't-1', 1)");
    for (const c of ['placement', 'person', 'rules', 'override', 'labels']) db.exec(`ALTER TABLE hall_tickets DROP COLUMN ${c}`);
    assert.ok(!db.prepare('PRAGMA table_info(hall_tickets)').all().some((c) => c.name === 'placement' || c.name === 'person'));
    await s.close();
    const again = new SqliteStorage(dir);
    const tickets = await again.hallTickets('hall', '2026-12-01');
    assert.deepEqual(tickets.map((t) => [t.number, t.placement, t.person, t.rules, t.override, t.labels]), [['A001', null, null, [], false, null]]);
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function chainOf(n: number, from = 1, prev = GENESIS_HASH): WireEvent[] {
  const out: WireEvent[] = [];
  for (let seq = from; seq < from + n; seq++) {
    const e = { seq, type: 'verdict', at: seq, trusted_at: seq, scenario: 'verify', droppable: false, body: { seq }, sealed: null, prev_hash: prev };
    prev = eventHash(e);
    out.push({ ...e, hash: prev });
  }
  return out;
}

/** A storage whose WAL syncs wait for the test: `syncs` holds each sync asked for, to finish with `done(err)`. */
function heldSyncs(dir: string) {
  const syncs: { fd: number; done(err: NodeJS.ErrnoException | null): void }[] = [];
  const storage = new SqliteStorage(dir, { fsync: (fd, done) => syncs.push({ fd, done }) });
  return { storage, syncs };
}

const settledYet = async (p: Promise<unknown>) => {
  let settled = false;
  p.then(() => (settled = true), () => (settled = true));
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return settled;
};

test('an upload is acknowledged only after a WAL sync that began after its commit; uploads committed during a sync share the next one', async () => {
  const dir = tempDir('yss-store-');
  const { storage, syncs } = heldSyncs(dir);
  try {
    await storage.createTerminal('t-1', 'desk', 'h', 1);
    await storage.createTerminal('t-2', 'desk', 'h2', 1);
    const c = chainOf(4);
    const first = storage.ingest('t-1', c.slice(0, 2), 10);
    assert.equal(await settledYet(first), false, 'committed, not acknowledged before the sync');
    assert.equal(syncs.length, 1);
    assert.equal(await storage.countEvents('t-1'), 2, 'the commit came before the sync');
    // Two more uploads committed while the first sync is in flight: no second sync starts yet.
    const second = storage.ingest('t-1', c.slice(2), 11);
    const other = storage.ingest('t-2', chainOf(3), 11);
    assert.equal(await settledYet(second), false);
    assert.equal(syncs.length, 1, 'one sync in flight at a time');
    syncs[0]!.done(null);
    assert.deepEqual(await first, { acked_through: 2, gap: null, inserted: 2, duplicates: 0 });
    assert.equal(await settledYet(second), false, 'the first sync began before the second commit');
    assert.equal(syncs.length, 2, 'the next sync starts when the first ends');
    syncs[1]!.done(null);
    assert.deepEqual(await second, { acked_through: 4, gap: null, inserted: 2, duplicates: 0 });
    assert.equal((await other).acked_through, 3);
    assert.equal(syncs.length, 2, 'both shared it');
  } finally {
    for (const s of syncs) s.done(null);
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a nonce and a heartbeat are written by the writer, in the group commit of their turn, and acknowledged after its WAL sync', async () => {
  const dir = tempDir('yss-store-');
  const { storage, syncs } = heldSyncs(dir);
  try {
    await storage.createTerminal('t-1', 'desk', 'h', 1);
    const hb = { version: '1', status: 'ok' as const, degraded: [], queue: { backlog: 0, oldest_unsent_age_s: null, last_seq: 1, bytes: 0, max_bytes: 1, dropped_total: 0 }, devices: [], trust_sequence: null, clock_drift_s: 0 };
    const nonce = storage.useNonce('t-1', 'n'.repeat(22), 1e13, 10);
    const beat = storage.heartbeat('t-1', hb, 10);
    const upload = storage.ingest('t-1', chainOf(1), 10);
    assert.equal(await settledYet(Promise.all([nonce, beat, upload])), false, 'not acknowledged before the sync');
    assert.equal(syncs.length, 1, 'the three in one commit, one sync');
    assert.equal((await storage.getTerminal('t-1'))!.last_heartbeat_at, 10, 'committed before the sync');
    syncs[0]!.done(null);
    assert.equal(await nonce, true);
    await beat;
    assert.equal((await upload).acked_through, 1);
    // The same nonce again is refused, in the next commit.
    const again = storage.useNonce('t-1', 'n'.repeat(22), 1e13, 11);
    await settledYet(again);
    syncs[1]!.done(null);
    assert.equal(await again, false);
  } finally {
    for (const s of syncs) s.done(null);
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed WAL sync fails its uploads and every later one, with a code that says the service must restart', async () => {
  const dir = tempDir('yss-store-');
  const { storage, syncs } = heldSyncs(dir);
  try {
    await storage.createTerminal('t-1', 'desk', 'h', 1);
    const c = chainOf(3);
    const first = storage.ingest('t-1', c.slice(0, 1), 10);
    await settledYet(first);
    syncs[0]!.done(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    await assert.rejects(first, (e: Error & { code?: string; status?: number }) => e.code === 'YSS_SYNC_STORAGE_FAILED' && e.status === 503 && /fsync of the WAL: EIO/.test(e.message));
    await assert.rejects(storage.ingest('t-1', c.slice(1), 11), { code: 'YSS_SYNC_STORAGE_FAILED' });
    assert.equal(syncs.length, 1, 'nothing more is committed to be acknowledged');
    assert.equal(await storage.countEvents('t-1'), 1);
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('close() waits for the WAL sync in flight, then the acknowledged events are there on reopen', async () => {
  const dir = tempDir('yss-store-');
  const { storage, syncs } = heldSyncs(dir);
  await storage.createTerminal('t-1', 'desk', 'h', 1);
  const acked = storage.ingest('t-1', chainOf(2), 10);
  await settledYet(acked);
  const closing = storage.close();
  assert.equal(await settledYet(closing), false, 'close waits for the sync');
  syncs[0]!.done(null);
  await closing;
  assert.equal((await acked).acked_through, 2);
  const again = new SqliteStorage(dir);
  try {
    assert.equal(await again.countEvents('t-1'), 2);
  } finally {
    await again.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the writer thread: an upload handed over just before close() is stored and acknowledged; its errors arrive as the catalog errors they were', async () => {
  const dir = tempDir('yss-store-');
  try {
    const storage = new SqliteStorage(dir, { writer: 'thread' });
    await storage.createTerminal('t-1', 'desk', 'h', 1);
    const c = chainOf(3);
    const broken = [{ ...c[0]!, body: { seq: 99 } }];
    await assert.rejects(storage.ingest('t-1', broken, 10), (e: Error & { code?: string; status?: number }) => {
      assert.ok(e instanceof ServiceError);
      assert.equal(e.code, 'YSS_SYNC_CHAIN_BROKEN');
      assert.equal(e.status, 422);
      assert.equal(e.message, 'event 1: hash does not match its content');
      return true;
    });
    await assert.rejects(storage.ingest('t-nobody', c, 10), { code: 'YSS_SYNC_TERMINAL_UNKNOWN', message: 'no enrolled terminal has id t-nobody' });
    const acked = storage.ingest('t-1', c, 11, { nonce: 'n'.repeat(22), expiresAt: 1e13 });
    await storage.close();
    assert.deepEqual(await acked, { acked_through: 3, gap: null, inserted: 3, duplicates: 0 });
    const again = new SqliteStorage(dir, { writer: 'thread' });
    try {
      assert.equal(await again.countEvents('t-1'), 3);
      // The nonce went in with the events, in the writer's transaction.
      assert.equal(await again.useNonce('t-1', 'n'.repeat(22), 1e13, 12), false);
      await assert.rejects(again.ingest('t-1', chainOf(1, 4, c[2]!.hash), 12, { nonce: 'n'.repeat(22), expiresAt: 1e13 }), { code: 'YSS_SYNC_REPLAYED_NONCE' });
    } finally {
      await again.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the writer thread: when it dies, the uploads waiting for it and every later one fail with a code that says the service must restart', async () => {
  const dir = tempDir('yss-store-');
  const storage = new SqliteStorage(dir, { writer: 'thread' });
  try {
    await storage.createTerminal('t-1', 'desk', 'h', 1);
    const c = chainOf(2);
    assert.equal((await storage.ingest('t-1', c.slice(0, 1), 10)).acked_through, 1);
    const worker = (storage as unknown as { writer: { worker: { terminate(): Promise<number> } } }).writer.worker;
    const waiting = storage.ingest('t-1', c.slice(1), 11);
    await worker.terminate();
    const dead = (e: Error & { code?: string; status?: number }) => e.code === 'YSS_SYNC_STORAGE_FAILED' && e.status === 503 && /the writer thread: it exited with code 1/.test(e.message);
    // Either it was stored before the thread ended (and its reply lost with it) or not at all: never half.
    const settled = await waiting.then(() => 'stored', (e: Error) => (dead(e) ? 'failed' : e.message));
    assert.ok(settled === 'stored' || settled === 'failed', settled);
    await assert.rejects(storage.ingest('t-1', c.slice(1), 12), dead);
    assert.ok([1, 2].includes(await storage.countEvents('t-1')));
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
