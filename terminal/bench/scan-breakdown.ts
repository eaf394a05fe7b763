// Where a scan's time goes inside the daemon: the daemon runs in this process with its real
// serial scanner on a socat pty, a real sync service process and a real SQLite file, and each
// stage is timed. Not a benchmark (`npm run bench` does not run it): a profile for the next change.
//   node --import tsx terminal/bench/scan-breakdown.ts [--no-sync]
import { mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import WebSocket from 'ws';
import { startServiceProcess } from '../../sync-service/bench/service-process.ts';
import { mintCode } from '../../scripts/issuer/mint.ts';
import { keygen } from '../../scripts/issuer/keys.ts';
import { signedTrustList } from '../../scripts/issuer/trust-list.ts';
import { openPtyPair } from '../../scripts/lib/pty.ts';
import { percentile } from '../../scripts/lib/stats.ts';
import { venueFile } from '../../scripts/lib/venue-devices.ts';
import { waitFor } from '../../scripts/lib/wait.ts';
import { ApiServer, type EventMessage } from '../src/api/index.ts';
import { parseConfig } from '../src/config/index.ts';
import { Pipeline } from '../src/daemon/index.ts';
import { createDevice } from '../src/devices/index.ts';
import { startTerminal } from '../src/main.ts';
import { Queue } from '../src/queue/index.ts';

const SCANS = 300;
const WARMUP = 30;
const withSync = !process.argv.includes('--no-sync');

const dir = mkdtempSync(join(tmpdir(), 'yss-breakdown-'));
const keys = join(dir, 'issuer');
const root = keygen(keys).root;
writeFileSync(join(dir, 'trust.jws'), signedTrustList(keys, { sequence: 1 }));
const svc = withSync ? await startServiceProcess() : null;
const t = svc ? await svc.admin<{ enrollment_code: string; seal_key: string }>('POST', '/admin/terminals', { name: 'breakdown' }) : null;
const pty = await openPtyPair(join(dir, 'dev/scanner'), join(dir, 'dev/scanner-sim'));

// Stage clocks, filled by wrappers around the daemon's own methods.
const stage = { read: 0, handleStart: 0, commitStart: 0, commitEnd: 0, broadcastStart: 0, broadcastEnd: 0, handleEnd: 0 };
const wrap = <T extends object>(proto: T, name: keyof T, before: keyof typeof stage | null, after: keyof typeof stage | null) => {
  const orig = proto[name] as unknown as (...a: unknown[]) => unknown;
  (proto as Record<keyof T, unknown>)[name] = function (this: unknown, ...a: unknown[]) {
    if (before) stage[before] = performance.now();
    const r = orig.apply(this, a);
    if (after) stage[after] = performance.now();
    return r;
  };
};
wrap(Pipeline.prototype, 'handle', 'handleStart', 'handleEnd');
wrap(Queue.prototype, 'commit', 'commitStart', 'commitEnd');
wrap(ApiServer.prototype, 'broadcast', 'broadcastStart', 'broadcastEnd');

const cfg = parseConfig(
  {
    data_dir: 'data',
    name: 'breakdown',
    log_level: 'info',
    api: { host: '127.0.0.1', port: 0 },
    trust: { roots: [`${root.kid}:${root.x}`], file: 'trust.jws' },
    ...(svc && t ? { sync: { url: svc.url, enrollment_code: t.enrollment_code, seal_key: t.seal_key, interval_ms: 200 } } : {}),
    venue: venueFile('desk'),
    devices: [{ id: 'scanner-1', role: 'scanner', kind: 'serial-scanner', path: join(dir, 'dev/scanner'), baud: 9600, framing: 'cr' }],
  },
  dir,
);
const devices = cfg.devices.map((c) => createDevice(c, pino({ level: 'silent' })));
devices[0]!.on('reading', () => (stage.read = performance.now()));
// The daemon logs to a pipe in production (the stack reads its stdout); here to /dev/null, synchronously.
const terminal = await startTerminal(cfg, { devices, log: pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: true })) });
await waitFor(() => terminal.health().devices[0]?.state === 'connected', 10_000);

const ws = new WebSocket(new URL('/api/events', terminal.url.replace(/^http/, 'ws')));
let arrived: (() => void) | null = null;
ws.on('message', (d) => {
  if ((JSON.parse(String(d)) as EventMessage).type === 'verdict') arrived?.();
});
await new Promise((r) => ws.once('open', r));
const fd = openSync(pty.peer, 'w');
const rows: Record<string, number>[] = [];
for (let i = 0; i < SCANS + WARMUP; i++) {
  const code = mintCode({ keys, type: 'personal', ttl: 300 });
  const done = new Promise<void>((r) => (arrived = r));
  const t0 = performance.now();
  writeSync(fd, `${code}\r`);
  await done;
  const t9 = performance.now();
  if (i < WARMUP) continue;
  rows.push({
    'pty read + framing': stage.read - t0,
    'to pipeline (listeners)': stage.handleStart - stage.read,
    'verify + decide + seal': stage.commitStart - stage.handleStart,
    'commit (FULL fsync)': stage.commitEnd - stage.commitStart,
    'commit → broadcast': stage.broadcastStart - stage.commitEnd,
    'broadcast (JSON + ws.send)': stage.broadcastEnd - stage.broadcastStart,
    'effects, poke, log line': stage.handleEnd - stage.broadcastEnd,
    'ws delivery to client': t9 - stage.handleEnd,
    total: t9 - t0,
  });
}
console.log(`scan breakdown (${SCANS} scans, sync ${withSync ? 'on' : 'off'}), ms`);
console.log(`${'stage'.padEnd(28)} ${'p50'.padStart(7)} ${'p99'.padStart(7)} ${'mean'.padStart(7)}`);
for (const k of Object.keys(rows[0]!)) {
  const v = rows.map((r) => r[k]!);
  console.log(`${k.padEnd(28)} ${percentile(v, 50).toFixed(3).padStart(7)} ${percentile(v, 99).toFixed(3).padStart(7)} ${(v.reduce((a, b) => a + b, 0) / v.length).toFixed(3).padStart(7)}`);
}
ws.close();
await terminal.stop();
await pty.close();
await svc?.stop();
rmSync(dir, { recursive: true, force: true });
