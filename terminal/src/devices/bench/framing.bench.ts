// Input hygiene cost: the bounded line framer on a stream of scans, and on a scanner spewing
// bytes with no terminator, beside a floor of Buffer.indexOf splitting the same bytes with no
// bounds and no timers. Interleaved rounds so both see the same CPU.
import { LineFramer } from '../line-framer.ts';

const CODE = Buffer.from('YSS1:' + 'A1B2C3D4E5'.repeat(20)); // a 205-byte code
const SCANS = 20_000;
const ROUNDS = 5;

function stream(): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < SCANS; i++) parts.push(CODE, Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

/** Splits into 4 KiB chunks, as a USB-CDC port delivers them. */
function chunks(b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += 4096) out.push(b.subarray(i, i + 4096));
  return out;
}

function framerRun(input: Buffer[]): number {
  let frames = 0;
  const f = new LineFramer({ framing: 'any', maxBytes: 8192, timeoutMs: 1000, onFrame: () => frames++, onDrop: () => {} });
  for (const c of input) f.push(c);
  f.reset();
  return frames;
}

function floorRun(input: Buffer[]): number {
  let frames = 0;
  let rest: Buffer = Buffer.alloc(0);
  for (const c of input) {
    let b: Buffer = rest.length ? Buffer.concat([rest, c]) : c;
    for (let i = b.indexOf(0x0a); i >= 0; i = b.indexOf(0x0a)) {
      if (i > 1) frames++;
      b = b.subarray(i + 1);
    }
    rest = b;
  }
  return frames;
}

function time(fn: () => number): [number, number] {
  const t = process.hrtime.bigint();
  const n = fn();
  return [Number(process.hrtime.bigint() - t) / 1e6, n];
}

export async function run(): Promise<Record<string, number>> {
  const input = chunks(stream());
  const mb = input.reduce((n, c) => n + c.length, 0) / 1e6;
  const garbage = chunks(Buffer.alloc(4 << 20, 0x41));
  let framerMs = Infinity;
  let floorMs = Infinity;
  let garbageMs = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const [a, na] = time(() => framerRun(input));
    const [b, nb] = time(() => floorRun(input));
    const [g] = time(() => framerRun(garbage));
    if (na !== SCANS || nb !== SCANS) throw new Error(`frame count ${na}/${nb}, expected ${SCANS}`);
    framerMs = Math.min(framerMs, a);
    floorMs = Math.min(floorMs, b);
    garbageMs = Math.min(garbageMs, g);
  }
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    framer_mb_per_s: round(mb / (framerMs / 1000)),
    indexof_floor_mb_per_s: round(mb / (floorMs / 1000)),
    framer_to_floor_time_ratio: round(framerMs / floorMs),
    framer_scans_per_s: Math.round(SCANS / (framerMs / 1000)),
    garbage_discard_mb_per_s: round(4.194304 / (garbageMs / 1000)),
  };
}
