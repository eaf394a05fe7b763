// The writer's checkpoint thread on real SQLite files: it copies the WAL into the database file
// while the writer keeps its connection, the writer checkpoints itself when the WAL has outrun it,
// and SQLite's own checkpoints come back when the thread fails.
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';
import { waitFor } from '../../../scripts/lib/wait.ts';
import { PAGE_SIZE } from './sqlite.ts';
import { CheckpointThread } from './sqlite-checkpoints.ts';

const dir = tempDir('yss-checkpoints-');

/**
 * A writer's connection as the service opens one, on a new file in `dir`, with one table of rows;
 * `busyMs`: how long its own checkpoint waits for a reader (the service's is 5 s).
 */
function writerDb(name: string, busyMs = 5000) {
  const file = join(dir, name);
  const db = new Database(file, { timeout: busyMs });
  db.pragma(`page_size = ${PAGE_SIZE}`);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO rows (body) VALUES (?)');
  const body = 'x'.repeat(1000);
  /** One commit of `n` rows; returns the bytes it wrote, about. */
  const commit = (n: number) => {
    db.transaction(() => {
      for (let i = 0; i < n; i++) insert.run(body);
    })();
    return n * body.length;
  };
  return { file, db, commit };
}

/** Frames in the WAL now (a passive checkpoint's `log`), from another connection. */
function walFrames(file: string): number {
  const other = new Database(file);
  try {
    return (other.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]!.log;
  } finally {
    other.close();
  }
}

test('the thread copies the WAL into the database file while the writer keeps its connection, the writer only what came in meanwhile, and the WAL starts over', async () => {
  const { file, db, commit } = writerDb('copies.db');
  const checkpoints = new CheckpointThread(db, file, 5000, 256 * 1024);
  try {
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 0);
    const before = statSync(file).size;
    for (let i = 0; i < 20; i++) checkpoints.committed(commit(100));
    await waitFor(() => checkpoints.counts.passive >= 1 && !checkpoints.busy, 10_000, 20, 'a checkpoint by the thread');
    // 2 MB of rows went into the WAL; the checkpoints put them into the database file, and the
    // writer copied what came in meanwhile: the next commit starts the WAL over.
    assert.ok(statSync(file).size > before + 1_000_000, `database file ${statSync(file).size} bytes, was ${before}`);
    assert.equal(checkpoints.counts.tail, checkpoints.counts.passive);
    commit(1);
    assert.ok(walFrames(file) < 16, `the WAL started over: ${walFrames(file)} frames`);
    assert.equal(checkpoints.failure, null);
    assert.equal(checkpoints.counts.restart, 0);
  } finally {
    await checkpoints.close();
    db.close();
  }
  const again = new Database(file, { readonly: true });
  assert.equal(again.prepare('SELECT count(*) FROM rows').pluck().get(), 2001);
  again.close();
});

test('a WAL that outruns the thread (a reader holds it back) is checkpointed by the writer, and starts over', async () => {
  const { file, db, commit } = writerDb('outrun.db', 100);
  const checkpoints = new CheckpointThread(db, file, 200, 64 * 1024, 1024 * 1024);
  // A reader in a long read transaction: no checkpoint can copy past the WAL frames it may need.
  const reader = new Database(file);
  reader.exec('BEGIN');
  reader.prepare('SELECT count(*) FROM rows').get();
  try {
    for (let i = 0; i < 15; i++) checkpoints.committed(commit(100));
    await waitFor(() => !checkpoints.busy, 10_000, 20, 'the thread idle');
    assert.ok(statSync(`${file}-wal`).size > 1024 * 1024, 'the WAL grew past its limit behind the reader');
    assert.ok(checkpoints.counts.restart >= 1, 'the writer tried to checkpoint it itself');
    assert.ok(walFrames(file) > 64, 'held back, the WAL did not start over');
    reader.exec('COMMIT');
    // The reader gone, the writer's own checkpoint goes through: the WAL starts over at the next commit.
    const restarts = checkpoints.counts.restart;
    checkpoints.committed(commit(100));
    assert.equal(checkpoints.counts.restart, restarts + 1);
    commit(1);
    assert.ok(walFrames(file) < 16, `the WAL started over: ${walFrames(file)} frames`);
    assert.equal(checkpoints.failure, null);
  } finally {
    if (reader.inTransaction) reader.exec('COMMIT');
    reader.close();
    await checkpoints.close();
    db.close();
  }
});

test('a checkpoint thread that cannot start gives the writer back SQLite\'s own checkpoints', async () => {
  const { db, commit } = writerDb('fails.db');
  const checkpoints = new CheckpointThread(db, join(dir, 'no such folder', 'x.db'), 200, 64 * 1024);
  try {
    await waitFor(() => checkpoints.failure, 10_000, 20, 'the thread failed');
    assert.match(checkpoints.failure!, /checkpoint thread/);
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000);
    // Writes go on, and the thread is not asked again.
    checkpoints.committed(commit(100));
    assert.equal(checkpoints.counts.passive, 0);
    assert.equal(db.prepare('SELECT count(*) FROM rows').pluck().get(), 100);
  } finally {
    await checkpoints.close();
    db.close();
  }
});
