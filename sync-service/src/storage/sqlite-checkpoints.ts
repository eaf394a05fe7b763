// WAL checkpoints off the writer thread. SQLite's automatic checkpoint runs inside whichever commit
// takes the WAL past 1,000 pages, on the connection that made it: in the writer thread, whose
// group commits every upload waits for, it copied the WAL's pages into the database file and
// synced both files, and the next uploads waited behind it. Here the writer's connection
// checkpoints nothing by itself (wal_autocheckpoint = 0); a small thread of its own, on its own
// connection, checkpoints (PASSIVE: it copies what it can and waits for nobody) each time the
// writer has committed CHECKPOINT_AFTER_BYTES since it last asked: the copy of the WAL's pages and
// the database file's fsync, the bulk of a checkpoint, are made there. A WAL starts over from its
// beginning only at a write that finds it wholly copied, which under a stream of commits never
// happens by itself (the writer appends while the thread copies); so when the thread is done, the
// writer checkpoints the few pages committed meanwhile, at once, between two of its commits.
// Durability does not depend on any of this: a write is acknowledged once its WAL frames are
// synced; a checkpoint copies what is already durable into the database file.
import type Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Bytes committed (about: `IngestWriter`'s count) after which the checkpoint thread is asked for a checkpoint. */
export const CHECKPOINT_AFTER_BYTES = 8 << 20;

/**
 * A WAL file larger than this has outrun the checkpoint thread: a passive checkpoint cannot finish
 * while commits keep coming, and the WAL only starts over from its beginning after one that did.
 * The writer then checkpoints itself (RESTART: it waits for readers and the checkpoint thread, as
 * long as the busy timeout allows), and the WAL starts over.
 */
export const WAL_LIMIT_BYTES = 256 << 20;

/** SQLite's own wal_autocheckpoint, back on the writer's connection if the checkpoint thread fails. */
const SQLITE_AUTOCHECKPOINT = 1000;

// The thread's whole program: better-sqlite3 and a PRAGMA, no TypeScript (it starts in a few
// milliseconds, under tsx or from a bundle alike).
const PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs });
db.pragma('wal_autocheckpoint = 0');
parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ log: r.log, checkpointed: r.checkpointed });
  } catch (e) {
    parentPort.postMessage({ error: String((e && e.message) || e) });
  }
});
`;

export type CheckpointReply = { log: number; checkpointed: number } | { error: string };

/** What the writer's checkpoints did, for tests and the docs' figures. */
export interface CheckpointCounts {
  /** Checkpoints the thread made. */
  passive: number;
  /** The writer's own checkpoints of what was committed while the thread's ran. */
  tail: number;
  /** RESTART checkpoints the writer made itself, its WAL past WAL_LIMIT_BYTES. */
  restart: number;
}

export class CheckpointThread {
  private worker: Worker | null;
  /** Bytes committed since the thread was last asked. */
  private written = 0;
  private running = false;
  /** Whether the thread is making a checkpoint now. */
  get busy(): boolean {
    return this.running;
  }
  /** Why checkpoints went back to SQLite's own, if they did. */
  failure: string | null = null;
  readonly counts: CheckpointCounts = { passive: 0, tail: 0, restart: 0 };
  private readonly exited: Promise<void>;

  /**
   * `db`: the writer's connection to `file`. `afterBytes` and `limitBytes`: CHECKPOINT_AFTER_BYTES
   * and WAL_LIMIT_BYTES (tests make them small).
   */
  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    busyTimeoutMs: number,
    private readonly afterBytes = CHECKPOINT_AFTER_BYTES,
    private readonly limitBytes = WAL_LIMIT_BYTES,
  ) {
    db.pragma('wal_autocheckpoint = 0');
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = (this.worker = new Worker(PROGRAM, { eval: true, workerData: { sqlite, file, busyTimeoutMs } }));
    worker.on('message', (m: CheckpointReply) => {
      this.running = false;
      if ('error' in m) return this.fallBack(`a checkpoint failed: ${m.error}`);
      this.counts.passive++;
      // Not all of it copied: a reader still needs frames the thread could not copy over; the
      // writer's would stop there too.
      if (m.checkpointed !== m.log) return;
      try {
        this.db.pragma('wal_checkpoint(PASSIVE)');
        this.counts.tail++;
      } catch (e) {
        this.writerFailed(e);
      }
    });
    worker.on('error', (e) => this.fallBack(`the checkpoint thread failed: ${e.message}`));
    this.exited = new Promise((resolve) =>
      worker.on('exit', (code) => {
        if (this.worker) this.fallBack(`the checkpoint thread exited with code ${code}`);
        resolve();
      }),
    );
  }

  /**
   * A group commit wrote about `bytes`: asks the thread for a checkpoint once enough was written
   * since it was last asked (if it is still busy with the last, the next ask waits as long again).
   */
  committed(bytes: number): void {
    this.written += bytes;
    if (this.written < this.afterBytes || !this.worker) return;
    this.written = 0;
    try {
      if (statSync(`${this.file}-wal`).size > this.limitBytes) {
        this.counts.restart++;
        this.db.pragma('wal_checkpoint(RESTART)');
        return;
      }
    } catch (e) {
      return this.writerFailed(e);
    }
    if (this.running) return;
    this.running = true;
    this.worker.postMessage('checkpoint');
  }

  /** Ends the thread, once its checkpoint in flight is done; before the writer's connection closes. */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    w?.postMessage('close');
    await this.exited;
  }

  private writerFailed(e: unknown): void {
    this.fallBack(`a checkpoint of the writer failed: ${e instanceof Error ? e.message : String(e)}`);
  }

  /** Checkpoints as SQLite makes them by itself, on the writer's connection. */
  private fallBack(why: string): void {
    if (!this.worker) return;
    this.failure = why;
    void this.worker.terminate();
    this.worker = null;
    this.running = false;
    this.db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT}`);
  }
}
