// The terminal's configuration file as one JSON Schema: the TypeScript types (types.ts), the
// schema for editors (docs/terminal.schema.json) and the reference in docs/config.md are generated
// from this object by scripts/gen-config-docs.ts, and config-schema.test.ts keeps them in step.
// Unknown keys are refused everywhere, so a misspelt option is an error at start, not a silent
// default. Every property has a description, and a default (filled in at load) or an example.
//
// Adding an option: add the property here with `description`, and `default` (with its unit in
// DEFAULTS) or `examples`; run `npx tsx scripts/gen-config-docs.ts`; read it from the typed config.
// Adding a device kind: add it to DEVICE_SCHEMAS in devices/schema.ts; `$defs.device` lists them all.
// The venue (what the terminal does with a reading) has its own schema: terminal/src/venue.
import { DEVICE_SCHEMAS } from '../devices/index.ts';

/** `x-expected` words a pattern for people: "expected 4 hex digits, got "xyz"". */
const text = (pattern: string, expected: string, description: string, example: string) =>
  ({ type: 'string', pattern, 'x-expected': expected, description, examples: [example] }) as const;

export const DEFAULTS = {
  name: 'terminal',
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
    // The desk's police report states move within this without anyone touching the terminal.
    police_poll_s: 15,
  },
  queue: {
    max_bytes: 512 * 1024 * 1024, // 512 MiB on disk before droppable events are dropped
    retention_s: 7 * 86400, // acknowledged events are pruned after a week
    droppable_types: ['device', 'telemetry'], // what the quota may drop, oldest first; never a registration
  },
  skew_s: 120,
  log_level: 'info',
} as const;

export const DEVICE_KINDS = Object.keys(DEVICE_SCHEMAS) as (keyof typeof DEVICE_SCHEMAS)[];

