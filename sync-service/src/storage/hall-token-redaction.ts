// A past day's hall person tokens leave storage (docs/hall.md, "A token does not outlive its
// day"): the token is on the ticket's row of `hall_tickets` and in the ticket effect of the event
// that carried it. Both engines sweep with these pieces, so what is removed is one definition.
import { contentHashOfJson } from '../../../terminal/src/protocol/index.ts';

/** A ticket row to sweep: its key and the event that carried it (`taken_at` is that event's trusted_at). */
export interface UnsweptTicket {
  hall: string;
  day: string;
  number: string;
  terminal_id: string;
  seq: number;
  taken_at: number;
}

/** What one sweep did: tickets marked swept, and event bodies that lost a token. */
export interface SweepCount {
  tickets: number;
  events: number;
}

/**
 * The event's body without the `person` of its ticket effects, and the content hash it had as
 * uploaded (kept as `redacted`, so the chain still checks: eventHash(e, e.redacted)); null when
 * the body holds no token (nothing to rewrite). `redacted` is the hash already kept when the event
 * was rewritten before.
 */
export function redactedBody(row: { body: string; sealed: string | null; redacted: string | null }): { body: string; redacted: string } | null {
  const body = JSON.parse(row.body) as { effects?: unknown };
  if (!Array.isArray(body.effects)) return null;
  let changed = false;
  const effects = body.effects.map((x: unknown) => {
    if (typeof x !== 'object' || x === null || (x as { kind?: unknown }).kind !== 'ticket' || !('person' in x)) return x;
    changed = true;
    const { person: _gone, ...rest } = x as Record<string, unknown>;
    return rest;
  });
  if (!changed) return null;
  return { body: JSON.stringify({ ...body, effects }), redacted: row.redacted ?? contentHashOfJson(row.body, row.sealed) };
}

/** The columns of an UnsweptTicket in `hall_tickets`, both engines. */
export const UNSWEPT_COLS = 'hall, day, number, terminal_id, seq, taken_at';
