// Keyboard-wedge scanners read through Linux hidraw: 8-byte boot reports [modifiers, reserved,
// key1..key6] (a 9th leading byte when the device uses report ids, node-hid #228). A key counts
// when it appears in a report and was not down in the previous one, so rollover keys (several
// down at once) and double letters (which need a release between) both come out right; reading
// only byte 2, as usb-barcode-scanner does, loses them. Enter ends a scan.
import { ENTER, KEYPAD_ENTER, LAYOUTS, type Layout } from './keyboard-layouts.ts';

const SHIFT = 0x02 | 0x20;
const ALTGR = 0x40;

export class KeyboardDecoder {
  #down = new Set<number>();
  #text = '';
  #unknown = 0;
  constructor(
    private readonly layout: Layout,
    private readonly maxChars = 8192,
  ) {}

  /** Feeds one report; returns the scanned text when this report pressed Enter. */
  push(report: Buffer): string | null {
    const r = report.length === 9 ? report.subarray(1) : report;
    if (r.length < 8) return null;
    const mods = r.readUInt8(0);
    const keys = [...r.subarray(2, 8)].filter((k) => k > 3); // 0 none, 1-3 error codes (rollover overflow)
    let done: string | null = null;
    for (const k of keys) {
      if (this.#down.has(k)) continue;
      if (k === ENTER || k === KEYPAD_ENTER) {
        done = this.#text;
        this.#text = '';
        continue;
      }
      const entry = LAYOUTS[this.layout][k];
      const ch = !entry ? undefined : mods & ALTGR ? entry[2] : mods & SHIFT ? entry[1] : entry[0];
      if (ch === undefined) this.#unknown++;
      else if (this.#text.length < this.maxChars) this.#text += ch;
    }
    this.#down = new Set(keys);
    return done;
  }

  /** Usages with no character in the layout since the last call (a layout mismatch sign). */
  takeUnknown(): number {
    const n = this.#unknown;
    this.#unknown = 0;
    return n;
  }

  reset(): void {
    this.#down.clear();
    this.#text = '';
  }

  get pending(): boolean {
    return this.#text.length > 0;
  }
}
