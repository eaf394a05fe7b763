// JSON schemas for every route's input and output. fastify validates requests with them and
// serializes replies with them, so a reply can never carry a field the schema does not name.
import type { FromSchema } from 'json-schema-to-ts';

export const errorReply = {
  type: 'object',
  required: ['error', 'message'],
  properties: { error: { type: 'string' }, message: { type: 'string' } },
} as const;

/** Every route answers errors in this shape. */
export const errorReplies = { '4xx': errorReply, '5xx': errorReply } as const;

const hex64 = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;
const b64url = { type: 'string', pattern: '^[A-Za-z0-9_-]*$', maxLength: 64 } as const;
/** Ciphertext is opaque here (only the service's key opens it); a regex over it would cost per byte. */
const ciphertext = { type: 'string', minLength: 16, maxLength: 1_000_000 } as const;

const sealed = {
  anyOf: [
    { type: 'null' },
    {
      type: 'object',
      required: ['epk', 'n', 'c'],
      additionalProperties: false,
      properties: { epk: { ...b64url, maxLength: 43, minLength: 43 }, n: { ...b64url, maxLength: 32, minLength: 32 }, c: ciphertext },
    },
  ],
} as const;

/**
 * Event times: unix ms from 1970 to the end of year 9999, what a Date can show. Not tighter: `at`
 * is inside the hash chain, so a terminal whose clock was wrong (a reset RTC) would otherwise
 * have events refused forever; `trusted_at` is the time the service reasons on.
 */
export const MAX_EVENT_TIME = 253_402_300_799_999;
const eventTime = { type: 'integer', minimum: 0, maximum: MAX_EVENT_TIME } as const;

export const wireEvent = {
  type: 'object',
  required: ['seq', 'type', 'at', 'trusted_at', 'scenario', 'droppable', 'body', 'sealed', 'prev_hash', 'hash'],
  additionalProperties: false,
  properties: {
    seq: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
    type: { type: 'string', minLength: 1, maxLength: 64 },
    at: eventTime,
    trusted_at: eventTime,
    scenario: { type: 'string', maxLength: 64 },
    droppable: { type: 'boolean' },
    body: { type: 'object', additionalProperties: true },
    sealed,
    prev_hash: hex64,
    hash: hex64,
    tombstone: hex64,
  },
} as const;

export const uploadBody = {
  type: 'object',
  required: ['events'],
  additionalProperties: false,
  properties: { events: { type: 'array', minItems: 1, maxItems: 10_000, items: wireEvent } },
} as const;

export const uploadReply = {
  type: 'object',
  required: ['acked_through', 'gap', 'server_time'],
  properties: {
    acked_through: { type: 'integer' },
    gap: {
      anyOf: [{ type: 'null' }, { type: 'object', required: ['expected', 'got'], properties: { expected: { type: 'integer' }, got: { type: 'integer' } } }],
    },
    server_time: { type: 'integer' },
  },
} as const;

const nullableInt = { type: ['integer', 'null'] } as const;

