// Turns ESC/POS bytes back into what the paper would show, for assertions and for the printer
// simulator's console. Only the commands a ticket uses are understood; anything else is noted.
import iconv from 'iconv-lite';

export interface PrintedLine {
  text: string;
  align: 'left' | 'center' | 'right';
  width: number;
  height: number;
  bold: boolean;
}

export interface Decoded {
  items: ({ kind: 'line'; line: PrintedLine } | { kind: 'qr'; data: string } | { kind: 'cut' } | { kind: 'feed'; lines: number })[];
  chinese: boolean;
  unknown: string[];
}

export function decodeEscPos(b: Buffer): Decoded {
  const out: Decoded = { items: [], chinese: false, unknown: [] };
  let align: PrintedLine['align'] = 'left';
  let width = 1;
  let height = 1;
  let bold = false;
  let text: number[] = [];
  let qrData: Buffer | null = null;
  const flush = () => {
    out.items.push({ kind: 'line', line: { text: iconv.decode(Buffer.from(text), 'gb18030'), align, width, height, bold } });
    text = [];
  };
  // A byte past the end reads as 0, so a command cut short decodes as far as it goes.
  const at = (k: number): number => b[k] ?? 0;
  for (let i = 0; i < b.length; ) {
    const c = at(i);
    if (c === 0x0a) {
      flush();
      i++;
    } else if (c === 0x1b) {
      const op = at(i + 1);
      if (op === 0x40) {
        [align, width, height, bold] = ['left', 1, 1, false];
        i += 2;
      } else if (op === 0x61) {
        align = (['left', 'center', 'right'] as const)[at(i + 2) % 0x30] ?? 'left';
        i += 3;
      } else if (op === 0x45) {
        bold = (at(i + 2) & 1) === 1;
        i += 3;
      } else if (op === 0x64) {
        out.items.push({ kind: 'feed', lines: at(i + 2) });
        i += 3;
      } else {
        out.unknown.push(`1b ${op?.toString(16)}`);
        i += 2;
      }
    } else if (c === 0x1c) {
      if (at(i + 1) === 0x26) out.chinese = true;
      if (at(i + 1) === 0x2e) out.chinese = false;
      i += 2;
    } else if (c === 0x1d) {
      const op = at(i + 1);
      if (op === 0x21) {
        width = (at(i + 2) >> 4) + 1;
        height = (at(i + 2) & 0x0f) + 1;
        i += 3;
      } else if (op === 0x56) {
        out.items.push({ kind: 'cut' });
        i += at(i + 2) === 0x41 || at(i + 2) === 0x42 ? 4 : 3;
      } else if (op === 0x28 && at(i + 2) === 0x6b) {
        const len = at(i + 3) | (at(i + 4) << 8);
        const fn = at(i + 6);
        if (fn === 0x50) qrData = b.subarray(i + 8, i + 5 + len);
        if (fn === 0x51 && qrData) out.items.push({ kind: 'qr', data: qrData.toString('utf8') });
        i += 5 + len;
      } else {
        out.unknown.push(`1d ${op?.toString(16)}`);
        i += 2;
      }
    } else if (c === 0x10 && at(i + 1) === 0x04) {
      i += 3; // status queries print nothing
    } else {
      text.push(c);
      i++;
    }
  }
  if (text.length) flush();
  return out;
}

/** The paper as plain text: big lines marked with their size, QR codes and cuts as tags. */
export function renderText(d: Decoded): string {
  return d.items
    .map((it) => {
      if (it.kind === 'line') return it.line.width > 1 || it.line.height > 1 ? `${it.line.text} [${it.line.width}x${it.line.height}]` : it.line.text;
      if (it.kind === 'qr') return `[QR ${it.data}]`;
      if (it.kind === 'cut') return '[CUT]';
      return null;
    })
    .filter((l): l is string => l !== null)
    .join('\n');
}
