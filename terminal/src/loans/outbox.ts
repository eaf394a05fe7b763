// Loans and returns waiting for the library system (ILS) while it is away: written in the item's
// own transaction, so an event and its queued SIP2 transaction exist together or not at all, and
// sent again (store and forward, SIP2 `no block` = Y, with the original transaction time) until
// the ILS answers.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/index.ts';

export interface QueuedLoan {
  id: number;
  op: 'checkout' | 'checkin';
  /** Holder hash (docs/feeds.md), the patron identifier; null for a return. */
  patron: string | null;
  item: string;
  /** Unix seconds of the loan or return. */
  at: number;
  /** Queue seq of the item's event. */
  seq: number;
  attempts: number;
}

export class LoanOutbox {
  #add: Statement<[string, string | null, string, number, number], unknown>;
  #all: Statement<[], QueuedLoan>;
  #done: Statement<[number], unknown>;
  #tried: Statement<[number], unknown>;
  #count: Statement<[], number>;

  constructor(db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS loan_outbox (
      id INTEGER PRIMARY KEY,
      op TEXT NOT NULL CHECK (op IN ('checkout', 'checkin')),
      patron TEXT,
      item TEXT NOT NULL,
      at INTEGER NOT NULL,
      seq INTEGER NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0
    )`);
    this.#add = db.prepare('INSERT INTO loan_outbox (op, patron, item, at, seq) VALUES (?, ?, ?, ?, ?)');
    this.#all = db.prepare<[], QueuedLoan>('SELECT id, op, patron, item, at, seq, attempts FROM loan_outbox ORDER BY id');
    this.#done = db.prepare('DELETE FROM loan_outbox WHERE id = ?');
    this.#tried = db.prepare('UPDATE loan_outbox SET attempts = attempts + 1 WHERE id = ?');
    this.#count = db.prepare<[], number>('SELECT count(*) FROM loan_outbox').pluck();
  }

  /** Call inside the item's queue transaction. */
  add(op: QueuedLoan['op'], patron: string | null, item: string, at: number, seq: number): void {
    this.#add.run(op, patron, item, at, seq);
  }

  pending(): QueuedLoan[] {
    return this.#all.all();
  }

  size(): number {
    return this.#count.get() ?? 0;
  }

  done(id: number): void {
    this.#done.run(id);
  }

  tried(id: number): void {
    this.#tried.run(id);
  }
}
