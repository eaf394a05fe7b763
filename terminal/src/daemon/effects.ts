// What happens after a verdict is durable: the scanner's beep, the ticket on paper, the gate's
// relay. None of it may undo the verdict. What a relay actually did is an event of its own
// (`gate`: pulsed, failed or no_relay), so the record never claims a gate opened that did not.
import type { Logger } from 'pino';
import type { ActionResult, VerdictMessage } from '../api/index.ts';
import type { DeviceHealth, DeviceRegistry } from '../devices/index.ts';
import type { Queue } from '../queue/index.ts';
import { localDateTime } from '../scenarios/index.ts';
import type { Clock } from '../trust/index.ts';

export interface EffectsDeps {
  devices: DeviceRegistry;
  /** Venue name, recorded with the relay outcome. */
  venue: string;
  /** Venue name, printed at the top of tickets. */
  title: string;
  /** What an appointment sign-in's ticket adds (venue `appointments.slip_title`, `.slip_name`): a hospital's 到诊单. */
  slip?: { title?: string; name: boolean };
  queue: Queue;
  clock: Clock;
  log: Logger;
  /** Called after an outcome event is committed (wakes the uploader). */
  committed(): void;
}

export type GateOutcome = 'pulsed' | 'failed' | 'no_relay';

export class Effects {
  constructor(private readonly deps: EffectsDeps) {}

  /** Carries out a committed verdict's effects; never throws, never waits. */
  afterCommit(m: VerdictMessage, from: DeviceHealth): void {
    const { devices, log } = this.deps;
    const scanner = devices.get(from.id, 'scanner');
    if (scanner) void scanner.acknowledge(m.accepted);
    for (const e of m.effects) {
      if (e.kind === 'ticket') {
        const printer = devices.first('printer');
        if (!printer) {
          log.warn({ seq: m.seq }, 'ticket issued but no printer is configured');
          continue;
        }
        const slip = e.appointment ? this.deps.slip : undefined;
        const lines = [
          ...(slip?.title ? [slip.title] : []),
          e.service,
          ...(e.appointment ? [`${e.appointment.late ? '迟到签到' : '预约签到'} ${e.appointment.slot}`] : []),
          // Masked only (张*明): the full name never reaches the paper.
          ...(slip?.name && m.display.name_masked ? [`姓名 ${m.display.name_masked}`] : []),
          ...(e.priority === 'elderly' ? ['长者优先'] : []),
          ...(e.ahead !== undefined ? [`前面等候 ${e.ahead} 人 · 约 ${e.eta_minutes} 分钟`] : []),
          localDateTime(m.at),
        ];
        void printer.print({ title: this.deps.title, number: e.number, lines, ...(e.id ? { qr: e.id } : {}) }).then((r) => {
          // The number is still on screen and in the queue; the printer's state shows in health.
          if (!r.ok) log.error({ seq: m.seq, number: e.number, reason: r.reason }, 'ticket not printed');
        });
      }
      if (e.kind === 'gate') {
        const relay = devices.get(e.relay, 'relay');
        if (!relay) {
          this.recordGate(m.seq, e.relay, 'no_relay');
          continue;
        }
        void relay.pulse(e.pulse_ms).then(
          (ok) => this.recordGate(m.seq, e.relay, ok ? 'pulsed' : 'failed'),
          () => this.recordGate(m.seq, e.relay, 'failed'),
        );
      }
    }
  }

  private recordGate(seq: number, relay: string, outcome: GateOutcome): void {
    const { queue, clock, log } = this.deps;
    if (outcome !== 'pulsed') log.error({ seq, relay, outcome }, 'gate relay did not pulse');
    try {
      const at = clock.wallMs();
      const trustedAt = clock.now() * 1000;
      queue.commit((tx) => tx.append({ type: 'gate', at, trusted_at: trustedAt, scenario: this.deps.venue, body: { of_seq: seq, relay, outcome }, sealed: null }));
      this.deps.committed();
    } catch (err) {
      log.error({ err, seq, relay, outcome }, 'relay outcome not recorded');
    }
  }

  /** The staff panel's test ticket on the first printer. */
  async printTestTicket(): Promise<ActionResult> {
    const p = this.deps.devices.first('printer');
    if (!p) return { ok: false, detail: 'no printer is configured' };
    const r = await p.print({ title: this.deps.title, number: 'TEST', lines: ['测试票 / test ticket', new Date(this.deps.clock.wallMs()).toISOString()] });
    return { ok: r.ok, detail: r.ok ? `printed on ${p.health.id}` : `${p.health.id}: ${r.reason}` };
  }
}
