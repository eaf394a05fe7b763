// Service ingest with 50 concurrent simulated terminals against the real service process, beside
// its floor: the raw SQLite insert rate of the same rows, 100 per transaction, WAL + FULL. The
// service is warm, as a running one is: each terminal's first uploads (WARM_BATCHES) are made
// before the timed run, which the service's first compiles of its code (V8's JIT) would
// otherwise slow by a fifth to a third (docs/scale.md, "The sixth pass").
import http from 'node:http';
import nacl from 'tweetnacl';
import { ed25519PrivateKey, eventHash, GENESIS_HASH, Sealer, signRequest, type WireEvent } from '../../terminal/src/protocol/index.ts';
import { markProfileWindow } from '../../scripts/lib/processes.ts';
import { startServiceProcess } from './service-process.ts';
import { sqliteFloor } from './sqlite-floor.ts';

const TERMINALS = 50;
const BATCHES = 8;
const BATCH = 250;
const WARM_BATCHES = 2;

/** One terminal's first `n` events (a tenth device events, a third sealed), chained from genesis. */
export function chain(n: number, sealer: Sealer): WireEvent[] {
  const out: WireEvent[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const e = {
      seq,
      type: seq % 10 === 0 ? 'device' : 'registration',
      at: 1_700_000_000_000 + seq,
      trusted_at: 1_700_000_000_000 + seq,
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
  // 50 terminals share this process's one loopback address, where in the field each has its own:
  // the per-address connection cap (64) is raised for the bench, not for the service.
  const svc = await startServiceProcess({ max_connections_per_address: 1024 });
  const agent = new http.Agent({ keepAlive: true, maxSockets: TERMINALS });
  try {
    const sealKey = (await svc.admin<{ seal_key: string }>('GET', '/v1/info')).seal_key;
    const sealer = new Sealer(Buffer.from(sealKey, 'base64url'));
    const events = chain((WARM_BATCHES + BATCHES) * BATCH, sealer);
    const terminals = await Promise.all(
      Array.from({ length: TERMINALS }, async (_, i) => {
        const seed = nacl.randomBytes(32);
        const t = await svc.admin<{ enrollment_code: string }>('POST', '/admin/terminals', { name: `bench ${i}` });
        const enroll = () =>
          fetch(new URL('/v1/enroll', svc.url), {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ enrollment_code: t.enrollment_code, public_key: Buffer.from(nacl.sign.keyPair.fromSeed(seed).publicKey).toString('base64url') }),
          });
        let res = await enroll();
        // Enrollment is rate-limited per address (docs/security.md): 64 at once from one bench
        // process are told to wait, and wait as a terminal would.
        for (let attempt = 0; res.status === 429 && attempt < 30; attempt++) {
          await new Promise((r) => setTimeout(r, (Number(res.headers.get('retry-after')) || 1) * 1000));
          res = await enroll();
        }
        if (res.status !== 200) throw new Error(`enrollment answered HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`);
        return { id: ((await res.json()) as { terminal_id: string }).terminal_id, key: ed25519PrivateKey(seed) };
      }),
    );
    // Every terminal uploads the same chain (each under its own id): bodies are built once.
    const bodies = Array.from({ length: WARM_BATCHES + BATCHES }, (_, b) => JSON.stringify({ events: events.slice(b * BATCH, (b + 1) * BATCH) }));
    const url = new URL('/v1/events', svc.url);
    const post = (body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', (e: NodeJS.ErrnoException) => {
          // A kept-alive socket the service closed (idle past its keep-alive while this terminal
          // waited out a 503) as the request went out: nothing was received, so it goes again.
          if (req.reusedSocket && e.code === 'ECONNRESET') post(body, headers).then(resolve, reject);
          else reject(e);
        });
        req.end(body);
      });
    let overloaded = 0;
    /** Every terminal uploads `batches` in turn, all terminals at once. */
    const uploadAll = (batches: string[]) =>
      Promise.all(
        terminals.map(async (t) => {
          for (const body of batches) {
            let r = await post(body, signRequest(t.key, t.id, 'POST', '/v1/events', body, Date.now()));
            // Shed under load (503, the event loop lagging on a machine shared with other work):
            // a terminal waits as told and sends again, and so does the bench; the wait is in the time.
            for (let attempt = 1; r.status === 503 && attempt <= 20; attempt++) {
              overloaded++;
              await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 100 * 2 ** attempt)));
              r = await post(body, signRequest(t.key, t.id, 'POST', '/v1/events', body, Date.now()));
            }
            if (r.status !== 200) throw new Error(`upload refused: HTTP ${r.status} ${r.text.slice(0, 300)}`);
          }
        }),
      );
    await uploadAll(bodies.slice(0, WARM_BATCHES));
    // The floor is measured before and after the run and averaged: neighbours' load drifts.
    const floorBefore = sqliteFloor(events);
    const started = process.hrtime.bigint();
    await uploadAll(bodies.slice(WARM_BATCHES));
    const ended = process.hrtime.bigint();
    markProfileWindow(started, ended);
    const seconds = Number(ended - started) / 1e9;
    const stored = await svc.admin<{ terminals: { head_seq: number }[] }>('GET', '/admin/terminals');
    const total = stored.terminals.reduce((n, t) => n + t.head_seq, 0);
    if (total !== TERMINALS * (WARM_BATCHES + BATCHES) * BATCH) throw new Error(`stored ${total} of ${TERMINALS * (WARM_BATCHES + BATCHES) * BATCH}`);
    const ingest = Math.round((TERMINALS * BATCHES * BATCH) / seconds);
    const floor = Math.round((floorBefore + sqliteFloor(events)) / 2);
    return { ingest_events_per_s: ingest, sqlite_floor_rows_per_s: floor, ingest_to_floor_ratio: Math.round((ingest / floor) * 100) / 100, ingest_overloaded_retries: overloaded };
  } finally {
    agent.destroy();
    await svc.stop();
  }
}
