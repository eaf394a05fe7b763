// The fleet at a glance: every terminal as the admin page shows it, and the alerts that need an
// operator, computed from what the service already holds (terminal rows with their last
// heartbeat, the published trust list, the chain resets). Pure: the routes pass the clock.
import type { Heartbeat } from '../../terminal/src/protocol/index.ts';
import type { ConfigRejection } from '../../terminal/src/protocol/index.ts';
import type { ConfigHead, FeedHead, ResetRecord, TerminalRecord, VenueConfigHead, VenueConfigTarget } from './storage/types.ts';

/** When an operator is alerted (config `alerts`; docs/fleet.md). */
export const ALERT_DEFAULTS = {
  /** An active terminal with no heartbeat for this long is silent. */
  silent_after_s: 600,
  /** A terminal whose oldest unsent event is older than this is falling behind. */
  backlog_age_s: 3600,
  /** A terminal still on an older trust list this long after a newer one was published is stale. */
  trust_behind_s: 3600,
} as const;

export type AlertThresholds = { -readonly [K in keyof typeof ALERT_DEFAULTS]: number };

export type AlertKind = 'silent' | 'backlog' | 'trust_stale' | 'sync_error' | 'degraded' | 'reset' | 'config_rejected';

export interface FleetAlert {
  kind: AlertKind;
  terminal_id: string;
  /** What the operator reads: the facts, in a sentence. */
  detail: string;
  /** When the condition began (unix ms), when known. */
  since: number | null;
}

export interface FleetTerminal {
  id: string;
  name: string;
  status: TerminalRecord['status'];
  venue: string | null;
  online: boolean;
  created_at: number;
  last_heartbeat_at: number | null;
  head_seq: number;
  head_at: number | null;
  backlog: number | null;
  oldest_unsent_age_s: number | null;
  trust_sequence: number | null;
  devices: Heartbeat['devices'];
  degraded: string[];
  sync_error: string | null;
  /** Whatever else the terminal reports of itself (feed versions, for one), passed through. */
  feeds: unknown;
  /** The terminal this one replaced with `terminal reset`, as its reset event says. */
  replaces: string | null;
  /** Its newest config push (version, when), the version it runs and the last push it refused (docs/config-push.md). */
  config: { published: number | null; published_at: number | null; applied: number | null; rejected: ConfigRejection | null };
}

export interface FleetOverview {
  now: number;
  trust_list: { sequence: number; published_at: number } | null;
  terminals: FleetTerminal[];
  alerts: FleetAlert[];
  /** The newest version of every venue's every feed. */
  feeds: FeedHead[];
  /** The newest config push of every venue that has one (docs/config-push.md). */
  venue_configs: VenueConfigSummary[];
}

export interface VenueConfigSummary {
  venue: string;
  version: number;
  operator: string;
  published_at: number;
  /** The keys the venue's pushes set (`staff_pin` for a PIN in either form). */
  keys: string[];
  /** Terminal documents that carry this push, those running it (or a newer one), those that refused it. */
  terminals: number;
  applied: number;
  rejected: number;
}

