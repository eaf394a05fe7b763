// An LCUS USB relay board: decodes `A0 ch state sum` frames and records each change with its time.
import { SimPort } from './sim-port.ts';

export interface RelayEvent {
  channel: number;
  closed: boolean;
  at: number;
}

export class RelaySim {
  readonly events: RelayEvent[] = [];
  readonly badFrames: string[] = [];
  /** Called with each change as it is decoded. */
  onEvent: ((e: RelayEvent) => void) | null = null;
  #buf: Buffer = Buffer.alloc(0);

  private constructor(readonly port: SimPort) {
    port.onData((chunk) => {
      this.#buf = Buffer.concat([this.#buf, chunk]);
      while (this.#buf.length >= 4) {
        const at = this.#buf.indexOf(0xa0);
        if (at < 0) {
          this.#buf = Buffer.alloc(0);
          return;
        }
        if (this.#buf.length < at + 4) return;
        const f = this.#buf.subarray(at, at + 4);
        this.#buf = this.#buf.subarray(at + 4);
        const [head = 0, channel = 0, state = 0, sum = 0] = f;
        if (((head + channel + state) & 0xff) !== sum || state > 1) {
          this.badFrames.push(f.toString('hex'));
          continue;
        }
        const e = { channel, closed: state === 1, at: Date.now() };
        this.events.push(e);
        this.onEvent?.(e);
      }
    });
  }

  static async open(peer: string, baud = 9600): Promise<RelaySim> {
    return new RelaySim(await SimPort.open(peer, baud));
  }

  close(): Promise<void> {
    return this.port.close();
  }
}
