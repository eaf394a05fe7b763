// The central store for several service nodes: PostgreSQL through `pg`'s pool. Everything a node
// must agree on with the others lives here (terminals, chains, request nonces, trust lists), so
// the nodes themselves hold nothing but caches of public keys.
//
// Ingest serializes one terminal's uploads with SELECT ... FOR UPDATE on its row, checks the
// chain in JS against the head it read, and writes the new events in one statement: a multi-row
// INSERT ... ON CONFLICT DO NOTHING from arrays (unnest) for ordinary batches, COPY for large
// ones, where it pays (measured in bench/pg-ingest.bench.ts). The event hashes are checked before
// a connection is taken, so the row lock is held only for the database work.
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { contentHashOfJson, eventHash, GENESIS_HASH, grantShare, type Heartbeat, type SlotReport, type SlotShare, type WireEvent } from '../../../terminal/src/protocol/index.ts';
import { ServiceError } from '../errors.ts';
import { ensurePartitions, LOCK_FEEDS, LOCK_PUBLISH, LOCK_SHARES, LOCK_VENUE_CONFIG, migrate } from './pg-schema.ts';
import { activityOf, ticketRow, ticketValues, TICKET_COLS, type HallTicket, type ResetRecord, type VenueHour } from './activity.ts';
import { redactedBody, UNSWEPT_COLS, type SweepCount, type UnsweptTicket } from './hall-token-redaction.ts';
import { insertParams, POLICE_SQL, policeStepsOf, toPoliceReport, type PoliceHistoryEntry, type PoliceReport, type PoliceState } from './police.ts';
import { rowJson } from './row-json.ts';
import { ALLOCATE_SQL, liveCount, RATE_HIT_SQL, RATE_READ_SQL, RATE_WINDOW_MAX_MS } from './rate-sql.ts';
import {
  FEED_KEEP_CHANGES,
  FEED_KEEP_VERSIONS,
  SHARE_KEEP_MS,
  type ConfigHead,
  type FeedChangeIn,
  type FeedHead,
  type HallStepRecord,
  type IngestResult,
  type NumberBlock,
  type Storage,
  type StoredEvent,
  type TerminalRecord,
  type VenueConfigHead,
  type VenueConfigTarget,
} from './types.ts';

export interface PgStorageOptions {
  /** libpq-style connection string, e.g. postgresql://yss@db-1:5432/yss. */
  url: string;
  /** Connections this node keeps open. */
  poolSize?: number;
  /** New rows in one upload from which COPY is used instead of a multi-row INSERT. */
  copyFrom?: number;
  /** The clock for partition upkeep. */
  now?: () => number;
}

export const PG_DEFAULTS = {
  poolSize: 10,
  copyFrom: 1000, // rows
} as const;

// BIGINT columns hold unix ms and sequences, all below 2^53: read them as numbers.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

const TERMINAL_COLS = 'id, name, public_key, status, created_at, head_seq, head_hash, head_at, last_heartbeat_at, heartbeat';
const EVENT_COLS = 'terminal_id, seq, type, at, trusted_at, scenario, droppable, body, sealed, prev_hash, hash, tombstone, received_at';
/** The fleet page's hourly counts of new events: `t` the terminal, `v`, `h`, `n` the venue, hour and count arrays. */
const addHours = (t: string, v: string, h: string, n: string) => `INSERT INTO event_hours (terminal_id, venue, hour, count)
       SELECT ${t}::text, s.venue, s.hour, s.count FROM unnest(${v}::text[], ${h}::bigint[], ${n}::bigint[]) AS s(venue, hour, count)
       ON CONFLICT (terminal_id, hour, venue) DO UPDATE SET count = event_hours.count + EXCLUDED.count`;
const ADD_HOURS = addHours('$1', '$2', '$3', '$4');

/**
 * New events, their hourly counts and the moved head in one statement (one round trip): $1 the
 * terminal and $2 the receive time once, $3..$13 the event columns as arrays, $14/$15 the new
 * head, $16..$18 the hours.
 */
const INSERT_EVENTS_AND_HEAD = `WITH ins AS (
    INSERT INTO events (${EVENT_COLS})
    SELECT $1::text, s.seq, s.type, s.at, s.trusted_at, s.scenario, s.droppable, s.body, s.sealed, s.prev_hash, s.hash, s.tombstone, $2::bigint
      FROM unnest($3::bigint[], $4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::boolean[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
        AS s(seq, type, at, trusted_at, scenario, droppable, body, sealed, prev_hash, hash, tombstone)
    ON CONFLICT DO NOTHING),
  hours AS (${addHours('$1', '$16', '$17', '$18')})
  UPDATE terminals SET head_seq = $14, head_hash = $15, head_at = $2 WHERE id = $1`;

interface Row {
  e: WireEvent;
  body: string;
  sealed: string | null;
}

