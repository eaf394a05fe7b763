// The venue's time zone, named once. Local days number tickets, end a document's validity and
// date printed tickets. Guangdong (and Hong Kong, Macao) keep UTC+8 all year, with no daylight
// saving, so a local date is a fixed shift of UTC.
export const VENUE_TIME_ZONE = 'Asia/Shanghai';
const OFFSET_S = 8 * 3600;

/** The venue's wall clock at a unix time in seconds, `YYYY-MM-DDTHH:MM:SS`: every local form below is a slice of it. */
export function localIso(unixSeconds: number): string {
  return new Date((unixSeconds + OFFSET_S) * 1000).toISOString().slice(0, 19);
}

/** The venue's local date (`YYYY-MM-DD`) at a unix time in seconds. */
export function localDay(unixSeconds: number): string {
  return localIso(unixSeconds).slice(0, 10);
}

/** `HH:MM` at the venue. */
export function localClock(unixSeconds: number): string {
  return localIso(unixSeconds).slice(11, 16);
}

/** Unix seconds of a venue wall time `YYYY-MM-DDTHH:MM` (a roster's `starts_at`) or with `:SS`; NaN when it is none. */
export function fromLocal(wall: string): number {
  return Date.parse(`${wall.length === 16 ? `${wall}:00` : wall}Z`) / 1000 - OFFSET_S;
}

/** Unix seconds of the last second of a local date (`YYYY-MM-DD`), or NaN when it is no date. */
export function endOfLocalDay(day: string): number {
  return fromLocal(`${day}T23:59:59`);
}

/** A wall time (unix milliseconds) as the venue reads it, e.g. `2026/11/30 22:11:41`. */
export function localDateTime(unixMs: number): string {
  return new Date(unixMs).toLocaleString('zh-CN', { timeZone: VENUE_TIME_ZONE, hour12: false });
}

/** ISO weekday (1 Monday … 7 Sunday) and minute of the day at the venue, for opening hours. */
export function localWeekMinute(unixSeconds: number): { weekday: number; minute: number } {
  const local = new Date((unixSeconds + OFFSET_S) * 1000);
  return { weekday: ((local.getUTCDay() + 6) % 7) + 1, minute: local.getUTCHours() * 60 + local.getUTCMinutes() };
}
