// WAL checkpoints at idle moments. SQLite's own automatic checkpoint runs inside whichever commit
// takes the WAL past 1,000 pages: in the daemon that commit is a scan's (about one in 250), and its
// verdict then waits for the checkpoint's page copies and the database file's fsync. Here the
// daemon's connection checkpoints nothing by itself (wal_autocheckpoint = 0); a timer checkpoints
// once writes have paused, or, so that a stream without a pause cannot grow the WAL without bound,
// once enough rows were written since the last checkpoint. Durability does not depend on any of
// this: a commit is durable when its WAL frames are synced (synchronous = FULL); a checkpoint only
// copies what is already durable into the database file.
import { statSync } from 'node:fs';
import type { Db } from './database.ts';

/** The WAL kept allocated by `reserveWal`: about 2,000 pages, the frames of some 500 scans between checkpoints. */
export const WAL_RESERVE_BYTES = 8 << 20;

/**
 * Makes the WAL file at least `bytes` long, its blocks written, then checkpoints, so that later
 * commits overwrite the WAL from its start instead of growing it. A commit that grows the file
 * makes its fsync allocate blocks and log the inode in the file system's journal, behind every
 * other process's fsync on the disk; one that overwrites flushes its data alone (docs/scan-path.md).
 * SQLite keeps the file at its size: a checkpoint restarts the WAL in place, and only a WAL past
 * journal_size_limit or a TRUNCATE checkpoint shrinks it, so the daemon checkpoints PASSIVE only.
 * The space is two commits: the rows that fill it, then the drop that frees their pages for the
 * database's later rows. Returns whether it wrote anything.
 */
export function reserveWal(db: Db, bytes = WAL_RESERVE_BYTES): boolean {
  const size = statSync(`${db.name}-wal`, { throwIfNoEntry: false })?.size ?? 0;
  if (size >= bytes) return false;
  // Two transactions, not one: in one, SQLite would not write the pages the drop frees.
  db.exec('CREATE TABLE IF NOT EXISTS wal_reserve (b BLOB)');
  db.prepare('INSERT INTO wal_reserve (b) VALUES (zeroblob(?))').run(bytes - size);
  db.exec('DROP TABLE wal_reserve');
  db.pragma('wal_checkpoint(PASSIVE)');
  return true;
}

export interface CheckpointOptions {
  /** Quiet time after the last write before the WAL is checkpointed, ms. Default 1000. */
  idleMs?: number;
  /** Rows written since the last checkpoint past which it runs without waiting for a pause (bounds the WAL). Default 4000. */
  maxChanges?: number;
  /** How often the timer looks, ms. Default 250. */
  intervalMs?: number;
  /** Monotonic milliseconds; default performance.now. */
  now?: () => number;
  /** A look that failed (the timer keeps going). */
  onError?(e: unknown): void;
  /** Bytes of WAL to reserve (`reserveWal`) at the first pause in writes; default 0, none. */
  reserveWalBytes?: number;
}

/** What one look found and did. */
export type CheckpointTick = 'clean' | 'writing' | 'checkpointed' | 'blocked' | 'reserved';

/** SQLite's default wal_autocheckpoint, restored on stop(). */
const SQLITE_AUTOCHECKPOINT = 1000;

export class IdleCheckpoints {
  private readonly idleMs: number;
  private readonly maxChanges: number;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly onError: (e: unknown) => void;
  private readonly totalChanges;
  private seen: number;
  /** Rows written since the last complete checkpoint (a proxy for WAL frames: each row dirties at least one page). */
  private pending = 0;
  private lastWrite: number;
  private timer: NodeJS.Timeout | null = null;
  /** WAL bytes still to reserve at the next pause; 0 once done. */
  private reserve: number;
  /** Checkpoints run so far, and how many of them ran during a stream of writes (maxChanges reached). */
  readonly counts = { idle: 0, forced: 0 };

  constructor(
    private readonly db: Db,
    opts: CheckpointOptions = {},
  ) {
    this.idleMs = opts.idleMs ?? 1000;
    this.maxChanges = opts.maxChanges ?? 4000;
    this.intervalMs = opts.intervalMs ?? 250;
    this.now = opts.now ?? (() => performance.now());
    this.onError = opts.onError ?? (() => undefined);
    this.reserve = opts.reserveWalBytes ?? 0;
    db.pragma('wal_autocheckpoint = 0');
    this.totalChanges = db.prepare<[], number>('SELECT total_changes()').pluck();
    this.seen = this.totalChanges.get() ?? 0;
    this.lastWrite = this.now();
  }

  /** One look: counts what was written since the last, and checkpoints when writes paused or the WAL grew past the bound. */
  tick(): CheckpointTick {
    const now = this.observe();
    // At the first pause, not at start: the 16 MiB written (the WAL, then the checkpoint's copy)
    // take a fraction of a second of the disk that a start should not wait for.
    if (this.reserve > 0 && now - this.lastWrite >= this.idleMs) {
      const bytes = this.reserve;
      this.reserve = 0;
      if (reserveWal(this.db, bytes)) {
        // Its own rows are not the database's writes: the pause goes on.
        this.seen = this.totalChanges.get() ?? 0;
        return 'reserved';
      }
    }
    if (this.pending === 0) return 'clean';
    const forced = this.pending >= this.maxChanges;
    if (!forced && now - this.lastWrite < this.idleMs) return 'writing';
    // PASSIVE: never waits for another connection (a `trust install` reading the file); what a
    // reader still needs stays in the WAL for the next look.
    const [r] = this.db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    if (!r || r.busy || r.checkpointed < r.log) return 'blocked';
    this.pending = 0;
    if (forced) this.counts.forced++;
    else this.counts.idle++;
    return 'checkpointed';
  }

  /** Milliseconds since the connection last wrote (as far as the looks so far and this one saw). */
  quietMs(): number {
    return this.observe() - this.lastWrite;
  }

  /** Counts the rows written since the last look; returns the time of this one. */
  private observe(): number {
    const total = this.totalChanges.get() ?? 0;
    const now = this.now();
    if (total !== this.seen) {
      this.pending += total - this.seen;
      this.seen = total;
      this.lastWrite = now;
    }
    return now;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      try {
        this.tick();
      } catch (e) {
        this.onError(e);
      }
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and gives the connection SQLite's own checkpoints back (closing it checkpoints what is left). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT}`);
  }
}
