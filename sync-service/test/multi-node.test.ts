// Several stateless nodes on one PostgreSQL behind HAProxy, as real processes: a throwaway
// cluster, two sync-service processes and Debian's haproxy, all started and stopped here.
// First what the nodes must agree on (nonces, revocations, trust lists); then the proof: terminals
// upload through a faulty network into HAProxy while the nodes are SIGKILLed in turn, each at the
// moment it has just received an upload, and afterwards the database holds every terminal's chain
// exactly once, with no gap.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import nacl from 'tweetnacl';
import { ed25519PrivateKey, signRequest, type WireEvent } from '../../terminal/src/protocol/index.ts';
import { FaultProxy } from '../../terminal/test/support/fault-proxy.ts';
import { assertExactlyOnce, startCore, type Core } from '../../terminal/test/support/harness.ts';
import { startHaproxy, type Haproxy } from './haproxy.ts';
import { serviceNodes, type ServiceNode } from './nodes.ts';
import { startPgCluster, type PgCluster } from './pg-cluster.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

const TOKEN = 'multi-node-admin-token-0123';
let cluster: PgCluster;
let nodes: ServiceNode[];
let proxy: Haproxy;
let dir: string;

before(async () => {
  dir = tempDir('yss-multi-');
  cluster = await startPgCluster();
  nodes = await serviceNodes({ dir, pgUrl: await cluster.createDatabase(), names: ['a', 'b'], adminToken: TOKEN });
  // Started one after the other: the first applies the migrations, the second finds them done.
  for (const n of nodes) await n.start();
  proxy = await startHaproxy({ servers: nodes.map((n) => ({ name: n.name, port: n.port })) });
});

