// Load test at province shape, scaled to one machine: thousands of simulated terminals against two
// service nodes behind HAProxy on one PostgreSQL (a throwaway cluster, fsync on), all on loopback
// and bounded in time. Each terminal uploads its chain in batches, heartbeats and polls the trust
// list and its venue's access feed, as the daemon does (the feed fetched whole at its first poll,
// before the timed run, then confirmed by ETag, 304, beside each trust poll). Beside it, the floor: PostgreSQL's own COPY of the same rows in the
// same batch size, one transaction each, measured in the same run (before and after, averaged).
//
//   ingest_pg_events_per_s     events stored per second through HAProxy and the two nodes
//   pg_copy_floor_rows_per_s   raw COPY rate of the same rows, BATCH rows per transaction
//   ingest_pg_to_floor_ratio   the two above (goal ≥ 0.5)
//   pg_copy_parallel_floor_rows_per_s, ingest_pg_to_parallel_floor_ratio
//                              the same COPY from 16 sessions at once, which shares WAL flushes
//                              as concurrent uploads do: the stricter floor
//   pg_upload_p50_ms / p99     latency of an upload of BATCH events, client side
//   pg_heartbeat_p50_ms / p99, pg_trust_poll_p50_ms / p99
//   pg_feed_poll_p50_ms / p99  a terminal's signed feed poll answered 304 (its venue's version held)
//   pg_feed_fetch_p50_ms / p99 its first poll: the snapshot of FEED_ROWS rows (before the run, 64 at once)
//   pg_terminals               simulated terminals
//   pg_bytes_per_event         disk per stored event, table and primary key, all partitions
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import nacl from 'tweetnacl';
import { createHash } from 'node:crypto';
import { ed25519PrivateKey, eventHash, GENESIS_HASH, Sealer, signRequest, type WireEvent } from '../../terminal/src/protocol/index.ts';
import { markProfileWindow } from '../../scripts/lib/processes.ts';
import { percentile } from '../../scripts/lib/stats.ts';
import { startHaproxy } from '../test/haproxy.ts';
import { serviceNodes } from '../test/nodes.ts';
import { startPgCluster } from '../test/pg-cluster.ts';
import { pgCopyFloor } from './pg-copy-floor.ts';

const TERMINALS = Number(process.env.YSS_BENCH_PG_TERMINALS ?? 2000);
const BATCH = 100;
const BATCHES = 6; // per terminal: 600 events each
const IN_FLIGHT = 64; // client sockets: thousands of terminals, a bounded number of requests at once
const RUN_LIMIT_MS = 120_000;
const HEARTBEAT_EVERY = 3; // uploads
const TOKEN = 'bench-admin-token-0123456789';
const PARALLEL_FLOOR = 16; // sessions: the two nodes' pools
const VENUES = 20; // terminals spread over them, each venue with its own access feed
const FEED_ROWS = 1000; // a venue's access list: about 70 KB as a snapshot

function chain(n: number, sealer: Sealer, t0: number): WireEvent[] {
  const out: WireEvent[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const e = {
      seq,
      type: seq % 10 === 0 ? 'device' : 'registration',
      at: t0 + seq,
      trusted_at: t0 + seq,
      scenario: 'hotel-checkin',
      droppable: seq % 10 === 0,
      body: { family: 'YSS1', issuer: 'CN-44', type: 'personal', reason: null, replayed: false, accepted: true, device: 'scanner-1', effects: [{ kind: 'registration' }] },
      sealed: seq % 3 === 0 ? sealer.seal({ name: '张三', doc_no: `4401011990${String(seq).padStart(8, '0')}` }) : null,
      prev_hash: prev,
    };
    prev = eventHash(e);
    out.push({ ...e, hash: prev });
  }
  return out;
}

