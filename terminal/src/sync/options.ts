// The uploader's options, and their mapping from the config's units.

export interface SyncOptions {
  url: string;
  enrollmentCode: string | null;
  batchMaxEvents: number;
  batchMaxBytes: number;
  intervalMs: number;
  timeoutMs: number;
  backoffMaxMs: number;
  trustPollMs: number;
  heartbeatMs: number;
  /** How often the guests' police report states are read, ms (a venue with stays). */
  policePollMs: number;
  name: string;
  dataDir: string;
  /** Quiet after the last commit before its events go up, ms (default 50; not in the config file). */
  uploadQuietMs?: number;
  /** Longest a committed event waits for that quiet, ms (default 1000; not in the config file). */
  uploadMaxWaitMs?: number;
  /** Uploads in flight while a backlog drains, 1 or 2 (default 2; not in the config file: 1 is for comparing). */
  uploadsInFlight?: 1 | 2;
}

/** The sync section of the terminal config, with defaults applied (config/schema.ts). */
export interface SyncConfig {
  url: string;
  enrollment_code: string | null;
  batch_max_events: number;
  batch_max_bytes: number;
  interval_ms: number;
  timeout_ms: number;
  backoff_max_ms: number;
  trust_poll_s: number;
  heartbeat_s: number;
  police_poll_s: number;
}

/** SyncOptions from the config's units (seconds become milliseconds). */
export function syncOptions(s: SyncConfig, name: string, dataDir: string): SyncOptions {
  return {
    url: s.url,
    enrollmentCode: s.enrollment_code,
    batchMaxEvents: s.batch_max_events,
    batchMaxBytes: s.batch_max_bytes,
    intervalMs: s.interval_ms,
    timeoutMs: s.timeout_ms,
    backoffMaxMs: s.backoff_max_ms,
    trustPollMs: s.trust_poll_s * 1000,
    heartbeatMs: s.heartbeat_s * 1000,
    policePollMs: s.police_poll_s * 1000,
    name,
    dataDir,
  };
}
