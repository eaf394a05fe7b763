// The embedded store: one SQLite file, WAL + synchronous=FULL (uploads' group commits, made in
// the writer thread of sqlite-writer.ts, synced before their replies), so an acknowledged event
// survives a power cut. Dedup is the primary key (terminal_id, seq): no time window. The events
// table is WITHOUT ROWID (one B-tree keyed by terminal and sequence, not a rowid tree plus an
// index): a SQLite storage detail of this engine's DDL, not of the queries.
import Database from 'better-sqlite3';
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { GENESIS_HASH, grantShare, type Heartbeat, type SlotReport, type SlotShare, type WireEvent } from '../../../terminal/src/protocol/index.ts';
import { ServiceError } from '../errors.ts';
import { ticketRow, TICKET_COLS, type HallTicket, type ResetRecord, type VenueHour } from './activity.ts';
import { redactedBody, UNSWEPT_COLS, type SweepCount, type UnsweptTicket } from './hall-token-redaction.ts';
import { POLICE_DDL, POLICE_SQL, toPoliceReport, type PoliceHistoryEntry, type PoliceReport, type PoliceState } from './police.ts';
import { EVENT_COLS, IngestWriter, named, params, prepareEvents, type Fsync } from './sqlite-ingest.ts';
import { WriterThread } from './sqlite-writer.ts';
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

/**
 * The page size of a database this engine makes: 16 KiB, not SQLite's 4 KiB. Each terminal's events
 * are appended at the end of its stretch of the events table's key, in the middle of the B-tree,
 * where SQLite splits a full page into two half-full ones: at 4 KiB a group commit of uploads from
 * many terminals wrote several pages per terminal (docs/scale.md, "The sixth pass").
 */
