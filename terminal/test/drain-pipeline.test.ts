// Proof: a terminal draining a backlog keeps two uploads in flight to a real sync-service process,
// and still stores every event exactly once, in order: when the second upload of a pair reaches
// the service first, when either of the two fails, and when a reply is lost after the service
// stored its upload. One service for the file, one terminal (and data folder) per drain; a small
// HTTP proxy between them counts the uploads the service is working on and acts on the n-th.
import assert from 'node:assert/strict';
import http from 'node:http';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { waitFor } from '../../scripts/lib/wait.ts';
import { startServiceProcess } from '../../sync-service/bench/service-process.ts';
import { openDatabase } from '../src/db/index.ts';
import { Sealer, type WireEvent } from '../src/protocol/index.ts';
import { Queue } from '../src/queue/index.ts';
import { loadOrCreateIdentity, SyncEngine, type SyncOptions } from '../src/sync/index.ts';
import { assertExactlyOnce } from './support/harness.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

type Service = Awaited<ReturnType<typeof startServiceProcess>>;
let svc: Service;

before(async () => {
  svc = await startServiceProcess();
});

after(async () => {
  await svc?.stop();
});

/**
 * What the proxy does to the n-th upload (POST /v1/events): `hold` keeps it until the upload after
 * it has been answered (so that one reaches the service first), `http500` answers it without
 * passing it on, `lose_reply` passes it on and cuts the connection instead of returning the reply.
 */
type Action = 'hold' | 'http500' | 'lose_reply';

class UploadProxy {
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  private readonly agent = new http.Agent({ keepAlive: true });
  private readonly answered = new Set<number>();
  private readonly waiters: (() => void)[] = [];
  private uploads = 0;
  /** Uploads the service is working on now (passed on, reply not yet back), and the most at once. */
  atService = 0;
  mostAtService = 0;
  /** Uploads passed on while another was at the service. */
  overlapped = 0;
  /** Uploads the service answered with a gap, by number. */
  readonly gaps: number[] = [];
  /** The highest acked_through of a reply that reached the terminal. */
  delivered = 0;

