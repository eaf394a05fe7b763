// USB HID POS scanner reports (usage page 0x8C, scanned-data report 0x12), as hidapi/node-hid
// deliver them: [report id 02] [length ≤ 56] [AIM id, 3 bytes] [data, 56 bytes zero-padded]
// [vendor symbology] [reserved] [flags: bit 0 = more reports follow]
// (Access-IS LSR116 manual; Honeywell REVINF dumps; NielsLeenheer/WebHidBarcodeScanner).
// `offset` is how many bytes precede the length byte: 1 normally (the report id), 0 when the
// stack strips the report id, 2 for devices that put the AIM id one byte later.

export type ReportOffset = 0 | 1 | 2;

export interface PosScan {
  data: Buffer;
  /** `]Q1`, or null when the device sent zeros there. */
  aim: string | null;
  /** Vendor code id byte as a character (Honeywell `s` = QR), or null. */
  vendorId: string | null;
}

const AIM_START = 0x5d; // ']'

/** Guesses where the length byte is from the report's shape: the AIM id's `]` follows it. */
export function detectOffset(r: Buffer): ReportOffset {
  for (const o of [1, 0, 2] as const) if (r[o + 1] === AIM_START && (r[o] ?? 0xff) <= 56) return o;
  return r[0] === 0x02 ? 1 : 0;
}

export class PosAssembler {
  #parts: Buffer[] = [];
  #size = 0;
  #aim: string | null = null;
  constructor(
    private readonly offset: ReportOffset | 'auto',
    private readonly maxBytes = 8192,
  ) {}

  /** Feeds one input report; returns a whole scan when this report completes one. */
  push(report: Buffer): PosScan | null {
    const o = this.offset === 'auto' ? detectOffset(report) : this.offset;
    const len = report[o];
    if (len === undefined || report.length < o + 4) return null;
    const take = Math.min(len, 56, Math.max(0, report.length - (o + 4)));
    const aimBytes = report.subarray(o + 1, o + 4);
    if (this.#parts.length === 0) this.#aim = aimBytes[0] === AIM_START ? aimBytes.toString('latin1') : null;
    if (this.#size + take <= this.maxBytes) {
      this.#parts.push(Buffer.from(report.subarray(o + 4, o + 4 + take)));
      this.#size += take;
    }
    // The flag byte is the report's last; its position depends on the offset (63 with a report id).
    const flagAt = o + 62;
    const more = ((report[flagAt] ?? 0) & 0x01) === 1;
    if (more) return null;
    const vendorByte = report[o + 60];
    const scan: PosScan = {
      data: Buffer.concat(this.#parts),
      aim: this.#aim,
      vendorId: vendorByte ? String.fromCharCode(vendorByte) : null,
    };
    this.reset();
    return scan;
  }

  reset(): void {
    this.#parts = [];
    this.#size = 0;
    this.#aim = null;
  }

  get pending(): boolean {
    return this.#parts.length > 0;
  }
}
