// The terminal's configuration file, as a JSON schema with its defaults and units. Unknown keys
// are rejected so that a misspelt option is an error at start, not a silent default.
export const DEFAULTS = {
  // No staff PIN by default: a terminal without one has no staff sign-in (docs/security.md).
  api: { host: '127.0.0.1', port: 0, staff_pin: '' },
  sync: {
    batch_max_events: 2000,
    // 1 MiB; the uploader halves a batch after a timeout (down to 16 KiB) and grows it back on
    // success, so a slow uplink still gets through within timeout_ms.
    batch_max_bytes: 1024 * 1024,
    interval_ms: 1000, // idle poll of the queue
    timeout_ms: 10_000, // per request
    backoff_max_ms: 300_000, // 5 min, like Greengrass' "up to five minutes"
    trust_poll_s: 300,
    heartbeat_s: 60,
  },
  queue: {
    max_bytes: 512 * 1024 * 1024, // 512 MiB on disk before droppable events are dropped
    retention_s: 7 * 86400, // acknowledged events are pruned after a week
    droppable_types: ['device', 'telemetry'], // what the quota may drop, oldest first; never a registration
  },
  skew_s: 120,
  log_level: 'info',
} as const;

const str = { type: 'string', minLength: 1 } as const;

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['data_dir', 'trust', 'venue'],
  properties: {
    $comment: { type: 'string' },
    /** Folder for terminal.db, keys and logs; relative paths are resolved from the config file. */
    data_dir: str,
    name: str,
    log_level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    skew_s: { type: 'integer', minimum: 0, maximum: 3600 },
    api: {
      type: 'object',
      additionalProperties: false,
      properties: {
        host: { enum: ['127.0.0.1', '::1', 'localhost'] },
        port: { type: 'integer', minimum: 0, maximum: 65535 },
        /** 4 to 12 digits; without it the kiosk has no staff sign-in. */
        staff_pin: { type: 'string', pattern: '^[0-9]{4,12}$' },
      },
    },
    trust: {
      type: 'object',
      additionalProperties: false,
      required: ['roots'],
      properties: {
        /** Pinned trust-list roots, `<kid>:<x>` (base64url). Two may be pinned during a rotation. */
        roots: { type: 'array', minItems: 1, maxItems: 4, items: { type: 'string', pattern: '^[A-Za-z0-9_-]+:[A-Za-z0-9_-]{43}$' } },
        /** A trust list to install at start if newer than the installed one (USB-stick delivery). */
        file: str,
      },
    },
    sync: {
      type: 'object',
      additionalProperties: false,
      required: ['url', 'seal_key'],
      properties: {
        url: { type: 'string', pattern: '^https?://' },
        enrollment_code: str,
        /** The service's X25519 key (base64url) that personal data is sealed to. */
        seal_key: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
        batch_max_events: { type: 'integer', minimum: 1, maximum: 10_000 },
        batch_max_bytes: { type: 'integer', minimum: 1024, maximum: 16 * 1024 * 1024 },
        interval_ms: { type: 'integer', minimum: 10, maximum: 600_000 },
        timeout_ms: { type: 'integer', minimum: 100, maximum: 600_000 },
        backoff_max_ms: { type: 'integer', minimum: 100, maximum: 3_600_000 },
        trust_poll_s: { type: 'integer', minimum: 1, maximum: 86_400 },
        heartbeat_s: { type: 'integer', minimum: 1, maximum: 86_400 },
      },
    },
    queue: {
      type: 'object',
      additionalProperties: false,
      properties: {
        max_bytes: { type: 'integer', minimum: 1024 * 1024 },
        retention_s: { type: 'integer', minimum: 0 },
        /** Event types whose content may be dropped (keeping a tombstone) when max_bytes is reached. */
        droppable_types: { type: 'array', uniqueItems: true, items: { enum: ['device', 'telemetry'] } },
      },
    },
    /** The venue: a venue file (relative to this config) or a venue object; docs/config.md. */
    venue: { anyOf: [str, { type: 'object' }] },
    devices: { type: 'array', items: { type: 'object' } },
  },
} as const;
