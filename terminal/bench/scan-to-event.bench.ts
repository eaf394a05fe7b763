// Scan to event: from the last byte written into the scanner's pty to the verdict arriving on
// /api/events, durable commit included, over real processes. Two floors, measured in the same
// run on the same codes: the bytes over the same kind of pty read by serialport in-process
// (`floor`), and that read plus verifying the code plus one durable commit of an event-sized row
// in a FULL-synchronous WAL database (`commit_floor`): what no daemon can go below.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import WebSocket from 'ws';
import type { EventMessage } from '../src/api/messages.ts';
import { verifyCode } from '../src/codes/index.ts';
import { openDatabase } from '../src/db/index.ts';
import { openTrustList, type TrustIndex } from '../src/trust/index.ts';
import { mintCode } from '../../scripts/issuer/mint.ts';
import { openPtyPair } from '../../scripts/lib/pty.ts';
import { Stack } from '../../scripts/lib/stack.ts';
import { percentile } from '../../scripts/lib/stats.ts';

const SCANS = 300;

/** What each floor scan does once its line is read: nothing, or verify + one durable commit. */
type FloorWork = ((text: string) => void) | null;

function verifyAndCommit(dir: string, index: TrustIndex): { work: (text: string) => void; close(): void } {
  const db = openDatabase(join(dir, 'floor-db'));
  db.exec('CREATE TABLE events (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO events (body) VALUES (?)');
  const commit = db.transaction((body: string) => insert.run(body));
  return {
    work: (text) => {
      const v = verifyCode(text, index, { now: Math.floor(Date.now() / 1000) });
      if (!v.valid) throw new Error(`floor code did not verify: ${v.reason}`);
      // About the size of a verdict event row (body, hashes, header columns).
      commit.immediate(JSON.stringify({ family: v.family, issuer: v.issuer, type: v.type, reason: null, accepted: true, pad: 'x'.repeat(300) }));
    },
    close: () => db.close(),
  };
}

async function ptyFloor(dir: string, codes: string[], work: FloorWork = null): Promise<number[]> {
  const pair = await openPtyPair(join(dir, `floor-a${work ? '-work' : ''}`), join(dir, `floor-b${work ? '-work' : ''}`));
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
      const text = buf.slice(0, -1);
      buf = '';
      work?.(text);
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
    const opened = openTrustList(readFileSync(join(dir, 'trust-list.jws'), 'utf8').trim(), [stack.root]);
    if (!opened.ok) throw new Error(opened.message);
    const durable = verifyAndCommit(dir, opened.index);
    const commitFloor = await ptyFloor(dir, codes.slice(20, SCANS + 20), durable.work);
    durable.close();
    return {
      scan_to_event_p50_ms: percentile(times, 50),
      scan_to_event_p99_ms: percentile(times, 99),
      scan_to_event_floor_p50_ms: percentile(floor, 50),
      scan_to_event_floor_p99_ms: percentile(floor, 99),
      scan_to_event_commit_floor_p50_ms: percentile(commitFloor, 50),
      scan_to_event_commit_floor_p99_ms: percentile(commitFloor, 99),
    };
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
