// The embedded store: one SQLite file, WAL + synchronous=FULL, so an acknowledged event survives
// a power cut. Dedup is the primary key (terminal_id, seq): no time window.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { eventHash, GENESIS_HASH, type WireEvent } from '../../../terminal/src/protocol/index.ts';
import { ServiceError } from '../errors.ts';
import type { IngestResult, Storage, StoredEvent, TerminalRecord } from './types.ts';

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
  body TEXT NOT NULL,
  sealed TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (terminal_id, seq)
);
CREATE TABLE IF NOT EXISTS nonces (
  terminal_id TEXT NOT NULL,
  nonce TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (terminal_id, nonce)
);
CREATE TABLE IF NOT EXISTS trust_lists (
  sequence BIGINT PRIMARY KEY,
  jws TEXT NOT NULL,
  published_at BIGINT NOT NULL
);
`;

interface TerminalRow extends Omit<TerminalRecord, 'heartbeat'> {
  heartbeat: string | null;
}

export class SqliteStorage implements Storage {
  private readonly db: Database.Database;
  private readonly stmts;
  private lastNoncePrune = 0;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, 'sync-service.db'), { timeout: 5000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('journal_size_limit = 67108864');
    this.db.exec(SCHEMA);
    const d = this.db;
    this.stmts = {
      createTerminal: d.prepare(
        "INSERT INTO terminals (id, name, enrollment_code_hash, status, created_at, head_hash) VALUES (?, ?, ?, 'pending', ?, ?)",
      ),
      byCode: d.prepare("SELECT id FROM terminals WHERE enrollment_code_hash = ? AND status = 'pending'").pluck(),
      activate: d.prepare("UPDATE terminals SET public_key = ?, status = 'active', enrollment_code_hash = NULL WHERE id = ?"),
      get: d.prepare('SELECT id, name, public_key, status, created_at, head_seq, head_hash, last_heartbeat_at, heartbeat FROM terminals WHERE id = ?'),
      list: d.prepare('SELECT id, name, public_key, status, created_at, head_seq, head_hash, last_heartbeat_at, heartbeat FROM terminals ORDER BY created_at, id'),
      revoke: d.prepare("UPDATE terminals SET status = 'revoked', enrollment_code_hash = NULL WHERE id = ?"),
      useNonce: d.prepare('INSERT INTO nonces (terminal_id, nonce, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      pruneNonces: d.prepare('DELETE FROM nonces WHERE expires_at < ?'),
      insertEvent: d.prepare(
        `INSERT INTO events (terminal_id, seq, type, at, trusted_at, scenario, body, sealed, prev_hash, hash, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      eventHashAt: d.prepare('SELECT hash FROM events WHERE terminal_id = ? AND seq = ?').pluck(),
      setHead: d.prepare('UPDATE terminals SET head_seq = ?, head_hash = ? WHERE id = ?'),
      heartbeat: d.prepare('UPDATE terminals SET last_heartbeat_at = ?, heartbeat = ? WHERE id = ?'),
      events: d.prepare(
        'SELECT terminal_id, seq, type, at, trusted_at, scenario, body, sealed, prev_hash, hash, received_at FROM events WHERE terminal_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      ),
      count: d.prepare('SELECT count(*) FROM events').pluck(),
      countFor: d.prepare('SELECT count(*) FROM events WHERE terminal_id = ?').pluck(),
      publish: d.prepare('INSERT INTO trust_lists (sequence, jws, published_at) VALUES (?, ?, ?)'),
      trustList: d.prepare('SELECT jws, sequence FROM trust_lists ORDER BY sequence DESC LIMIT 1'),
    };
  }

  createTerminal(id: string, name: string, codeHash: string, now: number): void {
    this.stmts.createTerminal.run(id, name, codeHash, now, GENESIS_HASH);
  }

  enroll(codeHash: string, publicKey: string, _now: number): TerminalRecord | null {
    return this.db
      .transaction(() => {
        const id = this.stmts.byCode.get(codeHash) as string | undefined;
        if (!id) return null;
        this.stmts.activate.run(publicKey, id);
        return this.getTerminal(id);
      })
      .immediate();
  }

  getTerminal(id: string): TerminalRecord | null {
    const row = this.stmts.get.get(id) as TerminalRow | undefined;
    return row ? toTerminal(row) : null;
  }

  listTerminals(): TerminalRecord[] {
    return (this.stmts.list.all() as TerminalRow[]).map(toTerminal);
  }

  revokeTerminal(id: string): boolean {
    return this.stmts.revoke.run(id).changes === 1;
  }

  useNonce(terminalId: string, nonce: string, expiresAt: number, now: number): boolean {
    if (now - this.lastNoncePrune > 60_000) {
      this.stmts.pruneNonces.run(now);
      this.lastNoncePrune = now;
    }
    return this.stmts.useNonce.run(terminalId, nonce, expiresAt).changes === 1;
  }

  ingest(terminalId: string, events: WireEvent[], now: number): IngestResult {
    return this.db
      .transaction((): IngestResult => {
        const t = this.getTerminal(terminalId);
        if (!t) throw new ServiceError('YSS_SYNC_TERMINAL_UNKNOWN', terminalId);
        let head = t.head_seq;
        let headHash = t.head_hash;
        let inserted = 0;
        let duplicates = 0;
        for (const e of events) {
          if (eventHash(e) !== e.hash) throw new ServiceError('YSS_SYNC_CHAIN_BROKEN', e.seq, 'hash does not match its content');
          if (e.seq <= head) {
            const stored = this.stmts.eventHashAt.get(terminalId, e.seq) as string | undefined;
            if (stored !== undefined && stored !== e.hash) {
              throw new ServiceError('YSS_SYNC_CHAIN_BROKEN', e.seq, 'differs from the event already stored with this sequence');
            }
            duplicates++;
            continue;
          }
          if (e.seq !== head + 1) {
            this.stmts.setHead.run(head, headHash, terminalId);
            return { acked_through: head, gap: { expected: head + 1, got: e.seq }, inserted, duplicates };
          }
          if (e.prev_hash !== headHash) throw new ServiceError('YSS_SYNC_CHAIN_BROKEN', e.seq, 'prev_hash does not match the previous event');
          this.stmts.insertEvent.run(
            terminalId, e.seq, e.type, e.at, e.trusted_at, e.scenario, JSON.stringify(e.body),
            e.sealed ? JSON.stringify(e.sealed) : null, e.prev_hash, e.hash, now,
          );
          head = e.seq;
          headHash = e.hash;
          inserted++;
        }
        this.stmts.setHead.run(head, headHash, terminalId);
        return { acked_through: head, gap: null, inserted, duplicates };
      })
      .immediate();
  }

  heartbeat(terminalId: string, data: Record<string, unknown>, now: number): void {
    this.stmts.heartbeat.run(now, JSON.stringify(data), terminalId);
  }

  events(terminalId: string, afterSeq: number, limit: number): StoredEvent[] {
    return (this.stmts.events.all(terminalId, afterSeq, limit) as Record<string, unknown>[]).map((r) => ({
      ...(r as unknown as StoredEvent),
      body: JSON.parse(r.body as string),
      sealed: r.sealed ? JSON.parse(r.sealed as string) : null,
    }));
  }

  countEvents(terminalId?: string): number {
    return (terminalId ? this.stmts.countFor.get(terminalId) : this.stmts.count.get()) as number;
  }

  publishTrustList(jws: string, sequence: number, now: number): void {
    this.stmts.publish.run(sequence, jws, now);
  }

  trustList(): { jws: string; sequence: number } | null {
    return (this.stmts.trustList.get() as { jws: string; sequence: number } | undefined) ?? null;
  }

  close(): void {
    this.db.close();
  }
}

function toTerminal(r: TerminalRow): TerminalRecord {
  return { ...r, heartbeat: r.heartbeat ? JSON.parse(r.heartbeat) : null };
}
