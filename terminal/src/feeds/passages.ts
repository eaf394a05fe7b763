// What a gate counts locally from its feeds: people admitted per day and per slot (a group
// booking counts its party), and each holder's last passage (anti-passback). Written in the
// reading's own transaction, so a count never runs ahead of or behind the events.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/index.ts';

/** Slot key of a whole day's count. */
export const WHOLE_DAY = '';

/** A holder's passage and place inside before an admission (PassageStore.before). */
export interface PassageBefore {
  at: number | null;
  inside: { n: number; at: number } | null;
}

export class PassageStore {
  #count: Statement<[string, string], number>;
  #add: Statement<[string, string, number], unknown>;
  #last: Statement<[string], number>;
  #pass: Statement<[string, number], unknown>;
  #pruneCounts: Statement<[string], unknown>;
  #prunePassages: Statement<[number], unknown>;
  #inside: Statement<[string], number>;
  #occupancy: Statement<[], number>;
  #enter: Statement<[string, number, number], unknown>;
  #leave: Statement<[string], unknown>;
  #insideRow: Statement<[string], { n: number; at: number }>;
  #unpass: Statement<[string, number], unknown>;
  #repass: Statement<[number, string, number], unknown>;
  #unenter: Statement<[string, number], unknown>;

  constructor(db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS access_admitted (
      day TEXT NOT NULL,
      slot TEXT NOT NULL,
      n INTEGER NOT NULL,
      PRIMARY KEY (day, slot)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS access_passages (
      holder TEXT PRIMARY KEY,
      at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS access_passages_at ON access_passages (at);
    CREATE TABLE IF NOT EXISTS access_inside (
      holder TEXT PRIMARY KEY,
      n INTEGER NOT NULL,
      at INTEGER NOT NULL
    ) WITHOUT ROWID`);
    this.#inside = db.prepare<[string], number>('SELECT n FROM access_inside WHERE holder = ?').pluck();
    this.#occupancy = db.prepare<[], number>('SELECT coalesce(sum(n), 0) FROM access_inside').pluck();
    this.#enter = db.prepare('INSERT OR REPLACE INTO access_inside (holder, n, at) VALUES (?, ?, ?)');
    this.#leave = db.prepare('DELETE FROM access_inside WHERE holder = ?');
    this.#insideRow = db.prepare<[string], { n: number; at: number }>('SELECT n, at FROM access_inside WHERE holder = ?');
    this.#unpass = db.prepare('DELETE FROM access_passages WHERE holder = ? AND at = ?');
    this.#repass = db.prepare('UPDATE access_passages SET at = ? WHERE holder = ? AND at = ?');
    this.#unenter = db.prepare('DELETE FROM access_inside WHERE holder = ? AND at = ?');
    this.#count = db.prepare<[string, string], number>('SELECT n FROM access_admitted WHERE day = ? AND slot = ?').pluck();
    this.#add = db.prepare('INSERT INTO access_admitted (day, slot, n) VALUES (?, ?, ?) ON CONFLICT (day, slot) DO UPDATE SET n = n + excluded.n');
    this.#last = db.prepare<[string], number>('SELECT at FROM access_passages WHERE holder = ?').pluck();
    this.#pass = db.prepare('INSERT INTO access_passages (holder, at) VALUES (?, ?) ON CONFLICT (holder) DO UPDATE SET at = excluded.at');
    this.#pruneCounts = db.prepare('DELETE FROM access_admitted WHERE day < ?');
    this.#prunePassages = db.prepare('DELETE FROM access_passages WHERE at < ?');
  }

  /** People admitted on `day` (local `YYYY-MM-DD`) in `slot` (`HH:MM-HH:MM`), or the whole day. */
  admitted(day: string, slot = WHOLE_DAY): number {
    return this.#count.get(day, slot) ?? 0;
  }

  /** Unix seconds of the holder's last admitted passage, or null. */
  lastPassage(holder: string): number | null {
    return this.#last.get(holder) ?? null;
  }

  /** Call inside the reading's transaction. An exit only lets the holder's party out; an entry (or a venue without exit readers) counts it in. */
  admit(holder: string, day: string, slot: string | null, n: number, at: number, direction?: 'entry' | 'exit'): void {
    if (direction === 'exit') {
      this.#leave.run(holder);
      return;
    }
    this.#add.run(day, WHOLE_DAY, n);
    if (slot) this.#add.run(day, slot, n);
    this.#pass.run(holder, at);
    if (direction === 'entry') this.#enter.run(holder, n, at);
  }

  /** What an admission of `holder` would change, read before it: taking it back restores this (grants.ts). */
  before(holder: string): PassageBefore {
    const inside = this.#insideRow.get(holder);
    return { at: this.lastPassage(holder), inside: inside ? { n: inside.n, at: inside.at } : null };
  }

  /**
   * Takes back an admission made at `at` (unix seconds) that nobody walked through: its counts, and
   * the holder's passage and place inside as they were `before` it. A later admission of the same
   * holder (another `at`) is left as it is. Call inside a transaction.
   */
  undo(a: { holder: string; day: string; slot: string | null; n: number; direction?: 'entry' | 'exit' }, at: number, before: PassageBefore): void {
    if (a.direction === 'exit') {
      // The party did not leave: it is inside again, as recorded at its entry.
      if (before.inside && this.inside(a.holder) === null) this.#enter.run(a.holder, before.inside.n, before.inside.at);
      return;
    }
    this.#add.run(a.day, WHOLE_DAY, -a.n);
    if (a.slot) this.#add.run(a.day, a.slot, -a.n);
    if (before.at === null) this.#unpass.run(a.holder, at);
    else this.#repass.run(before.at, a.holder, at);
    if (a.direction === 'entry') this.#unenter.run(a.holder, at);
  }

  /** People of the holder's party inside (entered through an entry reader and not out yet), or null. */
  inside(holder: string): number | null {
    return this.#inside.get(holder) ?? null;
  }

  /** People inside now. */
  occupancy(): number {
    return this.#occupancy.get() ?? 0;
  }

  /** Drops counts of days before `day` and passages before `before` (unix seconds). */
  prune(day: string, before: number): void {
    this.#pruneCounts.run(day);
    this.#prunePassages.run(before);
  }
}
