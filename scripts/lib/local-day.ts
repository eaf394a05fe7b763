// The venue's day as the hall tests and the simulated morning drive it: appointment slots a few
// minutes around now, written as the venue's wall clock (`HH:MM`), must fall inside one local day,
// so near midnight the stack's processes run with their clock moved to the next local day's start
// (libfaketime, scripts/lib/faketime.ts) instead of the test failing (or passing) by the hour it runs at.
import { localDay, localWeekMinute } from '../../terminal/src/scenarios/index.ts';

/** Minute of the venue's day (0 … 1439) at unix milliseconds `ms`. */
export const localMinute = (ms = Date.now()): number => localWeekMinute(Math.floor(ms / 1000)).minute;

/** The venue's date (`YYYY-MM-DD`) at unix milliseconds `ms`. */
export const localDate = (ms = Date.now()): string => localDay(Math.floor(ms / 1000));

/** A minute of the day as a slot bound, `HH:MM` (1440 is `24:00`, the end of the day). */
export const hhmm = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/**
 * How far ahead of the real clock (ms) a stack's clock must run for slots from its now − `before`
 * to its now + `after` minutes to fit in one venue day: 0 while the real now has that room, else
 * the distance to half a minute into minute `before` of the day (at most before + after minutes,
 * the wait this replaces). The test derives its slots from `ms + ahead` and starts the service and
 * daemons with their clocks that far ahead (Stack's `clockAheadMs`).
 */
export function aheadForRoom(before: number, after: number, ms = Date.now()): number {
  const m = localMinute(ms);
  if (m >= before && m <= 1440 - after) return 0;
  const target = m < before ? before : 1440 + before;
  return (target - m) * 60_000 - (ms % 60_000) + 30_000;
}
