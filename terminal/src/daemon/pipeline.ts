// One reading's path: verify (pure) → scenario decides (pure) → one IMMEDIATE transaction records
// the replay key, allocates a ticket number and appends the event → only then is the verdict
// pushed to the kiosk → side effects (print, relay, scanner beep) → the log line, last: nothing
// that can wait stands between the commit and the kiosk.
import type { Logger } from 'pino';
import type { VerdictMessage } from '../api/index.ts';
import { verifyCode, type VerifyResult } from '../codes/index.ts';
import type { DeviceHealth, Reading } from '../devices/index.ts';
import { textRef } from '../log.ts';
import type { Sealer } from '../protocol/index.ts';
import type { Queue, TicketCounter } from '../queue/index.ts';
import { allowsReplay, decide, localDay, type Effect, type ScenarioConfig } from '../scenarios/index.ts';
import type { Clock, ReplayStore, TrustStore } from '../trust/index.ts';

export interface PipelineDeps {
  scenario: ScenarioConfig;
  trust: TrustStore;
  replay: ReplayStore;
  queue: Queue;
  tickets: TicketCounter;
  /** Null when no sync service is configured: personal data is then not kept at all. */
  sealer: Sealer | null;
  /** Wall time stamps the reading; trusted time decides validity. */
  clock: Clock;
  skew: number;
  log: Logger;
  publish(message: VerdictMessage): void;
  /** Runs after the commit: printing, relays, scanner acknowledgement. */
  afterCommit(message: VerdictMessage, device: DeviceHealth): void;
}

export class Pipeline {
  constructor(private readonly deps: PipelineDeps) {}

  handle(reading: Reading, device: DeviceHealth): VerdictMessage {
    const { deps } = this;
    const at = deps.clock.wallMs();
    const now = deps.clock.now();
    let verdict: VerifyResult | null = null;
    if (reading.kind === 'code') {
      verdict = verifyCode(reading.text, deps.trust.index, { now, skew: deps.skew, replay: deps.replay, allowReplay: allowsReplay(deps.scenario) });
    }
    const trustIssued = deps.trust.index?.issuedAt ?? null;
    const d = decide(deps.scenario, reading, verdict, { now, skew: deps.skew, trustAge: trustIssued === null ? null : now - trustIssued });
    const personal = d.personal && deps.sealer ? deps.sealer.seal(d.personal) : null;
    const message = deps.queue.commit((tx): VerdictMessage => {
      if (d.accepted && d.replay) deps.replay.record(d.replay.cti, d.replay.until);
      const effects: Effect[] = [...d.effects];
      if (d.accepted && d.wants_ticket && deps.scenario.ticket) {
        const t = deps.tickets.next(deps.scenario.ticket.prefix, localDay(now));
        effects.push({ kind: 'ticket', number: t.number, service: deps.scenario.ticket.service, issued_today: t.issued_today });
      }
      const event = tx.append({
        type: d.event_type,
        at,
        trusted_at: now * 1000,
        scenario: deps.scenario.id,
        body: { ...d.body, accepted: d.accepted, reason: d.reason, device: device.id, effects },
        sealed: personal,
      });
      return {
        type: 'verdict',
        seq: event.seq,
        at,
        accepted: d.accepted,
        reason: d.reason,
        scenario: deps.scenario.id,
        source: d.source,
        issuer: d.issuer,
        code_type: d.code_type,
        display: d.display,
        replayed: d.replayed,
        effects,
      };
    });
    deps.publish(message);
    deps.afterCommit(message, device);
    deps.log.info(
      { seq: message.seq, accepted: message.accepted, reason: message.reason, source: message.source, ref: reading.kind === 'code' ? textRef(reading.text) : undefined },
      'reading decided',
    );
    return message;
  }
}
