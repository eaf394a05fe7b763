// Splits a byte stream into frames ending in CR, LF, CRLF or a configured suffix, with bounds:
// a frame longer than maxBytes is dropped up to its terminator (reported once per overrun), and a
// partial frame is dropped after timeoutMs of silence, so a glitch cannot glue two scans together.
import type { Framing } from './config.ts';

export interface LineFramerOptions {
  framing: Framing;
  suffix?: Buffer;
  maxBytes: number;
  timeoutMs: number;
  onFrame: (frame: Buffer) => void;
  /** Called once per dropped run: `overflow` (no terminator within maxBytes) or `timeout` (half a frame). */
  onDrop: (why: 'overflow' | 'timeout', bytes: number) => void;
}

const CR = 0x0d;
const LF = 0x0a;

function one(at: number, len = 1): { at: number; len: number } | null {
  return at < 0 ? null : { at, len };
}

export class LineFramer {
  #chunks: Buffer[] = [];
  #size = 0;
  #discarding = 0; // bytes dropped in the current overrun, 0 when not discarding
  #timer: NodeJS.Timeout | null = null;
  readonly #o: LineFramerOptions;

  constructor(o: LineFramerOptions) {
    this.#o = o;
  }

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const end = this.#findEnd(chunk, start);
      if (end === null) break;
      this.#append(chunk.subarray(start, end.at));
      this.#finish();
      start = end.at + end.len;
    }
    this.#append(chunk.subarray(start));
    this.#arm();
  }

  /** Forgets any partial frame and stops the timer. */
  reset(): void {
    this.#chunks = [];
    this.#size = 0;
    this.#discarding = 0;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #findEnd(b: Buffer, from: number): { at: number; len: number } | null {
    switch (this.#o.framing) {
      case 'suffix':
        return this.#findSuffix(b, from);
      case 'cr':
        return one(b.indexOf(CR, from));
      case 'lf':
        return one(b.indexOf(LF, from));
      case 'any': {
        // CRLF counts once: an LF right after a CR closes an empty frame, which #finish ignores.
        const cr = b.indexOf(CR, from);
        const lf = cr === from ? -1 : b.indexOf(LF, from);
        return one(cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf));
      }
      case 'crlf':
        for (let i = b.indexOf(LF, from); i >= 0; i = b.indexOf(LF, i + 1)) {
          if (i > from && b[i - 1] === CR) return { at: i - 1, len: 2 };
          if (i === from && from === 0 && this.#pendingEndsWithCr()) {
            // The CR came at the end of the previous chunk.
            this.#trim(1);
            return { at: 0, len: 1 };
          }
        }
        return null;
    }
  }

  #findSuffix(b: Buffer, from: number): { at: number; len: number } | null {
    const suffix = this.#o.suffix!;
    if (suffix.length > 1 && from === 0 && this.#size > 0) {
      // A suffix split across chunks: look back into the pending bytes.
      const pending = this.#tail(suffix.length - 1);
      const i = Buffer.concat([pending, b.subarray(0, suffix.length - 1)]).indexOf(suffix);
      if (i >= 0 && i < pending.length) {
        const back = pending.length - i;
        this.#trim(back);
        return { at: 0, len: suffix.length - back };
      }
    }
    return one(b.indexOf(suffix, from), suffix.length);
  }

  #pendingEndsWithCr(): boolean {
    return this.#size > 0 && this.#tail(1)[0] === CR;
  }

  #tail(n: number): Buffer {
    const all = Buffer.concat(this.#chunks);
    return all.subarray(Math.max(0, all.length - n));
  }

  #trim(n: number): void {
    if (n <= 0) return;
    const all = Buffer.concat(this.#chunks);
    this.#chunks = [all.subarray(0, all.length - n)];
    this.#size = all.length - n;
  }

  #append(b: Buffer): void {
    if (b.length === 0) return;
    if (this.#discarding) {
      this.#discarding += b.length;
      return;
    }
    if (this.#size + b.length > this.#o.maxBytes) {
      this.#discarding = this.#size + b.length;
      this.#chunks = [];
      this.#size = 0;
      this.#o.onDrop('overflow', this.#discarding);
      return;
    }
    this.#chunks.push(b);
    this.#size += b.length;
  }

  #finish(): void {
    if (this.#discarding) {
      this.#discarding = 0;
      return;
    }
    if (this.#size === 0) return;
    const [only] = this.#chunks;
    const frame = only && this.#chunks.length === 1 ? only : Buffer.concat(this.#chunks);
    this.#chunks = [];
    this.#size = 0;
    this.#o.onFrame(frame);
  }

  #arm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#size === 0 && !this.#discarding) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.#size > 0) this.#o.onDrop('timeout', this.#size);
      this.#chunks = [];
      this.#size = 0;
      this.#discarding = 0;
    }, this.#o.timeoutMs);
    this.#timer.unref();
  }
}
