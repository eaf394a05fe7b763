// Drain rate of a 100,000-event backlog to a local sync service (its own process), with the
// daemon's default batch sizes, beside the service's raw SQLite insert rate of the same rows
// (sync-service/bench/sqlite-floor.ts) measured before and after it in the same process. Service
// and uploader are warm, as on a running terminal and service: another terminal drains a smaller
// backlog first (WARM_BACKLOG), so V8's first compiles of their code are not in the timed drain.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markProfileWindow } from '../../../../scripts/lib/processes.ts';
import { startServiceProcess } from '../../../../sync-service/bench/service-process.ts';
import { sqliteFloor } from '../../../../sync-service/bench/sqlite-floor.ts';
import { backlogTerminal } from './backlog.ts';

const BACKLOG = 100_000;
const WARM_BACKLOG = 20_000;

/** A new terminal with `events` to send, enrolled on `svc`, its data in `dir`. */
async function terminal(svc: Awaited<ReturnType<typeof startServiceProcess>>, dir: string, name: string, events: number) {
  const t = await svc.admin<{ enrollment_code: string; seal_key: string }>('POST', '/admin/terminals', { name });
  return backlogTerminal({ dir, url: svc.url, enrollmentCode: t.enrollment_code, sealKey: t.seal_key, events, name });
}

/** Starts the terminal's engine and resolves once the service acknowledged all `events`. */
async function drained(t: ReturnType<typeof backlogTerminal>, events: number): Promise<void> {
  t.engine.start();
  while (t.queue.ackedThrough < events) await new Promise((r) => setTimeout(r, 5));
}

export async function run(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'yss-bench-drain-'));
  const svc = await startServiceProcess();
  try {
    const warm = await terminal(svc, join(dir, 'warm-up'), 'drain bench warm-up', WARM_BACKLOG);
    await drained(warm, WARM_BACKLOG);
    await warm.engine.stop();
    warm.db.close();
    const timed = await terminal(svc, join(dir, 'timed'), 'drain bench', BACKLOG);
    const { db, queue, engine } = timed;
    const sample = queue.after(0, 1000);
    const floorBefore = sqliteFloor(sample);
    const started = process.hrtime.bigint();
    await drained(timed, BACKLOG);
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
