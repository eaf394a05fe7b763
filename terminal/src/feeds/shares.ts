// A gate's shares of its venue's booked slots (docs/feeds.md#capacity-shares), in the terminal's
// one database. Each heartbeat reports this terminal's count of each slot with the share it keeps
// while the report is in flight (`keep`: its count and half its unused share, or all of it after
// a report that went unanswered); the service grants at least that. Until the answer, the
// terminal decides within `keep`; with the answer, within the granted share; with no answer,
// `keep` becomes its share, since the service may have granted the rest away. So what the
// terminal may use never exceeds what the service holds for it, online or not.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/index.ts';
import { SHARE_MAX_SLOTS, type SlotReport, type SlotShare } from '../protocol/index.ts';
import { localDay } from '../scenarios/index.ts';
import type { Venue } from '../venue/index.ts';
import type { PassageStore } from './passages.ts';
import type { FeedStore } from './store.ts';

interface ShareRow {
  day: string;
  slot: string;
  share: number;
  slack: number;
  keep: number | null;
  answered: number;
}

export class ShareStore {
  #get: Statement<[string, string], ShareRow>;
  #keep: Statement<[{ day: string; slot: string; keep: number }], unknown>;
  #grant: Statement<[number, number, string, string], unknown>;
  #settle: Statement<[number], unknown>;
  #prune: Statement<[string], unknown>;

  constructor(db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS access_shares (
      day TEXT NOT NULL,
      slot TEXT NOT NULL,
      share INTEGER NOT NULL,
      slack INTEGER NOT NULL,
      keep INTEGER,
      answered INTEGER NOT NULL,
      PRIMARY KEY (day, slot)
    ) WITHOUT ROWID`);
    this.#get = db.prepare<[string, string], ShareRow>('SELECT day, slot, share, slack, keep, answered FROM access_shares WHERE day = ? AND slot = ?');
    this.#keep = db.prepare(
      'INSERT INTO access_shares (day, slot, share, slack, keep, answered) VALUES (@day, @slot, 0, 0, @keep, 1) ON CONFLICT (day, slot) DO UPDATE SET keep = min(@keep, share)',
    );
    this.#grant = db.prepare('UPDATE access_shares SET share = ?, slack = ?, keep = NULL, answered = 1 WHERE day = ? AND slot = ?');
    this.#settle = db.prepare('UPDATE access_shares SET share = keep, keep = NULL, answered = ? WHERE keep IS NOT NULL');
    this.#prune = db.prepare('DELETE FROM access_shares WHERE day < ?');
  }

  /** People this terminal may have admitted into the slot in all, slack included; null when it has no share of it. */
  limit(day: string, slot: string): number | null {
    const r = this.#get.get(day, slot);
    return r ? Math.min(r.share, r.keep ?? r.share) + r.slack : null;
  }

  /**
   * The reports for a heartbeat, from each slot's capacity, slack and this terminal's count:
   * records what it keeps while the report is in flight.
   */
  report(slots: readonly Omit<SlotReport, 'keep'>[]): SlotReport[] {
    return slots.map((s) => {
      const held = this.#get.get(s.day, s.slot);
      const share = held?.share ?? 0;
      const unused = Math.max(0, share - s.admitted);
      const keep = !held ? 0 : held.answered ? Math.min(share, s.admitted + Math.ceil(unused / 2)) : share;
      this.#keep.run({ day: s.day, slot: s.slot, keep });
      return { ...s, keep };
    });
  }

  /** The service answered: each reported slot's grant (a reported slot it did not answer keeps what it kept). */
  answered(shares: readonly SlotShare[]): void {
    for (const g of shares) this.#grant.run(g.share, g.slack, g.day, g.slot);
    this.#settle.run(1);
  }

  /** The heartbeat went unanswered: the service may have granted the unkept part away. */
  unanswered(): void {
    this.#settle.run(0);
  }

  /** Drops shares of days before `day`. */
  prune(day: string): void {
    this.#prune.run(day);
  }
}

/**
 * What a heartbeat reports of a shared venue's slots: the booked slots of today and tomorrow (China
 * time) with a capacity (the smaller of `per_slot` and the bookings' `slot_capacity`), each with
 * this terminal's count and what it keeps while the report is in flight.
 */
export function slotReports(o: { venue: Readonly<Venue>; feeds: FeedStore; passages: PassageStore; shares: ShareStore; now: number }): SlotReport[] {
  const capacity = o.venue.access?.capacity;
  if (!capacity?.shares) return [];
  const today = localDay(o.now);
  o.shares.prune(today);
  const slots = o.feeds.bookedSlots([today, localDay(o.now + 86_400)]).flatMap((s) => {
    const cap = Math.min(capacity.per_slot ?? Infinity, s.slot_capacity ?? Infinity);
    return cap === Infinity ? [] : [{ day: s.day, slot: s.slot, capacity: cap, slack: capacity.shares!.slack, admitted: o.passages.admitted(s.day, s.slot) }];
  });
  return o.shares.report(slots.slice(0, SHARE_MAX_SLOTS));
}
