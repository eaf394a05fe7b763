// What happens after a verdict is durable: the scanner's beep, the ticket on paper, the gate's
// relay. None of it may undo the verdict, so failures are logged and shown in device health.
import type { Logger } from 'pino';
import type { ActionResult, VerdictMessage } from '../api/index.ts';
import type { DeviceHealth, DeviceRegistry } from '../devices/index.ts';
import { localDateTime, type ScenarioConfig } from '../scenarios/index.ts';
import type { Clock } from '../trust/index.ts';

export interface EffectsDeps {
  devices: DeviceRegistry;
  scenario: ScenarioConfig;
  /** Venue name, printed at the top of tickets. */
  title: string;
  clock: Clock;
  log: Logger;
}

export class Effects {
  constructor(private readonly deps: EffectsDeps) {}

  /** Carries out a committed verdict's effects; never throws, never waits. */
  afterCommit(m: VerdictMessage, from: DeviceHealth): void {
    const { devices, scenario, log } = this.deps;
    const scanner = devices.get(from.id, 'scanner');
    if (scanner) void scanner.acknowledge(m.accepted);
    for (const e of m.effects) {
      if (e.kind === 'ticket') {
        const printer = devices.first('printer');
        if (!printer) {
          log.warn({ seq: m.seq }, 'ticket issued but no printer is configured');
          continue;
        }
        void printer.print({ title: this.deps.title, number: e.number, lines: [e.service, localDateTime(m.at)] }).then((r) => {
          // The number is still on screen and in the queue; the printer's state shows in health.
          if (!r.ok) log.error({ seq: m.seq, number: e.number, reason: r.reason }, 'ticket not printed');
        });
      }
      if (e.kind === 'gate' && scenario.gate) {
        const id = scenario.gate.relay;
        const relay = devices.get(id, 'relay');
        if (!relay) {
          log.error({ seq: m.seq, relay: id }, 'gate relay is not a configured relay');
          continue;
        }
        void relay.pulse(scenario.gate.pulse_ms).then((ok) => {
          if (!ok) log.error({ seq: m.seq, relay: id }, 'gate relay did not pulse');
        });
      }
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
