// ESC/POS bytes for a queue ticket (NielsLeenheer/ReceiptPrinterEncoder esc-pos.js; esc_pos_utils
// commands.dart). Text goes out as GB18030 with Chinese mode (FS &) on for the whole ticket;
// the encoder we learnt from sends FS . in its initialise, which turns Chinese off again.
import iconv from 'iconv-lite';
import type { Ticket } from '../types.ts';

export const ESC = 0x1b;
export const GS = 0x1d;
export const FS = 0x1c;
export const DLE = 0x10;
export const EOT = 0x04;

export const cmd = {
  init: () => Buffer.from([ESC, 0x40]),
  chineseOn: () => Buffer.from([FS, 0x26]),
  align: (a: 'left' | 'center' | 'right') => Buffer.from([ESC, 0x61, { left: 0, center: 1, right: 2 }[a]]),
  /** Character size, 1-8 times in each direction. */
  size: (w: number, h: number) => Buffer.from([GS, 0x21, ((w - 1) << 4) | (h - 1)]),
  bold: (on: boolean) => Buffer.from([ESC, 0x45, on ? 1 : 0]),
  feed: (n: number) => Buffer.from([ESC, 0x64, n]),
  cut: () => Buffer.from([GS, 0x56, 0x01]),
  /** DLE EOT n: 1 printer status, 2 offline cause, 4 paper sensor; the printer answers one byte. */
  status: (n: 1 | 2 | 4) => Buffer.from([DLE, EOT, n]),
};

export function text(s: string): Buffer {
  return iconv.encode(s, 'gb18030');
}

/** QR model 2: model, module size, error correction M, store (length + 3, little-endian), print. */
export function qr(data: string, moduleSize = 6): Buffer {
  // Chinese QR content goes as raw UTF-8 bytes; the ISO-8859-1 the JS encoder uses garbles it.
  const bytes = Buffer.from(data, 'utf8');
  const n = bytes.length + 3;
  return Buffer.concat([
    Buffer.from([GS, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00]),
    Buffer.from([GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, moduleSize]),
    Buffer.from([GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, 0x31]),
    Buffer.from([GS, 0x28, 0x6b, n & 0xff, n >> 8, 0x31, 0x50, 0x30]),
    bytes,
    Buffer.from([GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30]),
  ]);
}

/** Display width: CJK characters take two columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += ch.codePointAt(0)! > 0x2e7f ? 2 : 1;
  return w;
}

/** Breaks a line at the paper width, counting CJK characters as two columns. */
export function wrap(s: string, columns: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const ch of s) {
    if (width(line + ch) > columns) {
      out.push(line);
      line = '';
    }
    line += ch;
  }
  out.push(line);
  return out;
}

export function ticketBytes(t: Ticket, columns: number): Buffer {
  const parts: Buffer[] = [cmd.init(), cmd.chineseOn(), cmd.align('center')];
  if (t.title) parts.push(cmd.bold(true), cmd.size(1, 2), ...wrap(t.title, columns).map((l) => text(`${l}\n`)), cmd.bold(false), cmd.size(1, 1));
  // The number is the point of the ticket: four times size fits "A023" on 58 mm paper.
  parts.push(cmd.feed(1), cmd.size(4, 4), text(`${t.number}\n`), cmd.size(1, 1), cmd.feed(1));
  if (t.lines?.length) {
    parts.push(cmd.align('left'));
    for (const l of t.lines) for (const w of wrap(l, columns)) parts.push(text(`${w}\n`));
  }
  if (t.qr) parts.push(cmd.align('center'), qr(t.qr), text('\n'));
  parts.push(cmd.feed(4), cmd.cut());
  return Buffer.concat(parts);
}

export interface PrinterStatus {
  offline: boolean;
  coverOpen: boolean;
  /** The printer reports an error (cutter, head temperature...): it needs a person. */
  error: boolean;
  paperOut: boolean;
  paperNearEnd: boolean;
}

/**
 * Reads the real-time status replies: DLE EOT 1 (bit 3 offline), DLE EOT 2, the offline cause
 * (bit 2 cover open, bit 5 stopped at paper end, bit 6 error), DLE EOT 4 (bits 5-6 paper end,
 * 2-3 near end). Each reply has bits 1 and 4 set and bit 0 and 7 clear; a byte that does not is
 * not a status reply and is read as "nothing wrong".
 */
export function parseStatus(printer: number, paper: number, cause = 0x12): PrinterStatus {
  const ok = (b: number) => (b & 0x93) === 0x12;
  const p = ok(printer) ? printer : 0x12;
  const c = ok(cause) ? cause : 0x12;
  const r = ok(paper) ? paper : 0x12;
  return {
    offline: (p & 0x08) !== 0,
    coverOpen: (c & 0x04) !== 0,
    error: (c & 0x40) !== 0,
    paperOut: (r & 0x60) !== 0 || (c & 0x20) !== 0,
    paperNearEnd: (r & 0x0c) !== 0,
  };
}