export const heartbeat = {
  type: 'object',
  required: ['version', 'status', 'degraded', 'queue', 'devices', 'trust_sequence', 'clock_drift_s'],
  // A newer terminal may report more than this service knows; what it knows must be right.
  additionalProperties: true,
  properties: {
    version: { type: 'string', maxLength: 64 },
    venue: { type: 'string', maxLength: 64 },
    status: { enum: ['ok', 'degraded'] },
    degraded: { type: 'array', maxItems: 64, items: { type: 'string', maxLength: 128 } },
    queue: {
      type: 'object',
      required: ['backlog', 'oldest_unsent_age_s', 'last_seq', 'bytes', 'max_bytes', 'dropped_total'],
      additionalProperties: true,
      properties: {
        backlog: { type: 'integer', minimum: 0 },
        oldest_unsent_age_s: nullableInt,
        last_seq: { type: 'integer', minimum: 0 },
        bytes: { type: 'integer', minimum: 0 },
        max_bytes: { type: 'integer', minimum: 0 },
        dropped_total: { type: 'integer', minimum: 0 },
        over_quota: { type: 'boolean' },
      },
    },
    sync_error: { type: ['string', 'null'], maxLength: 1024 },
    devices: {
      type: 'array',
      maxItems: 64,
      items: {
        type: 'object',
        required: ['id', 'role', 'state'],
        additionalProperties: false,
        properties: { id: { type: 'string', maxLength: 64 }, role: { type: 'string', maxLength: 32 }, state: { type: 'string', maxLength: 32 } },
      },
    },
    trust_sequence: nullableInt,
    clock_drift_s: { type: 'integer' },
    // The pushed config the terminal runs (null: its own file only) and the last push it refused (docs/config-push.md).
    config: {
      type: 'object',
      required: ['version', 'rejected'],
      additionalProperties: false,
      properties: {
        version: nullableInt,
        rejected: {
          anyOf: [
            { type: 'null' },
            {
              type: 'object',
              required: ['version', 'reason', 'at'],
              additionalProperties: false,
              properties: { version: { type: 'integer', minimum: 1 }, reason: { type: 'string', maxLength: 2048 }, at: { type: 'integer' } },
            },
          ],
        },
      },
    },
    feeds: {
      type: 'array',
      maxItems: 16,
      items: {
        type: 'object',
        required: ['kind', 'version', 'age_s'],
        additionalProperties: false,
        properties: { kind: { type: 'string', maxLength: 32 }, version: nullableInt, age_s: nullableInt },
      },
    },
    slots: {
      type: 'array',
      maxItems: 64,
      items: {
        type: 'object',
        required: ['day', 'slot', 'capacity', 'slack', 'admitted', 'keep'],
        additionalProperties: false,
        properties: {
          day: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
          slot: { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d-(([01]\\d|2[0-3]):[0-5]\\d|24:00)$' },
          capacity: { type: 'integer', minimum: 1, maximum: 100_000 },
          slack: { type: 'integer', minimum: 0, maximum: 10_000 },
          admitted: { type: 'integer', minimum: 0, maximum: 1_000_000 },
          keep: { type: 'integer', minimum: 0, maximum: 1_000_000 },
        },
      },
    },
  },
} as const;

export const serverTime = { type: 'object', required: ['server_time'], properties: { server_time: { type: 'integer' } } } as const;

/** The server's time and, for a heartbeat that reported slots, this terminal's share of each (docs/feeds.md#capacity-shares). */
export const heartbeatReply = {
  type: 'object',
  required: ['server_time'],
  properties: {
    server_time: { type: 'integer' },
    shares: {
      type: 'array',
      items: {
        type: 'object',
        required: ['day', 'slot', 'share', 'slack'],
        properties: { day: { type: 'string' }, slot: { type: 'string' }, share: { type: 'integer' }, slack: { type: 'integer' } },
      },
    },
  },
} as const;

export const info = {
  type: 'object',
  required: ['seal_key', 'server_time'],
  properties: { seal_key: { type: 'string' }, server_time: { type: 'integer' } },
} as const;

export const enrollBody = {
  type: 'object',
  required: ['enrollment_code', 'public_key'],
  additionalProperties: false,
  properties: {
    enrollment_code: { type: 'string', minLength: 8, maxLength: 128 },
    public_key: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
    name: { type: 'string', maxLength: 128 },
  },
} as const;

export const enrollReply = {
  type: 'object',
  required: ['terminal_id', 'config_key', 'server_time'],
  // config_key: the public half of the key that signs config pushes, which the terminal pins (docs/config-push.md).
  properties: { terminal_id: { type: 'string' }, config_key: { type: 'string' }, server_time: { type: 'integer' } },
} as const;

/** A config push as an operator sends it; checked further in app.ts (docs/config-push.md). */
export const configPushBody = { type: 'object' } as const;

export const configPushReply = {
  type: 'object',
  required: ['terminal_id', 'version', 'published_at'],
  properties: { terminal_id: { type: 'string' }, version: { type: 'integer' }, published_at: { type: 'integer' } },
} as const;

const configRejected = {
  anyOf: [{ type: 'null' }, { type: 'object', required: ['version', 'reason', 'at'], properties: { version: { type: 'integer' }, reason: { type: 'string' }, at: { type: 'integer' } } }],
} as const;

/** A terminal's config as the service pushed it and as the terminal reports it. */
export const terminalConfigReply = {
  type: 'object',
  required: ['terminal_id', 'published', 'applied', 'rejected'],
  properties: {
    terminal_id: { type: 'string' },
    published: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['version', 'operator', 'published_at', 'config'],
          // The staff PIN is never sent back: `config.staff_pin` says only whether the push sets one.
          properties: { version: { type: 'integer' }, operator: { type: 'string' }, published_at: { type: 'integer' }, config: { type: 'object', additionalProperties: true } },
        },
      ],
    },
    applied: nullableInt,
    rejected: configRejected,
  },
} as const;

