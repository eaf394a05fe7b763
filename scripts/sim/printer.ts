// An ESC/POS printer: keeps what it is sent, decodes each ticket (ended by a cut) into text,
// and answers DLE EOT status queries like a real one (or stays silent, like cheap ones).
import { decodeEscPos, renderText } from './escpos-decode.ts';
import { SimPort } from './sim-port.ts';

const CUT = Buffer.from([0x1d, 0x56]);
const QUERY = Buffer.from([0x10, 0x04]);
const EMPTY = Buffer.alloc(0);

export class PrinterSim {
  paperOut = false;
  offline = false;
  coverOpen = false;
  /** Never answer status queries. */
  silent = false;
  /** Leave this many of the next status queries unanswered (a reply lost or too late), then answer again. */
  skipAnswers = 0;
  readonly tickets: string[] = [];
  #pending: Buffer[] = [];
  #carry: Buffer = EMPTY;
  #listeners: ((ticket: string) => void)[] = [];

  private constructor(readonly port: SimPort) {
    port.onData((chunk) => this.#onData(chunk));
  }

  static async open(peer: string, baud = 9600): Promise<PrinterSim> {
    return new PrinterSim(await SimPort.open(peer, baud));
  }

  onTicket(l: (ticket: string) => void): void {
    this.#listeners.push(l);
  }

  nextTicket(): Promise<string> {
    return new Promise((resolve) => {
      const l = (t: string) => {
        this.#listeners = this.#listeners.filter((x) => x !== l);
        resolve(t);
      };
      this.#listeners.push(l);
    });
  }

  #onData(chunk: Buffer): void {
    // Status queries are answered at once, as real printers do even mid-job; a query split between
    // two reads (a loaded pty) is whole with the bytes carried from the last one.
    const data = this.#carry.length > 0 ? Buffer.concat([this.#carry, chunk]) : chunk;
    this.#carry = data.at(-1) === 0x10 ? data.subarray(-1) : data.at(-2) === 0x10 && data.at(-1) === 0x04 ? data.subarray(-2) : EMPTY;
    for (let i = data.indexOf(QUERY); i >= 0 && i + 2 < data.length; i = data.indexOf(QUERY, i + 3)) {
      if (this.silent) continue;
      if (this.skipAnswers > 0) {
        this.skipAnswers--;
        continue;
      }
      const n = data[i + 2];
      // Epson's fixed bits (1 and 4) in every reply; an open cover takes the printer offline.
      const byte =
        n === 1
          ? 0x12 | (this.offline || this.coverOpen ? 0x08 : 0)
          : n === 2
            ? 0x12 | (this.coverOpen ? 0x04 : 0)
            : n === 4
              ? 0x12 | (this.paperOut ? 0x60 : 0)
              : 0x12;
      void this.port.write(Buffer.from([byte]));
    }
    this.#pending.push(chunk);
    let all = Buffer.concat(this.#pending);
    // One chunk may carry several tickets (two prints in quick succession arrive together).
    for (let cut = all.indexOf(CUT); cut >= 0 && cut + 2 < all.length; cut = all.indexOf(CUT)) {
      const text = renderText(decodeEscPos(all.subarray(0, cut + 3)));
      all = all.subarray(cut + 3);
      this.tickets.push(text);
      for (const l of [...this.#listeners]) l(text);
    }
    this.#pending = [all];
  }

  close(): Promise<void> {
    return this.port.close();
  }
}
