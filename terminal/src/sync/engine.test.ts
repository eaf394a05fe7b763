import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import pino from 'pino';
import { startTestService, type TestService } from '../../../sync-service/test/support.ts';
import { verifyChain, type Heartbeat, type WireEvent } from '../protocol/index.ts';
import { openDatabase, type Db } from '../db/index.ts';
import { Queue } from '../queue/index.ts';
import { SyncError } from './errors.ts';
import { httpTransport, PoliceStates, SyncEngine, loadOrCreateIdentity, type SyncOptions, type Transport } from './index.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

let dir: string;
let db: Db;
let queue: Queue;
let svc: TestService;
let engine: SyncEngine | null;

const silent = pino({ level: 'silent' });

beforeEach(async () => {
  dir = tempDir('yss-engine-');
  db = openDatabase(dir);
  queue = new Queue(db);
  svc = await startTestService();
  engine = null;
});

afterEach(async () => {
  await engine?.stop();
  db.close();
  await svc.close();
  rmSync(dir, { recursive: true, force: true });
});

function append(n: number, type = 'verdict'): void {
  queue.commit((tx) => {
    for (let i = 0; i < n; i++) tx.append({ type, at: Date.now(), trusted_at: Date.now(), scenario: 'verify', body: { i }, sealed: null });
  });
}