/** A push to a venue: its version and each terminal's own version of it. */
export const venueConfigPushReply = {
  type: 'object',
  required: ['venue', 'version', 'published_at', 'terminals'],
  properties: {
    venue: { type: 'string' },
    version: { type: 'integer' },
    published_at: { type: 'integer' },
    terminals: { type: 'array', items: { type: 'object', required: ['terminal_id', 'version'], properties: { terminal_id: { type: 'string' }, version: { type: 'integer' } } } },
  },
} as const;

/** A venue's newest push and where each terminal it reached stands. */
export const venueConfigReply = {
  type: 'object',
  required: ['venue', 'published', 'terminals'],
  properties: {
    venue: { type: 'string' },
    published: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['version', 'operator', 'published_at', 'config'],
          // As for a terminal: `config.staff_pin` is `set`, `none` or null, never digits or hash.
          properties: { version: { type: 'integer' }, operator: { type: 'string' }, published_at: { type: 'integer' }, config: { type: 'object', additionalProperties: true } },
        },
      ],
    },
    terminals: {
      type: 'array',
      items: {
        type: 'object',
        required: ['terminal_id', 'version', 'applied', 'rejected'],
        properties: { terminal_id: { type: 'string' }, version: { type: 'integer' }, applied: nullableInt, rejected: configRejected },
      },
    },
  },
} as const;

/** A venue's name, as in its venue file (`name`). */
export const venueName = { type: 'string', pattern: '^[a-z][a-z0-9-]{0,39}$' } as const;

export const createTerminalBody = {
  anyOf: [{ type: 'null' }, { type: 'object', additionalProperties: false, properties: { name: { type: 'string', minLength: 1, maxLength: 128 }, venue: venueName } }],
} as const;

export const venueParams = { type: 'object', required: ['venue'], properties: { venue: venueName } } as const;
export const feedParams = { type: 'object', required: ['venue', 'kind'], properties: { venue: venueName, kind: { enum: ['access', 'bookings', 'roster', 'appointments', 'patrons'] } } } as const;
export const feedKindParams = { type: 'object', required: ['kind'], properties: { kind: { enum: ['access', 'bookings', 'roster', 'appointments', 'patrons'] } } } as const;
export const terminalVenueBody = { type: 'object', required: ['venue'], additionalProperties: false, properties: { venue: venueName } } as const;
export const terminalVenueReply = { type: 'object', required: ['terminal_id', 'venue'], properties: { terminal_id: { type: 'string' }, venue: { type: 'string' } } } as const;

const feedHead = {
  type: 'object',
  required: ['venue', 'kind', 'version', 'rows', 'published_at'],
  properties: { venue: { type: 'string' }, kind: { type: 'string' }, version: { type: 'integer' }, rows: { type: 'integer' }, published_at: { type: 'integer' } },
} as const;
export const feedPublished = feedHead;
export const venueFeedsReply = {
  type: 'object',
  required: ['venue', 'salt', 'feeds'],
  properties: { venue: { type: 'string' }, salt: { type: 'string' }, feeds: { type: 'array', items: feedHead } },
} as const;
/** `since`: the version the terminal holds, so the service can send a delta from it. */
export const feedQuery = { type: 'object', additionalProperties: false, properties: { since: { type: 'string', pattern: '^(?:0|[1-9][0-9]{0,14})$' } } } as const;
/** A feed snapshot or delta is sent as the JSON text it was built as (the stored rows are not parsed again). */
export const feedSnapshot = { type: 'string' } as const;

export const createTerminalReply = {
  type: 'object',
  required: ['terminal_id', 'enrollment_code', 'seal_key'],
  properties: { terminal_id: { type: 'string' }, enrollment_code: { type: 'string' }, seal_key: { type: 'string' } },
} as const;

const heartbeatOut = { type: ['object', 'null'], additionalProperties: true } as const;

