// A hotel's stays, guest by guest (venue `stay`): a stay is a room, an arrival day, an expected
// departure and its guests, exactly one the main guest. Everything lives in the terminal's one
// database and changes only inside queue.commit, together with the event that tells the service
// (guest_in, guest_detail, stay_count, guest_out), so a restart loses nothing and doubles nothing.
// The terminal keeps no identity here: a guest is a salted hash of the document, a masked name and
// a category; the full record travels sealed in the reading's own event.
import { createHmac, randomBytes } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/index.ts';
import type { QueueTx } from '../queue/index.ts';
import type { GuestCategory, GuestRead } from './policy.ts';

/** How long an accepted reading may wait to be placed in a stay, seconds (30 min, as keypad details). */
export const READING_WAIT_S = 30 * 60;
/** How long a closed stay stays on the terminal after its last check-out, seconds (2 days). */
export const CLOSED_KEEP_S = 2 * 86_400;

export interface StayGuest {
  id: number;
  stay_id: number;
  /** Queue sequence of the reading whose sealed record is this guest's. */
  of_seq: number;
  name_masked: string;
  category: GuestCategory;
  main: boolean;
  /** Foreign details still to be added on the staff screen. */
  needs_details: boolean;
  in_at: number;
  out_at: number | null;
}

export interface Stay {
  id: number;
  room: string;
  /** Arrival day at the venue, YYYY-MM-DD (China time). */
  arrival: string;
  /** Expected departure day, YYYY-MM-DD. */
  departure: string;
  /** Head count the desk entered. */
  head_count: number;
  /** Why the head count differs from the guests registered, once the clerk confirmed it. */
  count_reason: string | null;
  opened_at: number;
  closed_at: number | null;
  guests: StayGuest[];
}

export type StayAnswer =
  | { ok: true; stay: Stay; guest: StayGuest; duplicate: boolean; event_seq: number | null }
  | { ok: false; why: 'unknown_reading' | 'stay_closed' | 'not_in_house' | 'unknown_stay' | 'unknown_guest' | 'no_details_needed' | 'count_matches' };

interface ReadingRow {
  seq: number;
  guest_key: string;
  name_masked: string;
  category: GuestCategory;
  needs_details: number;
}

interface GuestRow {
  id: number;
  stay_id: number;
  of_seq: number;
  guest_key: string;
  name_masked: string;
  category: GuestCategory;
  is_main: number;
  needs_details: number;
  in_at: number;
  out_at: number | null;
}

interface StayRow {
  id: number;
  room: string;
  arrival: string;
  departure: string;
  head_count: number;
  count_reason: string | null;
  opened_at: number;
  closed_at: number | null;
}

/** The reasons a clerk may give for a head count that differs from the guests registered. */
export const COUNT_REASONS = ['child_without_document', 'guest_arriving_later', 'guest_left', 'count_entered_wrong'] as const;
export type CountReason = (typeof COUNT_REASONS)[number];

const guestOf = (r: GuestRow): StayGuest => ({
  id: r.id,
  stay_id: r.stay_id,
  of_seq: r.of_seq,
  name_masked: r.name_masked,
  category: r.category,
  main: r.is_main === 1,
  needs_details: r.needs_details === 1,
  in_at: r.in_at,
  out_at: r.out_at,
});

