// The durable outbox. Events are appended only inside commit(fn), one IMMEDIATE transaction that
// also holds the caller's other writes (replay record, ticket number); each gets the next sequence
// number and the hash of its predecessor, and stays until the service acknowledges
// it and the retention period has passed. The service acknowledges a prefix (1..seq), so what it
// holds is one mark, not a flag per row: an ack writes two rows whatever it covers, and a scan's
// commit keeps no index of the unacknowledged. Under the disk quota, droppable events lose their
// content but keep their place and hash (a tombstone), so the sequence stays gap-free.
import { contentHash, eventHash, GENESIS_HASH, type Sealed, type WireEvent } from '../protocol/index.ts';
import type { Db } from '../db/index.ts';

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

export interface QueueOptions {
  /** Soft limit on the bytes the queue's rows take; droppable events go first when it is reached. */
  maxBytes?: number;
  /** Event types that are droppable whatever the caller says (telemetry, device status). */
  droppableTypes?: readonly string[];
  /** Wall clock, unix milliseconds, for ack times, ages and retention; default Date.now. */
  wallMs?: () => number;
}

/** The queue as /api/health and heartbeats report it. */
export interface QueueStats {
  /** Events committed but not yet acknowledged by the sync service. */
  backlog: number;
  /** Age in seconds of the oldest unacknowledged event, or null. */
  oldest_unsent_age_s: number | null;
  /** Highest committed sequence number. */
  last_seq: number;
  /** Bytes the queue's rows take (content plus a fixed per-row overhead), acknowledged ones included. */
  bytes: number;
  max_bytes: number;
  /** Events whose content was dropped under the quota since the database was created. */
  dropped_total: number;
  /** True when the quota is exceeded and nothing droppable is left: only staff can help. */
  over_quota: boolean;
}

/** What commit(fn) hands its function: the only way to append. */
export interface QueueTx {
  append(e: NewEvent): WireEvent;
}

/** One event ready to upload, already serialized once from the stored columns. */
export interface OutgoingEvent {
  seq: number;
  json: string;
}

interface Row {
  seq: number;
  type: string;
  at: number;
  trusted_at: number;
  scenario: string;
  droppable: number;
  body: string;
  sealed: string | null;
  prev_hash: string;
  hash: string;
  tombstone: string | null;
}

/** Bytes a row costs beyond its content: header columns, index entry, page slack. */
const ROW_OVERHEAD = 200;
const DEFAULT_DROPPABLE = ['device', 'telemetry'];

export class Queue {
  private lastSeq = 0;
  private lastHash = GENESIS_HASH;
  private bytes = 0;
  private droppedTotal = 0;
  /** Events 1..ackedSeq are acknowledged by the service (queue_state `acked_seq`). */
  private ackedSeq = 0;
  readonly maxBytes: number;
  private readonly droppableTypes: Set<string>;
  private readonly wallMs: () => number;
  private readonly stmts;
  private readonly tx;
  private readonly appender: QueueTx = { append: (e) => this.append(e) };