/** One terminal as operators see it: enrollment, last heartbeat, and how far behind it is. */
export const terminalStatus = {
  type: 'object',
  required: ['id', 'name', 'status', 'head_seq', 'head_at', 'last_heartbeat_at', 'heartbeat_age_s', 'backlog', 'lag_events', 'lag_s', 'dropped_total', 'heartbeat'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    status: { enum: ['pending', 'active', 'revoked'] },
    head_seq: { type: 'integer' },
    head_at: nullableInt,
    last_heartbeat_at: nullableInt,
    heartbeat_age_s: nullableInt,
    backlog: nullableInt,
    lag_events: nullableInt,
    lag_s: nullableInt,
    dropped_total: nullableInt,
    heartbeat: heartbeatOut,
  },
} as const;

export const terminalList = { type: 'object', required: ['terminals'], properties: { terminals: { type: 'array', items: terminalStatus } } } as const;

export const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 64 } } } as const;

export const revokeReply = { type: 'object', required: ['terminal_id', 'status'], properties: { terminal_id: { type: 'string' }, status: { const: 'revoked' } } } as const;

export const eventsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    // Query strings are text; bodies are never coerced, so these stay strings too.
    after: { type: 'string', pattern: '^[0-9]{1,15}$' },
    limit: { type: 'string', pattern: '^[0-9]{1,5}$' },
    open: { enum: ['0', '1'] },
    /** Why personal data is opened: required with open=1, recorded in the unseal audit. */
    purpose: { type: 'string', maxLength: 500 },
  },
} as const;

export const eventsReply = {
  type: 'object',
  required: ['events'],
  properties: {
    events: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          ...wireEvent.properties,
          terminal_id: { type: 'string' },
          received_at: { type: 'integer' },
          // The content hash as uploaded, once the service removed a past day's hall person tokens from the body (docs/hall.md).
          redacted: hex64,
          sealed: { type: ['object', 'null'], additionalProperties: true },
          personal: { type: 'object', additionalProperties: true },
          seal_error: errorReply,
        },
      },
    },
  },
} as const;

export const trustListBody = { type: 'string', minLength: 1, maxLength: 4 * 1024 * 1024 } as const;
export const trustListPublished = { type: 'object', required: ['sequence'], properties: { sequence: { type: 'integer' } } } as const;
export const textReply = { type: 'string' } as const;

// The fleet page's reads (sync-service/admin; docs/fleet.md).
export const operatorMe = {
  type: 'object',
  required: ['name', 'roles'],
  properties: { name: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } } },
} as const;

const fleetTerminal = {
  type: 'object',
  required: ['id', 'name', 'status', 'venue', 'online', 'created_at', 'last_heartbeat_at', 'head_seq', 'head_at', 'backlog', 'oldest_unsent_age_s', 'trust_sequence', 'devices', 'degraded', 'sync_error', 'feeds', 'replaces', 'config'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    status: { type: 'string' },
    venue: { type: ['string', 'null'] },
    online: { type: 'boolean' },
    created_at: { type: 'integer' },
    last_heartbeat_at: nullableInt,
    head_seq: { type: 'integer' },
    head_at: nullableInt,
    backlog: nullableInt,
    oldest_unsent_age_s: nullableInt,
    trust_sequence: nullableInt,
    devices: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, role: { type: 'string' }, state: { type: 'string' } } } },
    degraded: { type: 'array', items: { type: 'string' } },
    sync_error: { type: ['string', 'null'] },
    // Whatever a terminal reports of its feeds, passed through as it came.
    feeds: {},
    replaces: { type: ['string', 'null'] },
    config: {
      type: 'object',
      required: ['published', 'published_at', 'applied', 'rejected'],
      properties: { published: nullableInt, published_at: nullableInt, applied: nullableInt, rejected: configRejected },
    },
  },
} as const;

