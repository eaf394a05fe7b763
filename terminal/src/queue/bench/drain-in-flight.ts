// Drains with one and with two uploads in flight, alternating, against one sync-service process:
// the comparison behind docs/scale.md's "Two uploads in flight", made in one run so that the
// machine's load moves both alike. Not part of `npm run bench` (its keys are the drain bench's);
// run it as `npx tsx terminal/src/queue/bench/drain-in-flight.ts [events] [pairs]`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startServiceProcess } from '../../../../sync-service/bench/service-process.ts';
import { DEFAULTS } from '../../config/schema.ts';
import { Sealer } from '../../protocol/index.ts';
import { loadOrCreateIdentity, SyncEngine, syncOptions } from '../../sync/index.ts';
import { openDatabase } from '../../db/index.ts';
import { Queue } from '../index.ts';

const events = Number(process.argv[2] ?? 100_000);
const pairs = Number(process.argv[3] ?? 4);
const svc = await startServiceProcess();

/** CPU seconds the service process has used (all its threads). */
function serviceCpu(): number {
  const f = readFileSync(`/proc/${svc.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** One drain of `events` by a newly enrolled terminal; its events/s. */
async function drain(inFlight: 1 | 2): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'yss-drain-in-flight-'));
  const t = await svc.admin<{ enrollment_code: string; seal_key: string }>('POST', '/admin/terminals', { name: 'drain in flight' });
  const db = openDatabase(dir);
  const queue = new Queue(db);
  const sealer = new Sealer(Buffer.from(t.seal_key, 'base64url'));
  // The drain bench's events: a tenth device events, a third with sealed personal data.
  for (let k = 0; k < events; k += 1000) {
    queue.commit((tx) => {
      for (let i = k; i < Math.min(events, k + 1000); i++) {
        tx.append({
          type: i % 10 === 0 ? 'device' : 'registration',
          at: Date.now(),
          trusted_at: Date.now(),
          scenario: 'hotel-checkin',
          body: { family: 'YSS1', issuer: 'CN-44', type: 'personal', reason: null, replayed: false, accepted: true, device: 'scanner-1', effects: [{ kind: 'registration' }] },
          sealed: i % 3 === 0 ? sealer.seal({ name: '张三', doc_no: `4401011990${String(i).padStart(8, '0')}` }) : null,
        });
      }
    });
  }
  const engine = new SyncEngine(
    { ...syncOptions({ ...DEFAULTS.sync, url: svc.url, enrollment_code: t.enrollment_code }, 'drain in flight', dir), uploadsInFlight: inFlight },
    {
      queue,
      identity: loadOrCreateIdentity(dir),
      log: pino({ level: 'silent' }),
      installTrustList: () => undefined,
      observeServerTime: () => undefined,
      heartbeat: () => ({ version: 'bench', status: 'ok', degraded: [], queue: queue.stats(), devices: [], trust_sequence: null, clock_drift_s: 0 }),
    },
  );
  const cpu = process.cpuUsage();
  const svcCpu = serviceCpu();
  const started = process.hrtime.bigint();
  engine.start();
  while (queue.ackedThrough < events) await new Promise((r) => setTimeout(r, 5));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  await engine.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  const rate = Math.round(events / seconds);
  console.log(`${inFlight} in flight: ${rate} events/s (${seconds.toFixed(2)} s; CPU s: terminal process ${((used.user + used.system) / 1e6).toFixed(2)}, service process ${(serviceCpu() - svcCpu).toFixed(2)}; load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`);
  return rate;
}

const rates: Record<1 | 2, number[]> = { 1: [], 2: [] };
try {
  await drain(2); // warm-up: the service's first uploads (JIT, the writer's start)
  for (let p = 0; p < pairs; p++) for (const n of p % 2 ? ([2, 1] as const) : ([1, 2] as const)) rates[n].push(await drain(n));
} finally {
  await svc.stop();
}
const mean = (a: number[]) => Math.round(a.reduce((x, y) => x + y, 0) / a.length);
console.log(`mean events/s: one in flight ${mean(rates[1])}, two ${mean(rates[2])} (${((mean(rates[2]) / mean(rates[1]) - 1) * 100).toFixed(0)} %)`);