async function until<T>(f: () => T | Promise<T>, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function makeEngine(
  url: string,
  o: Partial<SyncOptions> = {},
  deps: { installed?: string[]; times?: number[]; heartbeat?: () => Heartbeat; transport?: Transport; police?: PoliceStates; random?: () => number } = {},
): Promise<SyncEngine> {
  const code = o.enrollmentCode ?? (await svc.admin('POST', '/admin/terminals', { name: 'engine test' })).json.enrollment_code;
  const identity = loadOrCreateIdentity(dir);
  engine = new SyncEngine(
    {
      url,
      enrollmentCode: code,
      batchMaxEvents: 50,
      batchMaxBytes: 64 * 1024,
      intervalMs: 20,
      timeoutMs: 2000,
      backoffMaxMs: 200,
      trustPollMs: 60_000,
      heartbeatMs: 60_000,
      policePollMs: 60_000,
      name: 'engine test',
      dataDir: dir,
      ...o,
    },
    {
      queue,
      identity,
      log: silent,
      installTrustList: (jws) => deps.installed?.push(jws),
      observeServerTime: (ms) => deps.times?.push(ms),
      transport: deps.transport,
      police: deps.police,
      random: deps.random,
      heartbeat: deps.heartbeat ?? (() => ({
        version: 'test',
        status: 'ok',
        degraded: [],
        queue: queue.stats(),
        devices: [{ id: 'scanner-1', role: 'scanner', state: 'connected' }],
        trust_sequence: 3,
        clock_drift_s: 0,
      })),
    },
  );
  engine.start();
  return engine;
}

const terminalId = () => (JSON.parse(readFileSync(join(dir, 'identity.json'), 'utf8')) as { terminal_id: string | null }).terminal_id;

test('the engine enrolls with its one-time code, keeps the id, and uploads the whole queue in batches', async () => {
  const batches: number[] = [];
  const ingest = svc.storage.ingest.bind(svc.storage);
  svc.storage.ingest = (id: string, events: WireEvent[], now: number) => {
    batches.push(events.length);
    return ingest(id, events, now);
  };
  append(230);
  const url = await svc.listen();
  await makeEngine(url);
  await until(() => queue.ackedThrough === 230, 'all events acknowledged');
  const id = terminalId();
  assert.match(id!, /^t-/);
  assert.equal(await svc.storage.countEvents(id!), 230);
  assert.ok(batches.every((n) => n <= 50), `batches ${batches}`);
  assert.equal(engine!.health.state, 'idle');
  assert.equal(engine!.health.acked_seq, 230);
});

test('the next batches are read and sent while one is in flight, and dropped when the service acknowledges less than was sent', async () => {
  const url = await svc.listen();
  const real = httpTransport(url, 2000);
  const sent: number[] = [];
  let replies = 0;
  let inFlight = false;
  const readInFlight: number[] = [];
  const outgoing = queue.outgoing.bind(queue);
  queue.outgoing = (after, limit) => {
    if (inFlight) readInFlight.push(after);
    return outgoing(after, limit);
  };
  const transport: Transport = {
    async request(r) {
      if (r.path !== '/v1/events') return real.request(r);
      sent.push((JSON.parse(String(r.body)) as { events: WireEvent[] }).events[0]!.seq);
      inFlight = true;
      try {
        const res = await real.request(r);
        // The first two replies claim 10 fewer events than their uploads carried (as a service
        // holding less would): the first's drops the second upload, already sent, whose reply
        // (90) is then the highest acknowledgement; the batch read ahead from 100 is not sent.
        if (++replies > 2) return res;
        const reply = JSON.parse(res.body) as { acked_through: number };
        return { ...res, body: JSON.stringify({ ...reply, acked_through: reply.acked_through - 10 }) };
      } finally {
        inFlight = false;
      }
    },
  };
  append(230);
  await makeEngine(url, {}, { transport });
  await until(() => queue.ackedThrough === 230, 'all events acknowledged');
  assert.deepEqual(readInFlight.slice(0, 2), [50, 100], 'batches 2 and 3 read while 1 was in flight');
  assert.deepEqual(sent, [1, 51, 91, 141, 191], 'after the short acks the upload starts at the highest the service said');
  assert.equal(await svc.storage.countEvents(terminalId()!), 230);
});

test('the last upload of a backlog writes its ack to the queue at once; a single reading\'s waits for the loop\'s next idle turn', async () => {
  append(230);
  // The loop's idle turn is a minute away: only the end of the backlog can write the ack in time.
  const e = await makeEngine(await svc.listen(), { intervalMs: 60_000 });
  await until(() => queue.ackedThrough === 230, 'the drained backlog acknowledged on disk', 5000);
  append(1);
  e.poke();
  await until(() => e.health.acked_seq === 231, 'the single reading acknowledged by the service');
  assert.equal(queue.ackedThrough, 230, 'its ack only in memory until the next idle turn');
});

test('a batch is also capped by bytes', async () => {
  const sizes: number[] = [];
  const ingest = svc.storage.ingest.bind(svc.storage);
  svc.storage.ingest = (id: string, events: WireEvent[], now: number) => {
    sizes.push(JSON.stringify({ events }).length);
    return ingest(id, events, now);
  };
  queue.commit((tx) => {
    for (let i = 0; i < 40; i++) tx.append({ type: 'verdict', at: 1, trusted_at: 1, scenario: 'verify', body: { pad: 'p'.repeat(1500) }, sealed: null });
  });
  await makeEngine(await svc.listen(), { batchMaxBytes: 8 * 1024 });
  await until(() => queue.ackedThrough === 40, 'all acknowledged');
  assert.ok(sizes.length >= 8, `${sizes.length} requests`);
  assert.ok(sizes.every((s) => s <= 8 * 1024), `sizes ${sizes}`);
});

test('the engine sends heartbeats the service shows in the terminal status', async () => {
  append(3);
  await makeEngine(await svc.listen(), { heartbeatMs: 50 });
  const status = await until(async () => {
    const id = terminalId();
    if (!id) return null;
    const s = await svc.admin('GET', `/admin/terminals/${id}`);
    return s.json.heartbeat && s.json.head_seq === 3 && s.json.heartbeat.queue.backlog === 0 ? s.json : null;
  }, 'a heartbeat after the upload');
  assert.equal(status.heartbeat.version, 'test');
  assert.equal(status.heartbeat.trust_sequence, 3);
  assert.equal(status.lag_events, 0);
});

test('heartbeats keep arriving while the service refuses uploads, and carry the last sync error', async () => {
  svc.storage.ingest = () => {
    throw new Error('disk full');
  };
  append(5);
  const e = await makeEngine(await svc.listen(), { heartbeatMs: 50, backoffMaxMs: 60_000 });
  await until(() => e.health.state === 'backoff', 'uploads failing');
  const status = await until(async () => {
    const id = terminalId();
    if (!id) return null;
    const s = await svc.admin('GET', `/admin/terminals/${id}`);
    return s.json.heartbeat?.sync_error ? s.json : null;
  }, 'a heartbeat with the sync error');
  assert.match(status.heartbeat.sync_error, /^YSS_SYNC_INTERNAL: /);
  assert.equal(status.heartbeat.queue.backlog, 5, 'the service sees the stuck backlog');
  assert.equal(status.head_seq, 0, 'nothing was uploaded');
  assert.equal(e.health.last_error, status.heartbeat.sync_error);
});

test('an upload reply that is not JSON is YSS_SYNC_BAD_REPLY through an injected transport, and the events stay queued', async () => {
  const url = await svc.listen();
  const real = httpTransport(url, 2000);
  let garbled = 0;
  const transport: Transport = {
    async request(r) {
      const res = await real.request(r);
      if (r.path === '/v1/events' && garbled < 2) {
        garbled++;
        return { ...res, body: '<html>proxy error</html>' };
      }
      return res;
    },
  };
  append(4);
  const e = await makeEngine(url, { backoffMaxMs: 50 }, { transport });
  await until(() => e.health.last_error?.startsWith('YSS_SYNC_BAD_REPLY: ') === true, 'the bad reply reported');
  assert.equal(e.health.state, 'backoff');
  await until(() => queue.ackedThrough === 4, 'acknowledged once replies are whole again');
  assert.equal(await svc.storage.countEvents(terminalId()!), 4, 'the resent events were stored once');
});

test('the trust list is pulled once and then only revalidated with If-None-Match', async () => {
  const jws = `e30.${Buffer.from(JSON.stringify({ format: 'yss-trust-list/1', sequence: 4 })).toString('base64url')}.c2ln`;
  await svc.admin('PUT', '/admin/trust-list', jws);
  const installed: string[] = [];
  const seen: (string | undefined)[] = [];
  const trustList = svc.storage.trustList.bind(svc.storage);
  svc.storage.trustList = () => {
    seen.push('fetch');
    return trustList();
  };
  await makeEngine(await svc.listen(), { trustPollMs: 30 }, { installed });
  await until(() => seen.length >= 4, 'several polls');
  assert.deepEqual(installed, [jws], 'installed once; later polls got 304');
});

test('the engine learns the service clock and signs with it, even 10 minutes off its own', async () => {
  await svc.close();
  svc = await startTestService({ now: () => Date.now() + 10 * 60_000 });
  const times: number[] = [];
  append(2);
  await makeEngine(await svc.listen(), {}, { times });
  await until(() => queue.ackedThrough === 2, 'upload despite skew');
  assert.ok(times.some((t) => t > Date.now() + 9 * 60_000), 'the server time was passed on to the trusted clock');
});

test('with the service down the engine reports offline and backs off, then drains when it returns', async () => {
  append(20);
  const url = await svc.listen();
  const port = Number(new URL(url).port);
  const code = (await svc.admin('POST', '/admin/terminals', { name: 'offline' })).json.enrollment_code as string;
  await svc.app.close();
  const e = await makeEngine(url, { backoffMaxMs: 100, enrollmentCode: code });
  await until(() => e.health.state === 'offline', 'offline state');
  assert.match(e.health.last_error!, /ECONNREFUSED|YSS_SYNC_NETWORK/);
  const dir2 = svc.dir;
  await svc.storage.close();
  svc = await startTestService({ dir: dir2 });
  await svc.listen(port);
  await until(() => queue.ackedThrough === 20, 'drain after return', 15_000);
  assert.equal(await svc.storage.countEvents(), 20);
});

test('when the service holds less than it acknowledged, the engine resends from the service head', async () => {
  append(10);
  await makeEngine(await svc.listen());
  await until(() => queue.ackedThrough === 10, 'first upload');
  await engine!.stop();
  // The service's copy is restored from an older backup: keep only events 1..4.
  const db2 = (svc.storage as unknown as { db: Db }).db;
  const id = terminalId()!;
  db2.prepare('DELETE FROM events WHERE terminal_id = ? AND seq > 4').run(id);
  const head = db2.prepare('SELECT hash FROM events WHERE terminal_id = ? AND seq = 4').pluck().get(id);
  db2.prepare('UPDATE terminals SET head_seq = 4, head_hash = ? WHERE id = ?').run(head, id);
  append(3);
  const identity = loadOrCreateIdentity(dir);
  engine = new SyncEngine(
    { url: `${svc.app.listeningOrigin}/`, enrollmentCode: null, batchMaxEvents: 50, batchMaxBytes: 65536, intervalMs: 20, timeoutMs: 2000, backoffMaxMs: 100, trustPollMs: 60_000, heartbeatMs: 60_000, policePollMs: 60_000, name: 'x', dataDir: dir },
    { queue, identity, log: silent, installTrustList: () => undefined, observeServerTime: () => undefined, heartbeat: () => ({ version: 't', status: 'ok', degraded: [], queue: queue.stats(), devices: [], trust_sequence: null, clock_drift_s: 0 }) },
  );
  engine.start();
  await until(async () => (await svc.storage.getTerminal(id))!.head_seq === 13, 'resend from the service head');
  assert.equal(await svc.storage.countEvents(id), 13);
});

test('a revoked terminal stops as unenrolled and its events stay queued', async () => {
  append(2);
  const e = await makeEngine(await svc.listen());
  await until(() => queue.ackedThrough === 2, 'first upload');
  await svc.admin('POST', `/admin/terminals/${terminalId()}/revoke`);
  append(1);
  e.poke();
  await until(() => e.health.state === 'unenrolled', 'unenrolled');
  assert.match(e.health.last_error!, /YSS_SYNC_TERMINAL_REVOKED/);
  assert.equal(queue.stats().backlog, 1);
  assert.ok(existsSync(join(dir, 'identity.json')));
});

test('a heartbeat the service refuses does not hold uploads back', async () => {
  append(120);
  const e = await makeEngine(await svc.listen(), { heartbeatMs: 10, batchMaxEvents: 10, backoffMaxMs: 60_000 }, { heartbeat: () => ({ version: 'x' }) as Heartbeat });
  await until(() => queue.ackedThrough === 120, 'uploads despite refused heartbeats', 5000);
  assert.equal(e.health.state, 'idle');
});

test('tombstones left by the disk quota upload, verify at the service, and registrations arrive whole', async () => {
  db.close();
  db = openDatabase(dir);
  queue = new Queue(db, { maxBytes: 12_000 });
  queue.commit((tx) => {
    for (let i = 0; i < 30; i++) {
      tx.append({ type: i % 3 === 0 ? 'registration' : 'device', at: i, trusted_at: i, scenario: 'hotel-checkin', body: { i, pad: 'q'.repeat(300) }, sealed: null });
    }
  });
  const dropped = queue.stats().dropped_total;
  assert.ok(dropped > 0, 'the quota dropped some device events');
  await makeEngine(await svc.listen());
  await until(() => queue.ackedThrough === 30, 'all 30 acknowledged');
  const id = terminalId()!;
  const stored = await svc.storage.events(id, 0, 100);
  assert.equal(verifyChain(stored), null);
  assert.equal(stored.filter((e) => e.tombstone).length, dropped);
  assert.ok(stored.filter((e) => e.type === 'registration').every((e) => !e.tombstone && (e.body as { pad: string }).pad.length === 300));
});

test('after upload timeouts the batch shrinks until it fits the link, and everything still arrives once', async () => {
  // A link that carries requests up to 20 KB and silently stalls bigger ones.
  const { createServer } = await import('node:http');
  const target = await svc.listen();
  const sizes: number[] = [];
  const proxy = createServer(async (req, res) => {
    const length = Number(req.headers['content-length'] ?? 0);
    if (req.url === '/v1/events') sizes.push(length);
    if (length > 20_000) return; // never answers: the engine's timeout fires
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k))) as Record<string, string>;
    const r = await fetch(new URL(req.url!, target), { method: req.method, headers, body: req.method === 'GET' ? undefined : Buffer.concat(chunks) });
    res.writeHead(r.status, Object.fromEntries(r.headers));
    res.end(Buffer.from(await r.arrayBuffer()));
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  try {
    const port = (proxy.address() as { port: number }).port;
    append(600);
    const e = await makeEngine(`http://127.0.0.1:${port}/`, { batchMaxEvents: 600, batchMaxBytes: 256 * 1024, timeoutMs: 300 });
    e.start();
    await until(() => e.health.acked_seq >= 600, 'the backlog to drain through the narrow link', 30_000);
    const stalled = sizes.filter((s) => s > 20_000);
    assert.ok(stalled.length >= 2, `big batches were tried and timed out: ${sizes.join(',')}`);
    assert.ok(sizes.some((s) => s <= 20_000), 'smaller batches followed');
    assert.ok(stalled.every((s, i) => i === 0 || s <= stalled[i - 1]! || s <= 256 * 1024), 'each retry after a timeout was no bigger');
    const stored = (await svc.admin('GET', `/admin/terminals/${loadOrCreateIdentity(dir).terminalId}/events?after=0&limit=1000`)).json.events as WireEvent[];
    assert.equal(stored.length, 600);
    assert.deepEqual(stored.map((x) => x.seq), Array.from({ length: 600 }, (_, i) => i + 1));
  } finally {
    await engine?.stop();
    engine = null;
    proxy.closeAllConnections();
    await new Promise((r) => proxy.close(r));
  }
});

