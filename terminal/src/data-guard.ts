// The terminal's data folder, checked at start and described when it is damaged.
//  - The identity remembers the last event the service acknowledged (its sequence and hash). A
//    database that no longer reaches that event was emptied, deleted or replaced by an older copy;
//    started on it, the terminal would begin a second chain under the same id, every upload of
//    which the service refuses as CHAIN_BROKEN, forever and unseen. So it refuses to start and
//    says how to recover.
//  - SQLite's "database disk image is malformed" and a JSON error name neither the file nor a way
//    out; the start error says both.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { DB_FILE } from './db/index.ts';
import type { Queue } from './queue/index.ts';
import { readUploadedMark, saveUploadedMark, type UploadedMark } from './sync/index.ts';

const RECOVERY = 'docs/security.md, "Recovering a terminal"';

export class ChainLostError extends Error {}

/**
 * Throws ChainLostError when the queue in `dataDir` does not hold the chain the identity says was
 * uploaded: its head is below the mark, or its event at the mark has another hash.
 */
export function checkChain(dataDir: string, queue: Queue): void {
  const mark = readUploadedMark(dataDir);
  if (!mark) return;
  const db = join(dataDir, DB_FILE);
  const way =
    `Starting on it would begin a new chain the service refuses. Restore ${DB_FILE} (with its -wal file) from a backup of this data folder, ` +
    'or, to start over deliberately, run `terminal reset --config <file> --enrollment-code <code>` with a new code from the operator ' +
    `(${RECOVERY}).`;
  if (queue.lastSequence < mark.seq) {
    const held = queue.lastSequence === 0 ? 'no events' : `events up to ${queue.lastSequence}`;
    throw new ChainLostError(`terminal database ${db} holds ${held}, but this terminal already uploaded events up to ${mark.seq} (identity.json): the database was emptied, deleted or replaced by an older copy. ${way}`);
  }
  const at = queue.after(mark.seq - 1, 1)[0];
  if (at && at.seq === mark.seq && at.hash !== mark.hash) {
    throw new ChainLostError(`terminal database ${db} holds another chain than the one this terminal uploaded (event ${mark.seq} differs from identity.json): it was replaced. ${way}`);
  }
}

/**
 * Keeps the identity's uploaded mark up with the queue's acknowledgements: written when the
 * acknowledged sequence moved, at most every `everyMs` (each write is an fsync), and at stop.
 * The spacing is read on the monotonic clock: an interval, not a time anyone records.
 */
export class UploadedMarkKeeper {
  private recorded: number;
  private lastWrite = -Infinity;

  private readonly everyMs: number;
  private readonly onError: (e: unknown) => void;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly dataDir: string,
    private readonly queue: Queue,
    opts: { everyMs?: number; onError?: (e: unknown) => void } = {},
  ) {
    this.recorded = readUploadedMark(dataDir)?.seq ?? 0;
    this.everyMs = opts.everyMs ?? 10_000;
    this.onError = opts.onError ?? (() => undefined);
  }

  /** Call often (once a second, from a timer); writes only when due, and never throws. */
  tick(now = performance.now()): void {
    if (now - this.lastWrite < this.everyMs) return;
    try {
      this.flush(now);
    } catch (e) {
      // A full disk, say: the next tick tries again; the queue itself is unaffected.
      this.lastWrite = now;
      this.onError(e);
    }
  }

  /** Ticks once a second on its own (unref'd) timer until stop(). */
  start(): void {
    this.timer ??= setInterval(() => this.tick(), 1000);
    this.timer.unref();
  }

  /** Stops the timer and records what was acknowledged by now. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    try {
      this.flush();
    } catch (e) {
      this.onError(e);
    }
  }

  flush(now = performance.now()): void {
    const acked = this.queue.ackedThrough;
    if (acked <= this.recorded) return;
    const e = this.queue.after(acked - 1, 1)[0];
    // Pruned already (an acknowledged event older than the retention): the head saved by prune
    // still counts, but its hash is not at hand; wait for the next acknowledgement.
    if (!e || e.seq !== acked) return;
    const mark: UploadedMark = { seq: e.seq, hash: e.hash };
    saveUploadedMark(this.dataDir, mark);
    this.recorded = mark.seq;
    this.lastWrite = now;
  }
}

/** SQLite's codes for a file that is not a healthy database. */
const DAMAGED = /^SQLITE_(CORRUPT|NOTADB)/;

/**
 * A start error as the operator should read it: a damaged database named, with the way out.
 * Other errors are returned unchanged.
 */
export function describeStartError(e: unknown, dataDir: string): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && DAMAGED.test(code)) {
    const db = join(dataDir, DB_FILE);
    return new Error(
      `terminal database ${db} is damaged (${(e as Error).message}). Nothing was changed. Keep a copy of the data folder, then either recover what it holds ` +
        `with \`sqlite3 ${db} .recover | sqlite3 ${db}.recovered\` and put that file in its place, or start a new chain with ` +
        `\`terminal reset --config <file> --enrollment-code <code>\` (${RECOVERY}).`,
      { cause: e },
    );
  }
  return e;
}

/** A warning when `file` (a config holding a secret) can be read by other users, else null. */
export function exposedConfig(file: string, secret: string): string | null {
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) === 0) return null;
  return `${file} holds the ${secret} and is readable by other users (mode ${mode.toString(8)}): chmod 600 ${file}`;
}
