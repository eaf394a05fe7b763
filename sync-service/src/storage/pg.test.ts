// The storage contract on a real PostgreSQL (a throwaway cluster this file starts and stops),
// twice: with multi-row INSERTs and with every write through COPY. Then what only PostgreSQL has:
// migrations applied once by nodes starting together, monthly partitions, retention.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { eventHash, GENESIS_HASH, type WireEvent } from '../../../terminal/src/protocol/index.ts';
import { startPgCluster, type PgCluster } from '../../test/pg-cluster.ts';
import { PgStorage } from './pg.ts';
import { dropPartitionsBefore, MIGRATIONS, monthStart, partitionName } from './pg-schema.ts';
import { storageContract } from './storage-contract.ts';

let cluster: PgCluster;
before(async () => {
  // The contract is about behaviour, not durability (the proofs keep fsync on): skip the flushes.
  cluster = await startPgCluster({ settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } });
});
after(async () => {
  await cluster?.stop();
});

const openWith = (o: { copyFrom?: number }) => async () => {
  const storage = await PgStorage.open({ url: await cluster.createDatabase(), ...o });
  return { storage, cleanup: () => storage.close() };
};
storageContract('postgresql', openWith({}));
storageContract('postgresql (COPY)', openWith({ copyFrom: 1 }));

function chainAt(times: number[]): WireEvent[] {
  let prev = GENESIS_HASH;
  return times.map((t, i) => {
    const e = { seq: i + 1, type: 'registration', at: t, trusted_at: t, scenario: 'hotel-checkin', droppable: false, body: { i }, sealed: null, prev_hash: prev };
    prev = eventHash(e);
    return { ...e, hash: prev };
  });
}

async function partitionsOf(url: string): Promise<Map<string, number>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ part: string; n: string }>('SELECT tableoid::regclass::text AS part, count(*) AS n FROM events GROUP BY 1');
    return new Map(r.rows.map((x) => [x.part, Number(x.n)]));
  } finally {
    await c.end();
  }
}

test('nodes starting together apply each migration once and agree on the schema', async () => {
  const url = await cluster.createDatabase();
  const nodes = await Promise.all([0, 1, 2].map(() => PgStorage.open({ url })));
  try {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const versions = (await c.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
    await c.end();
    assert.deepEqual(versions, MIGRATIONS.map((_, i) => i + 1), 'every migration once');
    await nodes[0]!.createTerminal('t-1', 'desk', 'h', 1);
    assert.equal((await nodes[2]!.getTerminal('t-1'))!.name, 'desk', 'one database behind every node');
  } finally {
    await Promise.all(nodes.map((n) => n.close()));
  }
});

test('events land in the partition of their trusted month; old backlog waits in the default one and moves when its month is made', async () => {
  const url = await cluster.createDatabase();
  // The service clock is pinned in a month derived from the real clock, never a fixed date.
  let clock = monthStart(Date.now(), 0) + 10 * 86_400_000;
  const s = await PgStorage.open({ url, now: () => clock });
  try {
    const thisMonth = monthStart(clock);
    const lastMonth = monthStart(clock, -1);
    const longAgo = monthStart(clock, -6) + 3_600_000;
    await s.createTerminal('t-1', 'desk', 'h', 1);
    const c = chainAt([longAgo, longAgo + 1, lastMonth + 5, thisMonth + 5, thisMonth + 6]);
    assert.equal((await s.ingest('t-1', c, clock)).inserted, 5);
    let parts = await partitionsOf(url);
    assert.equal(parts.get('events_default'), 2, 'six months back has no partition yet');
    assert.equal(parts.get(partitionName(lastMonth)), 1);
    assert.equal(parts.get(partitionName(thisMonth)), 2);
    // Resending across partitions is still one copy of each.
    assert.deepEqual(await s.ingest('t-1', c, clock), { acked_through: 5, gap: null, inserted: 0, duplicates: 5 });
    // Seven months later, upkeep makes that month's partitions and back-fills the ones it covers.
    clock = monthStart(longAgo, 1) + 1000;
    await s.maintainPartitions();
    parts = await partitionsOf(url);
    assert.equal(parts.get(partitionName(monthStart(longAgo))), 2, 'the backlog moved out of events_default');
    assert.equal(parts.get('events_default'), undefined);
    assert.deepEqual((await s.events('t-1', 0, 10)).map((e) => e.seq), [1, 2, 3, 4, 5], 'read back in order across partitions');
    // Retention: everything before last month goes, as whole tables.
    const c2 = new pg.Client({ connectionString: url });
    await c2.connect();
    try {
      const dropped = await dropPartitionsBefore(c2, lastMonth);
      assert.ok(dropped.includes(partitionName(monthStart(longAgo))), `dropped ${dropped.join(', ')}`);
      assert.ok(!dropped.includes(partitionName(lastMonth)));
    } finally {
      await c2.end();
    }
    assert.deepEqual((await s.events('t-1', 0, 10)).map((e) => e.seq), [3, 4, 5]);
  } finally {
    await s.close();
  }
});

test('ingest goes on when partition upkeep fails, and upkeep catches up later', async () => {
  const url = await cluster.createDatabase();
  let clock = monthStart(Date.now(), 0) + 86_400_000;
  (await PgStorage.open({ url, now: () => clock })).close();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  // A role that may write rows but not create tables: the upkeep's DDL fails for it.
  const role = `yss_rw_${process.pid}`;
  await c.query(`CREATE ROLE ${role} LOGIN`);
  await c.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
  await c.end();
  const s = await PgStorage.open({ url: url.replace('postgres@', `${role}@`), now: () => clock });
  try {
    await s.createTerminal('t-1', 'desk', 'h', 1);
    clock = monthStart(clock, 4) + 1000; // past the partitions made at open
    const [e] = chainAt([clock]);
    assert.equal((await s.ingest('t-1', [e!], clock)).inserted, 1, 'stored despite the failed upkeep');
    assert.equal((await partitionsOf(url)).get('events_default'), 1);
  } finally {
    await s.close();
  }
  const owner = await PgStorage.open({ url, now: () => clock });
  await owner.close();
  assert.equal((await partitionsOf(url)).get(partitionName(monthStart(clock))), 1, 'the row moved to its month once upkeep could run');
});

test('a connection string that reaches no database fails at open with the reason', async () => {
  await assert.rejects(PgStorage.open({ url: `postgresql://postgres@127.0.0.1:${cluster.port}/no_such_db` }), /database "no_such_db" does not exist/);
});
