// The daemon's periodic work: pushing health to the kiosk when it changes, queue upkeep, and
// picking up a trust list another process installed.
import type { Logger } from 'pino';
import type { EventMessage, Health } from '../api/index.ts';
import type { Db } from '../db/index.ts';
import type { Queue } from '../queue/index.ts';

/** How often health is recomputed for the kiosk, ms. */
const HEALTH_PUSH_MS = 1000;
/** How often acknowledged events past retention are pruned and the WAL truncated, ms. */
const MAINTENANCE_MS = 5 * 60_000;
/** How often the trust store looks for a list another process installed, ms. */
const TRUST_REFRESH_MS = 5000;

export interface TimerDeps {
  health(): Health;
  publish(m: EventMessage): void;
  queue: Queue;
  db: Db;
  retentionMs: number;
  /** Picks up a trust list another process installed (and logs what happened). */
  refreshTrust(): void;
  log: Logger;
  /** More upkeep on the same schedule (venue stores forgetting what no longer matters). */
  prune?(): void;
}

/** Starts the timers; the returned function stops them. */
export function startTimers(deps: TimerDeps): () => void {
  let last = '';
  const pushHealth = () => {
    const h = deps.health();
    // Ages and clock readings change every second; only a change of anything else is news.
    const key = JSON.stringify({ ...h, clock: null, queue: { ...h.queue, oldest_unsent_age_s: null } });
    if (key === last) return;
    last = key;
    deps.publish({ type: 'health', health: h });
  };
  const maintain = () => {
    try {
      deps.queue.prune(deps.retentionMs);
      deps.prune?.();
      deps.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (e) {
      deps.log.warn({ err: e }, 'queue maintenance failed');
    }
  };
  const refresh = () => {
    try {
      deps.refreshTrust();
    } catch (e) {
      deps.log.warn({ err: e }, 'trust list refresh failed');
    }
  };
  const timers = [setInterval(pushHealth, HEALTH_PUSH_MS), setInterval(maintain, MAINTENANCE_MS), setInterval(refresh, TRUST_REFRESH_MS)];
  for (const t of timers) t.unref();
  return () => {
    for (const t of timers) clearInterval(t);
  };
}
