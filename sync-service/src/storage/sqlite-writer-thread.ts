// The writer thread's program (started by sqlite-writer.ts): its own connection to the service's
// database, making the writes the service's thread hands it (uploads, nonces, heartbeats) in
// group commits, and checkpointing the WAL from a thread of its own (sqlite-checkpoints.ts).
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { CheckpointThread } from './sqlite-checkpoints.ts';
import { IngestWriter } from './sqlite-ingest.ts';
import { toWire, type FromWriter, type ToWriter, type WriterData } from './sqlite-writer.ts';

const port = parentPort!;
const { file, busyTimeoutMs } = workerData as WriterData;
const db = new Database(file, { timeout: busyTimeoutMs });
db.pragma('journal_size_limit = 67108864');
const checkpoints = new CheckpointThread(db, file, busyTimeoutMs);
const writer = new IngestWriter(db, file, undefined, (bytes) => checkpoints.committed(bytes));
const send = (m: FromWriter) => port.postMessage(m);

/** The write a message asks for. */
function write(m: Exclude<ToWriter, { op: 'close' }>): Promise<unknown> {
  if (m.op === 'ingest') return writer.ingest(m.upload);
  if (m.op === 'nonce') return writer.useNonce(m.terminalId, m.nonce, m.expiresAt);
  return writer.heartbeat(m.terminalId, m.json, m.now);
}

port.on('message', (m: ToWriter) => {
  if (m.op !== 'close') {
    write(m).then(
      (result) => send({ op: 'stored', id: m.id, result }),
      (e: unknown) => send({ op: 'failed', id: m.id, error: toWire(e) }),
    );
    return;
  }
  // Close: what was handed over is committed and synced first, then the connection closes
  // (and only then the WAL's descriptor, see IngestWriter).
  void writer.settle().then(async () => {
    await checkpoints.close();
    db.close();
    writer.closeWal();
    port.close();
  });
});
