import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SqliteStorage } from './sqlite.ts';
import { storageContract } from './storage-contract.ts';

storageContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'yss-store-'));
  const storage = new SqliteStorage(dir);
  return {
    storage,
    cleanup: async () => {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

test('the service database is WAL with synchronous=FULL and survives a reopen', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'yss-store-'));
  try {
    const s = new SqliteStorage(dir);
    const db = (s as unknown as { db: { pragma(p: string, o: object): unknown } }).db;
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('synchronous', { simple: true }), 2);
    await s.createTerminal('t-1', 'desk', 'h', 1);
    await s.close();
    const again = new SqliteStorage(dir);
    assert.equal((await again.getTerminal('t-1'))!.name, 'desk');
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
