// A venue's keypad step (a hotel's room and guest count), recorded as an event of its own against
// the accepted reading it completes. The reading's pending entry is in the database, committed
// with the reading itself, so a restart between the scan and the keypad loses nothing.
import type { ActionResult, RegistrationRequest } from '../api/index.ts';
import type { Queue } from '../queue/index.ts';
import type { Clock } from '../trust/index.ts';
import type { PendingDetailsStore } from '../venue/index.ts';

export interface RegistrationDeps {
  queue: Queue;
  clock: Clock;
  venue: string;
  pending: PendingDetailsStore;
  /** Called after the event is committed (wakes the uploader). */
  committed(): void;
}

export function recordRegistration(deps: RegistrationDeps, req: RegistrationRequest): ActionResult {
  const at = deps.clock.wallMs();
  const now = deps.clock.now();
  const event = deps.queue.commit((tx) => {
    const pending = deps.pending.get(req.seq, now);
    if (!pending) return null;
    if (pending.fields.some((f) => req[f as keyof RegistrationRequest] === undefined)) return 'missing';
    deps.pending.close(req.seq);
    return tx.append({ type: 'registration_detail', at, trusted_at: now * 1000, scenario: deps.venue, body: { of_seq: req.seq, room: req.room, guests: req.guests }, sealed: null });
  });
  if (!event) return { ok: false, detail: `no accepted check-in with sequence ${req.seq} is waiting for details` };
  if (event === 'missing') return { ok: false, detail: 'the keypad did not give every field the venue asks for' };
  deps.committed();
  return { ok: true, detail: `recorded as event ${event.seq}` };
}
