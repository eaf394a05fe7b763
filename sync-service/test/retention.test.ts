// The monthly retention job as the operator runs it: `sync-service retention` against a throwaway
// PostgreSQL cluster this file starts and stops. Months are placed relative to the real clock
// (never a fixed date) and far enough from the cut that a month turning during the test moves
// nothing across it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { REPO } from '../../scripts/lib/stack.ts';
import { eventHash, GENESIS_HASH, type WireEvent } from '../../terminal/src/protocol/index.ts';
import { PgStorage } from '../src/storage/pg.ts';
import { ensurePartitions, monthStart, partitionName } from '../src/storage/pg-schema.ts';
import { venueDay } from '../src/venue-time.ts';
import { PG_BIN, startPgCluster, type PgCluster } from './pg-cluster.ts';
import { entryArgs } from '../../scripts/lib/entry.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

let cluster: PgCluster;
let dir: string;
before(async () => {
  cluster = await startPgCluster({ settings: { fsync: 'off', synchronous_commit: 'off' } });
  dir = tempDir('yss-retention-');
});
after(async () => {
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A hall ticket's person token of its day (docs/hall.md): swept before any month is dumped. */
const TOKEN = 'Tk1_-abcdefghijklmnopq';

/** Events at `times`; the second is a hall ticket taken under one_active, with the person's token. */
function chainAt(times: number[]): WireEvent[] {
  let prev = GENESIS_HASH;
  return times.map((t, i) => {
    const ticket = { accepted: true, effects: [{ kind: 'ticket', number: 'A001', service: '社保业务', id: `hall/${venueDay(t)}/A001`, person: TOKEN, rules: ['one_active'] }] };
    const e = { seq: i + 1, type: i === 1 ? 'ticket' : 'registration', at: t, trusted_at: t, scenario: 'hotel-checkin', droppable: false, body: i === 1 ? ticket : { i }, sealed: null, prev_hash: prev };
    prev = eventHash(e);
    return { ...e, hash: prev };
  });
}

function cli(args: string[]): Promise<{ code: number | null; lines: Record<string, unknown>[]; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [...entryArgs('sync-service/src/cli.ts'), 'retention', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    p.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    p.once('exit', (code) => resolve({ code, stderr, lines: out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) }));
  });
}

function serviceConfig(name: string, storage: unknown): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ data_dir: join(dir, `${name}-data`), operators: [{ name: 'ops', token_sha256: 'a'.repeat(64), roles: ['fleet'] }], storage }), { mode: 0o600 });
  return file;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

/** A database with events six and five months back (their partitions made), last month and this one. */
async function seeded(): Promise<{ url: string; old: [number, number]; times: number[]; storage: PgStorage }> {
  const url = await cluster.createDatabase();
  const now = Date.now();
  const storage = await PgStorage.open({ url });
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await ensurePartitions(c, monthStart(now, -6), 0, 1);
  await c.end();
  const old: [number, number] = [monthStart(now, -6), monthStart(now, -5)];
  await storage.createTerminal('t-1', 'hotel', 'h', now);
  const times = [old[0] + 86_400_000, old[0] + 2 * 86_400_000, old[1] + 86_400_000, monthStart(now, -1) + 86_400_000, now - 1000];
  assert.equal((await storage.ingest('t-1', chainAt(times), now)).inserted, 5);
  return { url, old, times, storage };
}

test('refuses to run without saying how many months stay and where the dropped ones go, and on SQLite', async () => {
  const pgConfig = serviceConfig('pg', { kind: 'postgresql', url: cluster.url() });
  let r = await cli(['--config', pgConfig, '--keep-months', '3']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--dump <dir>\), or --no-dump/);
  r = await cli(['--config', pgConfig, '--keep-months', '0', '--no-dump']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--keep-months is "0", expected a whole number of months, 1 or more/);
  r = await cli(['--config', serviceConfig('lite', { kind: 'sqlite' }), '--keep-months', '3', '--no-dump']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /stores events in SQLite; retention drops the monthly partitions of PostgreSQL/);
});

