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
  priority: 'elderly' | null;
  /** The terminal's trusted time of the ticket (unix ms). */
  taken_at: number;
  /** The category's configured average service time (minutes), when the venue names one. */
  service_minutes: number | null;
  terminal_id: string;
  seq: number;
}

/** The columns of a HallTicket row, in both engines. */
export const TICKET_COLS = 'hall, day, number, category, service, priority, taken_at, service_minutes, terminal_id, seq';

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
      priority: x.priority === 'elderly' ? 'elderly' : null,
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
