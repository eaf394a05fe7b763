// Queue numbers: a per-service prefix and a counter that restarts each local day (Asia/Shanghai),
// as service halls number them (`A001`). Allocated inside the event's transaction, so a number is
// never issued twice nor skipped by a crash.
import type { Db } from '../queue/index.ts';

const CHINA_OFFSET_S = 8 * 3600;

export function localDay(unixSeconds: number): string {
  return new Date((unixSeconds + CHINA_OFFSET_S) * 1000).toISOString().slice(0, 10);
}

export class TicketCounter {
  private readonly bump;

  constructor(db: Db) {
    db.exec('CREATE TABLE IF NOT EXISTS ticket_counters (day TEXT NOT NULL, prefix TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (day, prefix))');
    this.bump = db.prepare(
      'INSERT INTO ticket_counters (day, prefix, n) VALUES (?, ?, 1) ON CONFLICT (day, prefix) DO UPDATE SET n = n + 1 RETURNING n',
    ).pluck();
  }

  /** The next number for `prefix` today; call inside the event's transaction. */
  next(prefix: string, unixSeconds: number): { number: string; issued_today: number } {
    const n = this.bump.get(localDay(unixSeconds), prefix) as number;
    return { number: `${prefix}${String(n).padStart(3, '0')}`, issued_today: n - 1 };
  }
}
