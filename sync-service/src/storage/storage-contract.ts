// The behaviour every Storage engine must have, as tests. sqlite.test.ts runs it for SQLite and
// pg.test.ts for PostgreSQL, so the two cannot drift apart. The concurrent cases matter for
// PostgreSQL, where several nodes call at once; on SQLite they pass by construction.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventHash, GENESIS_HASH, type WireEvent } from '../../../terminal/src/protocol/index.ts';
import { FEED_KEEP_CHANGES, FEED_KEEP_VERSIONS, type Storage } from './types.ts';

function chain(n: number, from = 1, prev = GENESIS_HASH, shape: (seq: number) => Partial<WireEvent> = () => ({})): WireEvent[] {
  const out: WireEvent[] = [];
  for (let seq = from; seq < from + n; seq++) {
    const e = { seq, type: 'verdict', at: seq, trusted_at: seq, scenario: 'verify', droppable: false, body: { seq } as Record<string, unknown>, sealed: null, prev_hash: prev, ...shape(seq) };
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
    assert.deepEqual(await s.trustList(), { jws: 'd.e.f', sequence: 2, published_at: 2 });
  });

  withStorage('a trust list not newer than the published one is refused, even when published at once', async (s) => {
    await s.publishTrustList('a.b.c', 5, 1);
    await assert.rejects(s.publishTrustList('x.y.z', 5, 2), /trust list sequence 5 is not newer than the published 5/);
    await assert.rejects(s.publishTrustList('x.y.z', 4, 2), /not newer/);
    const racing = await Promise.allSettled([6, 6, 6, 6].map((seq, i) => s.publishTrustList(`r.${i}.x`, seq, 3)));
    assert.equal(racing.filter((r) => r.status === 'fulfilled').length, 1, 'exactly one of four publications of sequence 6 wins');
    assert.equal((await s.trustList())!.sequence, 6);
  });

  withStorage('the same batch uploaded concurrently is stored once, and the chain continues after it', async (s) => {
    await s.createTerminal('t-1', 'desk', 'h', 1);
    const c = chain(40);
    const results = await Promise.all([0, 1, 2, 3].map((i) => s.ingest('t-1', c.slice(0, 30), 10 + i)));
    assert.equal(results.reduce((n, r) => n + r.inserted, 0), 30, 'every event inserted by exactly one of the uploads');
    assert.ok(results.every((r) => r.acked_through === 30));
    assert.deepEqual(await s.ingest('t-1', c.slice(25), 20), { acked_through: 40, gap: null, inserted: 10, duplicates: 5 });
    assert.equal(await s.countEvents('t-1'), 40);
  });

  withStorage('uploads stored together fail alone: a broken chain or a replayed nonce stores nothing of its own and keeps the others', async (s) => {
    for (const id of ['t-1', 't-2', 't-3', 't-4']) await s.createTerminal(id, 'desk', `h-${id}`, 1);
    await s.ingest('t-4', chain(1), 1, { nonce: 'used', expiresAt: 100 });
    // Its first two events are good and written before the third is refused: they go with it.
    const broken = [...chain(2), ...chain(1, 3, 'f'.repeat(64))];
    const r = await Promise.allSettled([
      s.ingest('t-1', chain(5), 2, { nonce: 'a', expiresAt: 100 }),
      s.ingest('t-2', broken, 2, { nonce: 'b', expiresAt: 100 }),
      s.ingest('t-4', chain(2, 2, chain(1)[0]!.hash), 2, { nonce: 'used', expiresAt: 100 }),
      s.ingest('t-3', chain(4), 2, { nonce: 'c', expiresAt: 100 }),
      s.ingest('t-1', chain(2, 6, chain(5)[4]!.hash), 2, { nonce: 'd', expiresAt: 100 }),
    ]);
    assert.deepEqual(r.map((x) => x.status), ['fulfilled', 'rejected', 'rejected', 'fulfilled', 'fulfilled']);
    assert.match(String((r[1] as PromiseRejectedResult).reason), /prev_hash/);
    assert.match(String((r[2] as PromiseRejectedResult).reason), /already used/);
    assert.deepEqual((r[4] as PromiseFulfilledResult<unknown>).value, { acked_through: 7, gap: null, inserted: 2, duplicates: 0 });
    assert.deepEqual([await s.countEvents('t-1'), await s.countEvents('t-2'), await s.countEvents('t-3'), await s.countEvents('t-4')], [7, 0, 4, 1]);
    // The failed uploads' nonces were not spent with them: the same requests, mended, are taken.
    assert.equal((await s.ingest('t-2', chain(3), 3, { nonce: 'b', expiresAt: 100 })).inserted, 3);
  });

  withStorage('a nonce used concurrently is accepted once', async (s) => {
    await s.createTerminal('t-1', 'desk', 'h', 1);
    const c = chain(1);
    const r = await Promise.allSettled([0, 1, 2].map(() => s.ingest('t-1', c, 1, { nonce: 'same', expiresAt: 100 })));
    assert.equal(r.filter((x) => x.status === 'fulfilled').length, 1);
    assert.ok(r.every((x) => x.status === 'fulfilled' || /already used/.test(String(x.reason))));
    assert.deepEqual(await Promise.all([s.useNonce('t-2', 'k', 100, 1), s.useNonce('t-2', 'k', 100, 1)]).then((v) => v.sort()), [false, true]);
  });

  withStorage('a resent event that differs from the stored one breaks the chain and stores nothing', async (s) => {
    await s.createTerminal('t-1', 'desk', 'h', 1);
    const c = chain(3);
    await s.ingest('t-1', c, 1);
    const forged = chain(1, 2, c[0]!.hash)[0]!;
    const other = { ...forged, body: { seq: 'forged' } };
    const { hash: _drop, ...unhashed } = other;
    const reforged = { ...unhashed, hash: eventHash(unhashed) };
    await assert.rejects(s.ingest('t-1', [reforged, ...chain(1, 4, c[2]!.hash)], 2), /differs from the event already stored/);
    assert.equal(await s.countEvents('t-1'), 3);
    assert.equal((await s.events('t-1', 1, 1))[0]!.hash, c[1]!.hash);
  });

  withStorage('a rate-limit counter counts every hit once within its window, then starts again', async (s) => {
    assert.deepEqual(await s.rateHit('k', 1000, 5000), { count: 1, resetAt: 6000 });
    const hits = await Promise.all(Array.from({ length: 20 }, () => s.rateHit('k', 1000, 5500)));
    assert.deepEqual(hits.map((h) => h.count).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 2), 'concurrent hits each get their own count');
    assert.ok(hits.every((h) => h.resetAt === 6000));
    assert.deepEqual(await s.rateHit('other', 1000, 5500), { count: 1, resetAt: 6500 }, 'keys are apart');
    assert.deepEqual(await s.rateHit('k', 1000, 6000), { count: 1, resetAt: 7000 }, 'a new window at its end');
  });

  withStorage('events are counted per venue and hour as they are stored, duplicates and refused batches not, and resets are kept', async (s) => {
    const H = 3_600_000;
    const t0 = 1_000 * H;
    await s.createTerminal('t-1', 'hall', 'h1', 1);
    await s.createTerminal('t-2', 'gate', 'h2', 1);
    const reset = { type: 'reset', body: { replaces: 't-old', uploaded_through: 41, reason: 'disk replaced', moved_to: 'reset-x' } };
    // t-1: a reset as event 1, then two hours of the hall; t-2: the gate and the hall in one hour.
    const a = chain(5, 1, GENESIS_HASH, (seq) => ({ trusted_at: t0 + (seq < 4 ? 10 : H + 10), scenario: 'hall', ...(seq === 1 ? reset : {}) }));
    const b = chain(3, 1, GENESIS_HASH, (seq) => ({ trusted_at: t0 + 20, scenario: seq === 1 ? 'gate' : 'hall' }));
    await s.ingest('t-1', a.slice(0, 4), 2);
    await s.ingest('t-1', a, 3); // four duplicates and one new event
    await s.ingest('t-2', b, 3);
    await assert.rejects(s.ingest('t-2', chain(2, 4, 'f'.repeat(64), () => ({ trusted_at: t0, scenario: 'gate' })), 4), /prev_hash/);
    assert.deepEqual(await s.activity(t0), [
      { venue: 'gate', hour: t0, count: 1 },
      { venue: 'hall', hour: t0, count: 5 },
      { venue: 'hall', hour: t0 + H, count: 2 },
    ]);
    assert.deepEqual(await s.activity(t0 + H), [{ venue: 'hall', hour: t0 + H, count: 2 }], 'hours before `since` are left out');
    assert.deepEqual(await s.resets(), [{ terminal_id: 't-1', replaces: 't-old', reason: 'disk replaced', at: t0 + 10 }]);
  });

  withStorage('reading a rate-limit counter counts nothing, and a passed window reads as empty', async (s) => {
    assert.deepEqual(await s.rateRead('k', 1000, 5000), { count: 0, resetAt: 6000 }, 'an unknown key');
    await s.rateHit('k', 1000, 5000);
    await s.rateHit('k', 1000, 5100);
    assert.deepEqual(await s.rateRead('k', 1000, 5200), { count: 2, resetAt: 6000 });
    assert.deepEqual(await s.rateRead('k', 1000, 5300), { count: 2, resetAt: 6000 }, 'a read did not count');
    assert.deepEqual(await s.rateRead('k', 1000, 6000), { count: 0, resetAt: 7000 }, 'the window has passed');
    assert.deepEqual(await s.rateHit('k', 1000, 6000), { count: 1, resetAt: 7000 });
  });

  withStorage('content with tabs, newlines, backslashes and CJK survives storage byte for byte', async (s) => {
    await s.createTerminal('t-1', 'desk', 'h', 1);
    const weird = { name: '张三\t\n', raw: 'a\tb\\c\r\nd\u0000', nested: { k: ['\\N', null, 1.5] } };
    const e0 = { seq: 1, type: 'registration', at: 1, trusted_at: 1, scenario: 'hotel-checkin', droppable: false, body: weird, sealed: null, prev_hash: GENESIS_HASH };
    const e = { ...e0, hash: eventHash(e0) };
    await s.ingest('t-1', [e], 1);
    const [back] = await s.events('t-1', 0, 1);
    assert.deepEqual(back!.body, weird);
    assert.equal(eventHash(back!), e.hash);
  });

  withStorage('hall numbers: blocks never overlap, per hall, category and day, even asked for at once', async (s) => {
    assert.deepEqual(await s.allocateNumbers('hall-1', 'A', '2026-12-01', 20, 't-1', 1), { first: 1, last: 20 });
    assert.deepEqual(await s.allocateNumbers('hall-1', 'A', '2026-12-01', 5, 't-2', 2), { first: 21, last: 25 });
    assert.deepEqual(await s.allocateNumbers('hall-1', 'B', '2026-12-01', 5, 't-1', 3), { first: 1, last: 5 }, 'categories count apart');
    assert.deepEqual(await s.allocateNumbers('hall-1', 'A', '2026-12-02', 5, 't-1', 4), { first: 1, last: 5 }, 'a new day starts at 1');
    assert.deepEqual(await s.allocateNumbers('hall-2', 'A', '2026-12-01', 5, 't-3', 5), { first: 1, last: 5 }, 'halls count apart');
    const blocks = await Promise.all(Array.from({ length: 30 }, (_, i) => s.allocateNumbers('hall-1', 'A', '2026-12-01', 10, `t-${i % 3}`, 6)));
    const numbers = blocks.flatMap((b) => Array.from({ length: b.last - b.first + 1 }, (_, k) => b.first + k)).sort((a, b) => a - b);
    assert.deepEqual(numbers, Array.from({ length: 300 }, (_, i) => 26 + i), 'concurrent blocks tile the range: no overlap, no hole');
  });

  withStorage('a feed gets the next version per venue and kind, keeps the newest few, and serves any kept one', async (s) => {
    assert.equal(await s.feedHead('museum', 'access'), null);
    assert.equal(await s.publishFeed('museum', 'access', '[{"holder":"a"}]', 1, 10), 1);
    assert.equal(await s.publishFeed('museum', 'access', '[]', 0, 11), 2);
    assert.equal(await s.publishFeed('museum', 'bookings', '[1,2]', 2, 12), 1, 'kinds are apart');
    assert.equal(await s.publishFeed('campus', 'access', '[]', 0, 13), 1, 'venues are apart');
    assert.deepEqual(await s.feedHead('museum', 'access'), { venue: 'museum', kind: 'access', version: 2, rows: 0, published_at: 11 });
    assert.equal(await s.feedRows('museum', 'access', 1), '[{"holder":"a"}]');
    assert.deepEqual((await s.venueFeeds('museum')).map((f) => [f.kind, f.version, f.rows]), [['access', 2, 0], ['bookings', 1, 2]]);
    assert.deepEqual(
      (await s.feedHeads()).map((f) => [f.venue, f.kind, f.version, f.rows, f.published_at]),
      [['campus', 'access', 1, 0, 13], ['museum', 'access', 2, 0, 11], ['museum', 'bookings', 1, 2, 12]],
      'the newest of every venue and kind',
    );
    for (let i = 0; i < FEED_KEEP_VERSIONS; i++) await s.publishFeed('museum', 'access', `[${i}]`, 1, 20 + i);
    assert.equal(await s.feedRows('museum', 'access', 1), null, 'versions older than the kept ones are dropped');
    assert.equal(await s.feedRows('museum', 'access', 2 + FEED_KEEP_VERSIONS), `[${FEED_KEEP_VERSIONS - 1}]`);
  });

  withStorage('a feed keeps what each import changed from the version before, and chains them only when every link is kept', async (s) => {
    assert.equal(await s.publishFeed('museum', 'access', '[]', 0, 1), 1);
    assert.equal(await s.publishFeed('museum', 'access', '[1]', 1, 2, { base: 1, json: '{"c":2}' }), 2);
    assert.equal(await s.publishFeed('museum', 'access', '[1,2]', 2, 3, { base: 2, json: '{"c":3}' }), 3);
    assert.deepEqual(await s.feedChanges('museum', 'access', 1, 3), ['{"c":2}', '{"c":3}']);
    assert.deepEqual(await s.feedChanges('museum', 'access', 2, 3), ['{"c":3}']);
    assert.equal(await s.feedChanges('museum', 'access', 0, 3), null, 'version 1 was a first import: no change leads to it');
    assert.equal(await s.feedChanges('campus', 'access', 1, 3), null, 'venues are apart');
    assert.equal(await s.publishFeed('museum', 'access', '[3]', 1, 4, { base: 2, json: '{"c":"stale"}' }), 4, 'computed against 2, but 3 came in between');
    assert.equal(await s.feedChanges('museum', 'access', 3, 4), null, 'a change against the wrong base is not kept');
    for (let v = 5; v <= 5 + FEED_KEEP_CHANGES; v++) assert.equal(await s.publishFeed('museum', 'access', '[]', 0, v, { base: v - 1, json: `{"c":${v}}` }), v);
    const head = 5 + FEED_KEEP_CHANGES;
    assert.equal(await s.feedRows('museum', 'access', head - FEED_KEEP_VERSIONS), null, 'whole rows are kept for fewer versions');
    assert.equal((await s.feedChanges('museum', 'access', head - FEED_KEEP_CHANGES, head))?.length, FEED_KEEP_CHANGES, 'changes are kept for FEED_KEEP_CHANGES versions');
    assert.equal(await s.feedChanges('museum', 'access', head - FEED_KEEP_CHANGES - 1, head), null, 'an older one was dropped');
  });

  withStorage('capacity shares: an equal part of what is unused, never what another terminal holds, at least what is kept; slack split among the venue\'s terminals', async (s) => {
    await s.setTerminalVenue('t-a', 'museum');
    await s.setTerminalVenue('t-b', 'museum');
    const at = (admitted: number, keep = 0) => [{ day: '2026-12-01', slot: '10:00-11:00', capacity: 10, slack: 3, admitted, keep }];
    assert.deepEqual(await s.shareSlots('museum', 't-a', at(0), 1), [{ day: '2026-12-01', slot: '10:00-11:00', share: 10, slack: 2 }], 'alone so far: the whole slot; slack 3 over two terminals, the first takes the remainder');
    assert.deepEqual(await s.shareSlots('museum', 't-b', at(0), 2), [{ day: '2026-12-01', slot: '10:00-11:00', share: 0, slack: 1 }], 't-a holds all 10 until it reports again');
    assert.equal((await s.shareSlots('museum', 't-a', at(2, 6), 3))[0]!.share, 6, 'keeps 6 (2 + half its unused 8): 2 + ceil(8 / 2) = 6');
    assert.equal((await s.shareSlots('museum', 't-b', at(0), 4))[0]!.share, 4, 'the 4 t-a no longer holds');
    assert.equal((await s.shareSlots('museum', 't-a', at(6, 6), 5))[0]!.share, 6, 't-a filled its share; t-b holds the other 4');
    assert.equal((await s.shareSlots('museum', 't-b', at(1, 1), 6))[0]!.share, 3, 'gives back what it does not need: 1 + ceil(3 unused / 2)');
    assert.equal((await s.shareSlots('museum', 't-a', at(6, 6), 7))[0]!.share, 7, 'which t-a takes up: 6 + ceil(3 / 2) = 8, but t-b holds 3');
    const both = await Promise.all(['t-a', 't-b'].map((t, i) => s.shareSlots('museum', t, at(t === 't-a' ? 6 : 1, 0), 8 + i)));
    const shares = both.map((g) => g[0]!.share);
    assert.ok(shares[0]! + shares[1]! <= 10, `reported at once, the grants never overlap (${shares.join(' + ')})`);
    assert.deepEqual(await s.shareSlots('campus', 't-a', at(0), 9), [{ day: '2026-12-01', slot: '10:00-11:00', share: 10, slack: 0 }], 'another venue counts apart; t-a is not bound to it, so no slack');
  });

  withStorage('imports of one feed at once each get their own version', async (s) => {
    const versions = await Promise.all(Array.from({ length: 8 }, (_, i) => s.publishFeed('museum', 'bookings', `[${i}]`, 1, i)));
    assert.deepEqual([...versions].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8]);
  });

  withStorage('a venue keeps the salt it was first given, and a terminal the venue it was bound to last', async (s) => {
    assert.equal(await s.venueSalt('museum', 'first', 1), 'first');
    assert.equal(await s.venueSalt('museum', 'second', 2), 'first');
    assert.equal(await s.terminalVenue('t-1'), null);
    await s.setTerminalVenue('t-1', 'museum');
    await s.setTerminalVenue('t-1', 'campus');
    assert.equal(await s.terminalVenue('t-1'), 'campus');
  });

  withStorage('config pushes get the next version per terminal, signed for that version, and the newest is served', async (s) => {
    await s.createTerminal('t-1', 'desk', 'h1', 1);
    await s.createTerminal('t-2', 'gate', 'h2', 1);
    assert.equal(await s.configDoc('t-1'), null);
    assert.deepEqual(await s.configHeads(), []);
    assert.equal(await s.publishConfig('t-1', 'ops-li', 10, (v) => `doc-${v}`), 1);
    assert.equal(
      await s.publishConfig('t-1', 'ops-wang', 11, (v, previous) => {
        assert.equal(previous, 'doc-1', 'the next document is made from the newest one before it');
        return `doc-${v}`;
      }),
      2,
    );
    assert.equal(
      await s.publishConfig('t-2', 'ops-li', 12, (v, previous) => {
        assert.equal(previous, null);
        return `gate-${v}`;
      }),
      1,
      'terminals count apart',
    );
    assert.deepEqual(await s.configDoc('t-1'), { terminal_id: 't-1', version: 2, operator: 'ops-wang', published_at: 11, jws: 'doc-2' });
    assert.deepEqual(await s.configHeads(), [
      { terminal_id: 't-1', version: 2, operator: 'ops-wang', published_at: 11 },
      { terminal_id: 't-2', version: 1, operator: 'ops-li', published_at: 12 },
    ]);
  });

  withStorage('config pushes to one terminal at once each get their own version, and a failed signing stores nothing', async (s) => {
    await s.createTerminal('t-1', 'desk', 'h1', 1);
    const versions = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        s.publishConfig('t-1', `op-${i}`, i, (v, previous) => {
          assert.equal(previous, v === 1 ? null : `doc-${v - 1}`, 'each push is made from the one just before it');
          return `doc-${v}`;
        }),
      ),
    );
    assert.deepEqual([...versions].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8]);
    await assert.rejects(
      s.publishConfig('t-1', 'op', 20, () => {
        throw new Error('signing failed');
      }),
      /signing failed/,
    );
    assert.equal((await s.configDoc('t-1'))!.version, 8);
    assert.equal((await s.configDoc('t-1'))!.jws, 'doc-8', 'each version holds the document signed for it');
  });

  withStorage('a venue push is the venue\'s next version and the next version of each of its terminals, revoked ones and other venues\' left out', async (s) => {
    for (const [id, venue] of [['t-1', 'hall-a'], ['t-2', 'hall-a'], ['t-3', 'hall-a'], ['t-4', 'gate-b']] as const) {
      await s.createTerminal(id, id, `h-${id}`, 1);
      await s.setTerminalVenue(id, venue);
    }
    await s.revokeTerminal('t-3');
    await s.publishConfig('t-2', 'ops-li', 5, (v) => `t-2-own-${v}`);
    assert.equal(await s.venueConfig('hall-a'), null);
    const first = await s.publishVenueConfig(
      'hall-a',
      'ops-wang',
      10,
      (previous) => {
        assert.equal(previous, null);
        return '{"trust_max_age_s":600}';
      },
      (id, v, previous) => `${id}-v${v}-from-${previous ?? 'none'}`,
    );
    assert.deepEqual(first, { version: 1, terminals: [{ terminal_id: 't-1', terminal_version: 1 }, { terminal_id: 't-2', terminal_version: 2 }] });
    assert.equal((await s.configDoc('t-2'))!.jws, 't-2-v2-from-t-2-own-1', 'a terminal\'s document is made from its own newest one');
    assert.equal(await s.configDoc('t-3'), null, 'a revoked terminal gets nothing');
    assert.equal(await s.configDoc('t-4'), null, 'another venue\'s terminal gets nothing');
    const second = await s.publishVenueConfig(
      'hall-a',
      'ops-li',
      20,
      (previous) => {
        assert.equal(previous, '{"trust_max_age_s":600}', 'the venue\'s config is made from its newest one before');
        return '{"trust_max_age_s":900}';
      },
      (id, v) => `${id}-v${v}`,
    );
    assert.equal(second.version, 2);
    assert.deepEqual(await s.venueConfig('hall-a'), { venue: 'hall-a', version: 2, operator: 'ops-li', published_at: 20, config: '{"trust_max_age_s":900}' });
    assert.deepEqual(await s.venueConfigHeads(), [
      { venue: 'hall-a', version: 2, operator: 'ops-li', published_at: 20, config: '{"trust_max_age_s":900}', targets: [{ terminal_id: 't-1', terminal_version: 2 }, { terminal_id: 't-2', terminal_version: 3 }] },
    ]);
    await assert.rejects(
      s.publishVenueConfig('hall-a', 'op', 30, () => '{}', () => {
        throw new Error('signing failed');
      }),
      /signing failed/,
    );
    assert.equal((await s.venueConfig('hall-a'))!.version, 2, 'a failed signing stores no venue version');
    assert.equal((await s.configDoc('t-1'))!.version, 2, 'nor any terminal document');
  });

  withStorage('a terminal bound to a venue after its push catches up once, and again after moving away and back', async (s) => {
    await s.createTerminal('t-1', 't-1', 'h1', 1);
    await s.createTerminal('t-9', 't-9', 'h9', 1);
    await s.setTerminalVenue('t-1', 'hall-a');
    await s.publishVenueConfig('hall-a', 'ops-wang', 10, () => '{"staff_pin":""}', (id, v) => `${id}-v${v}`);
    assert.equal(await s.catchUpVenueConfig('t-1', 11, () => 'never'), null, 'a terminal the push reached has it');
    assert.equal(await s.catchUpVenueConfig('t-9', 11, () => 'never'), null, 'a terminal without a venue has nothing to catch up');
    await s.setTerminalVenue('t-9', 'hall-a');
    const sign = (v: number, previous: string | null, config: string) => `t-9-v${v}-${previous ?? 'none'}-${config}`;
    assert.deepEqual(await s.catchUpVenueConfig('t-9', 12, sign), { venue: 'hall-a', venue_version: 1, version: 1 });
    assert.deepEqual(await s.configDoc('t-9'), { terminal_id: 't-9', version: 1, operator: 'ops-wang', published_at: 12, jws: 't-9-v1-none-{"staff_pin":""}' });
    assert.equal(await s.catchUpVenueConfig('t-9', 13, sign), null, 'once');
    // Its own push after does not make it catch up again.
    await s.publishConfig('t-9', 'ops-li', 14, (v) => `own-${v}`);
    assert.equal(await s.catchUpVenueConfig('t-9', 15, sign), null);
    // Moved to a venue with its own push, then back: it takes each venue's again.
    await s.publishVenueConfig('gate-b', 'ops-li', 16, () => '{"trust_max_age_s":60}', () => 'not bound yet');
    await s.setTerminalVenue('t-9', 'gate-b');
    assert.deepEqual(await s.catchUpVenueConfig('t-9', 17, sign), { venue: 'gate-b', venue_version: 1, version: 3 });
    await s.setTerminalVenue('t-9', 'hall-a');
    assert.deepEqual(await s.catchUpVenueConfig('t-9', 18, sign), { venue: 'hall-a', venue_version: 1, version: 4 });
    assert.equal((await s.venueConfigHeads()).find((h) => h.venue === 'hall-a')!.targets.length, 3, 't-1 at the push, t-9 twice by catching up');
  });

  withStorage('venue pushes at once each get their own version, and each terminal one version per push', async (s) => {
    for (const id of ['t-1', 't-2']) {
      await s.createTerminal(id, id, `h-${id}`, 1);
      await s.setTerminalVenue(id, 'hall-a');
    }
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        i % 2
          ? s.publishConfig('t-1', `own-${i}`, i, (v) => `own-${v}`).then(() => null)
          : s.publishVenueConfig('hall-a', `op-${i}`, i, (previous) => String(Number(previous ?? 0) + 1), (id, v) => `${id}-${v}`),
      ),
    );
    assert.deepEqual(results.flatMap((r) => (r ? [r.version] : [])).sort(), [1, 2, 3]);
    assert.equal((await s.venueConfig('hall-a'))!.config, '3', 'each venue version made from the one before');
    assert.equal((await s.configDoc('t-1'))!.version, 6, 'three venue pushes and three of its own');
    assert.equal((await s.configDoc('t-2'))!.version, 3);
  });

  withStorage('hall tickets come from uploaded ticket events, once per number; window steps take each sequence once', async (s) => {
    await s.createTerminal('t-1', 'machine 1', 'h1', 1);
    await s.createTerminal('t-2', 'machine 2', 'h2', 1);
    const ticket = (id: string, number: string, extra: Record<string, unknown> = {}) => ({
      type: 'ticket',
      body: { accepted: true, effects: [{ kind: 'ticket', number, service: '社保业务', id: `hall/2026-12-01/${id}`, ...extra }] } as Record<string, unknown>,
    });
    const shapes: Partial<WireEvent>[] = [
      ticket('A001', 'A001', { service_minutes: 8 }),
      ticket('A002', 'A002', { priority: 'elderly' }),
      { type: 'ticket', body: { accepted: false, reason: 'replayed', effects: [] } },
      ticket('A003', 'A004'), // an id that does not name its own number is no ticket
    ];
    await s.ingest('t-1', chain(4, 1, GENESIS_HASH, (seq) => ({ ...shapes[seq - 1], trusted_at: 1000 + seq })), 10);
    // Machine 2 claims A001 too (a bug): the hall keeps the first, and its A021 is taken.
    // An appointment's sign-in carries its placement (docs/hospital.md); one a stranger mangled is placed as a walk-in's.
    const placement = { slot: '09:00-10:00', reg: 7, late: false, first: true, order: 'registration', late_rule: { place: 'insert_after', n: 3 }, missed_rule: { place: 'end' } };
    await s.ingest('t-2', chain(4, 1, GENESIS_HASH, (seq) => ({
      ...[ticket('A001', 'A001'), ticket('A021', 'A021'), ticket('A022', 'A022', { priority: 'appointment', appointment: placement }), ticket('A023', 'A023', { appointment: { ...placement, late_rule: { place: 'insert_after', n: 0 } } })][seq - 1],
      trusted_at: 2000 + seq,
    })), 11);
    const got = await s.hallTickets('hall', '2026-12-01');
    assert.deepEqual(
      got.map((t) => [t.number, t.category, t.priority, t.service_minutes, t.terminal_id, t.seq, t.taken_at, t.placement]),
      [
        ['A001', 'A', null, 8, 't-1', 1, 1001, null],
        ['A002', 'A', 'elderly', null, 't-1', 2, 1002, null],
        ['A021', 'A', null, null, 't-2', 2, 2002, null],
        ['A022', 'A', 'appointment', null, 't-2', 3, 2003, placement],
        ['A023', 'A', null, null, 't-2', 4, 2004, null],
      ],
    );
    assert.deepEqual(await s.hallTickets('hall', '2026-12-02'), [], 'days are apart');
    assert.deepEqual(await s.hallTickets('other', '2026-12-01'), [], 'halls are apart');

    assert.equal(await s.appendHallStep('hall', '2026-12-01', 1, { kind: 'call', window: 3, number: 'A002' }, 50), true);
    const racing = await Promise.all(Array.from({ length: 10 }, (_, i) => s.appendHallStep('hall', '2026-12-01', 2, { kind: 'call', window: i, number: 'A001' }, 60)));
    assert.equal(racing.filter(Boolean).length, 1, 'of ten windows writing step 2 at once, one is recorded');
    assert.equal(await s.appendHallStep('hall', '2026-12-02', 1, { kind: 'pause', window: 1 }, 70), true, 'each day has its own sequence');
    const steps = await s.hallSteps('hall', '2026-12-01');
    assert.deepEqual(steps.map((r) => [r.seq, r.at, r.step.kind, r.step.number]), [[1, 50, 'call', 'A002'], [2, 60, 'call', 'A001']]);
  });

  withStorage("hall tickets keep the person's token of the day, the hall-wide rules, a staff override and the venue's priority labels; a stranger's malformed ones are dropped", async (s) => {
    await s.createTerminal('t-1', 'machine 1', 'h1', 1);
    const person = 'Zx9_-abcdefghijklmnopq';
    const labels = ['军人', '残疾人', '孕妇'];
    const effects: Record<string, unknown>[] = [
      { person, rules: ['one_active'], labels },
      { person, rules: ['one_active', 'one_per_day'], override: 'one_active' },
      // Malformed: a token that is no token (the rule then has nobody to hold), an unknown rule, labels with markup or repeated.
      { person: '440106199003071231', rules: ['one_active'], labels: ['<b>', '军人'] },
      { person, rules: ['every_day'], labels: ['军人', '军人'] },
      { rules: ['one_active'], override: 'yes', labels: [] },
    ];
    await s.ingest('t-1', chain(effects.length, 1, GENESIS_HASH, (seq) => ({
      type: 'ticket',
      trusted_at: 3000 + seq,
      body: { accepted: true, effects: [{ kind: 'ticket', number: `B00${seq}`, service: '医保业务', id: `hall/2026-12-01/B00${seq}`, ...effects[seq - 1] }] },
    })), 12);
    const got = await s.hallTickets('hall', '2026-12-01');
    assert.deepEqual(
      got.map((t) => [t.number, t.person, t.rules, t.override, t.labels]),
      [
        ['B001', person, ['one_active'], false, labels],
        ['B002', person, ['one_active', 'one_per_day'], true, null],
        ['B003', null, [], false, null],
        ['B004', null, [], false, null],
        ['B005', null, [], false, null],
      ],
    );
  });

  withStorage("a past day's person tokens are swept from the hall's tickets and the events that carried them, oldest day first, once, and the chain still checks", async (s) => {
    await s.createTerminal('t-1', 'machine 1', 'h1', 1);
    const person = (k: number) => `Zx9_-abcdefghijklmnop${k}`;
    const ticket = (day: string, number: string, extra: Record<string, unknown>) => ({ type: 'ticket', body: { accepted: true, effects: [{ kind: 'ticket', number, service: '社保业务', id: `hall/${day}/${number}`, ...extra }] } });
    const specs: Partial<WireEvent>[] = [
      ticket('2026-11-30', 'A001', { person: person(1), rules: ['one_active'] }),
      ticket('2026-11-30', 'A002', {}), // a walk-in under no hall-wide rule: no token to remove
      ticket('2026-12-01', 'A001', { person: person(2), rules: ['one_active'] }), // today's: kept
      { type: 'verdict', body: { accepted: true, person: 'not a ticket' } },
      ticket('2026-11-29', 'A001', { person: person(3), rules: ['one_active', 'one_per_day'] }),
    ];
    const c = chain(specs.length, 1, GENESIS_HASH, (seq) => ({ trusted_at: 5000 + seq, ...specs[seq - 1] }));
    await s.ingest('t-1', c, 10);
    assert.deepEqual(await s.sweepHallTokens('2026-12-01', 2, 20), { tickets: 2, events: 2 }, 'bounded by the limit, the oldest day first (11-29 A001, then 11-30 A001)');
    assert.equal((await s.hallTickets('hall', '2026-11-29'))[0]!.person, null);
    // Two sweeps at once (two nodes): each ticket is swept by one of them.
    const both = await Promise.all([s.sweepHallTokens('2026-12-01', 1, 21), s.sweepHallTokens('2026-12-01', 1, 21)]);
    assert.deepEqual([both[0].tickets + both[1].tickets, both[0].events + both[1].events], [1, 0], 'the one ticket left (A002, no token in its event), swept once');
    assert.deepEqual(await s.sweepHallTokens('2026-12-01', 100, 22), { tickets: 0, events: 0 }, 'idempotent: nothing left before today');

    const day = async (d: string) => (await s.hallTickets('hall', d)).map((t) => [t.number, t.person, t.rules]);
    assert.deepEqual(await day('2026-11-30'), [['A001', null, ['one_active']], ['A002', null, []]], 'the token is gone, the rule it was issued under stays');
    assert.deepEqual(await day('2026-12-01'), [['A001', person(2), ['one_active']]], "today's token stays");
    const stored = await s.events('t-1', 0, 10);
    assert.deepEqual(stored.map((e) => e.redacted !== undefined), [true, false, false, false, true], 'only the bodies that held a past token were rewritten');
    for (const e of stored) {
      assert.equal(eventHash(e, e.redacted), e.hash, `event ${e.seq} checks with the content hash it was uploaded with`);
      const text = JSON.stringify(e.body);
      if (e.seq === 1 || e.seq === 5) assert.ok(!text.includes('Zx9_'), `event ${e.seq} no longer holds the token`);
    }
    assert.deepEqual((stored[0]!.body.effects as Record<string, unknown>[])[0], { kind: 'ticket', number: 'A001', service: '社保业务', id: 'hall/2026-11-30/A001', rules: ['one_active'] });
    assert.equal((stored[3]!.body as { person?: string }).person, 'not a ticket', "a non-ticket event's fields are not the sweep's");
    // The machine resends what it uploaded (a lost reply): still duplicates, the chain unbroken, the token not back.
    assert.deepEqual(await s.ingest('t-1', c, 30), { acked_through: 5, gap: null, inserted: 0, duplicates: 5 });
    assert.equal((await s.hallTickets('hall', '2026-11-29'))[0]!.person, null);

    // A machine that was offline uploads a past day's ticket after the sweep: the next sweep takes it.
    const late = chain(1, 6, c[4]!.hash, () => ({ trusted_at: 6000, ...ticket('2026-11-30', 'A003', { person: person(4), rules: ['one_active'] }) }));
    await s.ingest('t-1', late, 40);
    assert.equal((await s.hallTickets('hall', '2026-11-30'))[2]!.person, person(4));
    assert.deepEqual(await s.sweepHallTokens('2026-12-01', 100, 50), { tickets: 1, events: 1 });
    assert.equal((await s.hallTickets('hall', '2026-11-30'))[2]!.person, null);
  });

  // The police outbox (docs/police.md): rows made by ingest, claimed by one worker, settled with history.
  const guestEvents = (): WireEvent[] => {
    const H = 3_600_000;
    const bodies: [string, Record<string, unknown>][] = [
      ['registration', { accepted: true }],
      ['guest_in', { stay_id: 1, guest_id: 1, of_seq: 1, room: '301', main: true, category: 'domestic', needs_details: false, deadline_at: 2 * H, alert_at: 0 }],
      ['registration', { accepted: true }],
      ['guest_in', { stay_id: 1, guest_id: 2, of_seq: 3, room: '301', main: false, category: 'foreign', needs_details: true, deadline_at: 24 * H, alert_at: 22 * H }],
      ['guest_detail', { stay_id: 1, guest_id: 2, of_seq: 3 }],
      ['guest_out', { stay_id: 1, guest_id: 1, of_seq: 1 }],
      ['guest_in', { stay_id: 'x', guest_id: 3 }],
    ];
    return chain(bodies.length, 1, GENESIS_HASH, (seq) => ({ type: bodies[seq - 1]![0], body: bodies[seq - 1]![1], scenario: 'hotel', trusted_at: seq * 1000, at: seq * 1000 }));
  };

  withStorage('police: each stored guest_in and guest_out gets one pending report, a resend none, a malformed one none', async (s) => {
    await s.createTerminal('t-1', 'desk', 'h', 1);
    const c = guestEvents();
    await s.ingest('t-1', c.slice(0, 4), 10);
    await s.ingest('t-1', c, 11);
    await s.ingest('t-1', c, 12);
    const rows = await s.policeOfTerminal('t-1', 0, 100);
    assert.deepEqual(rows.map((r) => [r.seq, r.kind, r.guest_id, r.state]), [[6, 'check_out', 1, 'pending'], [4, 'check_in', 2, 'pending'], [2, 'check_in', 1, 'pending']]);
    const foreign = rows.find((r) => r.seq === 4)!;
    assert.equal(foreign.detail_seq, 5, 'the details event is tied to the guest');
    assert.equal(foreign.needs_details, false);
    assert.equal(foreign.deadline_at, 24 * 3_600_000);
    assert.equal(rows.find((r) => r.seq === 6)!.deadline_at, 6000 + 24 * 3_600_000, 'a check-out gets the default deadline');
    assert.deepEqual(await s.policeHistory('t-1', 2), [{ at: 10, state: 'pending', reason: null }]);
  });

  withStorage('police: a report waits for its foreign details, then is due; one of several workers claims it', async (s) => {
    await s.createTerminal('t-1', 'desk', 'h', 1);
    const c = guestEvents();
    await s.ingest('t-1', c.slice(0, 4), 10);
    assert.deepEqual((await s.policeDue(100_000, 10)).map((r) => r.seq), [2], 'the foreign guest waits for details');
    await s.ingest('t-1', c.slice(4, 5), 11);
    const due = await s.policeDue(100_000, 10);
    assert.deepEqual(due.map((r) => r.seq), [2, 4]);
    const claims = await Promise.all([0, 1, 2, 3].map(() => s.policeClaim('t-1', 2, due[0]!.next_attempt_at, 70_000, 20)));
    assert.equal(claims.filter(Boolean).length, 1, 'exactly one claim wins');
    assert.deepEqual((await s.policeDue(60_000, 10)).map((r) => r.seq), [4], 'a claimed report is leased');
    assert.deepEqual((await s.policeDue(70_000, 10)).map((r) => [r.seq, r.state, r.attempts]), [[4, 'pending', 0], [2, 'sent', 1]], 'and due again when its lease passes (a crash mid-send)');
  });

  withStorage('police: outcomes settle a sent report only, keep history, and drive the alert list', async (s) => {
    await s.createTerminal('t-1', 'desk', 'h', 1);
    await s.ingest('t-1', guestEvents(), 10);
    assert.equal(await s.policeSettle('t-1', 2, { state: 'accepted', reason: null, next_attempt_at: 0 }, 20), false, 'a pending report cannot be settled unsent');
    assert.ok(await s.policeClaim('t-1', 2, 2000, 80_000, 20));
    assert.ok(await s.policeSettle('t-1', 2, { state: 'pending', reason: 'gateway_unavailable', next_attempt_at: 50_000 }, 21));
    assert.ok(await s.policeClaim('t-1', 2, 50_000, 110_000, 50_000));
    assert.ok(await s.policeSettle('t-1', 2, { state: 'rejected', reason: 'doc_no_malformed', next_attempt_at: 0 }, 50_001));
    assert.deepEqual(await s.policeHistory('t-1', 2), [
      { at: 10, state: 'pending', reason: null },
      { at: 20, state: 'sent', reason: null },
      { at: 21, state: 'pending', reason: 'gateway_unavailable' },
      { at: 50_000, state: 'sent', reason: null },
      { at: 50_001, state: 'rejected', reason: 'doc_no_malformed' },
    ]);
    assert.deepEqual((await s.policeAlerts(3_000_000, 10)).map((r) => [r.seq, r.state]), [[2, 'rejected']], 'alerts: past alert_at and not accepted');
    assert.deepEqual((await s.policeAlerts(23 * 3_600_000, 10)).map((r) => r.seq), [2, 4, 6], 'the check-out too, 22 h after it');
    assert.ok(await s.policeClaim('t-1', 4, 4000, 80_000, 30));
    assert.ok(await s.policeSettle('t-1', 4, { state: 'accepted', reason: null, next_attempt_at: 0 }, 31));
    assert.deepEqual((await s.policeAlerts(23 * 3_600_000, 10)).map((r) => r.seq), [2, 6], 'an accepted report leaves the alerts');
  });

  withStorage('police: a correction is a new report that replaces the rejected one in the alerts and keeps its details', async (s) => {
    await s.createTerminal('t-1', 'desk', 'h', 1);
    const c = guestEvents();
    await s.ingest('t-1', c.slice(0, 5), 10);
    assert.ok(await s.policeClaim('t-1', 4, 4000, 80_000, 20));
    assert.ok(await s.policeSettle('t-1', 4, { state: 'rejected', reason: 'doc_no_malformed', next_attempt_at: 0 }, 21));
    const fix = chain(1, 6, c[4]!.hash, () => ({ type: 'guest_fix', scenario: 'hotel', trusted_at: 9000, at: 9000, body: { stay_id: 1, guest_id: 2, of_seq: 3, corrects: 4, deadline_at: 24 * 3_600_000, alert_at: 22 * 3_600_000 } }));
    await s.ingest('t-1', fix, 30);
    const rows = await s.policeOfTerminal('t-1', 0, 10);
    const [newest, , old] = [rows[0]!, rows[1]!, rows.find((r) => r.seq === 4)!];
    assert.deepEqual([newest.seq, newest.kind, newest.corrects, newest.detail_seq, newest.fix_seq, newest.state], [6, 'check_in', 4, 5, 6, 'pending']);
    assert.deepEqual([old.state, old.reason, old.superseded_by], ['rejected', 'doc_no_malformed', 6], 'the rejection stays in the history');
    assert.deepEqual((await s.policeAlerts(23 * 3_600_000, 10)).map((r) => r.seq), [2, 6]);
    await s.ingest('t-1', chain(1, 7, fix[0]!.hash, () => ({ type: 'guest_out', scenario: 'hotel', trusted_at: 9500, at: 9500, body: { stay_id: 1, guest_id: 2, of_seq: 3 } })), 31);
    const out = (await s.policeOfTerminal('t-1', 0, 1))[0]!;
    assert.deepEqual([out.kind, out.fix_seq, out.detail_seq], ['check_out', 6, 5], 'a check-out reports the corrected record');
  });
}
