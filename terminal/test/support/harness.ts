// What the proofs share: an in-process terminal core (the daemon's own Queue, Sealer and
// SyncEngine on a temp folder) and the checks that a service holds exactly a terminal's events.
import assert from 'node:assert/strict';
import pino from 'pino';
import { Sealer, verifyChain, type WireEvent } from '../../src/protocol/index.ts';
import { openDatabase, type Db } from '../../src/db/index.ts';
import { Queue } from '../../src/queue/index.ts';
import { loadOrCreateIdentity, SyncEngine, type SyncOptions } from '../../src/sync/index.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

export interface Core {
  dir: string;
  db: Db;
  queue: Queue;
  sealer: Sealer;
  engine: SyncEngine;
  /** Commits one event as the pipeline does (one IMMEDIATE transaction) and returns it. */
  commit(personal?: unknown, type?: string): WireEvent;
  close(): Promise<void>;
}

export function startCore(o: { url: string; enrollmentCode: string; sealKey: Uint8Array; dir?: string; sync?: Partial<SyncOptions> }): Core {
  const dir = o.dir ?? tempDir('yss-core-');
  const db = openDatabase(dir);
  const queue = new Queue(db);
  const sealer = new Sealer(o.sealKey);
  const identity = loadOrCreateIdentity(dir);
  const engine = new SyncEngine(
    {
      url: o.url,
      enrollmentCode: o.enrollmentCode,
      batchMaxEvents: 100,
      batchMaxBytes: 256 * 1024,
      intervalMs: 20,
      timeoutMs: 1000,
      backoffMaxMs: 200,
      trustPollMs: 3_600_000,
      heartbeatMs: 1000,
      policePollMs: 60_000,
      name: 'proof terminal',
      dataDir: dir,
      ...o.sync,
    },
    {
      queue,
      identity,
      log: pino({ level: 'silent' }),
      installTrustList: () => undefined,
      observeServerTime: () => undefined,
      heartbeat: () => ({ version: 'test', status: 'ok', degraded: [], queue: queue.stats(), devices: [], trust_sequence: null, clock_drift_s: 0 }),
    },
  );
  return {
    dir,
    db,
    queue,
    sealer,
    engine,
    commit(personal, type = 'registration') {
      const now = Date.now();
      const sealed = personal === undefined ? null : sealer.seal(personal);
      const e = queue.commit((tx) => tx.append({ type, at: now, trusted_at: now, scenario: 'hotel-checkin', body: { accepted: true }, sealed }));
      engine.poke();
      return e;
    },
    async close() {
      await engine.stop();
      db.close();
    },
  };
}

/**
 * The service must hold exactly the terminal's chain 1..lastSeq: no gap, no duplicate, every
 * link verified, and every event the terminal showed (`pushed`, seq → hash) stored as it was.
 */
export function assertExactlyOnce(stored: readonly WireEvent[], lastSeq: number, pushed: ReadonlyMap<number, string>): void {
  assert.equal(stored.length, lastSeq, `the service holds ${stored.length} events, the terminal committed ${lastSeq}`);
  assert.equal(new Set(stored.map((e) => e.seq)).size, stored.length, 'no sequence is stored twice');
  assert.equal(verifyChain(stored), null, 'the stored chain verifies from genesis');
  let missing = 0;
  for (const [seq, hash] of pushed) if (stored[seq - 1]?.hash !== hash) missing++;
  assert.equal(missing, 0, `${missing} of ${pushed.size} events shown on the kiosk are missing or differ at the service`);
}