/** A transport to the test service that records when the police states were asked for, and refuses them while `down`. */
function policeWatch(url: string) {
  const http = httpTransport(url, 2000);
  const w = { down: false, at: [] as number[], transport: null as unknown as Transport };
  w.transport = {
    request: async (r) => {
      if (r.path !== '/v1/police/states') return http.request(r);
      w.at.push(Date.now());
      if (w.down) throw new SyncError('YSS_SYNC_NETWORK', 'connection refused (test)');
      return http.request(r);
    },
  };
  return w;
}

test('the police report states are read on their own timer, backing off while the service does not answer them', async () => {
  const url = await svc.listen();
  const w = policeWatch(url);
  w.down = true;
  const police = new PoliceStates();
  await makeEngine(url, { policePollMs: 300, backoffMaxMs: 4000 }, { transport: w.transport, police, random: () => 0 });
  await until(() => w.at.length >= 4, 'three refused reads and the next', 15_000);
  w.down = false;
  const gaps = w.at.slice(1, 4).map((t, i) => t - w.at[i]!);
  // With no jitter (random 0) the waits are half of 1 s, 2 s, 4 s: doubling, never the 300 ms interval.
  assert.ok(gaps[0]! >= 450 && gaps[1]! >= 950 && gaps[2]! >= 1950, `backoff gaps ${gaps.join(', ')} ms`);
  await until(() => police.readAt !== null, 'a read once the service answers', 10_000);
  const n = w.at.length;
  await until(() => w.at.length >= n + 2, 'the interval again after a success', 10_000);
  const last = w.at.at(-1)! - w.at.at(-2)!;
  assert.ok(last < 1900, `back to the 300 ms interval, not the backoff (${last} ms)`);
});

