// The daemon's periodic work: pushing health to the kiosk when it changes, queue upkeep (when
// readings pause), and picking up a trust list another process installed.
import type { Logger } from 'pino';
import type { EventMessage, Health } from '../api/index.ts';
import type { Db } from '../db/index.ts';
import type { Queue } from '../queue/index.ts';

/** How often health is recomputed for the kiosk, ms. */
const HEALTH_PUSH_MS = 1000;
/** How often acknowledged events past retention are pruned and the WAL checkpointed, ms. */
const MAINTENANCE_MS = 5 * 60_000;
/** How often the trust store looks for a list another process installed, ms. */
const TRUST_REFRESH_MS = 5000;
/** Maintenance waits for this pause in writes (its deletes and checkpoint in a stream of scans would hold a verdict), ms, */
const MAINTENANCE_QUIET_MS = 1000;
/** but never longer than this, so a stream that never pauses still gets its upkeep, ms. */
const MAINTENANCE_DEFER_MAX_MS = 60_000;

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
  /** Milliseconds since the database was last written; maintenance waits for a pause. None: it never waits. */
  quietMs?(): number;
}

export interface WhenQuietOptions {
  /** Milliseconds since the last write. */
  quietMs(): number;
  /** The pause to wait for, and the longest wait for it, ms. */
  pauseMs: number;
  maxDeferMs: number;
  /** How often to look again while writes go on, ms. Default 250. */
  pollMs?: number;
  /** Monotonic milliseconds; default performance.now. */
  now?: () => number;
}

/**
 * `run`, deferred until writes pause for `pauseMs` or `maxDeferMs` has passed since the first ask.
 * Asks while one is deferred join it. The returned `cancel` drops a deferred run.
 */
export function whenQuiet(run: () => void, o: WhenQuietOptions): { ask(): void; cancel(): void } {
  const now = o.now ?? (() => performance.now());
  let since: number | null = null;
  let timer: NodeJS.Timeout | null = null;
  const look = () => {
    timer = null;
    if (since === null) return;
    if (o.quietMs() < o.pauseMs && now() - since < o.maxDeferMs) {
      timer = setTimeout(look, o.pollMs ?? 250);
      timer.unref();
      return;
    }
    since = null;
    run();
  };
  return {
    ask() {
      if (since !== null) return;
      since = now();
      look();
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
      since = null;
    },
  };
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
      // PASSIVE, not TRUNCATE: the WAL keeps the size reserveWal gave it (db/checkpoints.ts).
      deps.db.pragma('wal_checkpoint(PASSIVE)');
    } catch (e) {
      deps.log.warn({ err: e }, 'queue maintenance failed');
    }
  };
  const upkeep = whenQuiet(maintain, { quietMs: deps.quietMs ?? (() => Infinity), pauseMs: MAINTENANCE_QUIET_MS, maxDeferMs: MAINTENANCE_DEFER_MAX_MS });
  const refresh = () => {
    try {
      deps.refreshTrust();
    } catch (e) {
      deps.log.warn({ err: e }, 'trust list refresh failed');
    }
  };
  const timers = [setInterval(pushHealth, HEALTH_PUSH_MS), setInterval(() => upkeep.ask(), MAINTENANCE_MS), setInterval(refresh, TRUST_REFRESH_MS)];
  for (const t of timers) t.unref();
  return () => {
    for (const t of timers) clearInterval(t);
    upkeep.cancel();
  };
}