export class StayStore {
  readonly #salt: Buffer;
  #s: {
    note: Statement<[number, string, string, string, number, number], unknown>;
    reading: Statement<[number, number], ReadingRow>;
    pruneReadings: Statement<[number], unknown>;
    openStay: Statement<[string], StayRow>;
    stay: Statement<[number], StayRow>;
    insertStay: Statement<[string, string, string, number, number], unknown>;
    guests: Statement<[number], GuestRow>;
    guest: Statement<[number], GuestRow>;
    ofReading: Statement<[number], GuestRow>;
    inHouse: Statement<[string], GuestRow>;
    insertGuest: Statement<[number, number, string, string, string, number, number, number], unknown>;
    headCount: Statement<[number, number], unknown>;
    reason: Statement<[string, number], unknown>;
    detailsDone: Statement<[number], unknown>;
    out: Statement<[number, number], unknown>;
    close: Statement<[number, number], unknown>;
    since: Statement<[string], StayRow>;
    pruneGuests: Statement<[number], unknown>;
    pruneStays: Statement<[number], unknown>;
  };

  constructor(db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS stay_salt (id INTEGER PRIMARY KEY CHECK (id = 1), salt BLOB NOT NULL);
    CREATE TABLE IF NOT EXISTS stay_reading (
      seq INTEGER PRIMARY KEY,
      guest_key TEXT NOT NULL,
      name_masked TEXT NOT NULL,
      category TEXT NOT NULL,
      needs_details INTEGER NOT NULL,
      until INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS stay (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      room TEXT NOT NULL,
      arrival TEXT NOT NULL,
      departure TEXT NOT NULL,
      head_count INTEGER NOT NULL,
      count_reason TEXT,
      opened_at INTEGER NOT NULL,
      closed_at INTEGER
    );
    CREATE UNIQUE INDEX IF NOT EXISTS stay_open_room ON stay (room) WHERE closed_at IS NULL;
    CREATE INDEX IF NOT EXISTS stay_arrival ON stay (arrival);
    CREATE TABLE IF NOT EXISTS stay_guest (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      stay_id INTEGER NOT NULL REFERENCES stay (id),
      of_seq INTEGER NOT NULL UNIQUE,
      guest_key TEXT NOT NULL,
      name_masked TEXT NOT NULL,
      category TEXT NOT NULL,
      is_main INTEGER NOT NULL,
      needs_details INTEGER NOT NULL,
      in_at INTEGER NOT NULL,
      out_at INTEGER
    );
    CREATE INDEX IF NOT EXISTS stay_guest_stay ON stay_guest (stay_id);
    CREATE INDEX IF NOT EXISTS stay_guest_key ON stay_guest (guest_key) WHERE out_at IS NULL;`);
    db.prepare('INSERT OR IGNORE INTO stay_salt (id, salt) VALUES (1, ?)').run(randomBytes(32));
    this.#salt = db.prepare<[], Buffer>('SELECT salt FROM stay_salt WHERE id = 1').pluck().get()!;
    this.#s = {
      note: db.prepare('INSERT OR REPLACE INTO stay_reading (seq, guest_key, name_masked, category, needs_details, until) VALUES (?, ?, ?, ?, ?, ?)'),
      reading: db.prepare<[number, number], ReadingRow>('SELECT seq, guest_key, name_masked, category, needs_details FROM stay_reading WHERE seq = ? AND until >= ?'),
      pruneReadings: db.prepare('DELETE FROM stay_reading WHERE until < ?'),
      openStay: db.prepare<[string], StayRow>('SELECT * FROM stay WHERE room = ? AND closed_at IS NULL'),
      stay: db.prepare<[number], StayRow>('SELECT * FROM stay WHERE id = ?'),
      insertStay: db.prepare('INSERT INTO stay (room, arrival, departure, head_count, opened_at) VALUES (?, ?, ?, ?, ?)'),
      guests: db.prepare<[number], GuestRow>('SELECT * FROM stay_guest WHERE stay_id = ? ORDER BY id'),
      guest: db.prepare<[number], GuestRow>('SELECT * FROM stay_guest WHERE id = ?'),
      ofReading: db.prepare<[number], GuestRow>('SELECT * FROM stay_guest WHERE of_seq = ? AND out_at IS NULL ORDER BY id DESC LIMIT 1'),
      inHouse: db.prepare<[string], GuestRow>('SELECT * FROM stay_guest WHERE guest_key = ? AND out_at IS NULL ORDER BY id DESC LIMIT 1'),
      insertGuest: db.prepare(
        'INSERT INTO stay_guest (stay_id, of_seq, guest_key, name_masked, category, is_main, needs_details, in_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      headCount: db.prepare('UPDATE stay SET head_count = ?, count_reason = NULL WHERE id = ?'),
      reason: db.prepare('UPDATE stay SET count_reason = ? WHERE id = ?'),
      detailsDone: db.prepare('UPDATE stay_guest SET needs_details = 0 WHERE id = ?'),
      out: db.prepare('UPDATE stay_guest SET out_at = ? WHERE id = ? AND out_at IS NULL'),
      close: db.prepare('UPDATE stay SET closed_at = ? WHERE id = ? AND closed_at IS NULL'),
      since: db.prepare<[string], StayRow>('SELECT * FROM stay WHERE closed_at IS NULL OR arrival >= ? ORDER BY id'),
      pruneGuests: db.prepare('DELETE FROM stay_guest WHERE stay_id IN (SELECT id FROM stay WHERE closed_at < ?)'),
      pruneStays: db.prepare('DELETE FROM stay WHERE closed_at < ?'),
    };
  }

  /** The guest's stored key: an HMAC of the document with this terminal's own salt. */
  keyOf(identity: string): string {
    return createHmac('sha256', this.#salt).update(identity).digest('base64url').slice(0, 22);
  }

  /** Call inside the reading's transaction: the accepted reading may now be placed in a stay. */
  noteReading(seq: number, g: GuestRead, now: number, waitS = READING_WAIT_S): void {
    this.#s.note.run(seq, this.keyOf(g.identity), g.name_masked, g.category, g.needs_details ? 1 : 0, now + waitS);
  }

  /** The open stay a reading's guest is in, if any (a check-out scan). */
  inHouseOf(seq: number, now: number): StayGuest | null {
    const r = this.#s.reading.get(seq, now);
    const g = r ? this.#s.inHouse.get(r.guest_key) : undefined;
    return g ? guestOf(g) : null;
  }

  /** The guest in house registered from the reading `seq` (the self-service kiosk's own guest). */
  guestOfReading(seq: number): StayGuest | null {
    const g = this.#s.ofReading.get(seq);
    return g ? guestOf(g) : null;
  }

  guest(id: number): StayGuest | null {
    const g = this.#s.guest.get(id);
    return g ? guestOf(g) : null;
  }

  stay(id: number): Stay | null {
    const row = this.#s.stay.get(id);
    return row ? { ...row, guests: this.#s.guests.all(row.id).map(guestOf) } : null;
  }

  /** Open stays, and those that arrived on or after `day` (YYYY-MM-DD), oldest first. */
  list(day: string): Stay[] {
    return this.#s.since.all(day).map((row) => ({ ...row, guests: this.#s.guests.all(row.id).map(guestOf) }));
  }

  /**
   * Places the reading `seq` in the room's open stay, or opens one with it as the main guest.
   * The same guest already in house in that room is flagged and not added again. Call inside
   * queue.commit; appends `guest_in` (and nothing on a duplicate).
   */
  checkIn(
    tx: QueueTx,
    r: { seq: number; room: string; head_count?: number; departure: string; arrival: string; at: number; trustedAt: number; venue: string; deadlineS: (c: GuestCategory) => number; alertBeforeS: number },
  ): StayAnswer {
    const reading = this.#s.reading.get(r.seq, Math.floor(r.trustedAt / 1000));
    if (!reading) return { ok: false, why: 'unknown_reading' };
    let row = this.#s.openStay.get(r.room);
    let opened = false;
    if (!row) {
      const id = Number(this.#s.insertStay.run(r.room, r.arrival, r.departure, r.head_count ?? 1, r.at).lastInsertRowid);
      row = this.#s.stay.get(id)!;
      opened = true;
    } else if (r.head_count !== undefined && r.head_count !== row.head_count) {
      this.#s.headCount.run(r.head_count, row.id);
    }
    const existing = this.#s.guests.all(row.id).find((g) => g.guest_key === reading.guest_key && g.out_at === null);
    if (existing) return { ok: true, stay: this.stay(row.id)!, guest: guestOf(existing), duplicate: true, event_seq: null };
    const main = opened ? 1 : 0;
    const gid = Number(
      this.#s.insertGuest.run(row.id, r.seq, reading.guest_key, reading.name_masked, reading.category, main, reading.needs_details, r.at).lastInsertRowid,
    );
    const stay = this.stay(row.id)!;
    const e = tx.append({
      type: 'guest_in',
      at: r.at,
      trusted_at: r.trustedAt,
      scenario: r.venue,
      body: {
        stay_id: stay.id,
        guest_id: gid,
        of_seq: r.seq,
        room: stay.room,
        arrival: stay.arrival,
        departure: stay.departure,
        head_count: stay.head_count,
        main: main === 1,
        category: reading.category,
        needs_details: reading.needs_details === 1,
        // When the guest's registration must have reached the police (venue `stay.deadlines_s`), unix ms.
        deadline_at: r.at + r.deadlineS(reading.category) * 1000,
        // When the service alerts if the police have not accepted it (venue `stay.alert_before_s`), unix ms.
        alert_at: r.at + Math.max(0, r.deadlineS(reading.category) - r.alertBeforeS) * 1000,
      },
      sealed: null,
    });
    return { ok: true, stay, guest: stay.guests.find((g) => g.id === gid)!, duplicate: false, event_seq: e.seq };
  }

  /** Records that the guest's foreign details were added (their event carries them sealed). */
  detailsAdded(guestId: number): StayAnswer {
    const g = this.#s.guest.get(guestId);
    if (!g) return { ok: false, why: 'unknown_guest' };
    if (g.needs_details !== 1) return { ok: false, why: 'no_details_needed' };
    this.#s.detailsDone.run(guestId);
    return { ok: true, stay: this.stay(g.stay_id)!, guest: guestOf(this.#s.guest.get(guestId)!), duplicate: false, event_seq: null };
  }

  /** The clerk confirms why the head count differs from the guests registered. */
  confirmCount(stayId: number, reason: CountReason): { ok: true; stay: Stay } | { ok: false; why: 'unknown_stay' | 'stay_closed' | 'count_matches' } {
    const s = this.stay(stayId);
    if (!s) return { ok: false, why: 'unknown_stay' };
    if (s.closed_at !== null) return { ok: false, why: 'stay_closed' };
    if (s.guests.length === s.head_count) return { ok: false, why: 'count_matches' };
    this.#s.reason.run(reason, stayId);
    return { ok: true, stay: this.stay(stayId)! };
  }

  /** Checks a guest out; the stay closes with its last guest. Call inside queue.commit. */
  checkOut(tx: QueueTx, guestId: number, at: number, trustedAt: number, venue: string): StayAnswer {
    const g = this.#s.guest.get(guestId);
    if (!g) return { ok: false, why: 'unknown_guest' };
    if (g.out_at !== null) return { ok: false, why: 'not_in_house' };
    this.#s.out.run(at, guestId);
    const e = tx.append({ type: 'guest_out', at, trusted_at: trustedAt, scenario: venue, body: { stay_id: g.stay_id, guest_id: g.id, of_seq: g.of_seq }, sealed: null });
    const stay = this.stay(g.stay_id)!;
    if (stay.guests.every((x) => x.out_at !== null)) this.#s.close.run(at, stay.id);
    return { ok: true, stay: this.stay(g.stay_id)!, guest: guestOf(this.#s.guest.get(guestId)!), duplicate: false, event_seq: e.seq };
  }

  /**
   * Forgets readings no longer waiting (`now`, unix seconds) and stays closed before `closedBeforeMs`:
   * the service holds their record, the terminal needs them only for the desk's day.
   */
  prune(now: number, closedBeforeMs = (now - CLOSED_KEEP_S) * 1000): number {
    let n = this.#s.pruneReadings.run(now).changes;
    n += this.#s.pruneGuests.run(closedBeforeMs).changes;
    return n + this.#s.pruneStays.run(closedBeforeMs).changes;
  }
}

/** True when the stay's head count and its registered guests agree, or the clerk said why not. */
export function countSettled(s: Stay): boolean {
  return s.guests.length === s.head_count || s.count_reason !== null;
}
