// The floor for ingest on PostgreSQL: the server's own COPY rate for the service's event rows,
// pre-serialized, `batch` rows per COPY, each COPY its own transaction (one commit per upload, as
// the service does), into the service's partitioned table on the same cluster as the run.
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { WireEvent } from '../../terminal/src/protocol/index.ts';
import { PgStorage } from '../src/storage/pg.ts';

const COLS = 'terminal_id, seq, type, at, trusted_at, scenario, droppable, body, sealed, prev_hash, hash, tombstone, received_at';
const esc = (s: string) => s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));

/**
 * Rows per second; `url` is an empty database (the service schema is created in it). With
 * `connections` > 1 the rows are split among that many sessions copying at once, each as its own
 * terminal: concurrent commits share WAL flushes, as the service's concurrent uploads do.
 */
export async function pgCopyFloor(url: string, sample: WireEvent[], batch: number, rows: number, terminal: string, connections = 1): Promise<number> {
  // The service's own migrations make the table, partitions included.
  await (await PgStorage.open({ url })).close();
  if (connections > 1) {
    const per = Math.ceil(rows / connections);
    const t = process.hrtime.bigint();
    await Promise.all(Array.from({ length: connections }, (_, i) => copyRun(url, sample, batch, per, `${terminal}-${i}`)));
    return Math.round((per * connections) / (Number(process.hrtime.bigint() - t) / 1e9));
  }
  const t = process.hrtime.bigint();
  await copyRun(url, sample, batch, rows, terminal);
  return Math.round(rows / (Number(process.hrtime.bigint() - t) / 1e9));
}

async function copyRun(url: string, sample: WireEvent[], batch: number, rows: number, terminal: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const lines = sample.map(
      (e) => `\t${e.type}\t${e.at}\t${e.trusted_at}\t${e.scenario}\t${e.droppable}\t${esc(JSON.stringify(e.body))}\t${e.sealed ? esc(JSON.stringify(e.sealed)) : '\\N'}\t${e.prev_hash}\t${e.hash}\t\\N\t0\n`,
    );
    const chunks: string[] = [];
    for (let i = 0; i < rows; i += batch) {
      let s = '';
      for (let k = i; k < Math.min(rows, i + batch); k++) s += `${terminal}\t${k + 1}${lines[k % lines.length]}`;
      chunks.push(s);
    }
    for (const chunk of chunks) {
      await c.query('BEGIN');
      await pipeline(Readable.from([chunk]), c.query(copyStreams.from(`COPY events (${COLS}) FROM STDIN`)));
      await c.query('COMMIT');
    }
  } finally {
    await c.end();
  }
}