  constructor(
    private readonly target: URL,
    private readonly plan: ReadonlyMap<number, Action> = new Map(),
  ) {}

  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}/`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.agent.destroy();
    await new Promise((r) => this.server.close(r));
  }

  /** Resets the counters of uploads at the service (not the numbering). */
  resetCounts(): void {
    this.mostAtService = this.atService;
    this.overlapped = 0;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const n = req.method === 'POST' && req.url === '/v1/events' ? ++this.uploads : 0;
    const action = n ? this.plan.get(n) : undefined;
    try {
      if (action === 'http500') {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('fault\n');
        return;
      }
      // Bounded: a terminal that never sends the next upload fails the test's gap assertion, not by a timeout here.
      if (action === 'hold') await this.until(() => this.answered.has(n + 1), 5000);
      if (n) {
        if (this.atService > 0) this.overlapped++;
        this.mostAtService = Math.max(this.mostAtService, ++this.atService);
      }
      let reply: { status: number; headers: http.IncomingHttpHeaders; body: Buffer };
      try {
        reply = await this.forward(req, body);
      } finally {
        if (n) this.atService--;
      }
      if (n && reply.status === 200 && (JSON.parse(reply.body.toString()) as { gap: unknown }).gap !== null) this.gaps.push(n);
      if (action === 'lose_reply') {
        req.socket.destroy();
        return;
      }
      if (n && reply.status === 200) this.delivered = Math.max(this.delivered, (JSON.parse(reply.body.toString()) as { acked_through: number }).acked_through);
      const headers = Object.fromEntries(Object.entries(reply.headers).filter(([k]) => !['connection', 'keep-alive', 'transfer-encoding', 'content-length'].includes(k)));
      res.writeHead(reply.status, { ...headers, 'content-length': reply.body.length }).end(reply.body);
    } finally {
      if (n) {
        this.answered.add(n);
        for (const w of this.waiters.splice(0)) w();
      }
    }
  }

  private forward(req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    const headers = { ...req.headers, host: this.target.host };
    delete headers.connection;
    return new Promise((resolve, reject) => {
      const up = http.request({ host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers, agent: this.agent }, (r) => {
        const parts: Buffer[] = [];
        r.on('data', (d: Buffer) => parts.push(d));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers, body: Buffer.concat(parts) }));
        r.on('error', reject);
      });
      up.on('error', reject);
      up.end(body);
    });
  }

  /** Resolves when `check` holds (re-checked after each answered upload) or after `ms`. */
  private async until(check: () => boolean, ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (!check() && Date.now() < end) {
      await new Promise<void>((r) => {
        const t = setTimeout(r, end - Date.now());
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }
}

interface Drain {
  proxy: UploadProxy;
  queue: Queue;
  engine: SyncEngine;
  /** seq → hash of every event committed. */
  pushed: Map<number, string>;
  /** The terminal's log lines at warn and above, and the codes of its failed exchanges. */
  warnings: { level: number; msg: string }[];
  errors: string[];
  /** Commits `n` events in one transaction, as a backlog or a single reading. */
  fill(n: number): void;
  /** Waits until the queue's ack mark is on the last event, then checks the service holds each event once. */
  drained(): Promise<void>;
  close(): Promise<void>;
}

/** A new terminal enrolled on the file's service through its own proxy, with `backlog` events queued before its engine starts. */
async function startDrain(backlog: number, plan: Map<number, Action> = new Map(), sync: Partial<SyncOptions> = {}): Promise<Drain> {
  const t = await svc.admin<{ terminal_id: string; enrollment_code: string; seal_key: string }>('POST', '/admin/terminals', { name: 'drain pipeline' });
  const proxy = new UploadProxy(new URL(svc.url), plan);
  const url = await proxy.listen();
  const dir = tempDir('yss-drain-pipeline-');
  const db = openDatabase(dir);
  const queue = new Queue(db);
  const sealer = new Sealer(Buffer.from(t.seal_key, 'base64url'));
  const pushed = new Map<number, string>();
  const warnings: { level: number; msg: string }[] = [];
  const errors: string[] = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line) as { level: number; msg: string }) });
  let i = 0;
  const fill = (n: number) =>
    queue.commit((tx) => {
      for (let k = 0; k < n; k++, i++) {
        const e: WireEvent = tx.append({
          type: i % 10 === 0 ? 'device' : 'registration',
          at: Date.now(),
          trusted_at: Date.now(),
          scenario: 'hotel-checkin',
          body: { accepted: true, device: 'scanner-1', i },
          sealed: i % 3 === 0 ? sealer.seal({ name: '张三', doc_no: `4401011990${String(i).padStart(8, '0')}` }) : null,
        });
        pushed.set(e.seq, e.hash);
      }
    });
  for (let k = 0; k < backlog; k += 1000) fill(Math.min(1000, backlog - k));
  // The ack mark on disk never passes what a reply that reached the terminal acknowledged.
  const overAcked: string[] = [];
  const ack = queue.ack.bind(queue);
  queue.ack = (seq, now) => {
    if (seq > proxy.delivered) overAcked.push(`ack mark ${seq} written, the service acknowledged ${proxy.delivered}`);
    ack(seq, now);
  };
  const engine = new SyncEngine(
    {
      url,
      enrollmentCode: t.enrollment_code,
      batchMaxEvents: 200,
      batchMaxBytes: 1024 * 1024,
      intervalMs: 20,
      timeoutMs: 15_000,
      backoffMaxMs: 100,
      trustPollMs: 3_600_000,
      heartbeatMs: 3_600_000,
      policePollMs: 3_600_000,
      name: 'drain pipeline',
      dataDir: dir,
      uploadQuietMs: 0,
      uploadMaxWaitMs: 0,
      ...sync,
    },
    {
      queue,
      identity: loadOrCreateIdentity(dir),
      log,
      installTrustList: () => undefined,
      observeServerTime: () => undefined,
      onError: (code) => errors.push(code),
      heartbeat: () => ({ version: 'test', status: 'ok', degraded: [], queue: queue.stats(), devices: [], trust_sequence: null, clock_drift_s: 0 }),
    },
  );
  engine.start();
  return {
    proxy,
    queue,
    engine,
    pushed,
    warnings,
    errors,
    fill: (n) => {
      fill(n);
      engine.poke();
    },
    async drained() {
      const last = queue.lastSequence;
      await waitFor(() => queue.ackedThrough === last, 60_000, 20, `the ack mark on ${last}`);
      const stored: WireEvent[] = [];
      while (stored.length < last) {
        const page = (await svc.admin<{ events: WireEvent[] }>('GET', `/admin/terminals/${t.terminal_id}/events?after=${stored.length}&limit=10000`)).events;
        if (page.length === 0) break;
        stored.push(...page);
      }
      assertExactlyOnce(stored, last, pushed);
      assert.deepEqual(overAcked, []);
    },
    async close() {
      await engine.stop();
      db.close();
      await proxy.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('a backlog drains with two uploads at the service at once, each event stored once, and single readings go up one upload at a time', async (t) => {
  const d = await startDrain(3000);
  try {
    await d.drained();
    assert.equal(d.proxy.mostAtService, 2, 'two uploads at the service at once, never more');
    assert.ok(d.proxy.overlapped >= 5, `${d.proxy.overlapped} of 15 uploads reached the service while the one before was there`);
    assert.deepEqual(d.errors, []);
    // Gaps from a second upload overtaking the first are expected and silent; none is an error.
    assert.deepEqual(d.warnings, []);
    t.diagnostic(`${d.proxy.overlapped} uploads overlapped; gaps (overtaken) on uploads [${d.proxy.gaps.join(', ')}]`);
    // No backlog: each reading goes up alone.
    d.proxy.resetCounts();
    for (let k = 0; k < 5; k++) {
      d.fill(1);
      await d.drained();
    }
    assert.equal(d.proxy.mostAtService, 1, 'one upload at a time without a backlog');
    assert.equal(d.engine.health.acked_seq, 3005);
  } finally {
    await d.close();
  }
});

test('with uploadsInFlight 1 (the setting to compare with) a backlog goes up one upload at a time', async () => {
  const d = await startDrain(1000, new Map(), { uploadsInFlight: 1 });
  try {
    await d.drained();
    assert.equal(d.proxy.mostAtService, 1);
  } finally {
    await d.close();
  }
});

test('a second upload that reaches the service before the first is answered with a gap the uploader expects: no error, no YSS_SYNC_GAP, everything once', async () => {
  const d = await startDrain(2000, new Map([[1, 'hold']]));
  try {
    await d.drained();
    assert.ok(d.proxy.gaps.includes(2), `the second upload overtook the first and got a gap (gaps on uploads ${d.proxy.gaps.join(', ')})`);
    assert.deepEqual(d.errors, [], 'no failed exchange, so no backoff');
    assert.deepEqual(d.warnings, [], 'nothing logged at warn or above');
    assert.equal(d.engine.health.last_error, null);
  } finally {
    await d.close();
  }
});

for (const [which, n] of [['second', 2], ['first', 1]] as const) {
  for (const action of ['http500', 'lose_reply'] as const) {
    test(`${action === 'http500' ? 'a refused' : 'a stored but unanswered'} ${which} upload of a pair, the other answered, loses and doubles nothing`, async () => {
      const d = await startDrain(2000, new Map([[n, action]]));
      try {
        await d.drained();
        assert.deepEqual(d.errors, [action === 'http500' ? 'YSS_SYNC_UPLOAD' : 'YSS_SYNC_NETWORK'], 'one failed exchange, then the drain resumed');
        assert.ok(d.warnings.every((w) => !/gap/.test(w.msg)), `no gap reported as an error: ${JSON.stringify(d.warnings)}`);
        // The first refused: the second reached a service without it, so it was answered with a gap, and dropped with the pair.
        if (n === 1 && action === 'http500') assert.ok(d.proxy.gaps.includes(2), `gaps on uploads ${d.proxy.gaps.join(', ')}`);
      } finally {
        await d.close();
      }
    });
  }
}
