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

/** The rows a batch of newly stored events adds: counts per (venue, hour), and its resets. */
export function activityOf(terminalId: string, events: readonly WireEvent[]): { hours: VenueHour[]; resets: ResetRecord[] } {
  const byKey = new Map<string, VenueHour>();
  const resets: ResetRecord[] = [];
  for (const e of events) {
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
  return { hours: [...byKey.values()], resets };
}
