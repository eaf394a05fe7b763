// The PostgreSQL schema as numbered migrations, and the monthly partitions of `events`.
//
// Migrations run at every start, under an advisory lock so that several nodes starting at once
// apply each one exactly once; `schema_migrations` records what is applied. A migration is never
// edited once released: a change is a new entry at the end.
//
// `events` is partitioned by RANGE of `trusted_at` (the terminal's trusted time of the event, unix
// ms), one partition per UTC month, so retention drops whole months (DROP TABLE, no vacuum debt).
// PostgreSQL requires the partition key inside a partitioned table's primary key, so the key is
// (terminal_id, seq, trusted_at). `trusted_at` is covered by the event's hash, so a resent event
// carries the same value, lands in the same partition and conflicts on the key (ON CONFLICT DO
// NOTHING); a different event claiming a stored sequence is refused before any insert by the chain
// check, which runs under the terminal row's lock. Rows outside every monthly partition (a
// terminal's backlog from before the first partition, a clock far ahead) go to events_default and
// move into their month's partition when it is created.
import type pg from 'pg';
import { POLICE_DDL } from './police.ts';

export const MIGRATIONS: readonly string[] = [
  // 1: the tables.
  `
  CREATE TABLE terminals (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    enrollment_code_hash TEXT UNIQUE,
    public_key TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'revoked')),
    created_at BIGINT NOT NULL,
    head_seq BIGINT NOT NULL DEFAULT 0,
    head_hash TEXT NOT NULL,
    head_at BIGINT,
    last_heartbeat_at BIGINT,
    heartbeat JSONB
  );
  CREATE TABLE events (
    terminal_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    type TEXT NOT NULL,
    at BIGINT NOT NULL,
    trusted_at BIGINT NOT NULL,
    scenario TEXT NOT NULL,
    droppable BOOLEAN NOT NULL,
    body TEXT NOT NULL,
    sealed TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    tombstone TEXT,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (terminal_id, seq, trusted_at)
  ) PARTITION BY RANGE (trusted_at);
  CREATE TABLE events_default PARTITION OF events DEFAULT;
  CREATE TABLE nonces (
    terminal_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (terminal_id, nonce)
  );
  CREATE INDEX nonces_expiry ON nonces (expires_at);
  CREATE TABLE trust_lists (
    sequence BIGINT PRIMARY KEY,
    jws TEXT NOT NULL,
    published_at BIGINT NOT NULL
  );
  `,
  // 2: rate-limit counters shared by the nodes.
  `
  CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    count BIGINT NOT NULL
  );
  CREATE INDEX rate_limits_window ON rate_limits (window_start);
  `,
  // 3: what the fleet page reads: events per terminal, venue and hour, and chain resets.
  `
  CREATE TABLE event_hours (
    terminal_id TEXT NOT NULL,
    venue TEXT NOT NULL,
    hour BIGINT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (terminal_id, hour, venue)
  );
  CREATE INDEX event_hours_hour ON event_hours (hour);
  CREATE TABLE terminal_resets (
    terminal_id TEXT PRIMARY KEY,
    replaces TEXT,
    reason TEXT,
    at BIGINT NOT NULL
  );
  `,
  // 4: hall queue numbers, one counter per hall, category and local day (docs/hall.md).
  `
  CREATE TABLE hall_counters (
    hall TEXT NOT NULL,
    category TEXT NOT NULL,
    day TEXT NOT NULL,
    next BIGINT NOT NULL,
    last_terminal TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (hall, category, day)
  );
  `,
  // 5: venue data feeds (docs/feeds.md): each venue's salt, the published versions, terminal bindings.
  `
  CREATE TABLE venues (
    name TEXT PRIMARY KEY,
    salt TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE feeds (
    venue TEXT NOT NULL,
    kind TEXT NOT NULL,
    version BIGINT NOT NULL,
    row_count BIGINT NOT NULL,
    rows_json TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    PRIMARY KEY (venue, kind, version)
  );
  CREATE TABLE terminal_venues (
    terminal_id TEXT PRIMARY KEY,
    venue TEXT NOT NULL
  );
  `,
  // 6: the hall's calling side (docs/hall.md): the tickets machines uploaded, the windows' steps.
  `
  CREATE TABLE hall_tickets (
    hall TEXT NOT NULL,
    day TEXT NOT NULL,
    number TEXT NOT NULL,
    category TEXT NOT NULL,
    service TEXT NOT NULL,
    priority TEXT,
    taken_at BIGINT NOT NULL,
    service_minutes DOUBLE PRECISION,
    terminal_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (hall, day, number)
  );
  CREATE TABLE hall_steps (
    hall TEXT NOT NULL,
    day TEXT NOT NULL,
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    step TEXT NOT NULL,
    PRIMARY KEY (hall, day, seq)
  );
  `,
  // 7: signed config pushes, one version per terminal and push (docs/config-push.md).
  `
  CREATE TABLE terminal_configs (
    terminal_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    jws TEXT NOT NULL,
    operator TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    PRIMARY KEY (terminal_id, version)
  );
  `,
  // 8: what each feed import changed from the version before (docs/feeds.md#deltas).
  `
  CREATE TABLE feed_changes (
    venue TEXT NOT NULL,
    kind TEXT NOT NULL,
    version BIGINT NOT NULL,
    change_json TEXT NOT NULL,
    PRIMARY KEY (venue, kind, version)
  );
  `,
  // 9: each terminal's count and share of its venue's booked slots (docs/feeds.md#capacity-shares).
  `
  CREATE TABLE slot_shares (
    venue TEXT NOT NULL,
    day TEXT NOT NULL,
    slot TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    admitted BIGINT NOT NULL,
    share BIGINT NOT NULL,
    capacity BIGINT NOT NULL,
    slack BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (venue, day, slot, terminal_id)
  );
  `,
  // 10: the police outbox and its history (docs/police.md).
  POLICE_DDL,
  // 11: an appointment ticket's placement in the calling order (docs/hospital.md), JSON.
  'ALTER TABLE hall_tickets ADD COLUMN placement TEXT',
  // 12: config pushes to every terminal of a venue, and which terminal documents carry them (docs/config-push.md).
  `
  CREATE TABLE venue_configs (
    venue TEXT NOT NULL,
    version BIGINT NOT NULL,
    config TEXT NOT NULL,
    operator TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    PRIMARY KEY (venue, version)
  );
  CREATE TABLE venue_config_targets (
    terminal_id TEXT NOT NULL,
    terminal_version BIGINT NOT NULL,
    venue TEXT NOT NULL,
    venue_version BIGINT NOT NULL,
    PRIMARY KEY (terminal_id, terminal_version)
  );
  CREATE INDEX venue_config_targets_venue ON venue_config_targets (venue, venue_version);
  `,
  // 13: the hall-wide rules (docs/hall.md): a ticket's person token of the day, its rules, a staff override, the venue's priority labels.
  'ALTER TABLE hall_tickets ADD COLUMN person TEXT, ADD COLUMN rules TEXT, ADD COLUMN override TEXT, ADD COLUMN labels TEXT',
  // 14: a past day's person tokens are swept (docs/hall.md): when each ticket was, the tickets not swept yet (an index of about one day),
  // and the content hash an event had as uploaded once its body lost a token (nullable, no default: no rewrite of the partitions).
  `
  ALTER TABLE hall_tickets ADD COLUMN swept_at BIGINT;
  CREATE INDEX hall_tickets_unswept ON hall_tickets (day) WHERE swept_at IS NULL;
  ALTER TABLE events ADD COLUMN redacted TEXT;
  `,
];