after(async () => {
  await proxy?.stop();
  for (const n of nodes ?? []) await n.kill('SIGTERM');
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const base = (n: ServiceNode | Haproxy) => ('port' in n ? `http://127.0.0.1:${n.port}/` : n.url);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function call(at: ServiceNode | Haproxy, method: string, path: string, o: { body?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(new URL(path, base(at)), { method, headers: o.headers, body: o.body, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  return { status: res.status, json: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

const admin = (at: ServiceNode | Haproxy, method: string, path: string, body?: unknown) =>
  call(at, method, path, {
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': typeof body === 'string' ? 'application/jose' : 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });

function trustList(sequence: number): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'EdDSA', kid: 'test' })}.${b64({ format: 'yss-trust-list/1', sequence })}.c2ln`;
}

test('two nodes on one database share nonces, revocations and trust lists', async () => {
  const [a, b] = nodes as [ServiceNode, ServiceNode];
  const seed = nacl.randomBytes(32);
  const created = await admin(a, 'POST', '/admin/terminals', { name: 'shared' });
  const enrolled = await call(b, 'POST', '/v1/enroll', {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ enrollment_code: created.json.enrollment_code, public_key: Buffer.from(nacl.sign.keyPair.fromSeed(seed).publicKey).toString('base64url') }),
  });
  assert.equal(enrolled.status, 200, 'a terminal created on one node enrolls on the other');
  const id = enrolled.json.terminal_id as string;
  const key = ed25519PrivateKey(seed);
  const body = JSON.stringify({ version: 't', status: 'ok', degraded: [], queue: { backlog: 0, oldest_unsent_age_s: null, last_seq: 0, bytes: 0, max_bytes: 1, dropped_total: 0 }, devices: [], trust_sequence: null, clock_drift_s: 0 });
  const headers = { 'content-type': 'application/json', ...signRequest(key, id, 'POST', '/v1/heartbeat', body, Date.now()) };
  assert.equal((await call(a, 'POST', '/v1/heartbeat', { body, headers })).status, 200);
  const replay = await call(b, 'POST', '/v1/heartbeat', { body, headers });
  assert.equal(replay.status, 401);
  assert.equal(replay.json.error, 'YSS_SYNC_REPLAYED_NONCE', 'a request captured at one node is refused at the other');

  assert.equal((await admin(b, 'PUT', '/admin/trust-list', trustList(1))).status, 200);
  const served = await call(a, 'GET', '/v1/trust-list');
  assert.equal(served.status, 200);
  assert.equal(served.json, trustList(1), 'published at one node, served by the other');
  const racing = await Promise.all([a, b, a, b].map((n) => admin(n, 'PUT', '/admin/trust-list', trustList(2))));
  assert.deepEqual(racing.map((r) => r.status).sort(), [200, 409, 409, 409], 'one of four simultaneous publications of sequence 2 wins');

  assert.equal((await admin(a, 'POST', `/admin/terminals/${id}/revoke`)).status, 200);
  const body2 = body.replace('"t"', '"u"');
  const afterRevoke = await call(b, 'POST', '/v1/heartbeat', { body: body2, headers: { 'content-type': 'application/json', ...signRequest(key, id, 'POST', '/v1/heartbeat', body2, Date.now()) } });
  assert.equal(afterRevoke.json.error, 'YSS_SYNC_TERMINAL_REVOKED', 'revoked at one node, refused at the other');
});

test('terminals upload through a faulty network and HAProxy while the nodes are killed in turn mid-ingest: nothing lost, nothing doubled, no gap', async (t) => {
  const TERMINALS = 3;
  const KILLS = 4;
  const faults = new FaultProxy({
    target: { host: '127.0.0.1', port: Number(new URL(proxy.url).port) },
    rates: { drop: 0.02, reset_mid_body: 0.03, http500: 0.03, timeout: 0.01, delay: 0.1, lose_reply: 0.05 },
    // At 0.03 a run of 160 chunks sees no reset one time in 130; these draws fault whatever the dice say.
    script: { 20: 'lose_reply', 30: 'reset_mid_body', 40: 'lose_reply', 50: 'reset_mid_body' },
  });
  const faultUrl = await faults.listen();
  const cores: Core[] = [];
  const pushed: Map<number, string>[] = [];
  const ids: string[] = [];
  let scanning = false;
  let scans: Promise<void> = Promise.resolve();
  try {
    for (let i = 0; i < TERMINALS; i++) {
      const e = await admin(proxy, 'POST', '/admin/terminals', { name: `proof ${i}` });
      assert.equal(e.status, 200);
      ids.push(e.json.terminal_id);
      cores.push(startCore({ url: faultUrl, enrollmentCode: e.json.enrollment_code, sealKey: Buffer.from(e.json.seal_key, 'base64url'), sync: { batchMaxEvents: 25, timeoutMs: 1000, backoffMaxMs: 150 } }));
      pushed.push(new Map());
      cores[i]!.engine.start();
    }
    scanning = true;
    scans = (async () => {
      let n = 0;
      while (scanning) {
        for (const [i, c] of cores.entries()) {
          const ev = c.commit(n % 3 === 0 ? { name: '赵六', doc_no: '440101198502020034' } : undefined, n % 7 === 0 ? 'device' : 'registration');
          pushed[i]!.set(ev.seq, ev.hash);
        }
        n++;
        await sleep(5);
      }
    })();
    const before = nodes.map((n) => n.served.get('/v1/events') ?? 0);
    // Kill each node in turn the moment it has received an upload; the other carries on.
    for (let k = 0; k < KILLS; k++) {
      const victim = nodes[k % nodes.length]!;
      await sleep(400);
      await Promise.race([victim.nextRequest('/v1/events'), sleep(5000)]);
      await victim.kill('SIGKILL');
      await sleep(300);
      await victim.start();
    }
    await sleep(500);
    scanning = false;
    await scans;
    nodes.forEach((n, i) => assert.ok((n.served.get('/v1/events') ?? 0) > before[i]!, `node ${n.name} took uploads`));
    // The network heals; every queue must drain.
    faults.rates = {};
    const deadline = Date.now() + 120_000;
    while (cores.some((c) => c.queue.ackedThrough < c.queue.lastSequence) && Date.now() < deadline) await sleep(50);
    for (const [i, c] of cores.entries()) {
      assert.equal(c.queue.ackedThrough, c.queue.lastSequence, `terminal ${i} saw everything acknowledged`);
      const stored: WireEvent[] = [];
      for (;;) {
        const page = (await admin(proxy, 'GET', `/admin/terminals/${ids[i]}/events?after=${stored.length}&limit=10000`)).json.events as WireEvent[];
        stored.push(...page);
        if (page.length < 10_000) break;
      }
      assertExactlyOnce(stored, c.queue.lastSequence, pushed[i]!);
      assert.ok(pushed[i]!.size > 200, `terminal ${i}: ${pushed[i]!.size} events committed`);
    }
    assert.ok(faults.counts.lose_reply > 0 && faults.counts.reset_mid_body > 0, `faults happened: ${JSON.stringify(faults.counts)}`);
    t.diagnostic(`${KILLS} node kills; events per terminal ${pushed.map((p) => p.size).join(', ')}; uploads per node ${nodes.map((n) => `${n.name}=${n.served.get('/v1/events')}`).join(' ')}; faults ${JSON.stringify(faults.counts)}`);
  } finally {
    // Stop committing before the cores close, so a failure above is the one reported.
    scanning = false;
    await scans.catch(() => undefined);
    for (const c of cores) {
      await c.close();
      rmSync(c.dir, { recursive: true, force: true });
    }
    await faults.close();
  }
});
