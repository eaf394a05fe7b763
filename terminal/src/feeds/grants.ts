// Grants waiting for their passage (docs/feeds.md#grants-that-lapse). At a gate whose `open-gate`
// action names a pass sensor, an admission is counted in the reading's transaction as at any gate
// (so two grants in flight cannot overfill a slot) and, in the same transaction, kept here with
// what it changed. The sensor's passage confirms the oldest grant of its gate, and the next
// passages within it are the rest of its party; a grant nobody walked through within `grant_s`
// is taken back (passages.ts `undo`). Kept in SQLite, so a
// restart does not forget a grant in flight.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/index.ts';
import type { PassageBefore } from './passages.ts';

export interface Grant {
  /** The verdict event's seq. */
  seq: number;
  sensor: string;
  holder: string;
  day: string;
  slot: string | null;
  n: number;
  direction?: 'entry' | 'exit';
  /** Unix seconds of the admission (PassageStore's `at`). */
  at: number;
  before: PassageBefore;
  /** Unix ms the grant lapses at. */
  expires_at: number;
}

interface Row {
  seq: number;
  sensor: string;
  holder: string;
  day: string;
  slot: string | null;
  n: number;
  direction: 'entry' | 'exit' | null;
  at: number;
  before_json: string;
  expires_at: number;
  passed: number;
}

const grantOf = (r: Row): Grant => ({
  seq: r.seq,
  sensor: r.sensor,
  holder: r.holder,
  day: r.day,
  slot: r.slot,
  n: r.n,
  ...(r.direction ? { direction: r.direction } : {}),
  at: r.at,
  before: JSON.parse(r.before_json) as PassageBefore,
  expires_at: r.expires_at,
});

export class GrantStore {
  #open: Statement<[number, string, string, string, string | null, number, string | null, number, string, number], unknown>;
  #oldest: Statement<[string, number], Row>;
  #partOf: Statement<[string, number], Row>;
  #passed: Statement<[number], unknown>;
  #settle: Statement<[number], unknown>;
  #due: Statement<[number], Row>;
  #next: Statement<[], number>;
  #drop: Statement<[number], unknown>;
  #count: Statement<[], number>;

  constructor(db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS access_grants (
      seq INTEGER PRIMARY KEY,
      sensor TEXT NOT NULL,
      holder TEXT NOT NULL,
      day TEXT NOT NULL,
      slot TEXT,
      n INTEGER NOT NULL,
      direction TEXT,
      at INTEGER NOT NULL,
      before_json TEXT NOT NULL,
      expires_at INTEGER NOT NULL,
      passed INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS access_grants_sensor ON access_grants (sensor, seq)`);
    this.#open = db.prepare('INSERT INTO access_grants (seq, sensor, holder, day, slot, n, direction, at, before_json, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.#oldest = db.prepare<[string, number], Row>('SELECT * FROM access_grants WHERE sensor = ? AND expires_at > ? AND passed = 0 ORDER BY seq LIMIT 1');
    this.#partOf = db.prepare<[string, number], Row>('SELECT * FROM access_grants WHERE sensor = ? AND expires_at > ? AND passed > 0 AND passed < n ORDER BY seq LIMIT 1');
    this.#passed = db.prepare('UPDATE access_grants SET passed = passed + 1 WHERE seq = ?');
    this.#settle = db.prepare('DELETE FROM access_grants WHERE expires_at <= ? AND passed > 0');
    this.#due = db.prepare<[number], Row>('SELECT * FROM access_grants WHERE expires_at <= ? AND passed = 0 ORDER BY seq');
    this.#next = db.prepare<[], number>('SELECT min(expires_at) FROM access_grants').pluck();
    this.#drop = db.prepare('DELETE FROM access_grants WHERE seq = ?');
    this.#count = db.prepare<[], number>('SELECT count(*) FROM access_grants').pluck();
  }

  /** Call inside the reading's transaction, after its event is appended. */
  open(g: Grant): void {
    this.#open.run(g.seq, g.sensor, g.holder, g.day, g.slot, g.n, g.direction ?? null, g.at, JSON.stringify(g.before), g.expires_at);
  }

  /**
   * A passage at `sensor`'s gate at `nowMs`: one more of a party already passing (`first: false`),
   * else the oldest grant still running, now confirmed (`first: true`); null when no grant waits.
   * Call inside a transaction.
   */
  take(sensor: string, nowMs: number): { grant: Grant; first: boolean } | null {
    const member = this.#partOf.get(sensor, nowMs);
    const r = member ?? this.#oldest.get(sensor, nowMs);
    if (!r) return null;
    // Once the whole party has passed the grant is done; until then it waits for the rest.
    if (r.passed + 1 >= r.n) this.#drop.run(r.seq);
    else this.#passed.run(r.seq);
    return { grant: grantOf(r), first: !member };
  }

  /** Grants whose time ran out by `nowMs` with nobody through, oldest first (still stored: `drop` each as it is taken back); grants that were passed and ran out are forgotten. */
  due(nowMs: number): Grant[] {
    this.#settle.run(nowMs);
    return this.#due.all(nowMs).map(grantOf);
  }

  drop(seq: number): void {
    this.#drop.run(seq);
  }

  /** Unix ms the next grant lapses at, or null with none waiting. */
  nextExpiry(): number | null {
    return this.#next.get() ?? null;
  }

  /** Grants waiting for their passage. */
  waiting(): number {
    return this.#count.get() ?? 0;
  }
}
