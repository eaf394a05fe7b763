// A Zebra scanner in SSI mode: sends decode packets (split into several when long), waits for
// the host's ACK, resends on NAK, and records beeps and other commands it receives.
import { SimPort } from './sim-port.ts';

/** An SSI packet with its two's-complement checksum. */
export function packet(opcode: number, data: Buffer, status = 0, source = 0x00): Buffer {
  const body = Buffer.concat([Buffer.from([4 + data.length, opcode, source, status]), data]);
  let sum = 0;
  for (const b of body) sum += b;
  const ck = (0x10000 - (sum & 0xffff)) & 0xffff;
  return Buffer.concat([body, Buffer.from([ck >> 8, ck & 0xff])]);
}

export class SsiSim {
  acks = 0;
  naks = 0;
  /** Opcodes (and data) of host commands other than ACK/NAK, e.g. `e6:00` for a beep. */
  readonly commands: string[] = [];
  #buf: Buffer = Buffer.alloc(0);
  #last: Buffer | null = null;

  private constructor(readonly port: SimPort) {
    port.onData((chunk) => {
      this.#buf = Buffer.concat([this.#buf, chunk]);
      while (this.#buf.length >= 6 && this.#buf.length >= this.#buf.readUInt8(0) + 2) {
        const len = this.#buf.readUInt8(0);
        const p = this.#buf.subarray(0, len + 2);
        this.#buf = this.#buf.subarray(len + 2);
        const op = p.readUInt8(1);
        if (op === 0xd0) this.acks++;
        else if (op === 0xd1) {
          this.naks++;
          if (this.#last) void this.port.write(this.#last);
        } else {
          this.commands.push(`${op.toString(16)}${len > 4 ? `:${p.subarray(4, len).toString('hex')}` : ''}`);
          void this.port.write(packet(0xd0, Buffer.alloc(0)));
        }
      }
    });
  }

  static async open(peer: string, baud = 9600): Promise<SsiSim> {
    return new SsiSim(await SimPort.open(peer, baud));
  }

  /** Sends a decode of `type` (0x1C QR) in packets of at most `chunk` data bytes. */
  async decode(text: string, type = 0x1c, chunk = 200, corruptFirst = false): Promise<void> {
    const data = Buffer.from(text, 'utf8');
    for (let i = 0; i < data.length; i += chunk) {
      const more = i + chunk < data.length;
      const p = packet(0xf3, Buffer.concat([Buffer.from([type]), data.subarray(i, i + chunk)]), more ? 0x02 : 0x00);
      this.#last = p;
      if (corruptFirst && i === 0) {
        const bad = Buffer.from(p);
        bad.writeUInt8(bad.readUInt8(bad.length - 1) ^ 0xff, bad.length - 1);
        await this.port.write(bad);
      } else await this.port.write(p);
    }
  }

  close(): Promise<void> {
    return this.port.close();
  }
}
