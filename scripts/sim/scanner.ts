// A serial scanner: sends codes as lines (optional AIM id and suffix) and, like a Honeywell in
// manual-trigger mode, answers SYN T CR by sending the next queued code.
import { SimPort } from './sim-port.ts';

export interface ScanOptions {
  /** AIM id to send first, e.g. `]Q1`. */
  aim?: string;
  /** Terminator (default CR LF). */
  suffix?: string;
  prefix?: string;
}

export class ScannerSim {
  readonly #queue: [string, ScanOptions][] = [];
  private constructor(readonly port: SimPort) {
    port.onData((chunk) => {
      const next = chunk.includes(Buffer.from([0x16, 0x54, 0x0d])) ? this.#queue.shift() : undefined;
      if (next) void this.scan(...next);
    });
  }

  static async open(peer: string, baud = 9600): Promise<ScannerSim> {
    return new ScannerSim(await SimPort.open(peer, baud));
  }

  /** Sends one code now. */
  scan(code: string | Buffer, o: ScanOptions = {}): Promise<void> {
    const body = typeof code === 'string' ? Buffer.from(code, 'utf8') : code;
    return this.port.write(Buffer.concat([Buffer.from((o.prefix ?? '') + (o.aim ?? '')), body, Buffer.from(o.suffix ?? '\r\n')]));
  }

  /** Queues a code to send when the host triggers a read. */
  queue(code: string, o: ScanOptions = {}): void {
    this.#queue.push([code, o]);
  }

  close(): Promise<void> {
    return this.port.close();
  }
}
