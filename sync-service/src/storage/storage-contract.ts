// The behaviour every Storage engine must have, as tests. sqlite.test.ts runs it for SQLite; the
// PostgreSQL engine will run the same function, so the two cannot drift apart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventHash, GENESIS_HASH, type WireEvent } from '../../../terminal/src/protocol/index.ts';
import type { Storage } from './types.ts';

function chain(n: number, from = 1, prev = GENESIS_HASH): WireEvent[] {
  const out: WireEvent[] = [];
  for (let seq = from; seq < from + n; seq++) {
    const e = { seq, type: 'verdict', at: seq, trusted_at: seq, scenario: 'verify', droppable: false, body: { seq }, sealed: null, prev_hash: prev };
    prev = eventHash(e);
    out.push({ ...e, hash: prev });
  }
  return out;
}

export function storageContract(engine: string, open: () => Promise<{ storage: Storage; cleanup(): Promise<void> }>): void {
  const withStorage = (name: string, fn: (s: Storage) => Promise<void>) =>
    test(`${engine}: ${name}`, async () => {
      const { storage, cleanup } = await open();
      try {
        await fn(storage);
      } finally {
        await cleanup();
      }
    });

  withStorage('a created terminal is pending until enrolled, then active with its key', async (s) => {
    await s.createTerminal('t-1', 'desk', 'code-hash', 1);
    assert.equal((await s.getTerminal('t-1'))!.status, 'pending');
    const t = await s.enroll('code-hash', 'K'.repeat(43), 2);
    assert.equal(t!.status, 'active');
    assert.equal(t!.public_key, 'K'.repeat(43));
    assert.equal(await s.enroll('code-hash', 'L'.repeat(43), 3), null);
    assert.equal(await s.enroll('other', 'K'.repeat(43), 3), null);
  });

  withStorage('a nonce is accepted once per terminal', async (s) => {
    assert.equal(await s.useNonce('t-1', 'n1', 100, 1), true);
    assert.equal(await s.useNonce('t-1', 'n1', 100, 2), false);
    assert.equal(await s.useNonce('t-2', 'n1', 100, 2), true);
  });

  withStorage('ingest stores a continuing chain, skips duplicates and stops at a gap', async (s) => {
    await s.createTerminal('t-1', 'desk', 'h', 1);
    const c = chain(6);
    assert.deepEqual(await s.ingest('t-1', c.slice(0, 3), 10), { acked_through: 3, gap: null, inserted: 3, duplicates: 0 });
    assert.deepEqual(await s.ingest('t-1', c.slice(1, 5), 11), { acked_through: 5, gap: null, inserted: 2, duplicates: 2 });
    const r = await s.ingest('t-1', chain(1, 9, 'f'.repeat(64)), 12);
    assert.deepEqual(r.gap, { expected: 6, got: 9 });
    assert.equal(await s.countEvents('t-1'), 5);
    const t = await s.getTerminal('t-1');
    assert.equal(t!.head_seq, 5);
    assert.equal(t!.head_hash, c[4]!.hash);
    assert.equal(t!.head_at, 11);
  });

  withStorage('a batch with a broken link stores nothing of itself', async (s) => {
    await s.createTerminal('t-1', 'desk', 'h', 1);
    const c = chain(3);
    c[2] = chain(1, 3, 'e'.repeat(64))[0]!;
    await assert.rejects(s.ingest('t-1', c, 1), /prev_hash/);
    assert.equal(await s.countEvents('t-1'), 0);
    assert.equal((await s.getTerminal('t-1'))!.head_seq, 0);
  });

  withStorage('an upload whose nonce was used before stores nothing', async (s) => {
    await s.createTerminal('t-1', 'desk', 'h', 1);
    const c = chain(2);
    await s.ingest('t-1', c.slice(0, 1), 1, { nonce: 'n1', expiresAt: 100 });
    await assert.rejects(s.ingest('t-1', c.slice(1), 2, { nonce: 'n1', expiresAt: 100 }), /already used/);
    assert.equal(await s.countEvents('t-1'), 1);
    assert.equal(await s.useNonce('t-1', 'n1', 100, 3), false, 'the nonce was recorded with the upload');
  });

  withStorage('events read back in sequence order with their content, after a cursor', async (s) => {
    await s.createTerminal('t-1', 'desk', 'h', 1);
    const c = chain(5);
    await s.ingest('t-1', c, 7);
    const page = await s.events('t-1', 2, 2);
    assert.deepEqual(page.map((e) => e.seq), [3, 4]);
    assert.deepEqual(page[0]!.body, { seq: 3 });
    assert.equal(page[0]!.hash, c[2]!.hash);
    assert.equal(page[0]!.received_at, 7);
  });

  withStorage('a heartbeat and a revocation are kept on the terminal', async (s) => {
    await s.createTerminal('t-1', 'desk', 'h', 1);
    const hb = { version: '1', status: 'ok' as const, degraded: [], queue: { backlog: 1, oldest_unsent_age_s: 2, last_seq: 3, bytes: 4, max_bytes: 5, dropped_total: 0 }, devices: [], trust_sequence: null, clock_drift_s: 0 };
    await s.heartbeat('t-1', hb, 99);
    const t = await s.getTerminal('t-1');
    assert.equal(t!.last_heartbeat_at, 99);
    assert.deepEqual(t!.heartbeat, hb);
    assert.equal(await s.revokeTerminal('t-1'), true);
    assert.equal((await s.getTerminal('t-1'))!.status, 'revoked');
    assert.equal(await s.revokeTerminal('t-nope'), false);
  });

  withStorage('the newest published trust list is the one served', async (s) => {
    assert.equal(await s.trustList(), null);
    await s.publishTrustList('a.b.c', 1, 1);
    await s.publishTrustList('d.e.f', 2, 2);
    assert.deepEqual(await s.trustList(), { jws: 'd.e.f', sequence: 2 });
  });
}
