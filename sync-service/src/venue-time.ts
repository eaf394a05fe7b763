// The venues' time zone on the service's side, named once (the terminal's twin is
// terminal/src/scenarios/venue-time.ts; the service imports nothing of the terminal but the wire
// protocol). Guangdong, Hong Kong and Macao keep UTC+8 all year, with no daylight saving, so a
// local day is a fixed shift of UTC: the day a hall numbers its tickets, a slot's day, the day
// of a police batch file.
export const VENUE_TIME_ZONE = 'Asia/Shanghai';
const OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** The venues' local date (`YYYY-MM-DD`) at a unix-ms instant. */
export function venueDay(ms: number): string {
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 10);
}

/** Yesterday, today and tomorrow at the venues: the days a terminal may ask about (stranger-proof bounds). */
export function venueDaysAround(ms: number): [string, string, string] {
  return [venueDay(ms - DAY_MS), venueDay(ms), venueDay(ms + DAY_MS)];
}
