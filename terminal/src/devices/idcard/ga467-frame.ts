// GA 467 SAM frames (shared/reference/hardware.md §4):
//   request  AA AA AA 96 69 | LEN (2, big-endian) | CMD PARA | data | CHK
//   response AA AA AA 96 69 | LEN | SW1 SW2 SW3 | data | CHK
// LEN counts everything after itself, CHK included; CHK is the XOR of every byte after the
// preamble. serialport's PacketLengthParser reads lengths little-endian, hence this parser.

export const PREAMBLE = Buffer.from([0xaa, 0xaa, 0xaa, 0x96, 0x69]);

export const CMD = {
  resetSam: [0x10, 0xff],
  samStatus: [0x11, 0xff],
  samId: [0x12, 0xff],
  findCard: [0x20, 0x01],
  selectCard: [0x20, 0x02],
  readText: [0x30, 0x01],
  readWithFingerprint: [0x30, 0x10],
  readAddress: [0x30, 0x03],
} as const satisfies Record<string, readonly [number, number]>;

export function xor(bytes: Uint8Array): number {
  let x = 0;
  for (const b of bytes) x ^= b;
  return x;
}

/** A complete frame; `body` is CMD PARA data (request) or SW1 SW2 SW3 data (response). */
export function encodeFrame(body: Uint8Array): Buffer {
  const len = body.length + 1;
  const inner = Buffer.concat([Buffer.from([len >> 8, len & 0xff]), body]);
  return Buffer.concat([PREAMBLE, inner, Buffer.from([xor(inner)])]);
}

export function encodeRequest(cmd: readonly [number, number], data: Uint8Array = new Uint8Array()): Buffer {
  return encodeFrame(Buffer.concat([Buffer.from(cmd), data]));
}

export interface Ga467Frame {
  /** Bytes between LEN and CHK. */
  body: Buffer;
}

/** Largest LEN accepted: text + photo + fingerprint replies are about 2.3 kB. */
export const MAX_FRAME_LEN = 8192;

/**
 * Streaming frame splitter: hunts for the preamble, takes LEN bytes, checks CHK. Bytes that do
 * not form a frame are skipped (reported through onJunk) so one bad byte cannot wedge the link.
 */
export class Ga467Parser {
  #buf: Buffer = Buffer.alloc(0);
  constructor(
    private readonly onFrame: (f: Ga467Frame) => void,
    private readonly onJunk: (why: 'checksum' | 'length' | 'noise', bytes: number) => void = () => {},
  ) {}

  push(chunk: Buffer): void {
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, chunk]) : chunk;
    for (;;) {
      const at = this.#buf.indexOf(PREAMBLE);
      if (at < 0) {
        // Keep a tail that could be the start of a preamble.
        const keep = Math.min(this.#buf.length, PREAMBLE.length - 1);
        if (this.#buf.length - keep > 0) this.onJunk('noise', this.#buf.length - keep);
        this.#buf = this.#buf.subarray(this.#buf.length - keep);
        return;
      }
      if (at > 0) {
        this.onJunk('noise', at);
        this.#buf = this.#buf.subarray(at);
      }
      if (this.#buf.length < 7) return;
      const len = this.#buf.readUInt16BE(5);
      if (len < 2 || len > MAX_FRAME_LEN) {
        this.onJunk('length', PREAMBLE.length);
        this.#buf = this.#buf.subarray(PREAMBLE.length);
        continue;
      }
      if (this.#buf.length < 7 + len) return;
      const inner = this.#buf.subarray(5, 7 + len - 1);
      const chk = this.#buf[7 + len - 1];
      if (xor(inner) !== chk) {
        this.onJunk('checksum', 7 + len);
        this.#buf = this.#buf.subarray(PREAMBLE.length);
        continue;
      }
      const body = Buffer.from(this.#buf.subarray(7, 7 + len - 1));
      this.#buf = this.#buf.subarray(7 + len);
      this.onFrame({ body });
    }
  }

  reset(): void {
    this.#buf = Buffer.alloc(0);
  }
}

/** SW3 status codes (HxReaderInternal, Delphi Code2Desc), as stable reasons. */
export const STATUS: Record<number, string> = {
  0x90: 'ok',
  0x91: 'item_not_on_card',
  0x9f: 'card_found',
  0x10: 'checksum_error',
  0x11: 'length_error',
  0x21: 'bad_command',
  0x23: 'unauthorised_operation',
  0x24: 'unknown_error',
  0x31: 'card_authentication_failed',
  0x32: 'sam_authentication_failed',
  0x33: 'verification_failed',
  0x37: 'fingerprint_error',
  0x3f: 'info_length_error',
  0x40: 'unknown_card_type',
  0x41: 'read_failed',
  0x47: 'random_number_failed',
  0x60: 'sam_self_test_failed',
  0x66: 'sam_unauthorised',
  0x80: 'find_failed',
  0x81: 'select_failed',
};

export function statusReason(sw3: number): string {
  return STATUS[sw3] ?? `unknown_status_${sw3.toString(16).padStart(2, '0')}`;
}
