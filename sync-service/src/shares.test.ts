// Capacity shares as a protocol (docs/feeds.md#capacity-shares), driven hard: three gates, each
// with the terminal's own share store on its own SQLite file, and the service's grants on a real
// SQLite storage, through thousands of seeded random steps: admissions of parties of 1 to 3,
// admissions while a report is in flight, replies lost after the service granted, reports that
// never arrived, gates going offline and back. After every step the slot holds no more than its
// capacity and the slack; at the end, all online, the gates fill it.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { openDatabase } from '../../terminal/src/db/index.ts';
import { ShareStore } from '../../terminal/src/feeds/index.ts';
import { grantShare } from '../../terminal/src/protocol/index.ts';
import { SqliteStorage } from './storage/sqlite.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = tempDir('yss-shares-');
  dirs.push(d);
  return d;
};

/** Mulberry32: the same steps on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('the rule: an equal part of the unused places, never what another holds, never less than kept, and places taken from slack are not granted again', () => {
  const rows = (a: number, b: number, sa: number, sb: number) => [
    { terminal_id: 'a', admitted: a, share: sa },
    { terminal_id: 'b', admitted: b, share: sb },
  ];
  assert.deepEqual(grantShare({ me: 'a', keep: 0, rows: rows(0, 0, 0, 0), capacity: 10, slack: 3, terminals: ['a', 'b'] }), { share: 5, slack: 2 });
  assert.equal(grantShare({ me: 'a', keep: 0, rows: rows(0, 0, 0, 8), capacity: 10, slack: 0, terminals: ['a', 'b'] }).share, 2, 'b holds 8 until it reports');
  assert.equal(grantShare({ me: 'a', keep: 4, rows: rows(0, 0, 4, 6), capacity: 10, slack: 0, terminals: ['a', 'b'] }).share, 4, 'at least what it kept');
  assert.equal(grantShare({ me: 'a', keep: 3, rows: rows(4, 0, 3, 7), capacity: 10, slack: 1, terminals: ['a', 'b'] }).share, 3, 'one past its share on slack: the share is not raised to the count');
});

for (const seed of [1, 2, 3]) {
  test(`seed ${seed}: 3,000 random steps with lost replies and gates offline never put more than capacity + slack in the slot, and online the gates fill it`, async () => {
    const random = prng(seed);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    const CAP = 20 + Math.floor(random() * 30);
    const SLACK = Math.floor(random() * 4);
    const DAY = '2026-12-01';
    const SLOT = '10:00-11:00';
    const service = new SqliteStorage(tmp());
    try {
      const gates = ['g-1', 'g-2', 'g-3'].map((id) => ({ id, shares: new ShareStore(openDatabase(tmp())), count: 0, online: true }));
      for (const g of gates) await service.setTerminalVenue(g.id, 'museum');
      const total = () => gates.reduce((s, g) => s + g.count, 0);
      const admit = (g: (typeof gates)[number], n: number) => {
        const limit = g.shares.limit(DAY, SLOT);
        if (limit !== null && g.count + n <= limit) g.count += n;
        assert.ok(total() <= CAP + SLACK, `the slot holds ${total()}, capacity ${CAP} + slack ${SLACK}`);
      };
      const beat = async (g: (typeof gates)[number], fate: 'answered' | 'lost' | 'undelivered', meanwhile: () => void) => {
        const reports = g.shares.report([{ day: DAY, slot: SLOT, capacity: CAP, slack: SLACK, admitted: g.count }]);
        meanwhile(); // admissions decided while the report is in flight
        if (fate === 'undelivered') return g.shares.unanswered();
        const granted = await service.shareSlots('museum', g.id, reports, 1);
        if (fate === 'lost') g.shares.unanswered();
        else g.shares.answered(granted);
      };
      for (let step = 0; step < 3000; step++) {
        const g = pick(gates);
        const r = random();
        if (r < 0.5) admit(g, 1 + Math.floor(random() * 3));
        else if (r < 0.9) {
          const fate = !g.online ? 'undelivered' : random() < 0.1 ? 'lost' : 'answered';
          await beat(g, fate, () => {
            for (let k = Math.floor(random() * 3); k > 0; k--) admit(g, 1);
          });
        } else g.online = !g.online;
      }
      // Everyone back online, parties of one, until nobody can admit anyone.
      for (const g of gates) g.online = true;
      for (let round = 0; round < 200 && total() < CAP; round++) {
        for (const g of gates) {
          await beat(g, 'answered', () => undefined);
          admit(g, 1);
        }
      }
      assert.ok(total() >= CAP, `all online, the gates filled the slot (${total()} of ${CAP})`);
      assert.ok(total() <= CAP + SLACK);
    } finally {
      await service.close();
    }
  });
}
