// A pass sensor on a gate (a beam across the passage, a turnstile's rotation contact, a door
// contact) read through a USB-serial I/O module (frames.ts). It reports a `passage` each time its
// input goes from clear to occupied; repeats while occupied are the same person. The daemon
// matches passages to the grants its relay opened (daemon/grants.ts).
import type pino from 'pino';
import { DEFAULTS, type PassSensorConfig } from '../config.ts';
import { LinkDevice, serialLink } from '../link-device.ts';
import type { LinkState } from '../transport.ts';
import type { PassSensorDevice } from '../types.ts';
import { SensorFramer } from './frames.ts';

export class SerialPassSensor extends LinkDevice implements PassSensorDevice {
  readonly #channel: number;
  readonly #framer = new SensorFramer();
  #occupied = false;

  constructor(c: PassSensorConfig, log: pino.Logger, now: () => number = Date.now) {
    super({ id: c.id, role: 'sensor', kind: c.kind, path: c.path ?? null }, log, now, serialLink(c));
    this.#channel = c.channel ?? DEFAULTS.channel;
  }

  override get role(): 'sensor' {
    return 'sensor';
  }

  protected override onLinkState(state: LinkState, detail: string | null, path: string | null): void {
    // After a reconnect the module's next frame says how the passage is; nothing is assumed.
    if (state !== 'connected') {
      this.#framer.reset();
      this.#occupied = false;
    }
    this.setState(state, detail, path);
  }

  protected override onData(chunk: Buffer): void {
    const { frames, dropped } = this.#framer.push(chunk);
    if (dropped.length) this.log.warn({ dropped }, 'pass sensor bytes that are not an A1 frame dropped');
    for (const f of frames) {
      if (f.channel !== this.#channel) continue;
      const was = this.#occupied;
      this.#occupied = f.occupied;
      if (f.occupied && !was) this.safeEmit('passage', this.now(), this.health);
    }
  }
}
