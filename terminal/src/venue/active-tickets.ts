// One active number per person per category (print-ticket `one_active`, docs/hall.md): this
// machine's own record of whom it gave a number today, written in the ticket's transaction. A
// number stops being active when the hall reports it completed or missed (`finished`); with no
// answer from the hall, every number this machine issued today stays active.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/index.ts';

export class ActiveTicketStore {
  #get: Statement<[string, string, string], string>;
  #put: Statement<[string, string, string, string], unknown>;
  #prune: Statement<[string], unknown>;
  /** `finished`: the day's numbers the hall last reported completed or missed (HallNumbers.finished), or null. */
  constructor(
    db: Db,
    private readonly finished: (day: string) => ReadonlySet<string> | null = () => null,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS hall_active_tickets (
      day TEXT NOT NULL,
      category TEXT NOT NULL,
      person TEXT NOT NULL,
      number TEXT NOT NULL,
      PRIMARY KEY (day, category, person)
    ) WITHOUT ROWID`);
    this.#get = db.prepare<[string, string, string], string>('SELECT number FROM hall_active_tickets WHERE day = ? AND category = ? AND person = ?').pluck();
    this.#put = db.prepare('INSERT INTO hall_active_tickets (day, category, person, number) VALUES (?, ?, ?, ?) ON CONFLICT (day, category, person) DO UPDATE SET number = excluded.number');
    this.#prune = db.prepare('DELETE FROM hall_active_tickets WHERE day < ?');
  }

  /** The person's active number in the category on the day, or null. */
  active(day: string, category: string, person: string): string | null {
    const n = this.#get.get(day, category, person) ?? null;
    if (n === null) return null;
    return this.finished(day)?.has(n) ? null : n;
  }

  /** Call inside the ticket's transaction. */
  record(day: string, category: string, person: string, number: string): void {
    this.#put.run(day, category, person, number);
  }

  /** Drops the records of days before `day`. */
  prune(day: string): void {
    this.#prune.run(day);
  }
}
