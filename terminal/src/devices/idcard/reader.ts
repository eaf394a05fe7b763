// A GA 467 resident ID-card reader, over a serial port or over USB bulk endpoints: the same frames
// either way (shared/reference/hardware.md §4). While open it polls: find card (20 01), select
// (20 02), read text + photo (30 01), then the appended-address record (30 03), and reports one
// `idcard` reading per card presented: a card left lying on the reader is read once, not every poll.
// The WLT photo needs a vendor library to decode; it is kept as opaque bytes on a
// non-enumerable `photo` property so that JSON output and logs never carry it.
import type pino from 'pino';
import { DEFAULTS, type IdCardReaderConfig } from '../config.ts';
import { LinkDevice, serialLink } from '../link-device.ts';
import type { LinkState } from '../transport.ts';
import { nodeUsbBackend, type UsbBackend } from '../usb/backend.ts';
import { describeUsbLocator, UsbLink } from '../usb/usb-link.ts';
import { parseCardText, type IdCard } from './card-text.ts';
import { CMD, encodeRequest, Ga467Parser, statusReason, type Ga467Frame } from './ga467-frame.ts';

export interface Reply {
  sw3: number;
  data: Buffer;
}

/** Parses a 30 01 / 30 10 reply body after SW: text length, photo length, [fingerprint length], text, photo. */
export function parseReadReply(data: Buffer, withFingerprint: boolean): { text: Buffer; photo: Buffer } {
  const head = withFingerprint ? 6 : 4;
  if (data.length < head) throw new Error(`read reply of ${data.length} bytes is too short`);
  // (b[10] << 8) + b[11], with the brackets a well-known Java reader forgot.
  const textLen = data.readUInt16BE(0);
  const photoLen = data.readUInt16BE(2);
  const fpLen = withFingerprint ? data.readUInt16BE(4) : 0;
  if (data.length < head + textLen + photoLen + fpLen) throw new Error(`read reply of ${data.length} bytes is shorter than its lengths say`);
  return { text: data.subarray(head, head + textLen), photo: data.subarray(head + textLen, head + textLen + photoLen) };
}

/** One appended-address record is an address field's width: 70 bytes of UCS-2LE (35 characters). */
const ADDRESS_RECORD_BYTES = 70;

/**
 * The 30 03 reply body: the addresses written onto the card after it was issued, oldest first,
 * in 70-byte UCS-2LE records, blank ones skipped [inference: the record width is the address
 * field's; the reference names the command, not its layout].
 */
export function parseAddressReply(data: Buffer): string[] {
  const out: string[] = [];
  for (let at = 0; at + 2 <= data.length; at += ADDRESS_RECORD_BYTES) {
    const rec = data.subarray(at, Math.min(at + ADDRESS_RECORD_BYTES, data.length - (data.length % 2)));
    const text = rec.toString('utf16le').replaceAll('\u0000', ' ').trim();
    if (text) out.push(text);
  }
  return out;
}

export interface ReaderDeps {
  /** The USB edge; the `usb` package unless a test gives its mock twin. */
  usbBackend?: () => Promise<UsbBackend>;
}

export class Ga467Reader extends LinkDevice {
  readonly #c: IdCardReaderConfig;
  readonly #usb: boolean;
  readonly #parser: Ga467Parser;
  #pending: { resolve: (r: Reply | null) => void; timer: NodeJS.Timeout } | null = null;
  #poll: NodeJS.Timeout | null = null;
  #running = false;
  #generation = 0;
  #lastCard: string | null = null;
  #cardLeft = true;
  readonly #baud: number;

