// The hall tests move their stack's clock instead of waiting near the venue's midnight: how far,
// at fixed instants (China time on 2026-03-14), never at the hour the suite runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aheadForRoom, localDate, localMinute } from './local-day.ts';

/** Unix milliseconds at `HH:MM:SS` China time on 2026-03-14. */
const at = (hh: number, mm: number, ss = 0) => Date.UTC(2026, 2, 14, hh - 8, mm, ss);

test('with room in the day the clock is not moved', () => {
  for (const ms of [at(0, 5), at(12, 0, 59), at(23, 40)]) assert.equal(aheadForRoom(5, 20, ms), 0, new Date(ms).toISOString());
});

test('late in the day the clock moves to half a minute into minute `before` of the next day', () => {
  const ms = at(23, 41, 20);
  const ahead = aheadForRoom(5, 20, ms);
  assert.equal(ahead, (24 * 60 + 5 - (23 * 60 + 41)) * 60_000 - 20_000 + 30_000);
  assert.deepEqual([localDate(ms + ahead), localMinute(ms + ahead)], ['2026-03-15', 5]);
  assert.equal(aheadForRoom(5, 20, ms + ahead), 0, 'the moved clock has room');
});

test('just after midnight the clock moves to minute `before` of the same day', () => {
  const ms = at(0, 0, 45);
  const ahead = aheadForRoom(5, 20, ms);
  assert.equal(ahead, 5 * 60_000 - 45_000 + 30_000);
  assert.deepEqual([localDate(ms + ahead), localMinute(ms + ahead)], ['2026-03-14', 5]);
});

test('the clock never moves more than the wait it replaces: before + after minutes', () => {
  for (let ms = at(23, 0); ms < at(24, 30); ms += 7_000) {
    const ahead = aheadForRoom(5, 20, ms);
    assert.ok(ahead >= 0 && ahead <= 25 * 60_000 + 30_000, `${new Date(ms).toISOString()}: ${ahead}`);
    const m = localMinute(ms + ahead);
    assert.ok(m >= 5 && m <= 1440 - 20, `${new Date(ms).toISOString()} moved to minute ${m}`);
  }
});
