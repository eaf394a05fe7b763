// What the fleet page reads without scanning events: a count of stored events per terminal, venue
// and hour (the rollup each ingest adds to, in its own transaction, so it never disagrees with the
// events), and the chain resets terminals reported. Keyed per terminal so that two terminals'
// uploads never wait on one counter row; the page sums over terminals.
import type { WireEvent } from '../../../terminal/src/protocol/index.ts';

export const HOUR_MS = 3_600_000;

/** An hour of one venue's stored events. `hour` is the hour's first instant (unix ms, UTC). */
export interface VenueHour {
  venue: string;
  hour: number;
  count: number;
}

/** A terminal that started a new chain with `terminal reset`, from its `reset` event. */
export interface ResetRecord {
  terminal_id: string;
  /** The terminal id it says it replaces (as the reset event claims it; the operator revokes). */
  replaces: string | null;
  reason: string | null;
  at: number;
}

/**
 * A hall ticket a terminal uploaded (docs/hall.md): the calling side's input. Nothing personal:
 * the number, its category (the number's prefix), the service, the priority flag and when.
 */
export interface HallTicket {
  hall: string;
  day: string;
  number: string;
  category: string;
  service: string;
  priority: 'elderly' | 'appointment' | null;
  /** An appointment's sign-in and how the hall places it (docs/hospital.md); null for a walk-in's ticket. */
  placement: Placement | null;
  /** The terminal's trusted time of the ticket (unix ms). */
  taken_at: number;
  /** The category's configured average service time (minutes), when the venue names one. */
  service_minutes: number | null;
  terminal_id: string;
  seq: number;
}

/** Where a late arrival or a missed call rejoins the queue: as a ticket taken then, at the end of the session, or after the first `n` waiting. */
export type PlacementRule = { place: 'normal' } | { place: 'end' } | { place: 'insert_after'; n: number };

/** What an appointment ticket carries for the calling order (the terminal's `appointment` effect field, venue `appointments`). */
export interface Placement {
  /** The booked slot, `HH:MM-HH:MM`. */
  slot: string;
  /** The registration number (挂号序号) from the feed, when it has one. */
  reg?: number;
  /** Signed in after the slot's end and its grace. */
  late: boolean;
  /** Appointment holders go ahead of everyone (预约永优先). */
  first: boolean;
  /** Among appointment holders: by registration number or by the time they signed in. */
  order: 'registration' | 'sign_in';
  late_rule: PlacementRule;
  missed_rule: PlacementRule;
}

/** The columns of a HallTicket row, in both engines (`placement` is JSON text in storage). */
export const TICKET_COLS = 'hall, day, number, category, service, priority, taken_at, service_minutes, terminal_id, seq, placement';

const SLOT = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$|^([01]\d|2[0-3]):[0-5]\d-24:00$/;

function ruleOf(x: unknown): PlacementRule | null {
  if (typeof x !== 'object' || x === null) return null;
  const r = x as { place?: unknown; n?: unknown };
  if (r.place === 'normal' || r.place === 'end') return { place: r.place };
  if (r.place === 'insert_after' && Number.isInteger(r.n) && (r.n as number) >= 1 && (r.n as number) <= 100) return { place: 'insert_after', n: r.n as number };
  return null;
}

/** A terminal's `appointment` field checked as a stranger's: anything off and the ticket is placed as a walk-in's. */
export function placementOf(x: unknown): Placement | null {
  if (typeof x !== 'object' || x === null) return null;
  const a = x as Record<string, unknown>;
  const late = ruleOf(a.late_rule);
  const missed = ruleOf(a.missed_rule);
  if (typeof a.slot !== 'string' || !SLOT.test(a.slot) || typeof a.late !== 'boolean' || typeof a.first !== 'boolean' || !late || !missed) return null;
  if (a.order !== 'registration' && a.order !== 'sign_in') return null;
  const reg = Number.isInteger(a.reg) && (a.reg as number) >= 0 && (a.reg as number) < 1e6 ? (a.reg as number) : undefined;
  return { slot: a.slot, ...(reg !== undefined ? { reg } : {}), late: a.late, first: a.first, order: a.order, late_rule: late, missed_rule: missed };
}

/** A stored row back to a HallTicket: `placement` from its JSON text. */
export function ticketRow(r: Omit<HallTicket, 'placement'> & { placement: string | null }): HallTicket {
  return { ...r, taken_at: Number(r.taken_at), seq: Number(r.seq), placement: r.placement ? placementOf(JSON.parse(r.placement)) : null };
}

const TICKET_ID = /^([a-z][a-z0-9-]{0,39})\/(\d{4}-\d{2}-\d{2})\/(([A-Z]{1,3})\d{1,6})$/;

/** The hall tickets among a batch: accepted readings whose ticket effect has a hall id. */
function ticketsOf(terminalId: string, e: WireEvent): HallTicket[] {
  const b = e.body as { accepted?: unknown; effects?: unknown };
  if (b.accepted !== true || !Array.isArray(b.effects)) return [];
  const out: HallTicket[] = [];
  for (const x of b.effects as Record<string, unknown>[]) {
    if (x?.kind !== 'ticket' || typeof x.id !== 'string') continue;
    const m = TICKET_ID.exec(x.id);
    if (!m || m[3] !== x.number) continue;
    const minutes = typeof x.service_minutes === 'number' && x.service_minutes > 0 && x.service_minutes <= 480 ? x.service_minutes : null;
    out.push({
      hall: m[1]!,
      day: m[2]!,
      number: m[3]!,
      category: m[4]!,
      service: typeof x.service === 'string' ? x.service.slice(0, 64) : '',
      priority: x.priority === 'elderly' || x.priority === 'appointment' ? x.priority : null,
      placement: placementOf(x.appointment),
      taken_at: e.trusted_at,
      service_minutes: minutes,
      terminal_id: terminalId,
      seq: e.seq,
    });
  }
  return out;
}

/** The rows a batch of newly stored events adds: counts per (venue, hour), its resets and its hall tickets. */
export function activityOf(terminalId: string, events: readonly WireEvent[]): { hours: VenueHour[]; resets: ResetRecord[]; tickets: HallTicket[] } {
  const byKey = new Map<string, VenueHour>();
  const resets: ResetRecord[] = [];
  const tickets: HallTicket[] = [];
  for (const e of events) {
    tickets.push(...ticketsOf(terminalId, e));
    const hour = Math.floor(e.trusted_at / HOUR_MS) * HOUR_MS;
    const key = `${e.scenario}\u0000${hour}`;
    const row = byKey.get(key);
    if (row) row.count++;
    else byKey.set(key, { venue: e.scenario, hour, count: 1 });
    if (e.type === 'reset') {
      const b = e.body as { replaces?: unknown; reason?: unknown };
      resets.push({
        terminal_id: terminalId,
        replaces: typeof b.replaces === 'string' ? b.replaces.slice(0, 64) : null,
        reason: typeof b.reason === 'string' ? b.reason.slice(0, 200) : null,
        at: e.trusted_at,
      });
    }
  }
  return { hours: [...byKey.values()], resets, tickets };
}