  constructor(
    private readonly db: Db,
    opts: QueueOptions = {},
  ) {
    this.maxBytes = opts.maxBytes ?? Number.MAX_SAFE_INTEGER;
    this.droppableTypes = new Set(opts.droppableTypes ?? DEFAULT_DROPPABLE);
    this.wallMs = opts.wallMs ?? Date.now;
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
        -- Unused since the ack mark (acks, queue_state acked_seq); older databases are read once into it.
        acked_at INTEGER,
        tombstone TEXT
      );
      CREATE INDEX IF NOT EXISTS events_droppable ON events (seq) WHERE droppable = 1 AND tombstone IS NULL;
      CREATE TABLE IF NOT EXISTS queue_state (key TEXT PRIMARY KEY, value NOT NULL);
      -- One row per ack write: up to which sequence the service held the events, and since when (retention counts from it).
      CREATE TABLE IF NOT EXISTS acks (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL);
    `);
    this.adoptRowAcks();
    const cols = ['seq', 'type', 'at', 'trusted_at', 'scenario', 'droppable', 'body', 'sealed', 'prev_hash', 'hash', 'tombstone'].join(', ');
    // Row types are given where each statement is prepared (pluck()ed ones return the one column),
    // so reading a row needs no cast.
    this.stmts = {
      head: db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1'),
      state: db.prepare<[string], number | string>('SELECT value FROM queue_state WHERE key = ?').pluck(),
      setState: db.prepare('INSERT INTO queue_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      bytes: db.prepare<[], number>('SELECT coalesce(sum(size), 0) FROM events').pluck(),
      insert: db.prepare(
        `INSERT INTO events (seq, type, at, trusted_at, scenario, body, sealed, prev_hash, hash, droppable, size)
         VALUES (@seq, @type, @at, @trusted_at, @scenario, @body, @sealed, @prev_hash, @hash, @droppable, @size)`,
      ),
      selectFrom: db.prepare<[number, number], Row>(`SELECT ${cols} FROM events WHERE seq > ? ORDER BY seq LIMIT ?`),
      ack: db.prepare('INSERT INTO acks (seq, at) VALUES (?, ?) ON CONFLICT(seq) DO NOTHING'),
      oldestUnsent: db.prepare<[number], number | null>('SELECT min(at) FROM events WHERE seq > ?').pluck(),
      prunedThrough: db.prepare<[number], number | null>('SELECT max(seq) FROM acks WHERE at < ?').pluck(),
      prune: db.prepare('DELETE FROM events WHERE seq <= ?'),
      pruneAcks: db.prepare('DELETE FROM acks WHERE seq <= ?'),
      ackedOldest: db.prepare<[number, number], { seq: number; size: number }>('SELECT seq, size FROM events WHERE seq <= ? ORDER BY seq LIMIT ?'),
      droppable: db.prepare<[number, number], { seq: number; body: string; sealed: string | null; size: number }>('SELECT seq, body, sealed, size FROM events WHERE droppable = 1 AND tombstone IS NULL AND seq > ? ORDER BY seq LIMIT ?'),
      deleteSeq: db.prepare('DELETE FROM events WHERE seq = ?'),
      tombstone: db.prepare("UPDATE events SET body = '{}', sealed = NULL, tombstone = ?, size = ? WHERE seq = ?"),
    };
    this.tx = db.transaction(<T>(fn: (tx: QueueTx) => T): T => fn(this.appender));
    this.reload();
  }

  /**
   * Runs `fn` in one IMMEDIATE transaction: the events it appends commit together with its other
   * writes to the same database, or none of them do. After a rollback (fn or the commit threw)
   * the in-memory head is re-read, so the next event reuses the sequence and nothing is skipped.
   */
  commit<T>(fn: (tx: QueueTx) => T): T {
    try {
      return this.tx.immediate(fn) as T;
    } catch (e) {
      this.reload();
      throw e;
    }
  }

  /** Re-reads the head and counters from the database (at open and after a rolled-back transaction). */
  private reload(): void {
    const last = this.stmts.head.get();
    // Pruning can empty `events`; the head is then what prune saved in queue_state.
    this.lastSeq = last?.seq ?? Number(this.stmts.state.get('head_seq') ?? 0);
    this.lastHash = last?.hash ?? String(this.stmts.state.get('head_hash') ?? GENESIS_HASH);
    this.bytes = this.stmts.bytes.get() ?? 0;
    this.droppedTotal = Number(this.stmts.state.get('dropped_total') ?? 0);
    this.ackedSeq = Number(this.stmts.state.get('acked_seq') ?? 0);
  }

  /**
   * A database from before the ack mark flagged each acknowledged row (acked_at) and indexed the
   * others: its acknowledged prefix becomes the mark, each ack time a row of `acks`, and the index goes.
   */
  private adoptRowAcks(): void {
    if (this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'events_unacked'").get() === undefined) return;
    this.db.transaction(() => {
      const firstUnacked = this.db.prepare<[], number | null>('SELECT min(seq) FROM events WHERE acked_at IS NULL').pluck().get();
      const last = this.db.prepare<[], number | null>('SELECT max(seq) FROM events').pluck().get() ?? Number(this.db.prepare<[string], number | string>('SELECT value FROM queue_state WHERE key = ?').pluck().get('head_seq') ?? 0);
      const acked = firstUnacked == null ? last : firstUnacked - 1;
      this.db.prepare('INSERT OR IGNORE INTO acks (seq, at) SELECT max(seq), acked_at FROM events WHERE acked_at IS NOT NULL AND seq <= ? GROUP BY acked_at').run(acked);
      this.db.prepare("INSERT INTO queue_state (key, value) VALUES ('acked_seq', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(acked);
      this.db.exec('DROP INDEX events_unacked');
    }).immediate();
  }

  private append(e: NewEvent): WireEvent {
    const seq = this.lastSeq + 1;
    const droppable = e.droppable === true || this.droppableTypes.has(e.type);
    const base = { seq, type: e.type, at: e.at, trusted_at: e.trusted_at, scenario: e.scenario, droppable, body: e.body, sealed: e.sealed, prev_hash: this.lastHash };
    const hash = eventHash(base);
    const body = JSON.stringify(e.body);
    const sealed = e.sealed ? JSON.stringify(e.sealed) : null;
    const size = body.length + (sealed?.length ?? 0) + ROW_OVERHEAD;
    if (this.bytes + size > this.maxBytes) this.makeRoom(size);
    this.stmts.insert.run({ ...base, droppable: droppable ? 1 : 0, body, sealed, hash, size });
    this.lastSeq = seq;
    this.lastHash = hash;
    this.bytes += size;
    return { ...base, hash };
  }

  /**
   * Frees space for `need` bytes: acknowledged events first (the service has them), then the
   * content of the oldest unsent droppable events. Never touches anything else: a registration
   * is kept even over the quota, which health then reports.
   */
  private makeRoom(need: number): void {
    const enough = () => this.bytes + need <= this.maxBytes;
    let headSaved = false;
    while (!enough()) {
      const rows = this.stmts.ackedOldest.all(this.ackedSeq, 64);
      if (rows.length === 0) break;
      if (!headSaved) {
        this.saveHead();
        headSaved = true;
      }
      for (const r of rows) {
        this.stmts.deleteSeq.run(r.seq);
        this.bytes -= r.size;
        if (enough()) break;
      }
    }
    let dropped = 0;
    while (!enough()) {
      const rows = this.stmts.droppable.all(this.ackedSeq, 64);
      if (rows.length === 0) break;
      for (const r of rows) {
        const content = contentHash(JSON.parse(r.body) as Record<string, unknown>, r.sealed ? (JSON.parse(r.sealed) as Sealed) : null);
        this.stmts.tombstone.run(content, ROW_OVERHEAD + 2, r.seq);
        this.bytes -= r.size - (ROW_OVERHEAD + 2);
        dropped++;
        if (enough()) break;
      }
    }
    if (dropped) {
      this.droppedTotal += dropped;
      this.stmts.setState.run('dropped_total', this.droppedTotal);
    }
  }

  private saveHead(): void {
    this.stmts.setState.run('head_seq', this.lastSeq);
    this.stmts.setState.run('head_hash', this.lastHash);
  }

  get lastSequence(): number {
    return this.lastSeq;
  }

  /** Events after `afterSeq`, oldest first, at most `limit`. */
  after(afterSeq: number, limit: number): WireEvent[] {
    return this.stmts.selectFrom.all(afterSeq, limit).map((r) => {
      const e: WireEvent = {
        seq: r.seq,
        type: r.type,
        at: r.at,
        trusted_at: r.trusted_at,
        scenario: r.scenario,
        droppable: r.droppable === 1,
        body: JSON.parse(r.body) as Record<string, unknown>,
        sealed: r.sealed ? (JSON.parse(r.sealed) as Sealed) : null,
        prev_hash: r.prev_hash,
        hash: r.hash,
      };
      if (r.tombstone) e.tombstone = r.tombstone;
      return e;
    });
  }

  /**
   * The same events as after(), serialized as WireEvent JSON straight from the stored columns
   * (body and sealed are stored as JSON already), so a batch is built without parsing them.
   */
  outgoing(afterSeq: number, limit: number): OutgoingEvent[] {
    return this.stmts.selectFrom.all(afterSeq, limit).map((r) => ({
      seq: r.seq,
      json:
        `{"seq":${r.seq},"type":${JSON.stringify(r.type)},"at":${r.at},"trusted_at":${r.trusted_at},"scenario":${JSON.stringify(r.scenario)},` +
        `"droppable":${r.droppable === 1},"body":${r.body},"sealed":${r.sealed ?? 'null'},"prev_hash":"${r.prev_hash}","hash":"${r.hash}"` +
        `${r.tombstone ? `,"tombstone":"${r.tombstone}"` : ''}}`,
    }));
  }

  /**
   * Marks 1..seq acknowledged by the service: two rows (the mark and the time of this ack, for
   * retention) however many events it covers. A lost ack costs only a resend the service
   * deduplicates, so it commits without an fsync of its own (synchronous=NORMAL for this one
   * transaction): the next event's FULL commit syncs the WAL, and the ack with it. Events keep FULL.
   */
  ack(seq: number, now = this.wallMs()): void {
    const to = Math.min(seq, this.lastSeq);
    if (to <= this.ackedSeq) return;
    const write = () => {
      this.stmts.ack.run(to, now);
      this.stmts.setState.run('acked_seq', to);
    };
    if (this.db.inTransaction) {
      write();
      this.ackedSeq = to;
      return;
    }
    const level = this.db.pragma('synchronous', { simple: true }) as number;
    this.db.pragma('synchronous = NORMAL');
    try {
      this.db.transaction(write)();
      this.ackedSeq = to;
    } finally {
      this.db.pragma(`synchronous = ${level}`);
    }
  }

  /** Sequence acknowledged so far. */
  get ackedThrough(): number {
    return this.ackedSeq;
  }

  stats(now = this.wallMs()): QueueStats {
    const oldest = this.ackedSeq < this.lastSeq ? this.stmts.oldestUnsent.get(this.ackedSeq) : null;
    return {
      backlog: this.lastSeq - this.ackedSeq,
      oldest_unsent_age_s: oldest == null ? null : Math.max(0, Math.round((now - oldest) / 1000)),
      last_seq: this.lastSeq,
      bytes: this.bytes,
      max_bytes: this.maxBytes,
      dropped_total: this.droppedTotal,
      over_quota: this.bytes > this.maxBytes,
    };
  }

  /** Deletes acknowledged events older than the retention period; keeps the chain head. */
  prune(retentionMs: number, now = this.wallMs()): number {
    return this.commit(() => {
      const through = this.stmts.prunedThrough.get(now - retentionMs);
      if (through == null) return 0;
      this.saveHead();
      const n = this.stmts.prune.run(through).changes;
      this.stmts.pruneAcks.run(through);
      if (n) this.bytes = this.stmts.bytes.get() ?? 0;
      return n;
    });
  }
}
