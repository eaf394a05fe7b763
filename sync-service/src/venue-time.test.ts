// The service's venue days against the platform's own Asia/Shanghai rules (Intl), at instants from the clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VENUE_TIME_ZONE, venueDay, venueDaysAround } from './venue-time.ts';

const intlDay = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: VENUE_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);

test('the venue day and the days around it agree with Intl in Asia/Shanghai, around every hour of a day from now', () => {
  const start = Date.now();
  for (let ms = start; ms < start + 2 * 86_400_000; ms += 3_600_000 - 1) {
    assert.equal(venueDay(ms), intlDay(ms));
    assert.deepEqual(venueDaysAround(ms), [intlDay(ms - 86_400_000), intlDay(ms), intlDay(ms + 86_400_000)]);
  }
});
