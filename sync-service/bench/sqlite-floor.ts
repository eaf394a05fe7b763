// The floor for the service's ingest and the terminal's drain: raw better-sqlite3 inserts of the
// service's event rows, pre-serialized, 100 per transaction, WAL + synchronous=FULL, in a file
// of the service's page size (SQLite's automatic checkpoints, as a plain program has them).
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WireEvent } from '../../terminal/src/protocol/index.ts';
import { PAGE_SIZE } from '../src/storage/sqlite.ts';

const FLOOR_ROWS = 100_000;

export function sqliteFloor(sample: WireEvent[]): number {
  const dir = mkdtempSync(join(tmpdir(), 'yss-bench-floor-'));
  try {
    const db = new Database(join(dir, 'floor.db'));
    db.pragma(`page_size = ${PAGE_SIZE}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`CREATE TABLE events (terminal_id TEXT NOT NULL, seq BIGINT NOT NULL, type TEXT NOT NULL, at BIGINT NOT NULL, trusted_at BIGINT NOT NULL,
      scenario TEXT NOT NULL, droppable SMALLINT NOT NULL, body TEXT NOT NULL, sealed TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL, tombstone TEXT,
      received_at BIGINT NOT NULL, PRIMARY KEY (terminal_id, seq)) WITHOUT ROWID`);
    const insert = db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    // Pre-serialized rows: the floor is the database, not JSON.
    const rows = sample.map((e) => [e.type, e.at, e.trusted_at, e.scenario, e.droppable ? 1 : 0, JSON.stringify(e.body), e.sealed ? JSON.stringify(e.sealed) : null, e.prev_hash, e.hash] as const);
    const tx = db.transaction((from: number) => {
      for (let i = from; i < from + 100; i++) {
        const r = rows[i % rows.length]!;
        insert.run('t-bench', i + 1, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], null, 0);
      }
    });
    const t = process.hrtime.bigint();
    for (let i = 0; i < FLOOR_ROWS; i += 100) tx.immediate(i);
    const s = Number(process.hrtime.bigint() - t) / 1e9;
    db.close();
    return Math.round(FLOOR_ROWS / s);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