/** COPY text format: backslash, tab, newline and carriage return escaped; NULL is \N. */
function copyField(v: string | number | boolean | null): string {
  if (v === null) return '\\N';
  if (typeof v !== 'string') return String(v);
  return v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

export class PgStorage implements Storage {
  private readonly pool: pg.Pool;
  private readonly copyFrom: number;
  private readonly now: () => number;
  private lastNoncePrune = 0;
  private lastRatePrune = 0;
  /** Partitions exist through this instant; upkeep runs again before it. */
  private partitionsUntil = 0;
  private upkeep: Promise<unknown> | null = null;

  private constructor(o: PgStorageOptions) {
    this.pool = new pg.Pool({ connectionString: o.url, max: o.poolSize ?? PG_DEFAULTS.poolSize, types, application_name: 'yss-sync-service' });
    // An idle connection that dies (database restart) must not take the process down.
    this.pool.on('error', () => undefined);
    this.copyFrom = o.copyFrom ?? PG_DEFAULTS.copyFrom;
    this.now = o.now ?? Date.now;
  }

  /** Connects, applies pending migrations and makes the current months' partitions. */
  static async open(o: PgStorageOptions): Promise<PgStorage> {
    const s = new PgStorage(o);
    try {
      const c = await s.pool.connect();
      try {
        await migrate(c);
      } finally {
        c.release();
      }
      // Like at ingest, failed upkeep is not fatal (a role without DDL rights): retried later.
      await s.maintainPartitions().catch(() => (s.partitionsUntil = s.now() + 60_000));
      return s;
    } catch (e) {
      await s.pool.end();
      throw e;
    }
  }

  /** Creates the partitions of last month through three months ahead; cheap when they exist. */
  async maintainPartitions(): Promise<string[]> {
    const now = this.now();
    const c = await this.pool.connect();
    try {
      const created = await ensurePartitions(c, now);
      // Run again two months from the last one's start, well before it is needed.
      const d = new Date(now);
      this.partitionsUntil = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 2, 1);
      return created;
    } finally {
      c.release();
    }
  }

  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const r = await fn(c);
      await c.query('COMMIT');
      return r;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  async createTerminal(id: string, name: string, codeHash: string, now: number): Promise<void> {
    await this.pool.query("INSERT INTO terminals (id, name, enrollment_code_hash, status, created_at, head_hash) VALUES ($1, $2, $3, 'pending', $4, $5)", [id, name, codeHash, now, GENESIS_HASH]);
  }

  async enroll(codeHash: string, publicKey: string): Promise<TerminalRecord | null> {
    return this.tx(async (c) => {
      const t = (await c.query<{ id: string; status: string; public_key: string | null }>('SELECT id, status, public_key FROM terminals WHERE enrollment_code_hash = $1 FOR UPDATE', [codeHash])).rows[0];
      if (!t) return null;
      if (t.status === 'pending') await c.query("UPDATE terminals SET public_key = $1, status = 'active' WHERE id = $2", [publicKey, t.id]);
      else if (t.status !== 'active' || t.public_key !== publicKey) return null;
      return (await c.query<TerminalRecord>(`SELECT ${TERMINAL_COLS} FROM terminals WHERE id = $1`, [t.id])).rows[0] ?? null;
    });
  }

  async getTerminal(id: string): Promise<TerminalRecord | null> {
    return (await this.pool.query<TerminalRecord>(`SELECT ${TERMINAL_COLS} FROM terminals WHERE id = $1`, [id])).rows[0] ?? null;
  }

  async listTerminals(): Promise<TerminalRecord[]> {
    return (await this.pool.query<TerminalRecord>(`SELECT ${TERMINAL_COLS} FROM terminals ORDER BY created_at, id`)).rows;
  }

  async revokeTerminal(id: string): Promise<boolean> {
    return (await this.pool.query("UPDATE terminals SET status = 'revoked', enrollment_code_hash = NULL WHERE id = $1", [id])).rowCount === 1;
  }

  /** Expired nonces can never be replayed (the request time check refuses them first). */
  private pruneNonces(now: number): void {
    if (now - this.lastNoncePrune > 60_000) {
      this.lastNoncePrune = now;
      this.pool.query('DELETE FROM nonces WHERE expires_at < $1', [now]).catch(() => (this.lastNoncePrune = 0));
    }
  }

  async useNonce(terminalId: string, nonce: string, expiresAt: number, now: number): Promise<boolean> {
    this.pruneNonces(now);
    return (await this.pool.query('INSERT INTO nonces (terminal_id, nonce, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [terminalId, nonce, expiresAt])).rowCount === 1;
  }

  async ingest(terminalId: string, events: WireEvent[], now: number, nonce?: { nonce: string; expiresAt: number }): Promise<IngestResult> {
    this.pruneNonces(now);
    if (this.now() >= this.partitionsUntil) {
      // Upkeep that fails (no DDL right, a lock not had) must not stop ingest: rows outside every
      // partition wait in events_default, and upkeep is tried again a minute later.
      this.upkeep ??= this.maintainPartitions()
        .catch(() => (this.partitionsUntil = this.now() + 60_000))
        .finally(() => (this.upkeep = null));
      await this.upkeep;
    }
    // Content checks need no database: do them before taking the terminal's lock.
    const rows: Row[] = events.map((e) => {
      if (e.tombstone !== undefined && !e.droppable) throw new ServiceError('YSS_SYNC_CHAIN_BROKEN', e.seq, 'tombstone of an event that was not droppable');
      const { body, sealed } = rowJson(e);
      if (eventHash(e, e.tombstone ?? contentHashOfJson(body, sealed)) !== e.hash) throw new ServiceError('YSS_SYNC_CHAIN_BROKEN', e.seq, 'hash does not match its content');
      return { e, body, sealed };
    });
    return this.tx(async (c) => {
      // The nonce and the terminal's lock in one round trip. The nonce is inserted first (a CTE
      // runs even when unreferenced rows follow), so a replay is refused before any event is read.
      const t = (
        await c.query<{ head_seq: number; head_hash: string; nonce_ok: boolean }>(
          nonce
            ? `WITH n AS (INSERT INTO nonces (terminal_id, nonce, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1)
               SELECT head_seq, head_hash, EXISTS (SELECT 1 FROM n) AS nonce_ok FROM terminals WHERE id = $1 FOR UPDATE`
            : 'SELECT head_seq, head_hash, true AS nonce_ok FROM terminals WHERE id = $1 FOR UPDATE',
          nonce ? [terminalId, nonce.nonce, nonce.expiresAt] : [terminalId],
        )
      ).rows[0];
      if (!t) throw new ServiceError('YSS_SYNC_TERMINAL_UNKNOWN', terminalId);
      if (!t.nonce_ok) throw new ServiceError('YSS_SYNC_REPLAYED_NONCE', nonce!.nonce);
      let head = t.head_seq;
      let headHash = t.head_hash;
      const fresh: Row[] = [];
      const old = rows.filter((r) => r.e.seq <= head);
      let gap: IngestResult['gap'] = null;
      // Stored hashes of the resent events, in one query.
      const stored = new Map<number, string>();
      if (old.length) {
        const r = await c.query<{ seq: number; hash: string }>('SELECT seq, hash FROM events WHERE terminal_id = $1 AND seq = ANY($2::bigint[])', [terminalId, old.map((o) => o.e.seq)]);
        for (const x of r.rows) stored.set(x.seq, x.hash);
      }
      let duplicates = 0;
      for (const r of rows) {
        const e = r.e;
        if (e.seq <= head) {
          const h = stored.get(e.seq);
          if (h !== undefined && h !== e.hash) throw new ServiceError('YSS_SYNC_CHAIN_BROKEN', e.seq, 'differs from the event already stored with this sequence');
          duplicates++;
          continue;
        }
        if (e.seq !== head + 1) {
          gap = { expected: head + 1, got: e.seq };
          break;
        }
        if (e.prev_hash !== headHash) throw new ServiceError('YSS_SYNC_CHAIN_BROKEN', e.seq, 'prev_hash does not match the previous event');
        fresh.push(r);
        head = e.seq;
        headHash = e.hash;
      }
      const activity = activityOf(terminalId, fresh.map((r) => r.e));
      const hours = [activity.hours.map((h) => h.venue), activity.hours.map((h) => h.hour), activity.hours.map((h) => h.count)];
      if (fresh.length >= this.copyFrom) {
        await this.copyEvents(c, terminalId, fresh, now);
        await c.query('UPDATE terminals SET head_seq = $1, head_hash = $2, head_at = $3 WHERE id = $4', [head, headHash, now, terminalId]);
        await c.query(ADD_HOURS, [terminalId, ...hours]);
      } else if (fresh.length) {
        await this.insertEvents(c, terminalId, fresh, now, head, headHash, hours);
      }
      if (fresh.length) await this.addActivity(c, activity);
      if (fresh.length) await this.addPoliceSteps(c, terminalId, fresh.map((r) => r.e), now);
      return { acked_through: head, gap, inserted: fresh.length, duplicates };
    });
  }

  /** The fleet page's rollup, in the ingest's transaction (the terminal's row lock is held: no other writer of its rows). */
  private async addActivity(c: pg.PoolClient, { resets, tickets }: ReturnType<typeof activityOf>): Promise<void> {
    for (const r of resets) {
      await c.query('INSERT INTO terminal_resets (terminal_id, replaces, reason, at) VALUES ($1, $2, $3, $4) ON CONFLICT (terminal_id) DO NOTHING', [r.terminal_id, r.replaces, r.reason, r.at]);
    }
    // A number is one ticket per hall and day: a second claim of it (a machine's bug) keeps the first.
    for (const k of tickets) {
      await c.query(
        `INSERT INTO hall_tickets (${TICKET_COLS}) VALUES (${TICKET_COLS.split(',').map((_, i) => `$${i + 1}`).join(', ')}) ON CONFLICT DO NOTHING`,
        ticketValues(k),
      );
    }
  }

  async hallTickets(hall: string, day: string): Promise<HallTicket[]> {
    return (await this.pool.query<Parameters<typeof ticketRow>[0]>(`SELECT ${TICKET_COLS} FROM hall_tickets WHERE hall = $1 AND day = $2 ORDER BY taken_at, number`, [hall, day])).rows.map(ticketRow);
  }

  async hallSteps(hall: string, day: string): Promise<HallStepRecord[]> {
    const rows = (await this.pool.query<{ seq: number; at: number; step: string }>('SELECT seq, at, step FROM hall_steps WHERE hall = $1 AND day = $2 ORDER BY seq', [hall, day])).rows;
    return rows.map((r) => ({ seq: r.seq, at: r.at, step: JSON.parse(r.step) as Record<string, unknown> }));
  }

  async appendHallStep(hall: string, day: string, seq: number, step: Record<string, unknown>, at: number): Promise<boolean> {
    const r = await this.pool.query('INSERT INTO hall_steps (hall, day, seq, at, step) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', [hall, day, seq, at, JSON.stringify(step)]);
    return r.rowCount === 1;
  }

  async sweepHallTokens(beforeDay: string, limit: number, now: number): Promise<SweepCount> {
    return this.tx((c) => pgSweepHallTokens(c, beforeDay, limit, now));
  }

  /** The police outbox's rows of newly stored events, in the ingest's transaction (the terminal's row is locked). */
  private async addPoliceSteps(c: pg.PoolClient, terminalId: string, fresh: WireEvent[], now: number): Promise<void> {
    for (const step of policeStepsOf(terminalId, fresh)) {
      if (step.op === 'detail') {
        await c.query(POLICE_SQL.detail, [terminalId, step.stay_id, step.guest_id, step.seq]);
        continue;
      }
      const r = step.row;
      if ((await c.query(POLICE_SQL.insert, insertParams(r, now))).rowCount !== 1) continue;
      await c.query(POLICE_SQL.history, [terminalId, r.seq, now, 'pending', null]);
      if (r.corrects !== null) await c.query(POLICE_SQL.supersede, [terminalId, r.seq, r.corrects, r.stay_id, r.guest_id]);
    }
  }

  async policeDue(now: number, limit: number): Promise<PoliceReport[]> {
    return (await this.pool.query(POLICE_SQL.due, [now, limit])).rows.map(toPoliceReport);
  }

  async policeClaim(terminalId: string, seq: number, seen: number, leaseUntil: number, now: number): Promise<boolean> {
    return this.tx(async (c) => {
      if ((await c.query(POLICE_SQL.claim, [terminalId, seq, seen, leaseUntil, now])).rowCount !== 1) return false;
      await c.query(POLICE_SQL.history, [terminalId, seq, now, 'sent', null]);
      return true;
    });
  }

  async policeSettle(terminalId: string, seq: number, to: { state: Exclude<PoliceState, 'sent'>; reason: string | null; next_attempt_at: number }, now: number): Promise<boolean> {
    return this.tx(async (c) => {
      if ((await c.query(POLICE_SQL.settle, [terminalId, seq, to.state, to.reason, to.next_attempt_at, now])).rowCount !== 1) return false;
      await c.query(POLICE_SQL.history, [terminalId, seq, now, to.state, to.reason]);
      return true;
    });
  }

  async policeOfTerminal(terminalId: string, since: number, limit: number): Promise<PoliceReport[]> {
    return (await this.pool.query(POLICE_SQL.ofTerminal, [terminalId, since, limit])).rows.map(toPoliceReport);
  }

  async policeAlerts(now: number, limit: number): Promise<PoliceReport[]> {
    return (await this.pool.query(POLICE_SQL.alerts, [now, limit])).rows.map(toPoliceReport);
  }

  async policeHistory(terminalId: string, seq: number): Promise<PoliceHistoryEntry[]> {
    return (await this.pool.query<PoliceHistoryEntry>(POLICE_SQL.historyOf, [terminalId, seq])).rows;
  }

  async activity(since: number): Promise<VenueHour[]> {
    return (await this.pool.query<VenueHour>('SELECT venue, hour, sum(count)::bigint AS count FROM event_hours WHERE hour >= $1 GROUP BY venue, hour ORDER BY hour, venue', [since])).rows;
  }

  async resets(): Promise<ResetRecord[]> {
    return (await this.pool.query<ResetRecord>('SELECT terminal_id, replaces, reason, at FROM terminal_resets ORDER BY at DESC, terminal_id')).rows;
  }

  private async insertEvents(c: pg.PoolClient, terminalId: string, rows: Row[], now: number, head: number, headHash: string, hours: unknown[][]): Promise<void> {
    const cols: unknown[][] = Array.from({ length: 11 }, () => new Array(rows.length));
    rows.forEach(({ e, body, sealed }, i) => {
      const v = [e.seq, e.type, e.at, e.trusted_at, e.scenario, e.droppable, body, sealed, e.prev_hash, e.hash, e.tombstone ?? null];
      for (let k = 0; k < 11; k++) cols[k]![i] = v[k];
    });
    await c.query(INSERT_EVENTS_AND_HEAD, [terminalId, now, ...cols, head, headHash, ...hours]);
  }

  /** COPY cannot skip conflicts: it is used only for rows above the head read under the lock, which cannot exist yet. */
  private async copyEvents(c: pg.PoolClient, terminalId: string, rows: Row[], now: number): Promise<void> {
    const id = copyField(terminalId);
    const lines = rows.map(
      ({ e, body, sealed }) =>
        `${id}\t${e.seq}\t${copyField(e.type)}\t${e.at}\t${e.trusted_at}\t${copyField(e.scenario)}\t${e.droppable}\t${copyField(body)}\t${copyField(sealed)}\t${copyField(e.prev_hash)}\t${copyField(e.hash)}\t${copyField(e.tombstone ?? null)}\t${now}\n`,
    );
    await pipeline(Readable.from([lines.join('')]), c.query(copyStreams.from(`COPY events (${EVENT_COLS}) FROM STDIN`)));
  }

  async heartbeat(terminalId: string, data: Heartbeat, now: number): Promise<void> {
    await this.pool.query('UPDATE terminals SET last_heartbeat_at = $1, heartbeat = $2 WHERE id = $3', [now, JSON.stringify(data), terminalId]);
  }

  async events(terminalId: string, afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const r = await this.pool.query<Omit<StoredEvent, 'body' | 'sealed' | 'tombstone' | 'redacted'> & { body: string; sealed: string | null; tombstone: string | null; redacted: string | null }>(
      `SELECT ${EVENT_COLS}, redacted FROM events WHERE terminal_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [terminalId, afterSeq, limit],
    );
    return r.rows.map((row) => {
      const { tombstone, redacted, ...rest } = row;
      const e: StoredEvent = { ...rest, body: JSON.parse(row.body) as Record<string, unknown>, sealed: row.sealed ? JSON.parse(row.sealed) : null };
      if (tombstone) e.tombstone = tombstone;
      if (redacted) e.redacted = redacted;
      return e;
    });
  }

  async countEvents(terminalId?: string): Promise<number> {
    const r = terminalId
      ? await this.pool.query<{ n: number }>('SELECT count(*) AS n FROM events WHERE terminal_id = $1', [terminalId])
      : await this.pool.query<{ n: number }>('SELECT count(*) AS n FROM events');
    return r.rows[0]!.n;
  }

  async publishTrustList(jws: string, sequence: number, now: number): Promise<void> {
    // Nodes publishing at once are serialized, and the newer-than check holds across them.
    await this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [LOCK_PUBLISH]);
      const current = (await c.query<{ sequence: number }>('SELECT max(sequence) AS sequence FROM trust_lists')).rows[0]?.sequence;
      if (current != null && sequence <= current) throw new ServiceError('YSS_SYNC_TRUST_LIST_ROLLBACK', sequence, current);
      await c.query('INSERT INTO trust_lists (sequence, jws, published_at) VALUES ($1, $2, $3)', [sequence, jws, now]);
    });
  }

  async trustList(): Promise<{ jws: string; sequence: number; published_at: number } | null> {
    return (await this.pool.query<{ jws: string; sequence: number; published_at: number }>('SELECT jws, sequence, published_at FROM trust_lists ORDER BY sequence DESC LIMIT 1')).rows[0] ?? null;
  }

  async venueSalt(venue: string, fresh: string, now: number): Promise<string> {
    await this.pool.query('INSERT INTO venues (name, salt, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [venue, fresh, now]);
    return (await this.pool.query<{ salt: string }>('SELECT salt FROM venues WHERE name = $1', [venue])).rows[0]!.salt;
  }

  async publishFeed(venue: string, kind: string, rowsJson: string, rows: number, now: number, change?: FeedChangeIn | null): Promise<number> {
    // Nodes importing at once are serialized: each import gets its own next version.
    return this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [LOCK_FEEDS]);
      const last = (await c.query<{ v: number | null }>('SELECT max(version) AS v FROM feeds WHERE venue = $1 AND kind = $2', [venue, kind])).rows[0]?.v ?? 0;
      const version = last + 1;
      await c.query('INSERT INTO feeds (venue, kind, version, row_count, rows_json, published_at) VALUES ($1, $2, $3, $4, $5, $6)', [venue, kind, version, rows, rowsJson, now]);
      await c.query('DELETE FROM feeds WHERE venue = $1 AND kind = $2 AND version <= $3', [venue, kind, version - FEED_KEEP_VERSIONS]);
      if (change && change.base === version - 1) await c.query('INSERT INTO feed_changes (venue, kind, version, change_json) VALUES ($1, $2, $3, $4)', [venue, kind, version, change.json]);
      await c.query('DELETE FROM feed_changes WHERE venue = $1 AND kind = $2 AND version <= $3', [venue, kind, version - FEED_KEEP_CHANGES]);
      return version;
    });
  }

  async feedHead(venue: string, kind: string): Promise<FeedHead | null> {
    const r = await this.pool.query<FeedHead>('SELECT venue, kind, version, row_count AS rows, published_at FROM feeds WHERE venue = $1 AND kind = $2 ORDER BY version DESC LIMIT 1', [venue, kind]);
    return r.rows[0] ?? null;
  }

  async feedRows(venue: string, kind: string, version: number): Promise<string | null> {
    const r = await this.pool.query<{ rows_json: string }>('SELECT rows_json FROM feeds WHERE venue = $1 AND kind = $2 AND version = $3', [venue, kind, version]);
    return r.rows[0]?.rows_json ?? null;
  }

  async feedChanges(venue: string, kind: string, from: number, to: number): Promise<string[] | null> {
    const r = await this.pool.query<{ change_json: string }>('SELECT change_json FROM feed_changes WHERE venue = $1 AND kind = $2 AND version > $3 AND version <= $4 ORDER BY version', [venue, kind, from, to]);
    return r.rows.length === to - from ? r.rows.map((c) => c.change_json) : null;
  }

  async shareSlots(venue: string, terminalId: string, reports: readonly SlotReport[], now: number): Promise<SlotShare[]> {
    // One venue's grants are made one report at a time, whichever node takes them.
    return this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_SHARES, venue]);
      const terminals = (await c.query<{ terminal_id: string }>('SELECT terminal_id FROM terminal_venues WHERE venue = $1 ORDER BY terminal_id', [venue])).rows.map((r) => r.terminal_id);
      const out: SlotShare[] = [];
      for (const r of reports) {
        await c.query(
          `INSERT INTO slot_shares (venue, day, slot, terminal_id, admitted, share, capacity, slack, updated_at) VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8)
           ON CONFLICT (venue, day, slot, terminal_id) DO UPDATE SET admitted = excluded.admitted, capacity = excluded.capacity, slack = excluded.slack, updated_at = excluded.updated_at`,
          [venue, r.day, r.slot, terminalId, r.admitted, r.capacity, r.slack, now],
        );
        const rows = (
          await c.query<{ terminal_id: string; admitted: number; share: number; capacity: number; slack: number }>(
            'SELECT terminal_id, admitted, share, capacity, slack FROM slot_shares WHERE venue = $1 AND day = $2 AND slot = $3',
            [venue, r.day, r.slot],
          )
        ).rows;
        const g = grantShare({ me: terminalId, keep: r.keep, rows, capacity: Math.min(...rows.map((x) => x.capacity)), slack: Math.min(...rows.map((x) => x.slack)), terminals });
        await c.query('UPDATE slot_shares SET share = $1 WHERE venue = $2 AND day = $3 AND slot = $4 AND terminal_id = $5', [g.share, venue, r.day, r.slot, terminalId]);
        out.push({ day: r.day, slot: r.slot, ...g });
      }
      await c.query('DELETE FROM slot_shares WHERE venue = $1 AND updated_at < $2', [venue, now - SHARE_KEEP_MS]);
      return out;
    });
  }

  async venueFeeds(venue: string): Promise<FeedHead[]> {
    const r = await this.pool.query<FeedHead>(
      'SELECT f.venue, f.kind, f.version, f.row_count AS rows, f.published_at FROM feeds f WHERE f.venue = $1 AND f.version = (SELECT max(version) FROM feeds g WHERE g.venue = f.venue AND g.kind = f.kind) ORDER BY f.kind',
      [venue],
    );
    return r.rows;
  }

  async feedHeads(): Promise<FeedHead[]> {
    const r = await this.pool.query<FeedHead>(
      'SELECT DISTINCT ON (venue, kind) venue, kind, version, row_count AS rows, published_at FROM feeds ORDER BY venue, kind, version DESC',
    );
    return r.rows;
  }

  async publishConfig(terminalId: string, operator: string, now: number, sign: (version: number, previous: string | null) => string): Promise<number> {
    // The terminal's row lock serializes pushes to one terminal from any node; the primary key
    // would refuse a second version of the same number in any case.
    return this.tx(async (c) => {
      await c.query('SELECT id FROM terminals WHERE id = $1 FOR UPDATE', [terminalId]);
      const head = (await c.query<{ version: number; jws: string }>('SELECT version, jws FROM terminal_configs WHERE terminal_id = $1 ORDER BY version DESC LIMIT 1', [terminalId])).rows[0];
      const version = (head?.version ?? 0) + 1;
      await c.query('INSERT INTO terminal_configs (terminal_id, version, jws, operator, published_at) VALUES ($1, $2, $3, $4, $5)', [terminalId, version, sign(version, head?.jws ?? null), operator, now]);
      return version;
    });
  }

  async publishVenueConfig(
    venue: string,
    operator: string,
    now: number,
    merge: (previous: string | null) => string,
    sign: (terminalId: string, version: number, previous: string | null) => string,
  ): Promise<{ version: number; terminals: VenueConfigTarget[] }> {
    // The venue's lock orders its pushes; the terminals' row locks (taken in id order, as one
    // terminal's push takes its one) order each terminal's versions against its own pushes.
    return this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_VENUE_CONFIG, venue]);
      const head = (await c.query<{ version: string; config: string }>('SELECT version, config FROM venue_configs WHERE venue = $1 ORDER BY version DESC LIMIT 1', [venue])).rows[0];
      const version = Number(head?.version ?? 0) + 1;
      await c.query('INSERT INTO venue_configs (venue, version, config, operator, published_at) VALUES ($1, $2, $3, $4, $5)', [venue, version, merge(head?.config ?? null), operator, now]);
      const ids = (
        await c.query<{ id: string }>("SELECT t.id FROM terminal_venues v JOIN terminals t ON t.id = v.terminal_id WHERE v.venue = $1 AND t.status <> 'revoked' ORDER BY t.id FOR UPDATE OF t", [venue])
      ).rows.map((r) => r.id);
      const terminals: VenueConfigTarget[] = [];
      for (const id of ids) {
        const doc = (await c.query<{ version: string; jws: string }>('SELECT version, jws FROM terminal_configs WHERE terminal_id = $1 ORDER BY version DESC LIMIT 1', [id])).rows[0];
        const v = Number(doc?.version ?? 0) + 1;
        await c.query('INSERT INTO terminal_configs (terminal_id, version, jws, operator, published_at) VALUES ($1, $2, $3, $4, $5)', [id, v, sign(id, v, doc?.jws ?? null), operator, now]);
        await c.query('INSERT INTO venue_config_targets (terminal_id, terminal_version, venue, venue_version) VALUES ($1, $2, $3, $4)', [id, v, venue, version]);
        terminals.push({ terminal_id: id, terminal_version: v });
      }
      return { version, terminals };
    });
  }

  async catchUpVenueConfig(terminalId: string, now: number, sign: (version: number, previous: string | null, venueConfig: string) => string): Promise<{ venue: string; venue_version: number; version: number } | null> {
    return this.tx(async (c) => {
      const t = (await c.query<{ status: string }>('SELECT status FROM terminals WHERE id = $1 FOR UPDATE', [terminalId])).rows[0];
      if (!t || t.status === 'revoked') return null;
      const venue = (await c.query<{ venue: string }>('SELECT venue FROM terminal_venues WHERE terminal_id = $1', [terminalId])).rows[0]?.venue;
      if (!venue) return null;
      const head = (await c.query<{ version: string; config: string; operator: string }>('SELECT version, config, operator FROM venue_configs WHERE venue = $1 ORDER BY version DESC LIMIT 1', [venue])).rows[0];
      if (!head) return null;
      const venueVersion = Number(head.version);
      const newest = (await c.query<{ venue: string; venue_version: string }>('SELECT venue, venue_version FROM venue_config_targets WHERE terminal_id = $1 ORDER BY terminal_version DESC LIMIT 1', [terminalId])).rows[0];
      if (newest && newest.venue === venue && Number(newest.venue_version) >= venueVersion) return null;
      const doc = (await c.query<{ version: string; jws: string }>('SELECT version, jws FROM terminal_configs WHERE terminal_id = $1 ORDER BY version DESC LIMIT 1', [terminalId])).rows[0];
      const version = Number(doc?.version ?? 0) + 1;
      await c.query('INSERT INTO terminal_configs (terminal_id, version, jws, operator, published_at) VALUES ($1, $2, $3, $4, $5)', [terminalId, version, sign(version, doc?.jws ?? null, head.config), head.operator, now]);
      await c.query('INSERT INTO venue_config_targets (terminal_id, terminal_version, venue, venue_version) VALUES ($1, $2, $3, $4)', [terminalId, version, venue, venueVersion]);
      return { venue, venue_version: venueVersion, version };
    });
  }

  async venueConfig(venue: string): Promise<VenueConfigHead | null> {
    const r = await this.pool.query<VenueConfigHead>('SELECT venue, version, operator, published_at, config FROM venue_configs WHERE venue = $1 ORDER BY version DESC LIMIT 1', [venue]);
    return r.rows[0] ?? null;
  }

  async venueConfigHeads(): Promise<(VenueConfigHead & { targets: VenueConfigTarget[] })[]> {
    const heads = (await this.pool.query<VenueConfigHead>('SELECT DISTINCT ON (venue) venue, version, operator, published_at, config FROM venue_configs ORDER BY venue, version DESC')).rows;
    const targets = (
      await this.pool.query<VenueConfigTarget & { venue: string }>(
        'SELECT g.venue, g.terminal_id, g.terminal_version FROM venue_config_targets g JOIN (SELECT venue, max(version) AS version FROM venue_configs GROUP BY venue) h ON h.venue = g.venue AND h.version = g.venue_version ORDER BY g.terminal_id',
      )
    ).rows;
    return heads.map((h) => ({ ...h, targets: targets.filter((t) => t.venue === h.venue).map((t) => ({ terminal_id: t.terminal_id, terminal_version: t.terminal_version })) }));
  }

  async configDoc(terminalId: string): Promise<(ConfigHead & { jws: string }) | null> {
    const r = await this.pool.query<ConfigHead & { jws: string }>(
      'SELECT terminal_id, version, operator, published_at, jws FROM terminal_configs WHERE terminal_id = $1 ORDER BY version DESC LIMIT 1',
      [terminalId],
    );
    return r.rows[0] ?? null;
  }

  async configHeads(): Promise<ConfigHead[]> {
    const r = await this.pool.query<ConfigHead>(
      'SELECT DISTINCT ON (terminal_id) terminal_id, version, operator, published_at FROM terminal_configs ORDER BY terminal_id, version DESC',
    );
    return r.rows;
  }

  async setTerminalVenue(terminalId: string, venue: string): Promise<void> {
    await this.pool.query('INSERT INTO terminal_venues (terminal_id, venue) VALUES ($1, $2) ON CONFLICT (terminal_id) DO UPDATE SET venue = excluded.venue', [terminalId, venue]);
  }

  async terminalVenue(terminalId: string): Promise<string | null> {
    return (await this.pool.query<{ venue: string }>('SELECT venue FROM terminal_venues WHERE terminal_id = $1', [terminalId])).rows[0]?.venue ?? null;
  }

  async rateHit(key: string, windowMs: number, now: number): Promise<{ count: number; resetAt: number }> {
    if (now - this.lastRatePrune > 60_000) {
      this.lastRatePrune = now;
      this.pool.query('DELETE FROM rate_limits WHERE window_start < $1', [now - RATE_WINDOW_MAX_MS]).catch(() => (this.lastRatePrune = 0));
    }
    const r = (await this.pool.query<{ count: number; window_start: number }>(RATE_HIT_SQL, [key, now, windowMs])).rows[0]!;
    return { count: r.count, resetAt: r.window_start + windowMs };
  }

  async rateRead(key: string, windowMs: number, now: number): Promise<{ count: number; resetAt: number }> {
    return liveCount((await this.pool.query<{ count: number; window_start: number }>(RATE_READ_SQL, [key])).rows[0], windowMs, now);
  }

  async allocateNumbers(hall: string, category: string, day: string, count: number, terminalId: string, now: number): Promise<NumberBlock> {
    // The upsert locks the counter's row: concurrent blocks from any node queue behind it.
    const next = Number((await this.pool.query<{ next: number }>(ALLOCATE_SQL, [hall, category, day, count, terminalId, now])).rows[0]!.next);
    return { first: next - count, last: next - 1 };
  }

  async close(): Promise<void> {
    await this.upkeep?.catch(() => undefined);
    await this.pool.end();
  }
}

/** Storage.sweepHallTokens on a connection inside a transaction: the service's sweep, and the retention job's before it detaches a month. */
export async function pgSweepHallTokens(c: pg.ClientBase, beforeDay: string, limit: number, now: number): Promise<SweepCount> {
  // SKIP LOCKED: a node sweeping at the same time takes other tickets instead of waiting for these.
  const tickets = (
    await c.query<UnsweptTicket>(`SELECT ${UNSWEPT_COLS} FROM hall_tickets WHERE swept_at IS NULL AND day < $1 ORDER BY day, hall, number LIMIT $2 FOR UPDATE SKIP LOCKED`, [beforeDay, limit])
  ).rows;
  const count = { tickets: 0, events: 0 };
  for (const t of tickets) {
    // trusted_at (the ticket's taken_at) names the event's partition: one index probe, no scan of every month.
    const key = [t.terminal_id, t.seq, t.taken_at];
    const row = (await c.query<{ body: string; sealed: string | null; redacted: string | null }>('SELECT body, sealed, redacted FROM events WHERE terminal_id = $1 AND seq = $2 AND trusted_at = $3', key)).rows[0];
    const r = row ? redactedBody(row) : null;
    if (r) {
      await c.query('UPDATE events SET body = $4, redacted = $5 WHERE terminal_id = $1 AND seq = $2 AND trusted_at = $3', [...key, r.body, r.redacted]);
      count.events++;
    }
    await c.query('UPDATE hall_tickets SET person = NULL, swept_at = $4 WHERE hall = $1 AND day = $2 AND number = $3', [t.hall, t.day, t.number, now]);
    count.tickets++;
  }
  return count;
}
