// Scan to event: from the last byte written into the scanner's pty to the verdict arriving on
// /api/events, durable commit included, over real processes. Two floors, measured in the same
// run on the same codes, interleaved with the daemon's scans: the bytes over the same kind of pty
// read in-process by serialport as the daemon reads them (`floor`), and that read plus verifying the code plus one durable
// commit of an event-sized row in a FULL-synchronous WAL database on the same disk
// (`commit_floor`): what no daemon can go below. `npm run bench -- scan-to-event` runs it alone.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import WebSocket from 'ws';
import type { EventMessage } from '../src/api/messages.ts';
import { verifyCode } from '../src/codes/index.ts';
import { DB_FILE, openDatabase, reserveWal, WAL_RESERVE_BYTES } from '../src/db/index.ts';
import { mainThreadReadBinding } from '../src/devices/serial-read.ts';
import { openTrustList, type TrustIndex } from '../src/trust/index.ts';
import { mintCode } from '../../scripts/issuer/mint.ts';
import { openPtyPair } from '../../scripts/lib/pty.ts';
import { Stack, waitFor } from '../../scripts/lib/stack.ts';
import { percentile } from '../../scripts/lib/stats.ts';

const SCANS = 300;
const WARMUP = 20;

/** What each floor scan does once its line is read: nothing, or verify + one durable commit. */
type FloorWork = ((text: string) => void) | null;

function verifyAndCommit(dir: string, index: TrustIndex): { work: (text: string) => void; close(): void } {
  const db = openDatabase(join(dir, 'floor-db'));
  db.exec('CREATE TABLE events (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  // As the daemon keeps its own (main.ts): a commit overwrites the WAL rather than growing it.
  reserveWal(db);
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

/** A pty pair read by serialport in this process: each scan written into it resolves once its line is read and `work` has run. */
async function ptyFloor(dir: string, name: string, work: FloorWork = null): Promise<{ scan(code: string): Promise<number>; close(): Promise<void> }> {
  const pair = await openPtyPair(join(dir, `${name}-a`), join(dir, `${name}-b`));
  // The daemon's own way of reading a tty (devices/serial-read.ts): a floor read any slower would not be a floor.
  const options = { path: pair.device, baudRate: 9600, binding: mainThreadReadBinding };
  const port = new SerialPort(options);
  await new Promise((r) => port.once('open', r));
  const fd = openSync(pair.peer, 'w');
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
  return {
    async scan(code) {
      const done = new Promise<void>((r) => (waiting = r));
      const t0 = performance.now();
      writeSync(fd, `${code}\r`);
      await done;
      return performance.now() - t0;
    },
    async close() {
      closeSync(fd);
      await new Promise((r) => port.close(r));
      await pair.close();
    },
  };
}

export async function run(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'yss-bench-s2e-'));
  const stack = await new Stack({ dir }).start();
  const open: { close(): Promise<void> | void }[] = [];
  try {
    // The daemon as it runs after its first pause in writes, its WAL reserved (db/checkpoints.ts).
    const wal = join(stack.dir, 'terminal-data', `${DB_FILE}-wal`);
    await waitFor(() => (statSync(wal, { throwIfNoEntry: false })?.size ?? 0) >= WAL_RESERVE_BYTES, 15_000, 50, "the daemon's WAL reservation");
    const codes = Array.from({ length: SCANS + WARMUP }, () => mintCode({ keys: stack.keysDir, type: 'personal', ttl: 300 }));
    const ws = new WebSocket(new URL('/api/events', stack.kioskUrl.replace(/^http/, 'ws')));
    open.push({ close: () => ws.close() });
    let resolveVerdict: ((seq: number) => void) | null = null;
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as EventMessage;
      if (m.type === 'verdict') resolveVerdict?.(m.seq);
    });
    await new Promise((r) => ws.once('open', r));
    const daemon = async (code: string) => {
      const verdict = new Promise<number>((r) => (resolveVerdict = r));
      const t0 = performance.now();
      stack.scan(code);
      await verdict;
      return performance.now() - t0;
    };
    const opened = openTrustList(readFileSync(join(dir, 'trust-list.jws'), 'utf8').trim(), [stack.root]);
    if (!opened.ok) throw new Error(opened.message);
    const durable = verifyAndCommit(dir, opened.index);
    open.push(durable);
    const floor = await ptyFloor(dir, 'floor');
    open.push(floor);
    const commitFloor = await ptyFloor(dir, 'commit-floor', durable.work);
    open.push(commitFloor);
    // The three are interleaved scan by scan, in a rotating order, so that each sees the same
    // load from the rest of the machine: on a shared machine the load moves within seconds.
    const paths = [daemon, floor.scan, commitFloor.scan];
    const times: number[][] = [[], [], []];
    for (const [i, code] of codes.entries()) {
      for (let k = 0; k < 3; k++) {
        const which = (i + k) % 3;
        const t = await paths[which]!(code);
        if (i >= WARMUP) times[which]!.push(t); // the first scans warm the JIT
      }
    }
    const [d, f, c] = times as [number[], number[], number[]];
    return {
      scan_to_event_p50_ms: percentile(d, 50),
      scan_to_event_p99_ms: percentile(d, 99),
      scan_to_event_floor_p50_ms: percentile(f, 50),
      scan_to_event_floor_p99_ms: percentile(f, 99),
      scan_to_event_commit_floor_p50_ms: percentile(c, 50),
      scan_to_event_commit_floor_p99_ms: percentile(c, 99),
      scan_to_event_vs_commit_floor_p50_ratio: Math.round((percentile(d, 50) / percentile(c, 50)) * 100) / 100,
      scan_to_event_vs_commit_floor_p99_ratio: Math.round((percentile(d, 99) / percentile(c, 99)) * 100) / 100,
    };
  } finally {
    for (const o of open.reverse()) await Promise.resolve(o.close()).catch(() => undefined);
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
