// The simulated morning (docs/hall.md, "The morning"), small enough for the suite: the real
// sync-service process, two terminal daemons with pty scanners, ID-card readers and printers, two
// window pages and the display in Chromium, the allocator SIGKILLed halfway. `npm run -s morning`
// runs the full morning of a few hundred visitors; this runs a dozen through the same code.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { idNumber, morningLines, runMorning } from '../../scripts/lib/hall-morning.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

test('the morning\'s resident ID numbers carry a valid check character', () => {
  // GB 11643's own example number.
  assert.equal(idNumber('110105', '19491231', 2), '11010519491231002X');
});

test('a short morning on real parts: no duplicate, skipped within a block per machine, everyone served or missed, nobody called twice', { timeout: 600_000 }, async (t) => {
  const dir = tempDir('yss-morning-');
  try {
    const r = await runMorning({ dir, visitors: 12, arrivalMs: 700, serviceMs: 500, killAt: 6, downMs: 1000, seed: 13 });
    for (const line of morningLines(r)) t.diagnostic(line);
    assert.equal(r.duplicates, 0, 'no number issued twice');
    assert.ok(r.skipped >= 0 && r.skipped <= r.skippedBound, `skipped ${r.skipped}, bound ${r.skippedBound}`);
    assert.deepEqual(Object.keys(r.refused).filter((k) => k !== 'numbers_unavailable'), [], `only refusals for want of a number: ${JSON.stringify(r.refused)}`);
    assert.ok(r.tickets >= 8, `enough tickets to mean something: ${r.tickets}`);
    assert.equal(r.leftWaiting, 0);
    assert.deepEqual(r.calledTwice, []);
    // Every ticket was called at least once; each call ended in a completion, a miss or a transfer.
    assert.ok(r.steps.call >= r.tickets, `${r.steps.call} calls for ${r.tickets} tickets`);
    assert.equal(r.steps.call, r.steps.complete + r.steps.miss + r.steps.transfer);
    // Seed 13's dozen: an elderly card, an appointment, a late one, a no-show (重呼, 过号) and one for B (流转).
    assert.deepEqual([r.steps.miss, r.steps.recall, r.steps.transfer], [1, 1, 1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