test('a dry run lists the months that would go and drops nothing', async () => {
  const { url, old, storage } = await seeded();
  try {
    const r = await cli(['--config', serviceConfig('dry', { kind: 'postgresql', url }), '--keep-months', '3', '--no-dump', '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.lines.slice(0, -1).map((l) => [l.partition, l.rows, l.dropped]), [[partitionName(old[0]), 2, false], [partitionName(old[1]), 1, false]]);
    assert.equal((await storage.events('t-1', 0, 10)).length, 5, 'nothing dropped');
    assert.equal(r.lines.at(-1)!.hall_tickets_swept, 1, "the past day's token it would sweep");
    assert.equal((await storage.hallTickets('hall', venueDay(old[0] + 2 * 86_400_000)))[0]!.person, TOKEN, 'nothing swept');
  } finally {
    await storage.close();
  }
});

test('drops the months before those kept after dumping each, and the dump restores the rows', async () => {
  const { url, old, storage } = await seeded();
  const dumps = join(dir, 'dumps');
  try {
    const r = await cli(['--config', serviceConfig('run', { kind: 'postgresql', url }), '--keep-months', '3', '--dump', dumps, '--pg-dump', join(PG_BIN, 'pg_dump')]);
    assert.equal(r.code, 0, r.stderr);
    const months = r.lines.slice(0, -1);
    assert.deepEqual(months.map((l) => [l.partition, l.rows, l.dropped]), [[partitionName(old[0]), 2, true], [partitionName(old[1]), 1, true]]);
    assert.deepEqual(r.lines.at(-1), { before: new Date(monthStart(Date.now(), -3)).toISOString(), months: 2, dropped: 2, default_rows_before: 0, hall_tickets_swept: 1 });
    assert.deepEqual((await storage.events('t-1', 0, 10)).map((e) => e.seq), [4, 5], 'last month and this one stay');
    // The dump is real: restored into another database, it holds the month's rows.
    const file = join(dumps, `${partitionName(old[0])}.dump`);
    assert.ok(existsSync(file));
    const target = await cluster.createDatabase('restored');
    const restore = spawn(join(PG_BIN, 'pg_restore'), ['--dbname', target, file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    restore.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    assert.equal(await new Promise((res) => restore.once('exit', res)), 0, err);
    const rows = await query<{ seq: string; body: string; redacted: string | null }>(target, `SELECT seq, body, redacted FROM ${partitionName(old[0])} ORDER BY seq`);
    assert.deepEqual(rows.map((x) => Number(x.seq)), [1, 2]);
    // The ticket's token was swept before the month was detached: the cold copy holds none.
    assert.ok(!rows[1]!.body.includes(TOKEN) && rows[1]!.redacted !== null, rows[1]!.body);
  } finally {
    await storage.close();
  }
});

test('a run killed after detaching a month is finished by the next, and a late event of that month stays online', async () => {
  const { url, old, times, storage } = await seeded();
  try {
    // As if the job died between DETACH and DROP.
    await query(url, `ALTER TABLE events DETACH PARTITION ${partitionName(old[1])}`);
    // The terminal's offline backlog brings one more event of that month: it lands in events_default.
    const late = chainAt([...times, old[1] + 2 * 86_400_000]);
    assert.equal((await storage.ingest('t-1', late, Date.now())).inserted, 1);
    const r = await cli(['--config', serviceConfig('resume', { kind: 'postgresql', url }), '--keep-months', '3', '--dump', join(dir, 'dumps2'), '--pg-dump', join(PG_BIN, 'pg_dump')]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.lines.slice(0, -1).map((l) => [l.partition, l.rows, l.dropped]), [[partitionName(old[0]), 2, true], [partitionName(old[1]), 1, true]]);
    assert.equal(r.lines.at(-1)!.default_rows_before, 1, 'the late event is counted, not dropped');
    assert.deepEqual((await storage.events('t-1', 0, 10)).map((e) => e.seq), [4, 5, 6]);
    assert.deepEqual(await query(url, "SELECT relname FROM pg_class WHERE relname LIKE 'events\\_y%' AND relname IN ($1, $2)", [partitionName(old[0]), partitionName(old[1])]), []);
  } finally {
    await storage.close();
  }
});