export const PAGE_SIZE = 16384;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS terminals (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  enrollment_code_hash TEXT UNIQUE,
  public_key TEXT,
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  head_seq BIGINT NOT NULL DEFAULT 0,
  head_hash TEXT NOT NULL,
  head_at BIGINT,
  last_heartbeat_at BIGINT,
  heartbeat TEXT
);
CREATE TABLE IF NOT EXISTS events (
  terminal_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  type TEXT NOT NULL,
  at BIGINT NOT NULL,
  trusted_at BIGINT NOT NULL,
  scenario TEXT NOT NULL,
  droppable SMALLINT NOT NULL,
  body TEXT NOT NULL,
  sealed TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  tombstone TEXT,
  received_at BIGINT NOT NULL,
  redacted TEXT,
  PRIMARY KEY (terminal_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS nonces (
  terminal_id TEXT NOT NULL,
  nonce TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (terminal_id, nonce)
);
CREATE TABLE IF NOT EXISTS rate_limits (
  key TEXT PRIMARY KEY,
  window_start BIGINT NOT NULL,
  count BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS event_hours (
  terminal_id TEXT NOT NULL,
  venue TEXT NOT NULL,
  hour BIGINT NOT NULL,
  count BIGINT NOT NULL,
  PRIMARY KEY (terminal_id, hour, venue)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_hours_hour ON event_hours (hour);
CREATE TABLE IF NOT EXISTS terminal_resets (
  terminal_id TEXT PRIMARY KEY,
  replaces TEXT,
  reason TEXT,
  at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS hall_counters (
  hall TEXT NOT NULL,
  category TEXT NOT NULL,
  day TEXT NOT NULL,
  next BIGINT NOT NULL,
  last_terminal TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (hall, category, day)
);
CREATE TABLE IF NOT EXISTS hall_tickets (
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
  placement TEXT,
  person TEXT,
  rules TEXT,
  override TEXT,
  labels TEXT,
  swept_at BIGINT,
  PRIMARY KEY (hall, day, number)
);
CREATE TABLE IF NOT EXISTS hall_steps (
  hall TEXT NOT NULL,
  day TEXT NOT NULL,
  seq BIGINT NOT NULL,
  at BIGINT NOT NULL,
  step TEXT NOT NULL,
  PRIMARY KEY (hall, day, seq)
);
CREATE TABLE IF NOT EXISTS trust_lists (
  sequence BIGINT PRIMARY KEY,
  jws TEXT NOT NULL,
  published_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS venues (
  name TEXT PRIMARY KEY,
  salt TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS feeds (
  venue TEXT NOT NULL,
  kind TEXT NOT NULL,
  version BIGINT NOT NULL,
  row_count BIGINT NOT NULL,
  rows_json TEXT NOT NULL,
  published_at BIGINT NOT NULL,
  PRIMARY KEY (venue, kind, version)
);
CREATE TABLE IF NOT EXISTS feed_changes (
  venue TEXT NOT NULL,
  kind TEXT NOT NULL,
  version BIGINT NOT NULL,
  change_json TEXT NOT NULL,
  PRIMARY KEY (venue, kind, version)
);
CREATE TABLE IF NOT EXISTS slot_shares (
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
CREATE TABLE IF NOT EXISTS terminal_venues (
  terminal_id TEXT PRIMARY KEY,
  venue TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS terminal_configs (
  terminal_id TEXT NOT NULL,
  version BIGINT NOT NULL,
  jws TEXT NOT NULL,
  operator TEXT NOT NULL,
  published_at BIGINT NOT NULL,
  PRIMARY KEY (terminal_id, version)
);
CREATE TABLE IF NOT EXISTS venue_configs (
  venue TEXT NOT NULL,
  version BIGINT NOT NULL,
  config TEXT NOT NULL,
  operator TEXT NOT NULL,
  published_at BIGINT NOT NULL,
  PRIMARY KEY (venue, version)
);
CREATE TABLE IF NOT EXISTS venue_config_targets (
  terminal_id TEXT NOT NULL,
  terminal_version BIGINT NOT NULL,
  venue TEXT NOT NULL,
  venue_version BIGINT NOT NULL,
  PRIMARY KEY (terminal_id, terminal_version)
);
CREATE INDEX IF NOT EXISTS venue_config_targets_venue ON venue_config_targets (venue, venue_version);
`;

/** How long a write waits for the other connection's (the writer thread's) transaction, ms. */
const BUSY_TIMEOUT_MS = 5000;

const TERMINAL_COLS = 'id, name, public_key, status, created_at, head_seq, head_hash, head_at, last_heartbeat_at, heartbeat';

interface TerminalRow extends Omit<TerminalRecord, 'heartbeat'> {
  heartbeat: string | null;
}

interface EventRow extends Omit<StoredEvent, 'body' | 'sealed' | 'droppable' | 'tombstone' | 'redacted'> {
  body: string;
  sealed: string | null;
  droppable: number;
  tombstone: string | null;
  redacted: string | null;
}

export class SqliteStorage implements Storage {
  private readonly db: Database.Database;
  private readonly stmts;
  private readonly file: string;
  /** What writes uploads, nonces and heartbeats (sqlite-ingest.ts), from the first of them or `startWriter()`: the writer thread, or this connection. */
  private writer: IngestWriter | WriterThread | null = null;
  private lastNoncePrune = 0;
  private lastRatePrune = 0;

  static file(dataDir: string): string {
    return join(dataDir, 'sync-service.db');
  }

  /**
   * `writer`: where uploads, nonces and heartbeats are written: 'thread' (what the service runs)
   * or 'inline', on this connection and thread (the default: a test's in-process storage starts
   * no thread).
   * `fsync`: how an inline writer syncs the WAL before those writes are acknowledged (tests hold it by hand).
   * `writerProgram`: the writer thread's program as a bundle (tests give the suite's, which starts
   * in a fraction of the time tsx takes); by default the service's own (sqlite-writer.ts).
   */
  constructor(
    dataDir: string,
    private readonly opts: { writer?: 'thread' | 'inline'; fsync?: Fsync; writerProgram?: string | null } = {},
  ) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // Created 0600 before SQLite opens it; SQLite gives its -wal and -shm the same mode.
    const file = (this.file = SqliteStorage.file(dataDir));
    closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
    this.db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    // Only a new database takes it: one made before keeps the size it was made with.
    this.db.pragma(`page_size = ${PAGE_SIZE}`);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('journal_size_limit = 67108864');
    this.db.exec(SCHEMA);
    // A database made before appointments (docs/hospital.md) gains the ticket's placement column, one
    // made before the hall-wide rules (docs/hall.md) the person's token, the rules, the override and the labels.
    const cols = new Set((this.db.prepare('PRAGMA table_info(hall_tickets)').all() as { name: string }[]).map((c) => c.name));
    for (const c of ['placement', 'person', 'rules', 'override', 'labels']) if (!cols.has(c)) this.db.exec(`ALTER TABLE hall_tickets ADD COLUMN ${c} TEXT`);
    // One made before past days' tokens were swept (docs/hall.md) gains when each ticket was swept, and each event the hash it was uploaded with.
    if (!cols.has('swept_at')) this.db.exec('ALTER TABLE hall_tickets ADD COLUMN swept_at BIGINT');
    const eventCols = new Set((this.db.prepare('PRAGMA table_info(events)').all() as { name: string }[]).map((c) => c.name));
    if (!eventCols.has('redacted')) this.db.exec('ALTER TABLE events ADD COLUMN redacted TEXT');
    // Only the tickets not swept yet: today's, and a late upload of a past day's (the sweep's bounded read).
    this.db.exec('CREATE INDEX IF NOT EXISTS hall_tickets_unswept ON hall_tickets (day) WHERE swept_at IS NULL');
    this.db.exec(POLICE_DDL);
    const d = this.db;
    this.stmts = {
      createTerminal: d.prepare("INSERT INTO terminals (id, name, enrollment_code_hash, status, created_at, head_hash) VALUES (?, ?, ?, 'pending', ?, ?)"),
      byCode: d.prepare('SELECT id, status, public_key FROM terminals WHERE enrollment_code_hash = ?'),
      activate: d.prepare("UPDATE terminals SET public_key = ?, status = 'active' WHERE id = ? AND status = 'pending'"),
      get: d.prepare(`SELECT ${TERMINAL_COLS} FROM terminals WHERE id = ?`),
      list: d.prepare(`SELECT ${TERMINAL_COLS} FROM terminals ORDER BY created_at, id`),
      revoke: d.prepare("UPDATE terminals SET status = 'revoked', enrollment_code_hash = NULL WHERE id = ?"),
      pruneNonces: d.prepare('DELETE FROM nonces WHERE expires_at < ?'),
      events: d.prepare(`SELECT ${EVENT_COLS}, redacted FROM events WHERE terminal_id = ? AND seq > ? ORDER BY seq LIMIT ?`),
      count: d.prepare('SELECT count(*) FROM events').pluck(),
      countFor: d.prepare('SELECT count(*) FROM events WHERE terminal_id = ?').pluck(),
      publish: d.prepare('INSERT INTO trust_lists (sequence, jws, published_at) VALUES (?, ?, ?)'),
      trustList: d.prepare('SELECT jws, sequence, published_at FROM trust_lists ORDER BY sequence DESC LIMIT 1'),
      saltInsert: d.prepare('INSERT INTO venues (name, salt, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      salt: d.prepare('SELECT salt FROM venues WHERE name = ?').pluck(),
      feedHead: d.prepare('SELECT venue, kind, version, row_count AS rows, published_at FROM feeds WHERE venue = ? AND kind = ? ORDER BY version DESC LIMIT 1'),
      feedRows: d.prepare('SELECT rows_json FROM feeds WHERE venue = ? AND kind = ? AND version = ?').pluck(),
      feedInsert: d.prepare('INSERT INTO feeds (venue, kind, version, row_count, rows_json, published_at) VALUES (?, ?, ?, ?, ?, ?)'),
      feedPrune: d.prepare('DELETE FROM feeds WHERE venue = ? AND kind = ? AND version <= ?'),
      changeInsert: d.prepare('INSERT INTO feed_changes (venue, kind, version, change_json) VALUES (?, ?, ?, ?)'),
      changePrune: d.prepare('DELETE FROM feed_changes WHERE venue = ? AND kind = ? AND version <= ?'),
      changes: d.prepare('SELECT change_json FROM feed_changes WHERE venue = ? AND kind = ? AND version > ? AND version <= ? ORDER BY version').pluck(),
      venueFeeds: d.prepare(
        'SELECT f.venue, f.kind, f.version, f.row_count AS rows, f.published_at FROM feeds f WHERE f.venue = ? AND f.version = (SELECT max(version) FROM feeds g WHERE g.venue = f.venue AND g.kind = f.kind) ORDER BY f.kind',
      ),
      feedHeads: d.prepare(
        'SELECT f.venue, f.kind, f.version, f.row_count AS rows, f.published_at FROM feeds f WHERE f.version = (SELECT max(version) FROM feeds g WHERE g.venue = f.venue AND g.kind = f.kind) ORDER BY f.venue, f.kind',
      ),
      venueTerminals: d.prepare('SELECT terminal_id FROM terminal_venues WHERE venue = ? ORDER BY terminal_id').pluck(),
      shareReport: d.prepare(
        `INSERT INTO slot_shares (venue, day, slot, terminal_id, admitted, share, capacity, slack, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)
         ON CONFLICT (venue, day, slot, terminal_id) DO UPDATE SET admitted = excluded.admitted, capacity = excluded.capacity, slack = excluded.slack, updated_at = excluded.updated_at`,
      ),
      shareRows: d.prepare('SELECT terminal_id, admitted, share, capacity, slack FROM slot_shares WHERE venue = ? AND day = ? AND slot = ?'),
      shareSet: d.prepare('UPDATE slot_shares SET share = ? WHERE venue = ? AND day = ? AND slot = ? AND terminal_id = ?'),
      sharePrune: d.prepare('DELETE FROM slot_shares WHERE venue = ? AND updated_at < ?'),
      setVenue: d.prepare('INSERT INTO terminal_venues (terminal_id, venue) VALUES (?, ?) ON CONFLICT (terminal_id) DO UPDATE SET venue = excluded.venue'),
      venueOf: d.prepare('SELECT venue FROM terminal_venues WHERE terminal_id = ?').pluck(),
      configDoc: d.prepare('SELECT terminal_id, version, operator, published_at, jws FROM terminal_configs WHERE terminal_id = ? ORDER BY version DESC LIMIT 1'),
      configInsert: d.prepare('INSERT INTO terminal_configs (terminal_id, version, jws, operator, published_at) VALUES (?, ?, ?, ?, ?)'),
      configHeads: d.prepare(
        'SELECT c.terminal_id, c.version, c.operator, c.published_at FROM terminal_configs c WHERE c.version = (SELECT max(version) FROM terminal_configs d WHERE d.terminal_id = c.terminal_id) ORDER BY c.terminal_id',
      ),
      venueConfig: d.prepare('SELECT venue, version, operator, published_at, config FROM venue_configs WHERE venue = ? ORDER BY version DESC LIMIT 1'),
      venueConfigInsert: d.prepare('INSERT INTO venue_configs (venue, version, config, operator, published_at) VALUES (?, ?, ?, ?, ?)'),
      venueConfigHeads: d.prepare(
        'SELECT c.venue, c.version, c.operator, c.published_at, c.config FROM venue_configs c WHERE c.version = (SELECT max(version) FROM venue_configs d WHERE d.venue = c.venue) ORDER BY c.venue',
      ),
      venueBound: d.prepare("SELECT t.id FROM terminal_venues v JOIN terminals t ON t.id = v.terminal_id WHERE v.venue = ? AND t.status <> 'revoked' ORDER BY t.id").pluck(),
      targetInsert: d.prepare('INSERT INTO venue_config_targets (terminal_id, terminal_version, venue, venue_version) VALUES (?, ?, ?, ?)'),
      targetNewest: d.prepare('SELECT venue, venue_version FROM venue_config_targets WHERE terminal_id = ? ORDER BY terminal_version DESC LIMIT 1'),
      targetsOf: d.prepare('SELECT terminal_id, terminal_version FROM venue_config_targets WHERE venue = ? AND venue_version = ? ORDER BY terminal_id'),
      rateHit: d.prepare(RATE_HIT_SQL.replace(/\$(\d)/g, (_, n: string) => `@p${n}`)),
      rateRead: d.prepare(RATE_READ_SQL.replace('$1', '?')),
      activity: d.prepare('SELECT venue, hour, sum(count) AS count FROM event_hours WHERE hour >= ? GROUP BY venue, hour ORDER BY hour, venue'),
      resets: d.prepare('SELECT terminal_id, replaces, reason, at FROM terminal_resets ORDER BY at DESC, terminal_id'),
      pruneRates: d.prepare('DELETE FROM rate_limits WHERE window_start < ?'),
      hallTickets: d.prepare(`SELECT ${TICKET_COLS} FROM hall_tickets WHERE hall = ? AND day = ? ORDER BY taken_at, number`),
      hallSteps: d.prepare('SELECT seq, at, step FROM hall_steps WHERE hall = ? AND day = ? ORDER BY seq'),
      addStep: d.prepare('INSERT INTO hall_steps (hall, day, seq, at, step) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      unswept: d.prepare(`SELECT ${UNSWEPT_COLS} FROM hall_tickets WHERE swept_at IS NULL AND day < ? ORDER BY day, hall, number LIMIT ?`),
      sweepTicket: d.prepare('UPDATE hall_tickets SET person = NULL, swept_at = ? WHERE hall = ? AND day = ? AND number = ?'),
      eventContent: d.prepare('SELECT body, sealed, redacted FROM events WHERE terminal_id = ? AND seq = ?'),
      redactEvent: d.prepare('UPDATE events SET body = ?, redacted = ? WHERE terminal_id = ? AND seq = ?'),
      police: Object.fromEntries(Object.entries(POLICE_SQL).map(([k, sql]) => [k, d.prepare(named(sql))])) as Record<keyof typeof POLICE_SQL, Database.Statement>,
      allocate: d.prepare<Record<string, string | number>, number>(ALLOCATE_SQL.replace(/\$(\d)/g, (_, n: string) => `@p${n}`)).pluck(),
    };
  }

  /** Starts the writer thread now (the service does, as it starts), not at the first upload. */
  startWriter(): void {
    if (this.opts.writer === 'thread') this.startedWriter();
  }

  async createTerminal(id: string, name: string, codeHash: string, now: number): Promise<void> {
    this.stmts.createTerminal.run(id, name, codeHash, now, GENESIS_HASH);
  }

  async enroll(codeHash: string, publicKey: string): Promise<TerminalRecord | null> {
    return this.db
      .transaction(() => {
        const t = this.stmts.byCode.get(codeHash) as { id: string; status: string; public_key: string | null } | undefined;
        if (!t) return null;
        if (t.status === 'pending') this.stmts.activate.run(publicKey, t.id);
        else if (t.status !== 'active' || t.public_key !== publicKey) return null;
        return this.terminal(t.id);
      })
      .immediate();
  }

  private terminal(id: string): TerminalRecord | null {
    const row = this.stmts.get.get(id) as TerminalRow | undefined;
    return row ? toTerminal(row) : null;
  }

  async getTerminal(id: string): Promise<TerminalRecord | null> {
    return this.terminal(id);
  }

  async listTerminals(): Promise<TerminalRecord[]> {
    return (this.stmts.list.all() as TerminalRow[]).map(toTerminal);
  }

  async revokeTerminal(id: string): Promise<boolean> {
    return this.stmts.revoke.run(id).changes === 1;
  }

  /** Expired nonces can never be replayed (the request time check refuses them first). */
  private pruneNonces(now: number): void {
    if (now - this.lastNoncePrune > 60_000) {
      this.stmts.pruneNonces.run(now);
      this.lastNoncePrune = now;
    }
  }

  // Uploads, and the nonce and heartbeat writes every terminal makes between them, go to the
  // writer (sqlite-ingest.ts): on its own thread, a write here would wait for the writer's
  // transaction, and this thread with it.

  async useNonce(terminalId: string, nonce: string, expiresAt: number, now: number): Promise<boolean> {
    this.pruneNonces(now);
    return this.startedWriter().useNonce(terminalId, nonce, expiresAt);
  }

  async ingest(terminalId: string, events: WireEvent[], now: number, nonce?: { nonce: string; expiresAt: number }): Promise<IngestResult> {
    this.pruneNonces(now);
    return this.startedWriter().ingest({ terminalId, events: prepareEvents(terminalId, events), now, nonce });
  }

  async heartbeat(terminalId: string, data: Heartbeat, now: number): Promise<void> {
    return this.startedWriter().heartbeat(terminalId, JSON.stringify(data), now);
  }

  private startedWriter(): IngestWriter | WriterThread {
    return (this.writer ??= this.opts.writer === 'thread' ? new WriterThread(this.file, BUSY_TIMEOUT_MS, this.opts.writerProgram) : new IngestWriter(this.db, this.file, this.opts.fsync));
  }

  async events(terminalId: string, afterSeq: number, limit: number): Promise<StoredEvent[]> {
    return (this.stmts.events.all(terminalId, afterSeq, limit) as EventRow[]).map((r) => {
      const { tombstone, redacted, ...rest } = r;
      const e: StoredEvent = { ...rest, droppable: r.droppable === 1, body: JSON.parse(r.body) as Record<string, unknown>, sealed: r.sealed ? JSON.parse(r.sealed) : null };
      if (tombstone) e.tombstone = tombstone;
      if (redacted) e.redacted = redacted;
      return e;
    });
  }

  async countEvents(terminalId?: string): Promise<number> {
    return (terminalId ? this.stmts.countFor.get(terminalId) : this.stmts.count.get()) as number;
  }

  async publishTrustList(jws: string, sequence: number, now: number): Promise<void> {
    this.db
      .transaction(() => {
        const current = this.stmts.trustList.get() as { sequence: number } | undefined;
        if (current && sequence <= current.sequence) throw new ServiceError('YSS_SYNC_TRUST_LIST_ROLLBACK', sequence, current.sequence);
        this.stmts.publish.run(sequence, jws, now);
      })
      .immediate();
  }

  async trustList(): Promise<{ jws: string; sequence: number; published_at: number } | null> {
    return (this.stmts.trustList.get() as { jws: string; sequence: number; published_at: number } | undefined) ?? null;
  }

  async venueSalt(venue: string, fresh: string, now: number): Promise<string> {
    this.stmts.saltInsert.run(venue, fresh, now);
    return this.stmts.salt.get(venue) as string;
  }

  async publishFeed(venue: string, kind: string, rowsJson: string, rows: number, now: number, change?: FeedChangeIn | null): Promise<number> {
    return this.db
      .transaction(() => {
        const head = this.stmts.feedHead.get(venue, kind) as FeedHead | undefined;
        const version = (head?.version ?? 0) + 1;
        this.stmts.feedInsert.run(venue, kind, version, rows, rowsJson, now);
        this.stmts.feedPrune.run(venue, kind, version - FEED_KEEP_VERSIONS);
        if (change && change.base === version - 1) this.stmts.changeInsert.run(venue, kind, version, change.json);
        this.stmts.changePrune.run(venue, kind, version - FEED_KEEP_CHANGES);
        return version;
      })
      .immediate();
  }

  async feedHead(venue: string, kind: string): Promise<FeedHead | null> {
    return (this.stmts.feedHead.get(venue, kind) as FeedHead | undefined) ?? null;
  }

  async feedRows(venue: string, kind: string, version: number): Promise<string | null> {
    return (this.stmts.feedRows.get(venue, kind, version) as string | undefined) ?? null;
  }

  async feedChanges(venue: string, kind: string, from: number, to: number): Promise<string[] | null> {
    const changes = this.stmts.changes.all(venue, kind, from, to) as string[];
    return changes.length === to - from ? changes : null;
  }

  async shareSlots(venue: string, terminalId: string, reports: readonly SlotReport[], now: number): Promise<SlotShare[]> {
    return this.db
      .transaction(() => {
        const terminals = this.stmts.venueTerminals.all(venue) as string[];
        const out: SlotShare[] = [];
        for (const r of reports) {
          this.stmts.shareReport.run(venue, r.day, r.slot, terminalId, r.admitted, r.capacity, r.slack, now);
          const rows = this.stmts.shareRows.all(venue, r.day, r.slot) as { terminal_id: string; admitted: number; share: number; capacity: number; slack: number }[];
          // Terminals of one venue run one venue file; should they disagree, the smaller figure holds.
          const g = grantShare({ me: terminalId, keep: r.keep, rows, capacity: Math.min(...rows.map((x) => x.capacity)), slack: Math.min(...rows.map((x) => x.slack)), terminals });
          this.stmts.shareSet.run(g.share, venue, r.day, r.slot, terminalId);
          out.push({ day: r.day, slot: r.slot, ...g });
        }
        this.stmts.sharePrune.run(venue, now - SHARE_KEEP_MS);
        return out;
      })
      .immediate();
  }

  async venueFeeds(venue: string): Promise<FeedHead[]> {
    return this.stmts.venueFeeds.all(venue) as FeedHead[];
  }

  async feedHeads(): Promise<FeedHead[]> {
    return this.stmts.feedHeads.all() as FeedHead[];
  }

  async publishConfig(terminalId: string, operator: string, now: number, sign: (version: number, previous: string | null) => string): Promise<number> {
    return this.db
      .transaction(() => {
        const head = this.stmts.configDoc.get(terminalId) as { version: number; jws: string } | undefined;
        const version = (head?.version ?? 0) + 1;
        this.stmts.configInsert.run(terminalId, version, sign(version, head?.jws ?? null), operator, now);
        return version;
      })
      .immediate();
  }

  async publishVenueConfig(
    venue: string,
    operator: string,
    now: number,
    merge: (previous: string | null) => string,
    sign: (terminalId: string, version: number, previous: string | null) => string,
  ): Promise<{ version: number; terminals: VenueConfigTarget[] }> {
    return this.db
      .transaction(() => {
        const head = this.stmts.venueConfig.get(venue) as VenueConfigHead | undefined;
        const version = (head?.version ?? 0) + 1;
        this.stmts.venueConfigInsert.run(venue, version, merge(head?.config ?? null), operator, now);
        const terminals: VenueConfigTarget[] = [];
        for (const id of this.stmts.venueBound.all(venue) as string[]) {
          const doc = this.stmts.configDoc.get(id) as { version: number; jws: string } | undefined;
          const v = (doc?.version ?? 0) + 1;
          this.stmts.configInsert.run(id, v, sign(id, v, doc?.jws ?? null), operator, now);
          this.stmts.targetInsert.run(id, v, venue, version);
          terminals.push({ terminal_id: id, terminal_version: v });
        }
        return { version, terminals };
      })
      .immediate();
  }

  async catchUpVenueConfig(terminalId: string, now: number, sign: (version: number, previous: string | null, venueConfig: string) => string): Promise<{ venue: string; venue_version: number; version: number } | null> {
    return this.db
      .transaction(() => {
        const venue = this.stmts.venueOf.get(terminalId) as string | undefined;
        const t = this.stmts.get.get(terminalId) as { status: string } | undefined;
        if (!venue || !t || t.status === 'revoked') return null;
        const head = this.stmts.venueConfig.get(venue) as VenueConfigHead | undefined;
        if (!head) return null;
        const newest = this.stmts.targetNewest.get(terminalId) as { venue: string; venue_version: number } | undefined;
        if (newest && newest.venue === venue && newest.venue_version >= head.version) return null;
        const doc = this.stmts.configDoc.get(terminalId) as { version: number; jws: string } | undefined;
        const version = (doc?.version ?? 0) + 1;
        this.stmts.configInsert.run(terminalId, version, sign(version, doc?.jws ?? null, head.config), head.operator, now);
        this.stmts.targetInsert.run(terminalId, version, venue, head.version);
        return { venue, venue_version: head.version, version };
      })
      .immediate();
  }

  async venueConfig(venue: string): Promise<VenueConfigHead | null> {
    return (this.stmts.venueConfig.get(venue) as VenueConfigHead | undefined) ?? null;
  }

  async venueConfigHeads(): Promise<(VenueConfigHead & { targets: VenueConfigTarget[] })[]> {
    return (this.stmts.venueConfigHeads.all() as VenueConfigHead[]).map((h) => ({ ...h, targets: this.stmts.targetsOf.all(h.venue, h.version) as VenueConfigTarget[] }));
  }

  async configDoc(terminalId: string): Promise<(ConfigHead & { jws: string }) | null> {
    return (this.stmts.configDoc.get(terminalId) as (ConfigHead & { jws: string }) | undefined) ?? null;
  }

  async configHeads(): Promise<ConfigHead[]> {
    return this.stmts.configHeads.all() as ConfigHead[];
  }

  async setTerminalVenue(terminalId: string, venue: string): Promise<void> {
    this.stmts.setVenue.run(terminalId, venue);
  }

  async terminalVenue(terminalId: string): Promise<string | null> {
    return (this.stmts.venueOf.get(terminalId) as string | undefined) ?? null;
  }

  async rateHit(key: string, windowMs: number, now: number): Promise<{ count: number; resetAt: number }> {
    if (now - this.lastRatePrune > 60_000) {
      this.stmts.pruneRates.run(now - RATE_WINDOW_MAX_MS);
      this.lastRatePrune = now;
    }
    const r = this.stmts.rateHit.get({ p1: key, p2: now, p3: windowMs }) as { count: number; window_start: number };
    return { count: r.count, resetAt: r.window_start + windowMs };
  }

  async rateRead(key: string, windowMs: number, now: number): Promise<{ count: number; resetAt: number }> {
    return liveCount(this.stmts.rateRead.get(key) as { count: number; window_start: number } | undefined, windowMs, now);
  }

  async activity(since: number): Promise<VenueHour[]> {
    return this.stmts.activity.all(since) as VenueHour[];
  }

  async resets(): Promise<ResetRecord[]> {
    return this.stmts.resets.all() as ResetRecord[];
  }

  async allocateNumbers(hall: string, category: string, day: string, count: number, terminalId: string, now: number): Promise<NumberBlock> {
    // One statement is one transaction, committed (WAL, synchronous=FULL) before the reply is sent.
    const next = this.stmts.allocate.get({ p1: hall, p2: category, p3: day, p4: count, p5: terminalId, p6: now })!;
    return { first: next - count, last: next - 1 };
  }

  async hallTickets(hall: string, day: string): Promise<HallTicket[]> {
    return (this.stmts.hallTickets.all(hall, day) as Parameters<typeof ticketRow>[0][]).map(ticketRow);
  }

  async hallSteps(hall: string, day: string): Promise<HallStepRecord[]> {
    return (this.stmts.hallSteps.all(hall, day) as { seq: number; at: number; step: string }[]).map((r) => ({ seq: r.seq, at: r.at, step: JSON.parse(r.step) as Record<string, unknown> }));
  }

  async appendHallStep(hall: string, day: string, seq: number, step: Record<string, unknown>, at: number): Promise<boolean> {
    return this.stmts.addStep.run(hall, day, seq, at, JSON.stringify(step)).changes === 1;
  }

  async sweepHallTokens(beforeDay: string, limit: number, now: number): Promise<SweepCount> {
    return this.db
      .transaction(() => {
        const count = { tickets: 0, events: 0 };
        for (const t of this.stmts.unswept.all(beforeDay, limit) as UnsweptTicket[]) {
          const row = this.stmts.eventContent.get(t.terminal_id, t.seq) as { body: string; sealed: string | null; redacted: string | null } | undefined;
          const r = row ? redactedBody(row) : null;
          if (r) {
            this.stmts.redactEvent.run(r.body, r.redacted, t.terminal_id, t.seq);
            count.events++;
          }
          this.stmts.sweepTicket.run(now, t.hall, t.day, t.number);
          count.tickets++;
        }
        return count;
      })
      .immediate();
  }

  async policeDue(now: number, limit: number): Promise<PoliceReport[]> {
    return (this.stmts.police.due.all(params([now, limit])) as Record<string, unknown>[]).map(toPoliceReport);
  }

  async policeClaim(terminalId: string, seq: number, seen: number, leaseUntil: number, now: number): Promise<boolean> {
    return this.db
      .transaction(() => {
        if (this.stmts.police.claim.run(params([terminalId, seq, seen, leaseUntil, now])).changes !== 1) return false;
        this.stmts.police.history.run(params([terminalId, seq, now, 'sent', null]));
        return true;
      })
      .immediate();
  }

  async policeSettle(terminalId: string, seq: number, to: { state: Exclude<PoliceState, 'sent'>; reason: string | null; next_attempt_at: number }, now: number): Promise<boolean> {
    return this.db
      .transaction(() => {
        if (this.stmts.police.settle.run(params([terminalId, seq, to.state, to.reason, to.next_attempt_at, now])).changes !== 1) return false;
        this.stmts.police.history.run(params([terminalId, seq, now, to.state, to.reason]));
        return true;
      })
      .immediate();
  }

  async policeOfTerminal(terminalId: string, since: number, limit: number): Promise<PoliceReport[]> {
    return (this.stmts.police.ofTerminal.all(params([terminalId, since, limit])) as Record<string, unknown>[]).map(toPoliceReport);
  }

  async policeAlerts(now: number, limit: number): Promise<PoliceReport[]> {
    return (this.stmts.police.alerts.all(params([now, limit])) as Record<string, unknown>[]).map(toPoliceReport);
  }

  async policeHistory(terminalId: string, seq: number): Promise<PoliceHistoryEntry[]> {
    return this.stmts.police.historyOf.all(params([terminalId, seq])) as PoliceHistoryEntry[];
  }

  async close(): Promise<void> {
    const w = this.writer;
    if (w instanceof WriterThread) await w.close();
    else await w?.settle();
    this.db.close();
    if (w instanceof IngestWriter) w.closeWal();
  }
}

function toTerminal(r: TerminalRow): TerminalRecord {
  return { ...r, heartbeat: r.heartbeat ? (JSON.parse(r.heartbeat) as Heartbeat) : null };
}
