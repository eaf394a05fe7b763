// Grants taken back on real SQLite: what a lapsed entry, exit or plain admission undoes, and
// what it leaves (a later admission of the same holder, other holders' counts).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { openDatabase, type Db } from '../db/index.ts';
import { GrantStore } from './grants.ts';
import { PassageStore } from './passages.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

let dir: string;
let db: Db;
let passages: PassageStore;
let grants: GrantStore;
const DAY = '2026-03-03';
const T = 1_772_500_000; // unix seconds; only differences matter

before(() => {
  dir = tempDir('yss-grants-');
  db = openDatabase(dir);
  passages = new PassageStore(db);
  grants = new GrantStore(db);
});
after(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Admits as the pipeline does: read what it changes, admit, keep the grant. */
function grant(seq: number, holder: string, at: number, o: { slot?: string; n?: number; direction?: 'entry' | 'exit'; sensor?: string } = {}) {
  const a = { holder, day: DAY, slot: o.slot ?? null, n: o.n ?? 1, ...(o.direction ? { direction: o.direction } : {}) };
  db.transaction(() => {
    const b = passages.before(holder);
    passages.admit(holder, DAY, a.slot, a.n, at, a.direction);
    grants.open({ seq, sensor: o.sensor ?? 'sensor-1', ...a, at, before: b, expires_at: at * 1000 + 5000 });
  })();
}
const lapse = (nowMs: number) =>
  db.transaction(() => {
    const due = grants.due(nowMs);
    for (const g of due) {
      passages.undo(g, g.at, g.before);
      grants.drop(g.seq);
    }
    return due.map((g) => g.seq);
  })();

test('a lapsed admission gives back its day and slot places and the holder\'s earlier passage', () => {
  passages.admit('h-old', DAY, '10:00-11:00', 1, T - 7200);
  grant(1, 'h-old', T, { slot: '10:00-11:00', n: 3 });
  grant(2, 'h-new', T, { slot: '10:00-11:00' });
  assert.deepEqual([passages.admitted(DAY), passages.admitted(DAY, '10:00-11:00')], [5, 5]);
  assert.deepEqual(lapse(T * 1000 + 4999), [], 'not yet');
  assert.deepEqual(grants.take('sensor-1', T * 1000 + 100)?.grant.seq, 1, 'the sensor confirms the oldest grant');
  assert.deepEqual(lapse(T * 1000 + 5000), [2]);
  assert.deepEqual([passages.admitted(DAY), passages.admitted(DAY, '10:00-11:00')], [4, 4]);
  assert.equal(passages.lastPassage('h-old'), T, 'the confirmed grant stands');
  assert.equal(passages.lastPassage('h-new'), null, 'anti-passback not armed');
  assert.equal(grants.waiting(), 0);
});

test('a lapsed grant restores the earlier passage, and leaves a later admission of the same holder alone', () => {
  passages.admit('h-twice', DAY, null, 1, T - 60);
  grant(3, 'h-twice', T + 10);
  assert.equal(passages.lastPassage('h-twice'), T + 10);
  assert.deepEqual(lapse((T + 10) * 1000 + 5000), [3]);
  assert.equal(passages.lastPassage('h-twice'), T - 60, 'back to the passage before');
  grant(4, 'h-again', T + 20);
  passages.admit('h-again', DAY, null, 1, T + 22); // admitted again before the grant lapsed (no anti-passback)
  lapse((T + 20) * 1000 + 5000);
  assert.equal(passages.lastPassage('h-again'), T + 22, 'the later admission is not undone');
});

test('a lapsed entry leaves its party outside; a lapsed exit leaves it inside, as recorded at its entry', () => {
  const before = passages.occupancy();
  grant(5, 'h-family', T + 30, { n: 3, direction: 'entry' });
  assert.equal(passages.occupancy(), before + 3);
  lapse((T + 30) * 1000 + 5000);
  assert.deepEqual([passages.inside('h-family'), passages.occupancy()], [null, before]);
  passages.admit('h-family', DAY, null, 3, T + 40, 'entry');
  grant(6, 'h-family', T + 50, { n: 3, direction: 'exit' });
  assert.equal(passages.inside('h-family'), null, 'out while the grant runs');
  lapse((T + 50) * 1000 + 5000);
  assert.deepEqual([passages.inside('h-family'), passages.occupancy()], [3, before + 3], 'nobody left');
});

test('grants are matched per sensor, and the next expiry is the earliest waiting', () => {
  grant(7, 'h-a', T + 60, { sensor: 'sensor-2' });
  grant(8, 'h-b', T + 61, { sensor: 'sensor-1' });
  assert.equal(grants.nextExpiry(), (T + 60) * 1000 + 5000);
  assert.equal(grants.take('sensor-1', (T + 61) * 1000)?.grant.seq, 8);
  assert.equal(grants.take('sensor-1', (T + 61) * 1000), null, 'none left for sensor-1');
  assert.equal(grants.take('sensor-2', (T + 60) * 1000 + 5000), null, 'a grant at its expiry is over');
  assert.deepEqual(lapse((T + 60) * 1000 + 5000), [7]);
  assert.equal(grants.nextExpiry(), null);
});

test('a party passes under one grant: the first passage confirms it, the next ones are its people, then the next grant', () => {
  grant(9, 'h-party', T + 70, { n: 2 });
  grant(10, 'h-single', T + 71);
  const at = (T + 71) * 1000;
  const pass = () => {
    const t = grants.take('sensor-1', at);
    return t && [t.grant.seq, t.first];
  };
  assert.deepEqual(pass(), [9, true], 'the party\'s grant confirmed');
  assert.deepEqual(pass(), [9, false], 'its second person');
  assert.deepEqual(pass(), [10, true], 'then the next grant');
  assert.equal(grants.take('sensor-1', at), null, 'everyone granted has passed');
  assert.equal(grants.waiting(), 0);
});
