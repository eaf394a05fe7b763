// A GA 467 reader: answers SAM status / id, find, select and read with correctly framed replies
// for whatever card is on it. Like a real reader, after a read the card answers find only once
// it has been lifted and presented again (place()).
import { addressRecords, cardText, fakePhoto, type SimCard } from './idcard-data.ts';
import { SimPort } from './sim-port.ts';

/** Where the simulator's bytes go: the pty end (SimPort) or a mock USB device (UsbIdCardSim). */
export interface SimLink {
  onData(l: (chunk: Buffer) => void): void;
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

const PRE = [0xaa, 0xaa, 0xaa, 0x96, 0x69];

/** A reply frame: preamble, big-endian LEN, SW 00 00 sw3, data, XOR. */
export function frame(sw3: number, data: Buffer = Buffer.alloc(0)): Buffer {
  const len = 3 + data.length + 1;
  const inner = Buffer.concat([Buffer.from([len >> 8, len & 0xff, 0x00, 0x00, sw3]), data]);
  let x = 0;
  for (const b of inner) x ^= b;
  return Buffer.concat([Buffer.from(PRE), inner, Buffer.from([x])]);
}

export class IdCardSim {
  #card: SimCard | null = null;
  #halted = false;
  #buf: Buffer = Buffer.alloc(0);
  /** Requests seen, as hex `CMD PARA`, for assertions. */
  readonly commands: string[] = [];
  /** When set, every reply to this command gets this SW3 instead (fault injection). */
  fail: { cmd: string; sw3: number } | null = null;

  constructor(readonly port: SimLink) {
    port.onData((chunk) => this.#onData(chunk));
  }

  static async open(peer: string, baud = 115200): Promise<IdCardSim> {
    return new IdCardSim(await SimPort.open(peer, baud));
  }

  place(card: SimCard): void {
    this.#card = card;
    this.#halted = false;
  }

  remove(): void {
    this.#card = null;
  }

  #onData(chunk: Buffer): void {
    this.#buf = Buffer.concat([this.#buf, chunk]);
    for (;;) {
      const at = this.#buf.indexOf(Buffer.from(PRE));
      if (at < 0 || this.#buf.length < at + 7) return;
      const len = this.#buf.readUInt16BE(at + 5);
      if (this.#buf.length < at + 7 + len) return;
      const inner = this.#buf.subarray(at + 5, at + 7 + len - 1);
      const chk = this.#buf[at + 7 + len - 1];
      const body = this.#buf.subarray(at + 7, at + 7 + len - 1);
      this.#buf = this.#buf.subarray(at + 7 + len);
      let x = 0;
      for (const b of inner) x ^= b;
      void this.port.write(x === chk ? this.#answer(body) : frame(0x10));
    }
  }

  #answer(body: Buffer): Buffer {
    const cmd = body.subarray(0, 2).toString('hex');
    this.commands.push(cmd);
    if (this.fail?.cmd === cmd) return frame(this.fail.sw3);
    switch (cmd) {
      case '10ff':
      case '11ff':
        return frame(0x90);
      case '12ff':
        return frame(0x90, Buffer.from('0501000020230101000000000000', 'hex').subarray(0, 16));
      case '2001':
        return this.#card && !this.#halted ? frame(0x9f, Buffer.alloc(4)) : frame(0x80);
      case '2002':
        return this.#card && !this.#halted ? frame(0x90, Buffer.alloc(8)) : frame(0x81);
      case '3001': {
        if (!this.#card || this.#halted) return frame(0x41);
        const text = cardText(this.#card);
        const photo = fakePhoto();
        this.#halted = true;
        const lens = Buffer.from([text.length >> 8, text.length & 0xff, photo.length >> 8, photo.length & 0xff]);
        return frame(0x90, Buffer.concat([lens, text, photo]));
      }
      case '3003':
        // Still selected after the read: the appended addresses, or 91 when there are none.
        if (!this.#card) return frame(0x80);
        return this.#card.address_updates?.length ? frame(0x90, addressRecords(this.#card)) : frame(0x91);
      default:
        return frame(0x21);
    }
  }

  close(): Promise<void> {
    return this.port.close();
  }
}
