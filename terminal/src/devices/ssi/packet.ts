// Zebra/Symbol Simple Serial Interface packets (clocklimited/motorola-ssi-scanner; Zebra SSI
// programmer guide): [len][opcode][source][status][data...][ck_hi][ck_lo], where len counts
// the bytes before the checksum and the checksum is the 16-bit two's complement of their sum.
// Source 04 = host, 00 = decoder. Status bit 0 = retransmit, bit 1 = more packets follow.

export const OP = {
  ACK: 0xd0,
  NAK: 0xd1,
  DECODE_DATA: 0xf3,
  START_DECODE: 0xe4,
  STOP_DECODE: 0xe5,
  BEEP: 0xe6,
  LED_ON: 0xe7,
  LED_OFF: 0xe8,
  SCAN_ENABLE: 0xe9,
  SCAN_DISABLE: 0xea,
} as const;

export const SOURCE_HOST = 0x04;
export const STATUS_CONTINUATION = 0x02;

export interface SsiPacket {
  opcode: number;
  source: number;
  status: number;
  data: Buffer;
}

export function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const b of bytes) sum += b;
  return (0x10000 - (sum & 0xffff)) & 0xffff;
}

export function encodePacket(opcode: number, data: Uint8Array = new Uint8Array(), status = 0, source = SOURCE_HOST): Buffer {
  const body = Buffer.concat([Buffer.from([4 + data.length, opcode, source, status]), data]);
  const ck = checksum(body);
  return Buffer.concat([body, Buffer.from([ck >> 8, ck & 0xff])]);
}

/**
 * Splits the byte stream into packets. A packet with a bad checksum is reported (so the host can
 * NAK it) and skipped whole, trusting its length byte; if the length byte itself was hit, the
 * bytes left over are dropped after a pause (the scanner goes quiet waiting for ACK or NAK).
 */
export class SsiParser {
  #buf: Buffer = Buffer.alloc(0);
  #last = 0;
  constructor(
    private readonly onPacket: (p: SsiPacket) => void,
    private readonly onBad: () => void,
    private readonly stallMs = 200,
    private readonly now: () => number = Date.now,
  ) {}

  push(chunk: Buffer): void {
    const t = this.now();
    if (this.#buf.length && t - this.#last > this.stallMs) this.#buf = Buffer.alloc(0);
    this.#last = t;
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, chunk]) : chunk;
    while (this.#buf.length > 0) {
      const len = this.#buf.readUInt8(0);
      if (len < 4) {
        this.#buf = this.#buf.subarray(1);
        continue;
      }
      if (this.#buf.length < len + 2) return;
      const body = this.#buf.subarray(0, len);
      const ck = this.#buf.readUInt16BE(len);
      if (checksum(body) !== ck) {
        this.onBad();
        this.#buf = this.#buf.subarray(len + 2);
        continue;
      }
      this.#buf = this.#buf.subarray(len + 2);
      this.onPacket({ opcode: body.readUInt8(1), source: body.readUInt8(2), status: body.readUInt8(3), data: Buffer.from(body.subarray(4)) });
    }
  }

  reset(): void {
    this.#buf = Buffer.alloc(0);
  }
}

/** SSI barcode type byte to our symbology names (Zebra SSI guide, code types table; common ones). */
export const SSI_TYPES: Record<number, string> = {
  0x01: 'code39',
  0x02: 'codabar',
  0x03: 'code128',
  0x06: 'itf',
  0x07: 'code93',
  0x08: 'upca',
  0x0a: 'ean8',
  0x0b: 'ean13',
  0x0f: 'gs1-128',
  0x11: 'pdf417',
  0x1b: 'datamatrix',
  0x1c: 'qr',
  0x2d: 'aztec',
};
