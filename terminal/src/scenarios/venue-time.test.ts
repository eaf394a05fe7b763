// The venue's time zone against the platform's own Asia/Shanghai rules (Intl), at instants taken
// from the clock: every local form is the same wall time, and fromLocal is its inverse.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endOfLocalDay, fromLocal, localClock, localDay, localIso, localWeekMinute, VENUE_TIME_ZONE } from './venue-time.ts';

const intl = new Intl.DateTimeFormat('en-CA', { timeZone: VENUE_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short', hourCycle: 'h23' });
const parts = (s: number) => Object.fromEntries(intl.formatToParts(s * 1000).map((p) => [p.type, p.value]));
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

test('local day, clock, weekday and minute agree with Intl in Asia/Shanghai, across a year of instants from now', () => {
  const start = Math.floor(Date.now() / 1000);
  for (let s = start; s < start + 366 * 86_400; s += 86_400 / 8 + 7) {
    const p = parts(s);
    assert.equal(localIso(s), `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`);
    assert.equal(localDay(s), `${p.year}-${p.month}-${p.day}`);
    assert.equal(localClock(s), `${p.hour}:${p.minute}`);
    assert.deepEqual(localWeekMinute(s), { weekday: WEEKDAYS.indexOf(p.weekday!) + 1, minute: Number(p.hour) * 60 + Number(p.minute) });
    assert.equal(fromLocal(localIso(s)), s, 'fromLocal inverts localIso');
    assert.equal(fromLocal(localIso(s).slice(0, 16)), s - (s % 60), 'a wall time without seconds is its minute');
    assert.equal(localDay(endOfLocalDay(localDay(s))), localDay(s));
    assert.equal(localDay(endOfLocalDay(localDay(s)) + 1), localDay(s + 86_400), 'one second later is the next local day');
  }
  assert.ok(Number.isNaN(fromLocal('not a time')));
});
