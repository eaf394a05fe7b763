// One active number per person per category (print-ticket `one_active`): this machine's record in
// its real SQLite file, let go when the hall reports the number completed or missed.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { openDatabase } from '../db/index.ts';
import { ActiveTicketStore } from './active-tickets.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

test('a number stays active until the hall reports it finished, per day and category, and survives a reopen', () => {
  const dir = tempDir('yss-active-');
  let finished: ReadonlySet<string> | null = null;
  try {
    const db = openDatabase(dir);
    const store = new ActiveTicketStore(db, () => finished);
    store.record('2026-12-01', 'A', 'p1', 'A007');
    assert.equal(store.active('2026-12-01', 'A', 'p1'), 'A007');
    assert.equal(store.active('2026-12-01', 'B', 'p1'), null, 'another category');
    assert.equal(store.active('2026-12-02', 'A', 'p1'), null, 'another day');
    assert.equal(store.active('2026-12-01', 'A', 'p2'), null, 'another person');
    finished = new Set(['A003']);
    assert.equal(store.active('2026-12-01', 'A', 'p1'), 'A007', 'the hall finished someone else');
    db.close();
    // A restart keeps the record; the hall's answer lets it go.
    const db2 = openDatabase(dir);
    const again = new ActiveTicketStore(db2, () => finished);
    assert.equal(again.active('2026-12-01', 'A', 'p1'), 'A007');
    finished = new Set(['A007']);
    assert.equal(again.active('2026-12-01', 'A', 'p1'), null, 'completed or missed: no longer active');
    // A new number for the same person is active again, and older days are pruned.
    again.record('2026-12-01', 'A', 'p1', 'A031');
    assert.equal(again.active('2026-12-01', 'A', 'p1'), 'A031');
    again.prune('2026-12-02');
    assert.equal(again.active('2026-12-01', 'A', 'p1'), null);
    db2.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
