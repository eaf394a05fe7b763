// Durable enqueue latency with sealing, beside its floor: a bare append + fsync of the same bytes
// to a plain file. Both alternate in one run so they see the same disk and the same neighbours.
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nacl from 'tweetnacl';
import { percentile } from '../../../../scripts/lib/stats.ts';
import { Sealer } from '../../protocol/index.ts';
import { openDatabase } from '../../db/index.ts';
import { Queue } from '../index.ts';

const N = 3000;
const WARMUP = 200;

export async function run(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'yss-bench-enqueue-'));
  try {
    const db = openDatabase(dir);
    const queue = new Queue(db);
    const sealer = new Sealer(nacl.box.keyPair().publicKey);
    const commit = (personal: unknown) =>
      queue.commit((tx) =>
        tx.append({
          type: 'registration',
          at: Date.now(),
          trusted_at: Date.now(),
          scenario: 'hotel-checkin',
          body: { family: 'YSS1', issuer: 'CN-44', type: 'personal', reason: null, replayed: false, accepted: true, device: 'scanner-1', effects: [{ kind: 'registration' }] },
          sealed: sealer.seal(personal),
        }),
      );
    const fd = openSync(join(dir, 'floor.log'), 'a');
    const enqueue: number[] = [];
    const floor: number[] = [];
    let size = 0;
    for (let i = 0; i < N + WARMUP; i++) {
      const personal = { kind: 'code-subject', name: '张三', doc_type: 'resident_id', doc_no: `44010119900101${String(i).padStart(4, '0')}` };
      let t = process.hrtime.bigint();
      const e = commit(personal);
      const te = Number(process.hrtime.bigint() - t) / 1000;
      if (i === WARMUP) size = JSON.stringify(e).length;
      const bytes = Buffer.alloc(size || 600, 0x61);
      t = process.hrtime.bigint();
      writeSync(fd, bytes);
      fsyncSync(fd);
      const tf = Number(process.hrtime.bigint() - t) / 1000;
      if (i >= WARMUP) {
        enqueue.push(te);
        floor.push(tf);
      }
    }
    closeSync(fd);
    db.close();
    // Sealing alone, the part an epoch key pair amortizes (the budget: under 50 µs).
    const seal: number[] = [];
    for (let i = 0; i < N; i++) {
      const t = process.hrtime.bigint();
      sealer.seal({ kind: 'code-subject', name: '张三', doc_type: 'resident_id', doc_no: '440101199001011234' });
      seal.push(Number(process.hrtime.bigint() - t) / 1000);
    }
    const r = {
      enqueue_p50_us: percentile(enqueue, 50),
      enqueue_p99_us: percentile(enqueue, 99),
      fsync_floor_p50_us: percentile(floor, 50),
      fsync_floor_p99_us: percentile(floor, 99),
    };
    return {
      ...r,
      enqueue_p99_to_floor_ratio: Math.round((r.enqueue_p99_us / r.fsync_floor_p99_us) * 100) / 100,
      seal_p50_us: percentile(seal, 50),
      event_bytes: size,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