export const fleetOverview = {
  type: 'object',
  required: ['now', 'trust_list', 'terminals', 'alerts', 'feeds', 'venue_configs'],
  properties: {
    now: { type: 'integer' },
    // The newest config push of every venue that has one, and how far its terminals are.
    venue_configs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['venue', 'version', 'operator', 'published_at', 'keys', 'terminals', 'applied', 'rejected'],
        properties: {
          venue: { type: 'string' },
          version: { type: 'integer' },
          operator: { type: 'string' },
          published_at: { type: 'integer' },
          keys: { type: 'array', items: { type: 'string' } },
          terminals: { type: 'integer' },
          applied: { type: 'integer' },
          rejected: { type: 'integer' },
        },
      },
    },
    // The newest version of every venue's every feed.
    feeds: { type: 'array', items: feedHead },
    trust_list: { anyOf: [{ type: 'null' }, { type: 'object', required: ['sequence', 'published_at'], properties: { sequence: { type: 'integer' }, published_at: { type: 'integer' } } }] },
    terminals: { type: 'array', items: fleetTerminal },
    alerts: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kind', 'terminal_id', 'detail', 'since'],
        properties: { kind: { type: 'string' }, terminal_id: { type: 'string' }, detail: { type: 'string' }, since: nullableInt },
      },
    },
  },
} as const;

export const activityQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { hours: { type: 'string', pattern: '^(?:[1-9]|[1-9][0-9]|1[0-5][0-9]|16[0-8])$' } },
} as const;

export const activityReply = {
  type: 'object',
  required: ['since', 'hour_ms', 'hours'],
  properties: {
    since: { type: 'integer' },
    hour_ms: { type: 'integer' },
    hours: { type: 'array', items: { type: 'object', required: ['venue', 'hour', 'count'], properties: { venue: { type: 'string' }, hour: { type: 'integer' }, count: { type: 'integer' } } } },
  },
} as const;

export const auditQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'string', pattern: '^(?:[1-9][0-9]{0,2}|1000)$' } },
} as const;

export const auditReply = {
  type: 'object',
  required: ['chains', 'records'],
  properties: {
    chains: {
      type: 'array',
      items: { type: 'object', required: ['file', 'ok', 'records'], properties: { file: { type: 'string' }, ok: { type: 'boolean' }, records: { type: 'integer' }, broken_at: { type: 'integer' } } },
    },
    records: {
      type: 'array',
      items: {
        type: 'object',
        required: ['at', 'operator', 'address', 'terminal_id', 'seqs', 'unopened', 'purpose', 'file'],
        properties: {
          at: { type: 'integer' },
          operator: { type: 'string' },
          address: { type: 'string' },
          terminal_id: { type: 'string' },
          seqs: { type: 'array', items: { type: 'integer' } },
          unopened: { type: 'array', items: { type: 'integer' } },
          purpose: { type: 'string' },
          file: { type: 'string' },
        },
      },
    },
  },
} as const;

/** A ticket machine asks the hall's allocator for its next block of queue numbers (docs/hall.md). */
export const numbersBody = {
  type: 'object',
  required: ['hall', 'category', 'day', 'count'],
  additionalProperties: false,
  properties: {
    hall: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,39}$' },
    category: { type: 'string', pattern: '^[A-Z]{1,3}$' },
    day: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' },
    count: { type: 'integer', minimum: 1, maximum: 500 },
  },
} as const;

export const numbersReply = {
  type: 'object',
  required: ['first', 'last', 'server_time'],
  properties: { first: { type: 'integer' }, last: { type: 'integer' }, server_time: { type: 'integer' } },
} as const;

// The hall's calling side (hall-routes.ts, docs/hall.md).
const hallName = { type: 'string', pattern: '^[a-z][a-z0-9-]{0,39}$' } as const;
const category = { type: 'string', pattern: '^[A-Z]{1,3}$' } as const;
const ticketNumber = { type: 'string' } as const;

export const hallParams = { type: 'object', required: ['hall'], properties: { hall: hallName } } as const;

export const hallStepBody = {
  type: 'object',
  required: ['kind', 'window'],
  additionalProperties: false,
  properties: {
    kind: { enum: ['call', 'recall', 'miss', 'pause', 'transfer', 'complete', 'evaluate', 'requeue', 'mark'] },
    window: { type: 'integer', minimum: 1, maximum: 999 },
    number: { type: 'string', pattern: '^[A-Z]{1,3}[0-9]{1,6}$' },
    categories: { type: 'array', maxItems: 26, uniqueItems: true, items: category },
    to: category,
    rating: { type: 'integer', minimum: 1, maximum: 5 },
    // A `mark`: the clerk's priority label for the waiting `number`, a short word without controls or markup.
    label: { type: 'string', minLength: 1, maxLength: 8, pattern: '^[^\\u0000-\\u001f<>&"\']+$' },
  },
} as const;

