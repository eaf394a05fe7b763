// A Zebra/Symbol scanner in SSI packet mode: every decode packet is ACKed (the scanner resends
// otherwise), multi-packet decodes are joined, a corrupted packet is NAKed for resend, and
// acknowledge() plays an SSI beep.
import type pino from 'pino';
import { DEFAULTS, type SsiScannerConfig } from '../config.ts';
import { Debounce } from '../debounce.ts';
import { LinkDevice, serialLink } from '../link-device.ts';
import { decodeText } from '../text-decode.ts';
import type { LinkState } from '../transport.ts';
import type { ScannerDevice } from '../types.ts';
import { encodePacket, OP, SSI_TYPES, SsiParser, STATUS_CONTINUATION, type SsiPacket } from './packet.ts';

const MAX_DECODE_BYTES = 8192;

export class SsiScanner extends LinkDevice implements ScannerDevice {
  readonly #c: SsiScannerConfig;
  readonly #parser: SsiParser;
  readonly #debounce: Debounce;
  #parts: Buffer[] = [];
  #size = 0;

  constructor(c: SsiScannerConfig, log: pino.Logger, now: () => number = Date.now) {
    super({ id: c.id, role: 'scanner', kind: c.kind, path: c.path ?? null }, log, now, serialLink(c));
    this.#c = c;
    this.#debounce = new Debounce(c.debounce_ms ?? DEFAULTS.debounce_ms, now);
    this.#parser = new SsiParser(
      (p) => this.#onPacket(p),
      () => void this.link.write(encodePacket(OP.NAK, Buffer.from([0x01]))), // 01 = resend
    );
  }

  protected override onData(chunk: Buffer): void {
    this.#parser.push(chunk);
  }

  protected override onLinkState(state: LinkState, detail: string | null, path: string | null): void {
    this.#parser.reset();
    this.#parts = [];
    this.#size = 0;
    this.setState(state, detail, path);
  }

  override get role(): 'scanner' {
    return 'scanner';
  }

  acknowledge(accepted: boolean): Promise<boolean> {
    const beep = accepted ? (this.#c.accept_beep ?? DEFAULTS.accept_beep) : (this.#c.reject_beep ?? DEFAULTS.reject_beep);
    return this.link.write(encodePacket(OP.BEEP, Buffer.from([beep])));
  }

  trigger(on: boolean): Promise<boolean> {
    return this.link.write(encodePacket(on ? OP.START_DECODE : OP.STOP_DECODE));
  }

  #onPacket(p: SsiPacket): void {
    if (p.opcode !== OP.DECODE_DATA) return; // ACK/NAK replies to our commands need no action
    void this.link.write(encodePacket(OP.ACK));
    if (p.data.length < 1) return;
    // The first packet's first data byte is the barcode type; continuation packets repeat it.
    const chunk = p.data.subarray(1);
    if (this.#size + chunk.length <= MAX_DECODE_BYTES) {
      this.#parts.push(chunk);
      this.#size += chunk.length;
    }
    if (p.status & STATUS_CONTINUATION) return;
    const data = Buffer.concat(this.#parts);
    this.#parts = [];
    this.#size = 0;
    const text = decodeText(data, this.#c.encoding ?? DEFAULTS.encoding);
    if (!text || !this.#debounce.accept(text)) return;
    this.deliver({ kind: 'code', text, symbology: SSI_TYPES[p.data[0] ?? -1] ?? 'unknown', aim: null });
  }
}
