// JSON schemas for every route's input and output. fastify validates requests with them and
// serializes replies with them, so a reply can never carry a field the schema does not name.
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
  },
} as const;

export const serverTime = { type: 'object', required: ['server_time'], properties: { server_time: { type: 'integer' } } } as const;

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
  required: ['terminal_id', 'server_time'],
  properties: { terminal_id: { type: 'string' }, server_time: { type: 'integer' } },
} as const;

/** A venue's name, as in its venue file (`name`). */
export const venueName = { type: 'string', pattern: '^[a-z][a-z0-9-]{0,39}$' } as const;

export const createTerminalBody = {
  anyOf: [{ type: 'null' }, { type: 'object', additionalProperties: false, properties: { name: { type: 'string', minLength: 1, maxLength: 128 }, venue: venueName } }],
} as const;

export const venueParams = { type: 'object', required: ['venue'], properties: { venue: venueName } } as const;
export const feedParams = { type: 'object', required: ['venue', 'kind'], properties: { venue: venueName, kind: { enum: ['access', 'bookings', 'roster', 'appointments'] } } } as const;
export const feedKindParams = { type: 'object', required: ['kind'], properties: { kind: { enum: ['access', 'bookings', 'roster', 'appointments'] } } } as const;
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
/** A feed snapshot is sent as the JSON text it was built as (the stored rows are not parsed again). */
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
  required: ['id', 'name', 'status', 'venue', 'online', 'created_at', 'last_heartbeat_at', 'head_seq', 'head_at', 'backlog', 'oldest_unsent_age_s', 'trust_sequence', 'devices', 'degraded', 'sync_error', 'feeds', 'replaces'],
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
  },
} as const;

export const fleetOverview = {
  type: 'object',
  required: ['now', 'trust_list', 'terminals', 'alerts'],
  properties: {
    now: { type: 'integer' },
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
