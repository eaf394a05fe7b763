// One reading's path: verify (pure) → scenario decides (pure) → one IMMEDIATE transaction records
// the replay key, allocates a ticket number and appends the event → only then is the verdict
// pushed to the kiosk → side effects (print, relay, scanner beep) run last.
import type { Logger } from 'pino';
import type { DeviceHealth, Effect, VerdictMessage } from './api/messages.ts';
import { verifyCode, type VerifyResult } from './codes/index.ts';
import type { Reading } from './devices/types.ts';
import { textRef } from './log.ts';
import type { Sealer } from './protocol/index.ts';
import type { Db, Queue } from './queue/index.ts';
import { allowsReplay, decide, type ScenarioConfig, type TicketCounter } from './scenarios/index.ts';
import type { ReplayStore, TrustStore } from './trust/index.ts';

export interface PipelineDeps {
  db: Db;
  scenario: ScenarioConfig;
  trust: TrustStore;
  replay: ReplayStore;
  queue: Queue;
  tickets: TicketCounter;
  /** Null when no sync service is configured: personal data is then not kept at all. */
  sealer: Sealer | null;
  /** Trusted time in unix seconds (never below the newest trusted time seen). */
  now(): number;
  skew: number;
  log: Logger;
  publish(message: VerdictMessage): void;
  /** Runs after the commit: printing, relays, scanner acknowledgement. */
  afterCommit(message: VerdictMessage, device: DeviceHealth): void;
  /** Seconds each code took to verify (metrics). */
  observeVerify?(seconds: number): void;
}

export class Pipeline {
  private readonly commit;

  constructor(private readonly deps: PipelineDeps) {
    this.commit = deps.db.transaction((fn: () => VerdictMessage) => fn());
  }

  handle(reading: Reading, device: DeviceHealth): VerdictMessage {
    const { deps } = this;
    const at = Date.now();
    const now = deps.now();
    let verdict: VerifyResult | null = null;
    if (reading.kind === 'code') {
      const started = process.hrtime.bigint();
      verdict = verifyCode(reading.text, deps.trust.index, { now, skew: deps.skew, replay: deps.replay, allowReplay: allowsReplay(deps.scenario) });
      deps.observeVerify?.(Number(process.hrtime.bigint() - started) / 1e9);
    }
    const trustIssued = deps.trust.index?.issuedAt ?? null;
    const d = decide(deps.scenario, reading, verdict, { now, skew: deps.skew, trustAge: trustIssued === null ? null : now - trustIssued });
    const personal = d.personal && deps.sealer ? deps.sealer.seal(d.personal) : null;
    let message: VerdictMessage;
    try {
      message = this.commit.immediate(() => {
        if (d.accepted && d.replay) deps.replay.record(d.replay.cti, d.replay.until);
        const effects: Effect[] = [...d.effects];
        if (d.accepted && d.wants_ticket && deps.scenario.ticket) {
          const t = deps.tickets.next(deps.scenario.ticket.prefix, now);
          effects.push({ kind: 'ticket', number: t.number, service: deps.scenario.ticket.service, issued_today: t.issued_today });
        }
        const event = deps.queue.append({
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
        } satisfies VerdictMessage;
      });
    } catch (e) {
      deps.queue.reload();
      throw e;
    }
    deps.log.info(
      { seq: message.seq, accepted: message.accepted, reason: message.reason, source: message.source, ref: reading.kind === 'code' ? textRef(reading.text) : undefined },
      'reading decided',
    );
    deps.publish(message);
    deps.afterCommit(message, device);
    return message;
  }
}
