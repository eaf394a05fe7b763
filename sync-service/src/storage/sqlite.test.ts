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

test('a database made before appointments and the hall-wide rules gains the hall tickets\' placement, person, rules, override and labels columns on open, and keeps its tickets', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'yss-store-'));
  try {
    const s = new SqliteStorage(dir);
    const db = (s as unknown as { db: { exec(sql: string): void; prepare(sql: string): { all(): { name: string }[] } } }).db;
    // The table as it was: drop the column the way a database of an older release lacks it.
    db.exec("INSERT INTO hall_tickets (hall, day, number, category, service, priority, taken_at, service_minutes, terminal_id, seq) VALUES ('hall', '2026-12-01', 'A001', 'A', '社保业务', NULL, 1, NULL, 't-1', 1)");
    for (const c of ['placement', 'person', 'rules', 'override', 'labels']) db.exec(`ALTER TABLE hall_tickets DROP COLUMN ${c}`);
    assert.ok(!db.prepare('PRAGMA table_info(hall_tickets)').all().some((c) => c.name === 'placement' || c.name === 'person'));
    await s.close();
    const again = new SqliteStorage(dir);
    const tickets = await again.hallTickets('hall', '2026-12-01');
    assert.deepEqual(tickets.map((t) => [t.number, t.placement, t.person, t.rules, t.override, t.labels]), [['A001', null, null, [], false, null]]);
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