const hallCategory = {
  type: 'object',
  required: ['category', 'waiting', 'service_minutes', 'learned_from', 'open_windows', 'eta_minutes'],
  properties: {
    category: { type: 'string' },
    waiting: { type: 'integer' },
    service_minutes: { type: 'number' },
    learned_from: { type: 'integer' },
    open_windows: { type: 'integer' },
    eta_minutes: { type: 'number' },
  },
} as const;

export const hallState = {
  type: 'object',
  required: ['hall', 'day', 'seq', 'server_time', 'categories', 'windows', 'waiting', 'totals'],
  properties: {
    hall: { type: 'string' },
    day: { type: 'string' },
    seq: { type: 'integer' },
    server_time: { type: 'integer' },
    labels: { type: ['array', 'null'], items: { type: 'string' } },
    categories: { type: 'array', items: hallCategory },
    windows: {
      type: 'array',
      items: {
        type: 'object',
        required: ['window', 'clerk', 'paused', 'categories', 'current', 'last_done'],
        properties: {
          window: { type: 'integer' },
          clerk: { type: 'string' },
          paused: { type: 'boolean' },
          categories: { type: 'array', items: { type: 'string' } },
          current: {
            type: ['object', 'null'],
            required: ['number', 'category', 'priority', 'calls', 'called_at'],
            properties: { number: ticketNumber, category: { type: 'string' }, priority: { type: ['string', 'null'] }, calls: { type: 'integer' }, called_at: { type: 'integer' } },
          },
          last_done: { type: ['object', 'null'], required: ['number', 'rated'], properties: { number: ticketNumber, rated: { type: 'boolean' } } },
        },
      },
    },
    waiting: {
      type: 'array',
      items: {
        type: 'object',
        required: ['number', 'category', 'priority', 'marked', 'taken_at', 'transferred_from', 'eta_minutes'],
        properties: {
          number: ticketNumber,
          category: { type: 'string' },
          priority: { type: ['string', 'null'] },
          marked: { type: ['string', 'null'] },
          taken_at: { type: 'integer' },
          transferred_from: { type: ['string', 'null'] },
          placement: { type: ['string', 'null'] },
          duplicate_of: { type: ['object', 'null'], required: ['number', 'rule'], properties: { number: ticketNumber, rule: { type: 'string' } } },
          eta_minutes: { type: 'number' },
        },
      },
    },
    missed: {
      type: 'array',
      items: { type: 'object', required: ['number', 'category', 'appointment'], properties: { number: ticketNumber, category: { type: 'string' }, appointment: { type: 'boolean' } } },
    },
    totals: {
      type: 'object',
      required: ['taken', 'waiting', 'called', 'done', 'missed'],
      properties: { taken: { type: 'integer' }, waiting: { type: 'integer' }, called: { type: 'integer' }, done: { type: 'integer' }, missed: { type: 'integer' } },
    },
  },
} as const;

export const hallStepReply = {
  type: 'object',
  required: ['seq', 'step', 'state'],
  properties: {
    seq: { type: 'integer' },
    step: {
      type: 'object',
      required: ['kind', 'window'],
      properties: { kind: { type: 'string' }, window: { type: 'integer' }, number: ticketNumber, to: { type: 'string' }, rating: { type: 'integer' }, label: { type: 'string' } },
    },
    state: hallState,
  },
} as const;

export const hallDisplay = {
  type: 'object',
  required: ['hall', 'day', 'seq', 'server_time', 'calls', 'categories'],
  properties: {
    hall: { type: 'string' },
    day: { type: 'string' },
    seq: { type: 'integer' },
    server_time: { type: 'integer' },
    calls: {
      type: 'array',
      items: {
        type: 'object',
        required: ['seq', 'at', 'number', 'window', 'recall'],
        properties: { seq: { type: 'integer' }, at: { type: 'integer' }, number: ticketNumber, window: { type: 'integer' }, recall: { type: 'boolean' } },
      },
    },
    categories: {
      type: 'array',
      items: { type: 'object', required: ['category', 'waiting', 'eta_minutes'], properties: { category: { type: 'string' }, waiting: { type: 'integer' }, eta_minutes: { type: 'number' } } },
    },
  },
} as const;

export const hallQuery = { type: 'object', required: ['hall'], additionalProperties: false, properties: { hall: hallName } } as const;

