// Shared vocabulary of what a venue decides (reasons, what the screen shows, effects) and the
// venue's clock (local days, opening hours). The policy itself is data and
// one pure function: terminal/src/venue/.
export { VENUE_TIME_ZONE, localIso, localDay, localClock, fromLocal, endOfLocalDay, localDateTime, localWeekMinute } from './venue-time.ts';
export type { AppointmentPlacement, Display, Effect, PlacementRule, Source } from './types.ts';
export { SCENARIO_REASONS, type Reason, type ScenarioReason } from './reasons.ts';
