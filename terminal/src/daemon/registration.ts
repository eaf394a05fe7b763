// The hotel desk's second step: room and guest count entered on the kiosk keypad, recorded as an
// event of its own against the accepted check-in it completes.
import type { ActionResult, RegistrationRequest, VerdictMessage } from '../api/index.ts';
import type { Queue } from '../queue/index.ts';
import type { Clock } from '../trust/index.ts';

export interface RegistrationDeps {
  queue: Queue;
  clock: Clock;
  scenario: string;
  /** Recent verdicts, newest first: a registration must name one of them. */
  recent(): readonly VerdictMessage[];
  /** Called after the event is committed (wakes the uploader). */
  committed(): void;
}

export function recordRegistration(deps: RegistrationDeps, req: RegistrationRequest): ActionResult {
  const verdict = deps.recent().find((m) => m.seq === req.seq);
  if (!verdict || !verdict.accepted) return { ok: false, detail: `no accepted check-in with sequence ${req.seq}` };
  const at = deps.clock.wallMs();
  const trustedAt = deps.clock.now() * 1000;
  const event = deps.queue.commit((tx) =>
    tx.append({ type: 'registration_detail', at, trusted_at: trustedAt, scenario: deps.scenario, body: { of_seq: req.seq, room: req.room, guests: req.guests }, sealed: null }),
  );
  deps.committed();
  return { ok: true, detail: `recorded as event ${event.seq}` };
}