const age = (ms: number) => {
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : s < 172_800 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86_400)} d`;
};

export function fleetOverview(
  records: readonly TerminalRecord[],
  trust: { sequence: number; published_at: number } | null,
  resets: readonly ResetRecord[],
  now: number,
  limits: AlertThresholds = ALERT_DEFAULTS,
  extra: { configs?: readonly ConfigHead[]; feeds?: readonly FeedHead[]; venueConfigs?: readonly (VenueConfigHead & { targets: VenueConfigTarget[] })[] } = {},
): FleetOverview {
  const configs = new Map((extra.configs ?? []).map((c) => [c.terminal_id, c]));
  const alerts: FleetAlert[] = [];
  const byId = new Map(records.map((t) => [t.id, t]));
  const replaced = new Map(resets.map((r) => [r.terminal_id, r]));
  const terminals = records.map((t): FleetTerminal => {
    const hb = t.heartbeat;
    const silentFor = t.last_heartbeat_at == null ? null : now - t.last_heartbeat_at;
    const online = t.status === 'active' && silentFor != null && silentFor <= limits.silent_after_s * 1000;
    if (t.status === 'active') {
      if (silentFor == null) alerts.push({ kind: 'silent', terminal_id: t.id, since: null, detail: `${t.name}: enrolled, but no heartbeat has arrived` });
      else if (!online) alerts.push({ kind: 'silent', terminal_id: t.id, since: t.last_heartbeat_at, detail: `${t.name}: no heartbeat for ${age(silentFor)}` });
      const oldest = hb?.queue.oldest_unsent_age_s;
      if (oldest != null && oldest > limits.backlog_age_s) {
        alerts.push({ kind: 'backlog', terminal_id: t.id, since: t.last_heartbeat_at! - oldest * 1000, detail: `${t.name}: ${hb!.queue.backlog} events unsent, the oldest ${age(oldest * 1000)} old` });
      }
      if (hb && trust && (hb.trust_sequence ?? -1) < trust.sequence && now - trust.published_at > limits.trust_behind_s * 1000) {
        alerts.push({
          kind: 'trust_stale',
          terminal_id: t.id,
          since: trust.published_at,
          detail: `${t.name}: trust list ${hb.trust_sequence ?? 'none'}, ${age(now - trust.published_at)} after ${trust.sequence} was published`,
        });
      }
      if (hb?.sync_error) alerts.push({ kind: 'sync_error', terminal_id: t.id, since: t.last_heartbeat_at, detail: `${t.name}: ${hb.sync_error}` });
      if (hb?.status === 'degraded') alerts.push({ kind: 'degraded', terminal_id: t.id, since: t.last_heartbeat_at, detail: `${t.name}: ${hb.degraded.join(', ')}` });
    }
    const pushed = configs.get(t.id);
    const rejected = hb?.config?.rejected ?? null;
    // The newest push refused: the terminal runs an older config than the operator meant.
    if (t.status === 'active' && pushed && rejected && rejected.version === pushed.version) {
      alerts.push({ kind: 'config_rejected', terminal_id: t.id, since: rejected.at, detail: `${t.name}: config ${rejected.version} not applied: ${rejected.reason}` });
    }
    const reset = replaced.get(t.id);
    // A reset needs the operator while the terminal it replaced can still upload: revoke it.
    if (reset?.replaces && byId.get(reset.replaces)?.status === 'active') {
      alerts.push({
        kind: 'reset',
        terminal_id: t.id,
        since: reset.at,
        detail: `${t.name} started a new chain and says it replaces ${reset.replaces}${reset.reason ? ` (${reset.reason})` : ''}; if so, revoke ${reset.replaces}`,
      });
    }
    return {
      id: t.id,
      name: t.name,
      status: t.status,
      venue: hb?.venue ?? null,
      online,
      created_at: t.created_at,
      last_heartbeat_at: t.last_heartbeat_at,
      head_seq: t.head_seq,
      head_at: t.head_at,
      backlog: hb?.queue.backlog ?? null,
      oldest_unsent_age_s: hb?.queue.oldest_unsent_age_s ?? null,
      trust_sequence: hb?.trust_sequence ?? null,
      devices: hb?.devices ?? [],
      degraded: hb?.degraded ?? [],
      sync_error: hb?.sync_error ?? null,
      feeds: (hb as (Heartbeat & { feeds?: unknown }) | null)?.feeds ?? null,
      replaces: reset?.replaces ?? null,
      config: { published: pushed?.version ?? null, published_at: pushed?.published_at ?? null, applied: hb?.config?.version ?? null, rejected },
    };
  });
  const venue_configs = (extra.venueConfigs ?? []).map((v): VenueConfigSummary => {
    const states = v.targets.map((x) => byId.get(x.terminal_id)?.heartbeat?.config ?? null);
    return {
      venue: v.venue,
      version: v.version,
      operator: v.operator,
      published_at: v.published_at,
      keys: [...new Set(Object.keys(JSON.parse(v.config) as object).map((k) => (k === 'staff_pin_hash' ? 'staff_pin' : k)))].sort(),
      terminals: v.targets.length,
      applied: v.targets.filter((x, i) => (states[i]?.version ?? 0) >= x.terminal_version).length,
      rejected: v.targets.filter((x, i) => states[i]?.rejected?.version === x.terminal_version).length,
    };
  });
  return { now, trust_list: trust, terminals, alerts, feeds: [...(extra.feeds ?? [])], venue_configs };
}