  constructor(c: IdCardReaderConfig, log: pino.Logger, now: () => number = Date.now, deps: ReaderDeps = {}) {
    const baud = c.baud ?? DEFAULTS.idcard_baud;
    const reconnectMaxMs = c.reconnect_max_ms ?? DEFAULTS.reconnect_max_ms;
    const link =
      c.link === 'usb'
        ? (log: pino.Logger) =>
            new UsbLink({
              locator: c,
              backend: deps.usbBackend ?? nodeUsbBackend,
              interfaceNumber: c.usb_interface,
              endpointIn: c.endpoint_in,
              endpointOut: c.endpoint_out,
              reconnectMaxMs,
              log,
            })
        : serialLink(c, baud);
    super({ id: c.id, role: 'idcard', kind: c.kind, path: c.link === 'usb' ? describeUsbLocator(c) : (c.path ?? null) }, log, now, link);
    this.#c = c;
    this.#usb = c.link === 'usb';
    this.#baud = baud;
    this.#parser = new Ga467Parser(
      (f) => this.#onFrame(f),
      (why, bytes) => this.log.debug({ why, bytes }, 'skipped bytes that are not a GA 467 frame'),
    );
  }

  protected override onData(chunk: Buffer): void {
    this.#parser.push(chunk);
  }

  /** Connected is not ready: the reader is `connecting` until its SAM answers. */
  protected override onLinkState(state: LinkState, detail: string | null, path: string | null): void {
    if (state === 'connected') {
      this.setState('connecting', 'checking the SAM', path);
      void this.#begin();
      return;
    }
    this.#stopLoop();
    this.setState(state, detail, path);
  }

  override get role(): 'idcard' {
    return 'idcard';
  }

  override start(): void {
    this.#running = true;
    super.start();
  }

  protected override stopping(): void {
    this.#running = false;
    this.#stopLoop();
  }

  /** Sends one request and waits for its reply; null on timeout or when the port is closed. */
  async request(cmd: readonly [number, number], timeoutMs: number): Promise<Reply | null> {
    if (this.#pending) return null;
    this.#parser.reset();
    const reply = new Promise<Reply | null>((resolve) => {
      const timer = setTimeout(() => {
        this.#pending = null;
        resolve(null);
      }, timeoutMs);
      this.#pending = { resolve, timer };
    });
    if (!(await this.link.write(encodeRequest(cmd)))) {
      this.#settle(null);
    }
    return reply;
  }

  #settle(r: Reply | null): void {
    const p = this.#pending;
    if (!p) return;
    this.#pending = null;
    clearTimeout(p.timer);
    p.resolve(r);
  }

  #onFrame(f: Ga467Frame): void {
    if (f.body.length < 3) return;
    this.#settle({ sw3: f.body.readUInt8(2), data: f.body.subarray(3) });
  }

  #stopLoop(): void {
    this.#generation++;
    if (this.#poll) clearTimeout(this.#poll);
    this.#poll = null;
    this.#settle(null);
  }

  async #begin(): Promise<void> {
    const gen = ++this.#generation;
    const sam = await this.request(CMD.samStatus, 1000);
    if (gen !== this.#generation) return;
    if (!sam) this.setState('error', 'the reader does not answer (SAM status); check baud rate and cable');
    else if (sam.sw3 !== 0x90) this.setState('error', `SAM status: ${statusReason(sam.sw3)}`);
    else this.setState('connected', null);
    this.#schedule(gen, sam ? 0 : 2000);
  }

  #schedule(gen: number, ms: number): void {
    if (!this.#running || gen !== this.#generation) return;
    this.#poll = setTimeout(() => {
      this.#poll = null;
      void this.#cycle(gen);
    }, ms);
  }

  async #cycle(gen: number): Promise<void> {
    try {
      await this.#once(gen);
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'ID card read failed');
    }
    this.#schedule(gen, this.#c.poll_ms ?? DEFAULTS.poll_ms);
  }

  async #once(gen: number): Promise<void> {
    const find = await this.request(CMD.findCard, 1000);
    if (gen !== this.#generation) return;
    if (!find) {
      this.setState('error', 'the reader stopped answering');
      return;
    }
    if (this.health.state !== 'connected') this.setState('connected', null);
    if (find.sw3 !== 0x9f) {
      this.#cardLeft = true;
      return;
    }
    const select = await this.request(CMD.selectCard, 1000);
    if (!select || select.sw3 !== 0x90) return;
    // 1295 bytes at 10 bits per byte (USB: no wire time to speak of), plus the SAM's own decryption time.
    const read = await this.request(CMD.readText, (this.#usb ? 0 : Math.ceil((1295 * 10 * 1000) / this.#baud)) + 1500);
    if (gen !== this.#generation || !read) return;
    if (read.sw3 !== 0x90) {
      this.log.warn({ reason: statusReason(read.sw3) }, 'ID card read refused');
      return;
    }
    const { text, photo } = parseReadReply(read.data, false);
    const card = parseCardText(Buffer.from(text));
    if (!this.#cardLeft && card.id_number === this.#lastCard) return;
    // Resident cards may carry addresses written after issue. 91 (item not on card) and readers
    // that do not know the command (21) leave the card as it is.
    const more = await this.request(CMD.readAddress, 1000);
    if (gen !== this.#generation) return;
    if (more?.sw3 === 0x90) {
      const updates = parseAddressReply(more.data);
      if (updates.length) card.address_updates = updates;
    }
    this.#cardLeft = false;
    this.#lastCard = card.id_number;
    Object.defineProperty(card, 'photo', { value: Buffer.from(photo), enumerable: false });
    this.log.info({ card_type: card.card_type }, 'ID card read');
    this.deliver({ kind: 'idcard', card: card as IdCard & Record<string, unknown> });
  }
}