export const queueWaiting = {
  type: 'object',
  required: ['hall', 'day', 'server_time', 'categories'],
  properties: {
    hall: { type: 'string' },
    day: { type: 'string' },
    server_time: { type: 'integer' },
    categories: {
      type: 'array',
      items: {
        type: 'object',
        required: ['category', 'waiting', 'minutes_per_person', 'finished'],
        properties: {
          category: { type: 'string' },
          waiting: { type: 'integer' },
          minutes_per_person: { type: 'number' },
          first: { type: 'integer' },
          finished: { type: 'array', items: { type: 'string' } },
          active: { type: 'array', items: { type: 'object', required: ['person', 'number'], properties: { person: { type: 'string' }, number: ticketNumber } } },
          signed_in: {
            type: 'array',
            items: { type: 'object', required: ['person', 'number', 'at'], properties: { person: { type: 'string' }, number: ticketNumber, at: { type: 'integer' } } },
          },
        },
      },
    },
  },
} as const;

const policeState = { enum: ['pending', 'sent', 'accepted', 'rejected'] } as const;

/** A guest record's police report as a terminal reads it (docs/police.md). */
const policeStateOut = {
  type: 'object',
  required: ['seq', 'kind', 'stay_id', 'guest_id', 'state', 'reason', 'attempts', 'deadline_at', 'alert_at', 'corrects', 'superseded_by', 'updated_at'],
  properties: {
    seq: { type: 'integer' },
    kind: { enum: ['check_in', 'check_out'] },
    stay_id: { type: 'integer' },
    guest_id: { type: 'integer' },
    state: policeState,
    reason: { type: ['string', 'null'] },
    attempts: { type: 'integer' },
    deadline_at: { type: 'integer' },
    alert_at: { type: 'integer' },
    corrects: nullableInt,
    superseded_by: nullableInt,
    updated_at: { type: 'integer' },
  },
} as const;

export const policeStatesReply = {
  type: 'object',
  required: ['server_time', 'reports'],
  properties: { server_time: { type: 'integer' }, reports: { type: 'array', items: policeStateOut } },
} as const;

export const policeOverdueQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { venue: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' } },
} as const;

export const policeOverdueReply = {
  type: 'object',
  required: ['now', 'due_soon', 'overdue', 'reports'],
  properties: {
    now: { type: 'integer' },
    due_soon: { type: 'integer' },
    overdue: { type: 'integer' },
    reports: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'terminal_id', 'venue', 'alert', ...policeStateOut.required],
        properties: { id: { type: 'string' }, terminal_id: { type: 'string' }, venue: { type: 'string' }, alert: { enum: ['due_soon', 'overdue'] }, ...policeStateOut.properties },
      },
    },
  },
} as const;

export const policeHistoryReply = {
  type: 'object',
  required: ['id', 'history'],
  properties: {
    id: { type: 'string' },
    history: { type: 'array', items: { type: 'object', required: ['at', 'state', 'reason'], properties: { at: { type: 'integer' }, state: policeState, reason: { type: ['string', 'null'] } } } },
  },
} as const;

export const policeReportParams = {
  type: 'object',
  required: ['id', 'seq'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 }, seq: { type: 'string', pattern: '^[1-9][0-9]{0,15}$' } },
} as const;

// Replies the service's pages read, typed from their schemas (the fleet page imports these types only).
export type OperatorMeReply = FromSchema<typeof operatorMe>;
export type ActivityReply = FromSchema<typeof activityReply>;
export type AuditReply = FromSchema<typeof auditReply>;
export type PoliceOverdueReply = FromSchema<typeof policeOverdueReply>;

/**
 * A schema's type without the `[x: string]: unknown` that json-schema-to-ts gives an object whose
 * schema leaves additional properties open: with it, a page reading a field the reply no longer
 * has gets `unknown` (which a template string takes) instead of a type error.
 */
export type Closed<T> = T extends readonly (infer U)[]
  ? Closed<U>[]
  : T extends object
    ? { [K in keyof T as string extends K ? never : number extends K ? never : K]: Closed<T[K]> }
    : T;
export type HallStateReply = Closed<FromSchema<typeof hallState>>;
export type HallStepReply = Closed<FromSchema<typeof hallStepReply>>;
export type HallStepRequest = FromSchema<typeof hallStepBody>;
export type HallDisplayReply = Closed<FromSchema<typeof hallDisplay>>;
