// The codes of Health.degraded, named once: daemon/health.ts reports them, docs/api.md documents
// them and the kiosk translates them (a test checks both).
/**
 * Why a terminal reports itself degraded, as stable codes (docs/api.md documents each; the kiosk
 * translates each). `device` stands for `device_<id>`, one per device that is not connected;
 * `feed` for `feed_<kind>`, one per feed the venue decides from that is missing or too old.
 */
export const DEGRADED_CODES = [
  'no_trust_list',
  'trust_list_stale',
  'clock_untrusted',
  'device',
  'feed',
  'sync_offline',
  'sync_backoff',
  'sync_unenrolled',
  'queue_near_quota',
  'queue_over_quota',
  'hall_numbers_low',
  'hall_numbers_out',
  'ils_offline',
] as const;

/** A code of DEGRADED_CODES other than the per-device one. */
export type FixedDegraded = Exclude<(typeof DEGRADED_CODES)[number], 'device' | 'feed'>;
/** One entry of Health.degraded. */
export type Degraded = FixedDegraded | `device_${string}` | `feed_${string}`;
