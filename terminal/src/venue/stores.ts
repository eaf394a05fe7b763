// What a venue must remember between readings, in the terminal's one database so that it commits
// in the reading's own transaction and survives a restart: when each person last passed (per-person
// replay), and the accepted readings still waiting for details from the keypad (a hotel's room).
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/index.ts';

/** Default bound on remembered persons; the oldest passages go first beyond it. */
export const DEFAULT_PERSON_ENTRIES = 200_000;

/** Last accepted reading per person key (a hash, never an identity). */
export class PersonSeenStore {
  #get: Statement<[string], number>;
  #put: Statement<[string, number, number], unknown>;
  #prune: Statement<[number], unknown>;
  #evict: Statement<[number], unknown>;
  #count: Statement<[], number>;

  constructor(
    db: Db,
    private readonly max = DEFAULT_PERSON_ENTRIES,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS venue_person_seen (
      key TEXT PRIMARY KEY,
      at INTEGER NOT NULL,
      keep_until INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS venue_person_seen_keep ON venue_person_seen (keep_until)`);
    this.#get = db.prepare<[string], number>('SELECT at FROM venue_person_seen WHERE key = ?').pluck();
    this.#put = db.prepare('INSERT INTO venue_person_seen (key, at, keep_until) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET at = excluded.at, keep_until = excluded.keep_until');
    this.#prune = db.prepare('DELETE FROM venue_person_seen WHERE keep_until < ?');
    this.#evict = db.prepare('DELETE FROM venue_person_seen WHERE key IN (SELECT key FROM venue_person_seen ORDER BY keep_until LIMIT ?)');
    this.#count = db.prepare<[], number>('SELECT count(*) FROM venue_person_seen').pluck();
  }

  lastSeen(key: string): number | null {
    return this.#get.get(key) ?? null;
  }

  /** Call inside the reading's transaction; `keepUntil` is when the entry stops mattering. */
  record(key: string, at: number, keepUntil: number): void {
    this.#put.run(key, at, keepUntil);
  }

  prune(now: number): number {
    const n = this.#prune.run(now).changes;
    const over = this.#count.get()! - this.max;
    if (over > 0) this.#evict.run(over);
    return n;
  }
}

/** How long an accepted reading waits for its keypad details, seconds (30 min). */
export const DETAILS_WAIT_S = 30 * 60;

export interface PendingDetails {
  seq: number;
  fields: readonly string[];
}

/** Accepted readings awaiting details, by the sequence of their committed event. */
export class PendingDetailsStore {
  #put: Statement<[number, string, number], unknown>;
  #get: Statement<[number, number], { seq: number; fields: string }>;
  #done: Statement<[number], unknown>;
  #prune: Statement<[number], unknown>;

  constructor(db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS venue_pending_details (
      seq INTEGER PRIMARY KEY,
      fields TEXT NOT NULL,
      until INTEGER NOT NULL
    )`);
    this.#put = db.prepare('INSERT OR REPLACE INTO venue_pending_details (seq, fields, until) VALUES (?, ?, ?)');
    this.#get = db.prepare<[number, number], { seq: number; fields: string }>('SELECT seq, fields FROM venue_pending_details WHERE seq = ? AND until >= ?');
    this.#done = db.prepare('DELETE FROM venue_pending_details WHERE seq = ?');
    this.#prune = db.prepare('DELETE FROM venue_pending_details WHERE until < ?');
  }

  /** Call inside the reading's transaction, with its event's sequence. */
  open(seq: number, fields: readonly string[], now: number, waitS = DETAILS_WAIT_S): void {
    this.#put.run(seq, JSON.stringify(fields), now + waitS);
  }

  /** The pending entry for `seq` if it is still waiting at `now`. */
  get(seq: number, now: number): PendingDetails | null {
    const row = this.#get.get(seq, now);
    return row ? { seq: row.seq, fields: JSON.parse(row.fields) as string[] } : null;
  }

  /** Marks `seq` as answered; call in the transaction that records the details. */
  close(seq: number): void {
    this.#done.run(seq);
  }

  prune(now: number): number {
    return this.#prune.run(now).changes;
  }
}
