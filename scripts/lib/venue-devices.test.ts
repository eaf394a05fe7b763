// The demo appointment every-venue test gives its visitor must hold whatever the hour: an hour that
// crosses the venue's midnight is two slots, one in each local day.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { feedsFor, loadShippedVenue, localSlots } from './venue-devices.ts';

/** Unix seconds at `HH:MM` China time on 2026-03-14. */
const at = (hh: number, mm: number) => Date.UTC(2026, 2, 14, hh - 8, mm) / 1000;

test('an hour inside the day is one slot', () => {
  assert.deepEqual(localSlots(at(9, 50), at(10, 50)), [{ date: '2026-03-14', from: '09:50', to: '10:50' }]);
});

test('an hour across midnight is a slot to 24:00 and one from 00:00 the next day', () => {
  assert.deepEqual(localSlots(at(23, 50), at(24, 50)), [
    { date: '2026-03-14', from: '23:50', to: '24:00' },
    { date: '2026-03-15', from: '00:00', to: '00:50' },
  ]);
});

test('a slot ending at midnight stays in its day; bounds off the minute widen to whole minutes', () => {
  assert.deepEqual(localSlots(at(23, 0), at(24, 0)), [{ date: '2026-03-14', from: '23:00', to: '24:00' }]);
  assert.deepEqual(localSlots(at(8, 0) + 30, at(8, 1) + 1), [{ date: '2026-03-14', from: '08:00', to: '08:02' }]);
});

test("the hospital's demo feed books the visitor around now, across midnight too", () => {
  const hospital = loadShippedVenue('hospital');
  const rows = (t: number) => (feedsFor(hospital, t)?.appointments ?? []) as { date: string; from: string; to: string }[];
  assert.deepEqual(rows(at(12, 0)).map((r) => [r.date, r.from, r.to]), [['2026-03-14', '11:50', '12:50']]);
  assert.deepEqual(rows(at(23, 59)).map((r) => [r.date, r.from, r.to]), [
    ['2026-03-14', '23:49', '24:00'],
    ['2026-03-15', '00:00', '00:49'],
  ]);
});
