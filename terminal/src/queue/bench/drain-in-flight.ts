// Drains with one and with two uploads in flight, alternating, against one sync-service process:
// the comparison behind docs/scale.md's "Two uploads in flight", made in one run so that the
// machine's load moves both alike. Not part of `npm run bench` (its keys are the drain bench's);
// run it as `npx tsx terminal/src/queue/bench/drain-in-flight.ts [events] [pairs]`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServiceProcess } from '../../../../sync-service/bench/service-process.ts';
import { backlogTerminal } from './backlog.ts';

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
  const { db, queue, engine } = backlogTerminal({ dir, url: svc.url, enrollmentCode: t.enrollment_code, sealKey: t.seal_key, events, name: 'drain in flight', uploadsInFlight: inFlight });
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
