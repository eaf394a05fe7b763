// Drain rate of a 100,000-event backlog to a local sync service (its own process), with the
// daemon's default batch sizes, beside the service's raw SQLite insert rate of the same rows
// (sync-service/bench/sqlite-floor.ts) measured before and after it in the same process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { markProfileWindow } from '../../../../scripts/lib/processes.ts';
import { startServiceProcess } from '../../../../sync-service/bench/service-process.ts';
import { sqliteFloor } from '../../../../sync-service/bench/sqlite-floor.ts';
import { DEFAULTS } from '../../config/schema.ts';
import { Sealer } from '../../protocol/index.ts';
import { loadOrCreateIdentity, SyncEngine, syncOptions } from '../../sync/index.ts';
import { openDatabase } from '../../db/index.ts';
import { Queue } from '../index.ts';

const BACKLOG = 100_000;

export async function run(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'yss-bench-drain-'));
  const svc = await startServiceProcess();
  try {
    const t = await svc.admin<{ enrollment_code: string; seal_key: string }>('POST', '/admin/terminals', { name: 'drain bench' });
    const db = openDatabase(dir);
    const queue = new Queue(db);
    const sealer = new Sealer(Buffer.from(t.seal_key, 'base64url'));
    const fill = (from: number, n: number) =>
      queue.commit((tx) => {
        for (let i = from; i < from + n; i++) {
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
    for (let i = 0; i < BACKLOG; i += 1000) fill(i, 1000);
    const engine = new SyncEngine(
      syncOptions({ ...DEFAULTS.sync, url: svc.url, enrollment_code: t.enrollment_code }, 'drain bench', dir),
      {
        queue,
        identity: loadOrCreateIdentity(dir),
        log: pino({ level: 'silent' }),
        installTrustList: () => undefined,
        observeServerTime: () => undefined,
        heartbeat: () => ({ version: 'bench', status: 'ok', degraded: [], queue: queue.stats(), devices: [], trust_sequence: null, clock_drift_s: 0 }),
      },
    );
    const sample = queue.after(0, 1000);
    const floorBefore = sqliteFloor(sample);
    const started = process.hrtime.bigint();
    engine.start();
    while (queue.ackedThrough < BACKLOG) await new Promise((r) => setTimeout(r, 5));
    const ended = process.hrtime.bigint();
    markProfileWindow(started, ended);
    const seconds = Number(ended - started) / 1e9;
    await engine.stop();
    db.close();
    const drain = Math.round(BACKLOG / seconds);
    const floor = (floorBefore + sqliteFloor(sample)) / 2;
    // sqlite_floor_rows_per_s itself is reported by the ingest bench; this ratio uses this run's.
    return { drain_events_per_s: drain, drain_to_floor_ratio: Math.round((drain / floor) * 100) / 100 };
  } finally {
    await svc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
