// The sync service of two checkouts compared in one run: `npx tsx scripts/bench-ab.ts <a> <b> [rounds]`
// (a and b: folders of the repository, e.g. a worktree at an older commit, with node_modules).
// Each checkout's service runs as its own process; rounds alternate between them (a b, b a, ...),
// so that the machine's load, which moves a whole `npm run bench` by a fifth from one run to the
// next on this shared machine, moves both alike. Per round: an ingest of 50 terminals uploading
// 2,000 events each in 250-event batches, and a drain of a 100,000-event backlog by one terminal
// (this checkout's terminal code, its default batches); events/s and the service process's CPU
// per 1,000 events (all its threads, from /proc). Each service is warmed by one round first.
import http from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import nacl from 'tweetnacl';
import { ed25519PrivateKey, Sealer, signRequest } from '../terminal/src/protocol/index.ts';
import { backlogTerminal } from '../terminal/src/queue/bench/backlog.ts';
import { chain } from '../sync-service/bench/ingest.bench.ts';
import type { startServiceProcess } from '../sync-service/bench/service-process.ts';

const [a, b] = process.argv.slice(2, 4).map((p) => resolve(p));
const rounds = Number(process.argv[4] ?? 4);
if (!a || !b || !(rounds > 0)) {
  console.error('usage: npx tsx scripts/bench-ab.ts <checkout a> <checkout b> [rounds]');
  process.exit(2);
}
const TERMINALS = 50;
const BATCHES = 8;
const BATCH = 250;
const BACKLOG = 100_000;
type Service = Awaited<ReturnType<typeof startServiceProcess>>;
interface Measure {
  eventsPerS: number;
  cpuMsPer1k: number;
}

/** CPU ticks (1/100 s) of every thread of a process so far. */
function ticks(pid: number): number {
  let n = 0;
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const f = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8').split(') ')[1]!.split(' ');
      n += Number(f[11]) + Number(f[12]);
    } catch {
      // a thread that ended meanwhile
    }
  }
  return n;
}

async function timed(svc: Service, events: number, work: () => Promise<void>): Promise<Measure> {
  const c0 = ticks(svc.pid);
  const t0 = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { eventsPerS: Math.round(events / seconds), cpuMsPer1k: Math.round(((ticks(svc.pid) - c0) * 10 * 10) / (events / 1000)) / 10 };
}

/** A checkout's service, its ingest terminals enrolled, and its rounds. */
async function contender(checkout: string) {
  const start = ((await import(join(checkout, 'sync-service/bench/service-process.ts'))) as { startServiceProcess: typeof startServiceProcess }).startServiceProcess;
  const svc = await start({ max_connections_per_address: 1024 });
  const agent = new http.Agent({ keepAlive: true, maxSockets: TERMINALS });
  const sealer = new Sealer(Buffer.from((await svc.admin<{ seal_key: string }>('GET', '/v1/info')).seal_key, 'base64url'));
  const events = chain((rounds + 1) * BATCHES * BATCH, sealer);
  const bodies = Array.from({ length: (rounds + 1) * BATCHES }, (_, i) => JSON.stringify({ events: events.slice(i * BATCH, (i + 1) * BATCH) }));
  const terminals: { id: string; key: ReturnType<typeof ed25519PrivateKey> }[] = [];
  for (let i = 0; i < TERMINALS; i++) {
    const seed = nacl.randomBytes(32);
    const t = await svc.admin<{ enrollment_code: string }>('POST', '/admin/terminals', { name: `ab ${i}` });
    const body = JSON.stringify({ enrollment_code: t.enrollment_code, public_key: Buffer.from(nacl.sign.keyPair.fromSeed(seed).publicKey).toString('base64url') });
    let res = await fetch(new URL('/v1/enroll', svc.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    // Enrollment is rate-limited per address: this process is one address for all 50.
    for (let k = 0; res.status === 429 && k < 40; k++) {
      await new Promise((r) => setTimeout(r, (Number(res.headers.get('retry-after')) || 1) * 1000));
      res = await fetch(new URL('/v1/enroll', svc.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    }
    if (res.status !== 200) throw new Error(`enrollment answered HTTP ${res.status}`);
    terminals.push({ id: ((await res.json()) as { terminal_id: string }).terminal_id, key: ed25519PrivateKey(seed) });
  }
  const url = new URL('/v1/events', svc.url);
  const post = (body: string, headers: Record<string, string>) =>
    new Promise<number>((ok, fail) => {
      const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => ok(res.statusCode ?? 0));
      });
      req.on('error', fail);
      req.end(body);
    });
  let round = 0;
  const ingest = () => {
    const mine = bodies.slice(round * BATCHES, (round + 1) * BATCHES);
    round++;
    return timed(svc, TERMINALS * BATCHES * BATCH, async () => {
      await Promise.all(
        terminals.map(async (t) => {
          for (const body of mine) {
            const status = await post(body, signRequest(t.key, t.id, 'POST', '/v1/events', body, Date.now()));
            if (status !== 200) throw new Error(`upload answered HTTP ${status}`);
          }
        }),
      );
    });
  };
  const drain = async (events = BACKLOG) => {
    const dir = mkdtempSync(join(tmpdir(), 'yss-bench-ab-'));
    try {
      const t = await svc.admin<{ enrollment_code: string; seal_key: string }>('POST', '/admin/terminals', { name: 'ab drain' });
      const { db, queue, engine } = backlogTerminal({ dir, url: svc.url, enrollmentCode: t.enrollment_code, sealKey: t.seal_key, events, name: 'ab drain' });
      const m = await timed(svc, events, async () => {
        engine.start();
        while (queue.ackedThrough < events) await new Promise((r) => setTimeout(r, 5));
      });
      await engine.stop();
      db.close();
      return m;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return { checkout, svc, agent, ingest, drain, results: { ingest: [] as Measure[], drain: [] as Measure[] } };
}

const contenders = [await contender(a), await contender(b)];
try {
  for (const c of contenders) {
    await c.ingest();
    await c.drain(20_000);
  }
  for (let r = 0; r < rounds; r++) {
    for (const c of r % 2 === 0 ? contenders : [...contenders].reverse()) {
      const i = await c.ingest();
      const d = await c.drain();
      c.results.ingest.push(i);
      c.results.drain.push(d);
      console.log(`${c === contenders[0] ? 'a' : 'b'}: ingest ${i.eventsPerS} events/s (${i.cpuMsPer1k} CPU-ms per 1,000), drain ${d.eventsPerS} events/s (${d.cpuMsPer1k}); load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`);
    }
  }
  const mean = (xs: Measure[], k: keyof Measure) => Math.round((xs.reduce((s, x) => s + x[k], 0) / xs.length) * 10) / 10;
  for (const [i, c] of contenders.entries()) {
    console.log(`${i === 0 ? 'a' : 'b'} ${c.checkout}: ingest ${mean(c.results.ingest, 'eventsPerS')} events/s, ${mean(c.results.ingest, 'cpuMsPer1k')} CPU-ms per 1,000; drain ${mean(c.results.drain, 'eventsPerS')} events/s, ${mean(c.results.drain, 'cpuMsPer1k')} CPU-ms per 1,000`);
  }
} finally {
  for (const c of contenders) {
    c.agent.destroy();
    await c.svc.stop();
  }
}
