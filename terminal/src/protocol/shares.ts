// Capacity shares on the wire (docs/feeds.md#capacity-shares): gates of one venue that decide
// offline split each booked slot's capacity. A terminal reports its own count of each slot with
// its heartbeat; the service answers with the share of the slot it may fill and its part of the
// venue's slack.

/** Most slots one heartbeat reports. */
export const SHARE_MAX_SLOTS = 64;

/** One slot as a terminal reports it. */
export interface SlotReport {
  /** Local day `YYYY-MM-DD` (China time). */
  day: string;
  /** `HH:MM-HH:MM`. */
  slot: string;
  /** The slot's capacity as the terminal's venue file and bookings give it. */
  capacity: number;
  /** The venue's slack: people the slot may hold beyond capacity, across all its terminals. */
  slack: number;
  /** People this terminal admitted into the slot. */
  admitted: number;
  /** The share the terminal keeps while this report is in flight, whatever the answer: the service grants at least it. */
  keep: number;
}

/** The service's answer for one reported slot. */
export interface SlotShare {
  day: string;
  slot: string;
  /** People this terminal may have admitted into the slot in all (its count included). */
  share: number;
  /** People it may admit beyond its share (its part of the venue's slack). */
  slack: number;
}

/** What the service answers to a heartbeat. */
export interface HeartbeatReply {
  server_time: number;
  /** Present when the heartbeat reported slots and the terminal is bound to a venue. */
  shares?: SlotShare[];
}

/**
 * The service's rule for one terminal's share of a slot, from every terminal's last report of it
 * (`rows`, this one's included with its new count): an equal part of the slot's unused places on
 * top of its own count, but never more than the capacity that the other terminals do not hold (a
 * share granted to a terminal that has not reported since stays its own, and so do places it
 * admitted beyond it) and never less than what it keeps. The slack is split evenly among the venue's terminals (`terminals`, sorted), the first
 * ones taking the remainder.
 */
export function grantShare(o: {
  me: string;
  keep: number;
  rows: readonly { terminal_id: string; admitted: number; share: number }[];
  capacity: number;
  slack: number;
  terminals: readonly string[];
}): { share: number; slack: number } {
  const mine = o.rows.find((r) => r.terminal_id === o.me)?.admitted ?? 0;
  const others = o.rows.filter((r) => r.terminal_id !== o.me);
  const held = others.reduce((s, r) => s + Math.max(r.share, r.admitted), 0);
  const free = Math.max(0, o.capacity - mine - others.reduce((s, r) => s + r.admitted, 0));
  const fair = mine + Math.ceil(free / (others.length + 1));
  // Not raised to its count: places it took from its slack stay slack, or it could take them again.
  const share = Math.max(o.keep, Math.min(o.capacity - held, fair));
  const i = o.terminals.indexOf(o.me);
  const n = o.terminals.length;
  const slack = i < 0 || n === 0 ? 0 : Math.floor(o.slack / n) + (i < o.slack % n ? 1 : 0);
  return { share, slack };
}
