// The durable outbox. An event is appended inside the caller's IMMEDIATE transaction, gets the
// next sequence number and the hash of its predecessor, and stays until the service acknowledges
// it and the retention period has passed.
import { eventHash, GENESIS_HASH, type Sealed, type WireEvent } from '../protocol/index.ts';
import type { Db } from './db.ts';

export interface NewEvent {
  type: string;
  at: number;
  trusted_at: number;
  scenario: string;
  body: Record<string, unknown>;
  sealed: Sealed | null;
  /** Telemetry and other events the configuration allows to drop when the disk quota is reached. */
  droppable?: boolean;
}

interface Row {
  seq: number;
  type: string;
  at: number;
  trusted_at: number;
  scenario: string;
  body: string;
  sealed: string | null;
  prev_hash: string;
  hash: string;
}

export class Queue {
  private lastSeq: number;
  private lastHash: string;
  private readonly insert;
  private readonly selectFrom;
  private readonly ackStmt;
  private readonly backlogStmt;
  private readonly oldestStmt;
  private readonly pruneStmt;

  constructor(private readonly db: Db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS events (
        seq INTEGER PRIMARY KEY,
        type TEXT NOT NULL,
        at INTEGER NOT NULL,
        trusted_at INTEGER NOT NULL,
        scenario TEXT NOT NULL,
        body TEXT NOT NULL,
        sealed TEXT,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        droppable INTEGER NOT NULL DEFAULT 0,
        size INTEGER NOT NULL,
        acked_at INTEGER
      );
      CREATE INDEX IF NOT EXISTS events_unacked ON events (seq) WHERE acked_at IS NULL;
      CREATE TABLE IF NOT EXISTS queue_state (key TEXT PRIMARY KEY, value NOT NULL);
    `);
    const last = db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
    // Pruned rows leave no trace in `events`, so the head is also kept in queue_state.
    const head = db.prepare("SELECT value FROM queue_state WHERE key = 'head_seq'").get() as { value: number } | undefined;
    this.lastSeq = last?.seq ?? head?.value ?? 0;
    this.lastHash = last?.hash ?? (db.prepare("SELECT value FROM queue_state WHERE key = 'head_hash'").pluck().get() as string | undefined) ?? GENESIS_HASH;
    this.insert = db.prepare(
      `INSERT INTO events (seq, type, at, trusted_at, scenario, body, sealed, prev_hash, hash, droppable, size)
       VALUES (@seq, @type, @at, @trusted_at, @scenario, @body, @sealed, @prev_hash, @hash, @droppable, @size)`,
    );
    this.selectFrom = db.prepare(
      'SELECT seq, type, at, trusted_at, scenario, body, sealed, prev_hash, hash FROM events WHERE seq > ? ORDER BY seq LIMIT ?',
    );
    this.ackStmt = db.prepare('UPDATE events SET acked_at = ? WHERE seq <= ? AND acked_at IS NULL');
    this.backlogStmt = db.prepare('SELECT count(*) AS n, min(at) AS oldest FROM events WHERE acked_at IS NULL');
    this.oldestStmt = db.prepare('SELECT min(seq) FROM events WHERE acked_at IS NULL').pluck();
    this.pruneStmt = db.prepare('DELETE FROM events WHERE acked_at IS NOT NULL AND acked_at < ?');
  }

  /** Appends one event; call inside a transaction so it commits with its side effects. */
  append(e: NewEvent): WireEvent {
    const seq = this.lastSeq + 1;
    const base = { seq, type: e.type, at: e.at, trusted_at: e.trusted_at, scenario: e.scenario, body: e.body, sealed: e.sealed, prev_hash: this.lastHash };
    const hash = eventHash(base);
    const body = JSON.stringify(e.body);
    const sealed = e.sealed ? JSON.stringify(e.sealed) : null;
    this.insert.run({
      ...base,
      body,
      sealed,
      hash,
      droppable: e.droppable ? 1 : 0,
      size: body.length + (sealed?.length ?? 0) + 200,
    });
    // Committed state only moves forward once the row is in; a rolled-back transaction is
    // undone by reload().
    this.lastSeq = seq;
    this.lastHash = hash;
    return { ...base, hash };
  }

  /** Re-reads the head after a rolled-back transaction. */
  reload(): void {
    const last = this.db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
    if (last) {
      this.lastSeq = last.seq;
      this.lastHash = last.hash;
    }
  }

  get lastSequence(): number {
    return this.lastSeq;
  }

  /** Events after `afterSeq`, oldest first, at most `limit`. */
  after(afterSeq: number, limit: number): WireEvent[] {
    return (this.selectFrom.all(afterSeq, limit) as Row[]).map((r) => ({
      seq: r.seq,
      type: r.type,
      at: r.at,
      trusted_at: r.trusted_at,
      scenario: r.scenario,
      body: JSON.parse(r.body),
      sealed: r.sealed ? JSON.parse(r.sealed) : null,
      prev_hash: r.prev_hash,
      hash: r.hash,
    }));
  }

  /** Marks 1..seq acknowledged by the service. */
  ack(seq: number, now = Date.now()): void {
    this.ackStmt.run(now, seq);
  }

  /** Sequence acknowledged so far (everything below the oldest unacknowledged event). */
  get ackedThrough(): number {
    const oldest = this.oldestStmt.get() as number | null;
    return oldest == null ? this.lastSeq : oldest - 1;
  }

  backlog(now = Date.now()): { backlog: number; oldest_unsent_age_s: number | null; last_seq: number } {
    const r = this.backlogStmt.get() as { n: number; oldest: number | null };
    return { backlog: r.n, oldest_unsent_age_s: r.oldest == null ? null : Math.max(0, Math.round((now - r.oldest) / 1000)), last_seq: this.lastSeq };
  }

  /** Deletes acknowledged events older than the retention period; keeps the chain head. */
  prune(retentionMs: number, now = Date.now()): number {
    return this.db.transaction(() => {
      this.db.prepare("INSERT INTO queue_state (key, value) VALUES ('head_seq', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(this.lastSeq);
      this.db.prepare("INSERT INTO queue_state (key, value) VALUES ('head_hash', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(this.lastHash);
      return this.pruneStmt.run(now - retentionMs).changes;
    })();
  }
}