test('an upload that stored events has the police states read soon after, whatever the interval', async () => {
  const url = await svc.listen();
  const w = policeWatch(url);
  const police = new PoliceStates();
  await makeEngine(url, { policePollMs: 3_600_000 }, { transport: w.transport, police });
  await until(() => police.readAt !== null && queue.ackedThrough === 0 && terminalId() !== null, 'the first read at start');
  const reads = w.at.length;
  append(2);
  await until(() => queue.ackedThrough === 2, 'the events stored');
  await until(() => w.at.length > reads, 'a read after the upload, not an hour later', 10_000);
});

test('while readings keep coming the engine waits for their pause, and under a steady stream uploads at most once per longest wait', async () => {
  const uploads: number[] = [];
  const ingest = svc.storage.ingest.bind(svc.storage);
  svc.storage.ingest = (id: string, events: WireEvent[], now: number) => {
    uploads.push(performance.now());
    return ingest(id, events, now);
  };
  // Only pokes wake the loop: its interval is longer than the test.
  const e = await makeEngine(await svc.listen(), { intervalMs: 60_000, uploadQuietMs: 150, uploadMaxWaitMs: 600 });
  await until(() => e.health.last_success_at !== null || terminalId() !== null, 'enrolled');
  // A steady stream: a commit every 10 ms for 1.5 s, each poking the engine as the pipeline does.
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < 1500) {
    append(1);
    n++;
    e.poke();
    await new Promise((r) => setTimeout(r, 10));
  }
  const during = uploads.filter((t) => t >= start).length;
  // The old loop uploaded 50 ms after each upload while commits kept coming (21 uploads here).
  assert.ok(during <= Math.ceil(1500 / 600) + 2, `${during} uploads during a 1.5 s stream with a 600 ms longest wait`);
  // The pause comes: everything goes up within the quiet time (plus the upload itself).
  const paused = performance.now();
  await until(() => queue.ackedThrough === n || engine!.health.acked_seq === n, 'the stream acknowledged after its pause', 5000);
  assert.ok(uploads.at(-1)! - paused >= 0, 'the last upload came after the pause');
});

test('a single reading goes up after the quiet time, without waiting for the interval', async () => {
  const e = await makeEngine(await svc.listen(), { intervalMs: 60_000, uploadQuietMs: 50, uploadMaxWaitMs: 1000 });
  await until(() => terminalId() !== null, 'enrolled');
  await new Promise((r) => setTimeout(r, 100)); // the loop is asleep on its 60 s interval
  append(1);
  const t0 = performance.now();
  e.poke();
  await until(() => e.health.acked_seq === 1, 'uploaded', 5000);
  assert.ok(performance.now() - t0 >= 50, 'not before the quiet time');
});