export const configSchema = {
  $id: 'https://yss-edge.example/schemas/terminal.json',
  title: 'TerminalConfig',
  description: 'The terminal configuration file (`terminal.json`): where its data lives, its loopback API, trust roots, sync service, queue bounds, venue and devices.',
  type: 'object',
  additionalProperties: false,
  required: ['data_dir', 'trust', 'venue'],
  properties: {
    $schema: { type: 'string', description: 'Optional link to this schema, for editors.', examples: ['../docs/terminal.schema.json'] },
    $comment: { type: 'string', description: 'Free text for the installer; ignored.', examples: ['hall 2, kiosk by the lifts'] },
    data_dir: { type: 'string', minLength: 1, description: 'Folder for terminal.db, keys and logs; a relative path is resolved from the config file\'s folder.', examples: ['data'] },
    name: { type: 'string', minLength: 1, maxLength: 64, description: 'The terminal\'s name: sent when enrolling, printed on tickets.', default: DEFAULTS.name },
    log_level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], description: 'Least severe log line written.', default: DEFAULTS.log_level },
    skew_s: { type: 'integer', minimum: 0, maximum: 3600, description: 'Clock difference tolerated when checking a code\'s validity times, seconds.', default: DEFAULTS.skew_s },
    api: {
      type: 'object',
      additionalProperties: false,
      description: 'The loopback API the kiosk page talks to.',
      default: {},
      properties: {
        host: { enum: ['127.0.0.1', '::1', 'localhost'], description: 'Address to listen on; loopback only.', default: DEFAULTS.api.host },
        port: { type: 'integer', minimum: 0, maximum: 65535, description: 'TCP port; 0 lets the system choose (the daemon prints it).', default: DEFAULTS.api.port, examples: [7480] },
        staff_pin: {
          type: 'string',
          pattern: '^(?:[0-9]{4,12})?$',
          'x-expected': '4 to 12 digits',
          description: 'The staff PIN, 4 to 12 digits; empty: the kiosk has no staff sign-in.',
          default: DEFAULTS.api.staff_pin,
          examples: ['482916'],
        },
      },
    },
    trust: {
      type: 'object',
      additionalProperties: false,
      required: ['roots'],
      description: 'Which trust lists the terminal believes (shared/spec/trust-list.md).',
      properties: {
        roots: {
          type: 'array',
          minItems: 1,
          maxItems: 4,
          items: text('^[A-Za-z0-9_-]+:[A-Za-z0-9_-]{43}$', '"<kid>:<43 base64url characters>"', 'A pinned root key.', 'root-2026:Hq5Q0fJ3h2m5cXqOeW9Jx1dB1y8YyYx3JcKQm3H0nQk'),
          description: 'Pinned trust-list roots, `<kid>:<x>` (base64url); two may be pinned during a rotation.',
          examples: [['root-2026:Hq5Q0fJ3h2m5cXqOeW9Jx1dB1y8YyYx3JcKQm3H0nQk']],
        },
        file: {
          type: ['string', 'null'],
          minLength: 1,
          description: 'A trust list to install at start when newer than the installed one (USB-stick delivery); relative to the config file.',
          default: null,
          examples: ['trust-list.jws'],
        },
      },
    },
    sync: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['url', 'seal_key'],
      description: 'The sync service events are uploaded to; null or absent: the terminal keeps its queue and never uploads.',
      default: null,
      examples: [{ url: 'https://sync.example.gd.gov.cn', enrollment_code: 'K7QF2M9DX4RT8WBN3HC6PZAE', seal_key: 'kq3wM0iB3XkR0tF2m5cXqOeW9Jx1dB1y8YyYx3JcKQm' }],
      properties: {
        url: text('^https?://', 'an http:// or https:// URL', 'Base URL of the sync service.', 'https://sync.example.gd.gov.cn'),
        enrollment_code: { type: ['string', 'null'], minLength: 1, description: 'One-time code from the service\'s admin, used once to enroll; remove it afterwards.', default: null, examples: ['K7QF2M9DX4RT8WBN3HC6PZAE'] },
        seal_key: text('^[A-Za-z0-9_-]{43}$', '43 base64url characters', 'The service\'s X25519 key that personal data is sealed to.', 'kq3wM0iB3XkR0tF2m5cXqOeW9Jx1dB1y8YyYx3JcKQm'),
        batch_max_events: { type: 'integer', minimum: 1, maximum: 10_000, description: 'Most events per upload.', default: DEFAULTS.sync.batch_max_events },
        batch_max_bytes: { type: 'integer', minimum: 1024, maximum: 16 * 1024 * 1024, description: 'Largest upload, bytes; halved after a timeout (down to 16 KiB) and grown back on success.', default: DEFAULTS.sync.batch_max_bytes },
        interval_ms: { type: 'integer', minimum: 10, maximum: 600_000, description: 'Idle poll of the queue, ms.', default: DEFAULTS.sync.interval_ms },
        timeout_ms: { type: 'integer', minimum: 100, maximum: 600_000, description: 'Per request, ms.', default: DEFAULTS.sync.timeout_ms },
        backoff_max_ms: { type: 'integer', minimum: 100, maximum: 3_600_000, description: 'Longest wait between retries while the service is unreachable, ms.', default: DEFAULTS.sync.backoff_max_ms },
        trust_poll_s: { type: 'integer', minimum: 1, maximum: 86_400, description: 'How often to fetch a newer trust list, seconds.', default: DEFAULTS.sync.trust_poll_s },
        heartbeat_s: { type: 'integer', minimum: 1, maximum: 86_400, description: 'How often to tell the service the terminal is alive, seconds.', default: DEFAULTS.sync.heartbeat_s },
        police_poll_s: { type: 'integer', minimum: 1, maximum: 3600, description: 'How often a venue with stays reads its guests\' police report states from the service, seconds (also soon after each upload; backing off while the service does not answer).', default: DEFAULTS.sync.police_poll_s },
      },
    },
    queue: {
      type: 'object',
      additionalProperties: false,
      description: 'The durable event queue in terminal.db.',
      default: {},
      properties: {
        max_bytes: { type: 'integer', minimum: 1024 * 1024, description: 'Disk quota, bytes; past it, droppable events lose their content (a tombstone stays), oldest first.', default: DEFAULTS.queue.max_bytes },
        retention_s: { type: 'integer', minimum: 0, description: 'Acknowledged events are pruned after this long, seconds.', default: DEFAULTS.queue.retention_s },
        droppable_types: {
          type: 'array',
          uniqueItems: true,
          items: { enum: ['device', 'telemetry'] },
          description: 'Event types the quota may drop; never a verdict or a registration.',
          default: DEFAULTS.queue.droppable_types,
        },
      },
    },
    venue: {
      anyOf: [{ type: 'string', minLength: 1 }, { type: 'object' }],
      'x-expected': 'a venue file name or a venue object',
      description: 'The venue: a venue file (relative to this config, e.g. one of fixtures/venues/) or a venue object, checked against the venue schema below.',
      examples: ['../fixtures/venues/hotel.json'],
    },
    devices: {
      type: 'array',
      items: { $ref: '#/$defs/device' },
      description: 'The scanners, readers, printers and relays, each by its `kind`. Ids are unique.',
      default: [],
      examples: [[{ id: 'scanner-1', role: 'scanner', kind: 'serial-scanner', path: '/dev/ttyACM0' }]],
    },
  },
  $defs: {
    device: {
      type: 'object',
      required: ['kind'],
      discriminator: { propertyName: 'kind' },
      description: 'One device, by its `kind`.',
      oneOf: DEVICE_KINDS.map((k) => ({ $ref: `#/$defs/${k}` })),
    },
    ...DEVICE_SCHEMAS,
  },
} as const;
