// Queue numbers: a per-service prefix and a counter that restarts each local day, as service
// halls number them (`A001`). Allocated inside the event's transaction (Queue.commit), so a
// number is never issued twice nor skipped by a crash. The day is the venue's (scenarios'
// localDay); this file only stores.
import type { Db } from '../db/index.ts';

export class TicketCounter {
  private readonly bump;
  private readonly current;

  constructor(db: Db) {
    db.exec('CREATE TABLE IF NOT EXISTS ticket_counters (day TEXT NOT NULL, prefix TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (day, prefix))');
    this.bump = db.prepare(
      'INSERT INTO ticket_counters (day, prefix, n) VALUES (?, ?, 1) ON CONFLICT (day, prefix) DO UPDATE SET n = n + 1 RETURNING n',
    ).pluck();
    this.current = db.prepare<[string, string], number>('SELECT n FROM ticket_counters WHERE day = ? AND prefix = ?').pluck();
  }

  /** The number next() would give now, without taking it. */
  peek(prefix: string, day: string): number {
    return (this.current.get(day, prefix) ?? 0) + 1;
  }

  /** The next number for `prefix` on the local `day` (`YYYY-MM-DD`); call inside the event's commit. */
  next(prefix: string, day: string): { number: string; issued_today: number } {
    const n = this.bump.get(day, prefix) as number;
    return { number: `${prefix}${String(n).padStart(3, '0')}`, issued_today: n - 1 };
  }
}