export async function run(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'yss-bench-pg-'));
  const cluster = await startPgCluster();
  const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  let stop = async () => undefined as void;
  try {
    const pgUrl = await cluster.createDatabase('bench');
    const nodes = await serviceNodes({ dir, pgUrl, names: ['a', 'b'], adminToken: TOKEN, poolSize: 16 });
    for (const n of nodes) await n.start();
    const proxy = await startHaproxy({ servers: nodes.map((n) => ({ name: n.name, port: n.port })), checkIntervalMs: 1000 });
    stop = async () => {
      await proxy.stop();
      for (const n of nodes) await n.kill('SIGTERM');
    };
    const base = new URL(proxy.url);
    let keepAliveRetries = 0;
    const request = (method: string, path: string, body: string | undefined, headers: Record<string, string>): Promise<{ status: number; body: string; etag?: string }> =>
      new Promise((resolve, reject) => {
        const req = http.request(new URL(path, base), { method, agent, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, etag: typeof res.headers.etag === 'string' ? res.headers.etag : undefined }));
        });
        req.on('error', (e: NodeJS.ErrnoException) => {
          // A kept-alive socket the proxy closed as the request went out: nothing reached a node
          // (so the signature's nonce is unspent), and the request goes again on a fresh socket.
          if (req.reusedSocket && e.code === 'ECONNRESET') {
            keepAliveRetries++;
            request(method, path, body, headers).then(resolve, reject);
          } else reject(new Error(`${method} ${path}: ${e.message} (${e.code ?? 'no code'}, reused socket: ${req.reusedSocket})`));
        });
        req.end(body);
      });
    const admin = async <T,>(method: string, path: string, body?: unknown): Promise<T> => {
      const r = await request(method, path, body === undefined ? undefined : JSON.stringify(body), { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) });
      if (r.status !== 200) throw new Error(`${method} ${path}: ${r.status} ${r.body}`);
      return JSON.parse(r.body) as T;
    };
    const info = await admin<{ seal_key: string }>('GET', '/v1/info');
    const events = chain(BATCH * BATCHES, new Sealer(Buffer.from(info.seal_key, 'base64url')), Date.now());
    const bodies = Array.from({ length: BATCHES }, (_, b) => JSON.stringify({ events: events.slice(b * BATCH, (b + 1) * BATCH) }));
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const list = await request('PUT', '/admin/trust-list', `${b64({ alg: 'EdDSA' })}.${b64({ format: 'yss-trust-list/1', sequence: 1 })}.c2ln`, { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/jose' });
    if (list.status !== 200) throw new Error(`publish: ${list.status} ${list.body}`);

    // Each venue's access feed: FEED_ROWS holders (hashes, as the import takes them).
    const venueOf = (i: number) => `bench-v${i % VENUES}`;
    for (let v = 0; v < VENUES; v++) {
      const rows = Array.from({ length: FEED_ROWS }, (_, r) => ({ holder: createHash('sha256').update(`v${v}|u${r}`).digest('hex'), valid_until: '2099-12-31' }));
      await admin('PUT', `/admin/venues/${venueOf(v)}/feeds/access`, { rows });
    }

    // Enrollment, IN_FLIGHT at a time, each terminal bound to a venue.
    const terminals: { id: string; key: ReturnType<typeof ed25519PrivateKey>; feedEtag?: string }[] = [];
    for (let i = 0; i < TERMINALS; i += IN_FLIGHT) {
      terminals.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(IN_FLIGHT, TERMINALS - i) }, async (_, k) => {
            const seed = nacl.randomBytes(32);
            const t = await admin<{ enrollment_code: string }>('POST', '/admin/terminals', { name: `bench ${i + k}`, venue: venueOf(i + k) });
            const e = await admin<{ terminal_id: string }>('POST', '/v1/enroll', { enrollment_code: t.enrollment_code, public_key: Buffer.from(nacl.sign.keyPair.fromSeed(seed).publicKey).toString('base64url') });
            return { id: e.terminal_id, key: ed25519PrivateKey(seed) };
          }),
        )),
      );
    }
    const heartbeat = JSON.stringify({ version: 'bench', status: 'ok', degraded: [], queue: { backlog: 10, oldest_unsent_age_s: 1, last_seq: BATCH * BATCHES, bytes: 1, max_bytes: 2, dropped_total: 0 }, devices: [], trust_sequence: 1, clock_drift_s: 0 });
    const latency = { upload: [] as number[], heartbeat: [] as number[], trust: [] as number[], feedFetch: [] as number[], feedPoll: [] as number[] };
    // At most IN_FLIGHT requests at once; a terminal waits for a slot before its clock starts, so
    // the latencies are the service's, not the load generator's queue.
    let free = IN_FLIGHT;
    let unavailable = 0;
    const waiting: (() => void)[] = [];
    const timed = async (bucket: number[], fn: () => Promise<{ status: number; body: string; etag?: string }>, ok: number[]) => {
      if (free > 0) free--;
      else await new Promise<void>((r) => waiting.push(r));
      try {
        const t = process.hrtime.bigint();
        let r = await fn();
        // HAProxy answers 503 itself when its health checks, starved on a saturated machine, have
        // taken every node out: a terminal backs off and retries, and so does the bench. The
        // latency kept is the whole wait, retries included.
        for (let attempt = 1; r.status === 503 && attempt <= 20; attempt++) {
          unavailable++;
          await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * 2 ** attempt)));
          r = await fn();
        }
        bucket.push(Number(process.hrtime.bigint() - t) / 1e6);
        if (!ok.includes(r.status)) throw new Error(`HTTP ${r.status}: ${r.body.slice(0, 300)}`);
        return r;
      } finally {
        const next = waiting.shift();
        if (next) next();
        else free++;
      }
    };
    const signed = (t: (typeof terminals)[number], path: string, body: string) => ({ 'content-type': 'application/json', ...signRequest(t.key, t.id, 'POST', path, body, Date.now()) });
    // A feed poll as the daemon makes it: signed, with the ETag of the version it holds once it has one.
    const pollFeed = async (t: (typeof terminals)[number]) => {
      const path = '/v1/feeds/access';
      const held = t.feedEtag;
      const r = await timed(held ? latency.feedPoll : latency.feedFetch, () => request('GET', path, undefined, { ...signRequest(t.key, t.id, 'GET', path, '', Date.now()), ...(held ? { 'if-none-match': held } : {}) }), [held ? 304 : 200]);
      if (!held) {
        if (JSON.parse(r.body).rows.length !== FEED_ROWS) throw new Error(`${t.id}: a feed of ${JSON.parse(r.body).rows.length} rows`);
        t.feedEtag = r.etag;
      }
    };

    // Each terminal's first feed poll fetches the snapshot, before the timed run, as a daemon does
    // at its first sync; every poll in the run is then the steady state: a signed 304.
    for (let i = 0; i < terminals.length; i += IN_FLIGHT) await Promise.all(terminals.slice(i, i + IN_FLIGHT).map((t) => pollFeed(t)));

    const floorBefore = await pgCopyFloor(await cluster.createDatabase('floor'), events, BATCH, 100_000, 't-floor');
    const deadline = Date.now() + RUN_LIMIT_MS;
    const started = process.hrtime.bigint();
    await Promise.all(
      terminals.map(async (t) => {
        for (let b = 0; b < BATCHES && Date.now() < deadline; b++) {
          await timed(latency.upload, () => request('POST', '/v1/events', bodies[b], signed(t, '/v1/events', bodies[b]!)), [200]);
          if (b % HEARTBEAT_EVERY === 0) {
            await timed(latency.heartbeat, () => request('POST', '/v1/heartbeat', heartbeat, signed(t, '/v1/heartbeat', heartbeat)), [200]);
            await timed(latency.trust, () => request('GET', '/v1/trust-list', undefined, { 'if-none-match': '"tl-1"' }), [304]);
            await pollFeed(t);
          }
        }
      }),
    );
    const ended = process.hrtime.bigint();
    markProfileWindow(started, ended);
    const seconds = Number(ended - started) / 1e9;
    const floorAfter = await pgCopyFloor(await cluster.createDatabase('floor'), events, BATCH, 100_000, 't-floor');
    const parallelFloor = await pgCopyFloor(await cluster.createDatabase('floor'), events, BATCH, 100_000, 't-floor', PARALLEL_FLOOR);
    const stored = (await admin<{ terminals: { head_seq: number }[] }>('GET', '/admin/terminals')).terminals.reduce((n, x) => n + x.head_seq, 0);
    if (stored !== latency.upload.length * BATCH) throw new Error(`stored ${stored} events, uploaded ${latency.upload.length * BATCH}`);
    const ingest = Math.round(stored / seconds);
    // Table plus indexes, over every partition: the base of docs/scale.md's disk figures.
    const db = new pg.Client({ connectionString: pgUrl });
    await db.connect();
    const size = await db.query<{ bytes: string }>(
      "SELECT sum(pg_total_relation_size(i.inhrelid)) AS bytes FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'events'",
    );
    await db.end();
    const floor = Math.round((floorBefore + floorAfter) / 2);
    const ms = (v: number) => Math.round(v * 10) / 10;
    return {
      ingest_pg_events_per_s: ingest,
      pg_copy_floor_rows_per_s: floor,
      ingest_pg_to_floor_ratio: Math.round((ingest / floor) * 100) / 100,
      pg_copy_parallel_floor_rows_per_s: parallelFloor,
      ingest_pg_to_parallel_floor_ratio: Math.round((ingest / parallelFloor) * 100) / 100,
      pg_upload_p50_ms: ms(percentile(latency.upload, 50)),
      pg_upload_p99_ms: ms(percentile(latency.upload, 99)),
      pg_heartbeat_p50_ms: ms(percentile(latency.heartbeat, 50)),
      pg_heartbeat_p99_ms: ms(percentile(latency.heartbeat, 99)),
      pg_trust_poll_p50_ms: ms(percentile(latency.trust, 50)),
      pg_trust_poll_p99_ms: ms(percentile(latency.trust, 99)),
      pg_feed_poll_p50_ms: ms(percentile(latency.feedPoll, 50)),
      pg_feed_poll_p99_ms: ms(percentile(latency.feedPoll, 99)),
      pg_feed_fetch_p50_ms: ms(percentile(latency.feedFetch, 50)),
      pg_feed_fetch_p99_ms: ms(percentile(latency.feedFetch, 99)),
      pg_requests_per_s: Math.round((latency.upload.length + latency.heartbeat.length + latency.trust.length + latency.feedFetch.length + latency.feedPoll.length) / seconds),
      pg_terminals: terminals.length,
      pg_proxy_unavailable_retries: unavailable,
      pg_keepalive_retries: keepAliveRetries,
      pg_bytes_per_event: Math.round(Number(size.rows[0]!.bytes) / stored),
    };
  } finally {
    agent.destroy();
    await stop();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
