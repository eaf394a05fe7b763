// The venue's day as the hall tests and the simulated morning drive it: appointment slots a few
// minutes around now, written as the venue's wall clock (`HH:MM`), must fall inside one local day,
// so near midnight they wait for room instead of failing (or passing) by the hour they run at.
import { setTimeout as sleep } from 'node:timers/promises';
import { localDay, localWeekMinute } from '../../terminal/src/scenarios/index.ts';

/** Minute of the venue's day (0 … 1439) at unix milliseconds `ms`. */
export const localMinute = (ms = Date.now()): number => localWeekMinute(Math.floor(ms / 1000)).minute;

/** The venue's date (`YYYY-MM-DD`) at unix milliseconds `ms`. */
export const localDate = (ms = Date.now()): string => localDay(Math.floor(ms / 1000));

/** A minute of the day as a slot bound, `HH:MM` (1440 is `24:00`, the end of the day). */
export const hhmm = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/**
 * The minute of the venue's day now, once it is at least `before` minutes after midnight and
 * `after` minutes before the next: slots from now − before to now + after then fit in one day.
 * Near midnight this waits, at most before + after minutes.
 */
export async function minuteWithRoom(before: number, after: number): Promise<number> {
  for (;;) {
    const m = localMinute();
    if (m >= before && m <= 1440 - after) return m;
    await sleep(15_000);
  }
}