/** Advisory lock keys (arbitrary, fixed): one for migrations, one for partition changes, one for publishing trust lists, one for publishing feeds, one for capacity shares. */
export const LOCK_MIGRATE = 0x7973_0001;
export const LOCK_PARTITIONS = 0x7973_0002;
export const LOCK_PUBLISH = 0x7973_0003;
export const LOCK_FEEDS = 0x7973_0004;
/** With the venue's hash as the second key: one venue's capacity shares are granted one report at a time. */
export const LOCK_SHARES = 0x7973_0005;
/** With the venue's hash as the second key: one venue's config pushes get their versions one at a time. */
export const LOCK_VENUE_CONFIG = 0x7973_0006;

export async function migrate(client: pg.ClientBase): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_MIGRATE]);
    // Checked, not CREATE ... IF NOT EXISTS: that needs the CREATE right even when the table is
    // there, and nodes may run as a role that only reads and writes rows once an owner migrated.
    const known = await client.query<{ ok: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS ok");
    if (!known.rows[0]!.ok) await client.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    let applied = 0;
    for (const [i, sql] of MIGRATIONS.entries()) {
      if (done.has(i + 1)) continue;
      await client.query(sql);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [i + 1]);
      applied++;
    }
    await client.query('COMMIT');
    return applied;
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  }
}

/** First instant (unix ms, UTC) of the month containing `ms`, shifted by `offset` months. */
export function monthStart(ms: number, offset = 0): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1);
}

export function partitionName(start: number): string {
  const d = new Date(start);
  return `events_y${d.getUTCFullYear()}m${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * Makes sure the months from `monthsBack` before `now` to `monthsAhead` after it have their own
 * partition. A new partition takes over the rows of its month that were in events_default, in the
 * same transaction as its ATTACH. Returns the names created.
 */
export async function ensurePartitions(client: pg.ClientBase, now: number, monthsBack = 1, monthsAhead = 3): Promise<string[]> {
  const created: string[] = [];
  for (let m = -monthsBack; m <= monthsAhead; m++) {
    const from = monthStart(now, m);
    const to = monthStart(now, m + 1);
    const name = partitionName(from);
    const exists = await client.query('SELECT 1 FROM pg_class WHERE relname = $1 AND relkind = $2', [name, 'r']);
    if (exists.rowCount) continue;
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_PARTITIONS]);
      const again = await client.query('SELECT 1 FROM pg_class WHERE relname = $1', [name]);
      if (!again.rowCount) {
        await client.query(`CREATE TABLE ${name} (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
        await client.query(`WITH moved AS (DELETE FROM events_default WHERE trusted_at >= $1 AND trusted_at < $2 RETURNING *) INSERT INTO ${name} SELECT * FROM moved`, [from, to]);
        await client.query(`ALTER TABLE events ATTACH PARTITION ${name} FOR VALUES FROM (${from}) TO (${to})`);
        created.push(name);
      }
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK');
      throw e;
    }
  }
  return created;
}

/** Retention: drops every monthly partition that ends at or before `before` (unix ms). */
export async function dropPartitionsBefore(client: pg.ClientBase, before: number): Promise<string[]> {
  const rows = (
    await client.query<{ name: string; bound: string }>(
      `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = 'events' AND c.relname <> 'events_default'`,
    )
  ).rows;
  const dropped: string[] = [];
  for (const r of rows) {
    const to = Number(/TO \('?(-?\d+)'?\)/.exec(r.bound)?.[1]);
    if (Number.isFinite(to) && to <= before) {
      await client.query(`DROP TABLE ${r.name}`);
      dropped.push(r.name);
    }
  }
  return dropped.sort();
}
