// Scan to event: from the last byte written into the scanner's pty to the verdict arriving on
// /api/events, durable commit included, over real processes. The floor is the same bytes over
// the same kind of pty read by serialport in-process, plus nothing else.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import WebSocket from 'ws';
import type { EventMessage } from '../src/api/messages.ts';
import { mintCode } from '../../scripts/issuer/mint.ts';
import { openPtyPair } from '../../scripts/lib/pty.ts';
import { Stack } from '../../scripts/lib/stack.ts';
import { percentile } from '../../scripts/lib/stats.ts';

const SCANS = 300;

async function ptyFloor(dir: string, codes: string[]): Promise<number[]> {
  const pair = await openPtyPair(join(dir, 'floor-a'), join(dir, 'floor-b'));
  const port = new SerialPort({ path: pair.device, baudRate: 9600 });
  await new Promise((r) => port.once('open', r));
  const { openSync, writeSync, closeSync } = await import('node:fs');
  const fd = openSync(pair.peer, 'w');
  const times: number[] = [];
  let buf = '';
  let waiting: (() => void) | null = null;
  port.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
    if (buf.endsWith('\r')) {
      buf = '';
      waiting?.();
    }
  });
  for (const code of codes) {
    const done = new Promise<void>((r) => (waiting = r));
    const t0 = performance.now();
    writeSync(fd, `${code}\r`);
    await done;
    times.push(performance.now() - t0);
  }
  closeSync(fd);
  await new Promise((r) => port.close(r));
  await pair.close();
  return times;
}

export async function run(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'yss-bench-s2e-'));
  const stack = await new Stack({ dir }).start();
  try {
    const codes = Array.from({ length: SCANS + 20 }, () => mintCode({ keys: stack.keysDir, type: 'personal', ttl: 300 }));
    const ws = new WebSocket(new URL('/api/events', stack.kioskUrl.replace(/^http/, 'ws')));
    let resolveVerdict: ((seq: number) => void) | null = null;
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as EventMessage;
      if (m.type === 'verdict') resolveVerdict?.(m.seq);
    });
    await new Promise((r) => ws.once('open', r));
    const times: number[] = [];
    for (const [i, code] of codes.entries()) {
      const verdict = new Promise<number>((r) => (resolveVerdict = r));
      const t0 = performance.now();
      stack.scan(code);
      await verdict;
      if (i >= 20) times.push(performance.now() - t0); // the first scans warm the JIT
    }
    ws.close();
    const floor = await ptyFloor(dir, codes.slice(0, SCANS));
    return {
      scan_to_event_p50_ms: percentile(times, 50),
      scan_to_event_p99_ms: percentile(times, 99),
      scan_to_event_floor_p50_ms: percentile(floor, 50),
      scan_to_event_floor_p99_ms: percentile(floor, 99),
    };
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
