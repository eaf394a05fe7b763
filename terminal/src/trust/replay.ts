// Durable replay memory (codes.md §5 step 13): the cti of every accepted personal code, kept until
// the code could no longer be valid, in the terminal database so a restart opens no replay window.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/index.ts';

/** Default bound on remembered cti values: far above what a terminal accepts in one code lifetime. */
export const DEFAULT_REPLAY_ENTRIES = 200_000;

export class ReplayStore {
  #has: Statement<[Uint8Array], unknown>;
  #upsert: Statement<[Uint8Array, number], unknown>;
  #count: Statement<[], { n: number }>;
  #evict: Statement<[number], unknown>;
  #prune: Statement<[number], unknown>;
  #max: number;
  /** Rows at most: each record counts one, though recording a known cti adds no row. Saves a count per record. */
  #upper: number;

  constructor(db: Db, opts: { maxEntries?: number } = {}) {
    this.#max = opts.maxEntries ?? DEFAULT_REPLAY_ENTRIES;
    db.exec(`CREATE TABLE IF NOT EXISTS replay_cti (
      cti BLOB PRIMARY KEY,
      keep_until INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS replay_cti_keep_until ON replay_cti (keep_until)`);
    this.#has = db.prepare('SELECT 1 FROM replay_cti WHERE cti = ?').pluck();
    this.#upsert = db.prepare(
      `INSERT INTO replay_cti (cti, keep_until) VALUES (?, ?)
       ON CONFLICT (cti) DO UPDATE SET keep_until = max(keep_until, excluded.keep_until)`,
    );
    this.#count = db.prepare('SELECT count(*) AS n FROM replay_cti');
    // Over the bound, the entries that expire first go: they are the least likely to be replayed.
    this.#evict = db.prepare(
      'DELETE FROM replay_cti WHERE cti IN (SELECT cti FROM replay_cti ORDER BY keep_until LIMIT ?)',
    );
    this.#prune = db.prepare('DELETE FROM replay_cti WHERE keep_until < ?');
    this.#upper = this.#count.get()!.n;
  }

  has(cti: Uint8Array): boolean {
    return this.#has.get(cti) !== undefined;
  }

  /** Remembers `cti` until `keepUntil` (unix seconds: the code's exp plus the skew). */
  record(cti: Uint8Array, keepUntil: number): void {
    this.#upsert.run(cti, keepUntil);
    this.#upper++;
    if (this.#upper > this.#max) {
      this.#upper = this.#count.get()!.n;
      if (this.#upper > this.#max) {
        this.#evict.run(this.#upper - this.#max);
        this.#upper = this.#max;
      }
    }
  }

  /** Forgets entries whose codes have expired at `now`; returns how many went. */
  prune(now: number): number {
    const n = this.#prune.run(now).changes;
    this.#upper = this.#count.get()!.n;
    return n;
  }

  /** Remembered cti values, counted. */
  get size(): number {
    return this.#count.get()!.n;
  }
}
