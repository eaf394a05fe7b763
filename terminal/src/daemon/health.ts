// The terminal's health, computed from its parts: what /api/health answers, the kiosk shows and
// heartbeats carry. `degraded` lists stable codes (docs/api.md) so staff see why at a glance.
import type { Degraded, Health, TicketCategories } from '../api/index.ts';
import type { DeviceRegistry } from '../devices/index.ts';
import type { FeedHealth } from '../feeds/index.ts';
import type { Heartbeat } from '../protocol/index.ts';
import type { HallNumbers, Queue } from '../queue/index.ts';
import type { SyncHealth } from '../sync/index.ts';
import type { TrustedClock, TrustStore } from '../trust/index.ts';
import { VENUE_DEFAULTS, type Venue } from '../venue/index.ts';

/** Share of the disk quota past which the queue reports `queue_near_quota`. */
const NEAR_QUOTA = 0.9;

export interface HealthSources {
  version: string;
  venue: Readonly<Venue>;
  terminalId(): string | null;
  clock: TrustedClock;
  trust: TrustStore;
  devices: DeviceRegistry;
  queue: Queue;
  /** The uploader's state, or null when no sync service is configured. */
  sync(): SyncHealth | null;
  /** The hall's shared numbers, when the venue numbers tickets by the hall. */
  hallNumbers?: HallNumbers | null;
  /** The venue's data feeds held; default none. */
  feeds?(): FeedHealth[];
  /** A library terminal's ILS is away or loans wait for it (docs/library.md); default never. */
  ilsOffline?(): boolean;
  /** A ticket machine's categories, when it has more than one (the kiosk's buttons). */
  tickets?(): TicketCategories | null;
}

export function healthOf(s: HealthSources): Health {
  const st = s.clock.status();
  const t = s.trust.health(st.now);
  const degraded: Degraded[] = [];
  if (t.sequence === null || !s.trust.index) degraded.push('no_trust_list');
  else if (t.stale) degraded.push('trust_list_stale');
  if (st.untrusted) degraded.push('clock_untrusted');
  const devices = s.devices.all.map((d) => d.health);
  for (const d of devices) if (d.state !== 'connected') degraded.push(`device_${d.id}`);
  const feeds = s.feeds?.() ?? [];
  for (const f of feeds) if (f.stale) degraded.push(`feed_${f.kind}`);
  const q = s.queue.stats();
  if (q.over_quota) degraded.push('queue_over_quota');
  else if (q.bytes > q.max_bytes * NEAR_QUOTA) degraded.push('queue_near_quota');
  const sync = s.sync() ?? { state: 'disabled', last_success_at: null, last_error: null, acked_seq: s.queue.ackedThrough };
  if (sync.state === 'offline' || sync.state === 'backoff' || sync.state === 'unenrolled') degraded.push(`sync_${sync.state}`);
  const hall = s.hallNumbers?.health() ?? null;
  if (hall && Object.entries(hall.held).some(([prefix, n]) => n === 0 && !hall.capped.includes(prefix))) degraded.push('hall_numbers_out');
  else if (hall?.last_error) degraded.push('hall_numbers_low');
  if (s.ilsOffline?.()) degraded.push('ils_offline');
  const tickets = s.tickets?.() ?? null;
  return {
    status: degraded.length ? 'degraded' : 'ok',
    degraded,
    terminal_id: s.terminalId(),
    version: s.version,
    scenario: s.venue.name,
    venue: { name: s.venue.name, kind: s.venue.kind, title: s.venue.title, clear_after_s: s.venue.clear_after_s ?? VENUE_DEFAULTS.clear_after_s, ...(tickets ? { tickets } : {}) },
    devices,
    trust: t,
    feeds,
    queue: q,
    sync,
    clock: { wall: Math.floor(st.wall), trusted: st.now, drift_s: Math.round(st.drift) },
    ...(hall ? { hall_numbers: hall } : {}),
  };
}

/** What a heartbeat tells the service: health without personal data or per-device detail. */
export function heartbeatOf(h: Health): Heartbeat {
  return {
    version: h.version,
    venue: h.venue.name,
    status: h.status,
    degraded: h.degraded,
    queue: h.queue,
    devices: h.devices.map((d) => ({ id: d.id, role: d.role, state: d.state })),
    trust_sequence: h.trust.sequence,
    clock_drift_s: h.clock.drift_s,
    feeds: h.feeds.map((f) => ({ kind: f.kind, version: f.version, age_s: f.age_s })),
    ...(h.config ? { config: h.config } : {}),
  };
}
