// A terminal with a backlog to drain, enrolled on a running service: what the drain bench and the
// in-flight comparison (drain-in-flight.ts) both start from.
import pino from 'pino';
import { DEFAULTS } from '../../config/schema.ts';
import { openDatabase } from '../../db/index.ts';
import { Sealer } from '../../protocol/index.ts';
import { loadOrCreateIdentity, SyncEngine, syncOptions } from '../../sync/index.ts';
import { Queue } from '../index.ts';

/**
 * A new terminal on the service at `url` (enrolled with the code the service gave), its queue in
 * `dir` holding `events` events: a tenth device events, a third with sealed personal data. The
 * engine is made, not started; `uploadsInFlight` as SyncEngine takes it (its default otherwise).
 */
export function backlogTerminal(o: { dir: string; url: string; enrollmentCode: string; sealKey: string; events: number; name: string; uploadsInFlight?: 1 | 2 }) {
  const db = openDatabase(o.dir);
  const queue = new Queue(db);
  const sealer = new Sealer(Buffer.from(o.sealKey, 'base64url'));
  for (let k = 0; k < o.events; k += 1000) {
    queue.commit((tx) => {
      for (let i = k; i < Math.min(o.events, k + 1000); i++) {
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
  }
  const options = syncOptions({ ...DEFAULTS.sync, url: o.url, enrollment_code: o.enrollmentCode }, o.name, o.dir);
  const engine = new SyncEngine(o.uploadsInFlight ? { ...options, uploadsInFlight: o.uploadsInFlight } : options, {
    queue,
    identity: loadOrCreateIdentity(o.dir),
    log: pino({ level: 'silent' }),
    installTrustList: () => undefined,
    observeServerTime: () => undefined,
    heartbeat: () => ({ version: 'bench', status: 'ok', degraded: [], queue: queue.stats(), devices: [], trust_sequence: null, clock_drift_s: 0 }),
  });
  return { db, queue, engine };
}
