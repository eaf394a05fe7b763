// A USB-serial relay board driving a gate or door strike. pulse() closes the contact for the
// configured time and always opens it again, even if the caller forgets or the write fails.
import type pino from 'pino';
import { DEFAULTS, type RelayConfig } from '../config.ts';
import { LinkDevice, serialLink } from '../link-device.ts';
import { hexBytes } from '../text-decode.ts';
import type { RelayDevice } from '../types.ts';
import { lcusFrame } from './frames.ts';

export class SerialRelay extends LinkDevice implements RelayDevice {
  readonly #c: RelayConfig;
  #pulse: NodeJS.Timeout | null = null;
  #release: (() => void) | null = null;
  #pulseDone: Promise<boolean> | null = null;

  constructor(c: RelayConfig, log: pino.Logger, now: () => number = Date.now) {
    super({ id: c.id, role: 'relay', kind: c.kind, path: c.path ?? null }, log, now, serialLink(c));
    this.#c = c;
  }

  override get role(): 'relay' {
    return 'relay';
  }

  protected override async stopping(): Promise<void> {
    // A gate must not stay open because the daemon stopped mid-pulse.
    this.#release?.();
    if (this.#pulseDone) await this.#pulseDone;
  }

  set(closed: boolean): Promise<boolean> {
    const c = this.#c;
    const bytes = (c.board ?? 'lcus') === 'custom' ? hexBytes(closed ? c.open_hex : c.close_hex)! : lcusFrame(c.channel ?? DEFAULTS.channel, closed);
    return this.link.write(bytes);
  }

  /** Closes the contact, then opens it after `ms`; resolves once it is open again. */
  pulse(ms: number = this.#c.pulse_ms ?? DEFAULTS.pulse_ms): Promise<boolean> {
    // A second pulse while one runs ends the first one's wait and starts over.
    this.#release?.();
    const done = this.#run(ms);
    this.#pulseDone = done;
    return done;
  }

  async #run(ms: number): Promise<boolean> {
    const ok = await this.set(true);
    await new Promise<void>((resolve) => {
      const release = () => {
        if (this.#pulse) clearTimeout(this.#pulse);
        this.#pulse = null;
        if (this.#release === release) this.#release = null;
        resolve();
      };
      this.#release = release;
      this.#pulse = setTimeout(release, ms);
    });
    const opened = await this.set(false);
    this.log.info({ ms, ok: ok && opened }, 'relay pulsed');
    return ok && opened;
  }
}
