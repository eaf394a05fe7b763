// The daemon's loopback API, as types. The kiosk UI imports this file, so a change here breaks
// the UI's build rather than the kiosk. Documented in docs/api.md.

/** A stable machine code for why a code or reading was refused (codes.md §5 and scenario checks). */
export type Reason =
  | 'malformed'
  | 'unsupported_alg'
  | 'unknown_key'
  | 'alg_mismatch'
  | 'issuer_mismatch'
  | 'key_revoked'
  | 'key_not_valid'
  | 'type_not_allowed'
  | 'bad_signature'
  | 'not_yet_valid'
  | 'expired'
  | 'lifetime_too_long'
  | 'revoked'
  | 'replayed'
  | 'issuer_not_accepted'
  | 'authorization_required'
  | 'health_status'
  | 'trust_list_too_old'
  | 'not_a_code'
  | 'id_number_invalid'
  | 'document_expired';

/** Where a device is in its life (UnifiedPOS: open → claim → enable; errors and unplug). */
export type DeviceState = 'connecting' | 'connected' | 'disconnected' | 'error' | 'missing_backend';

export interface DeviceHealth {
  /** Configured id of the device, e.g. `scanner-1`. */
  id: string;
  role: 'scanner' | 'idcard' | 'mrz' | 'printer' | 'relay';
  /** Adapter kind, e.g. `serial-scanner`, `hid-pos`. */
  kind: string;
  state: DeviceState;
  /** Path currently open (or configured), if any. */
  path: string | null;
  /** Human-readable detail for staff (last error, missing package, ...). */
  detail: string | null;
  /** Unix milliseconds of the last reading, or null. */
  last_reading_at: number | null;
}

export interface TrustHealth {
  /** Installed trust-list sequence, or null when none is installed. */
  sequence: number | null;
  /** Unix seconds, from the installed list. */
  issued_at: number | null;
  /** Unix seconds, from the installed list. */
  expires_at: number | null;
  /** True once the list is past expires_at: codes still verify, the terminal reports degraded. */
  stale: boolean;
}

export interface QueueHealth {
  /** Events committed but not yet acknowledged by the sync service. */
  backlog: number;
  /** Age in seconds of the oldest unacknowledged event, or null. */
  oldest_unsent_age_s: number | null;
  /** Highest committed sequence number. */
  last_seq: number;
}

export interface SyncHealth {
  state: 'idle' | 'uploading' | 'backoff' | 'offline' | 'unenrolled' | 'disabled';
  /** Unix milliseconds of the last successful exchange with the service. */
  last_success_at: number | null;
  last_error: string | null;
  /** Highest sequence the service acknowledged. */
  acked_seq: number;
}

export interface Health {
  status: 'ok' | 'degraded';
  /** Why the terminal is degraded, as stable codes (`trust_list_stale`, `device_scanner-1`, ...). */
  degraded: string[];
  terminal_id: string | null;
  version: string;
  scenario: string;
  devices: DeviceHealth[];
  trust: TrustHealth;
  queue: QueueHealth;
  sync: SyncHealth;
  clock: { wall: number; trusted: number; drift_s: number };
}

/** The outcome of one reading, pushed only after its event is durably committed. */
export interface VerdictMessage {
  type: 'verdict';
  /** Queue sequence number of the committed event. */
  seq: number;
  /** Unix milliseconds when the reading arrived. */
  at: number;
  accepted: boolean;
  reason: Reason | null;
  scenario: string;
  /** What was read: a signed code family, or an ID card / MRZ. */
  source: 'YSS1' | 'HC1' | 'idcard' | 'mrz' | 'other';
  /** Issuer id (e.g. `CN-44`) for signed codes. */
  issuer: string | null;
  /** Code type (`personal`, `health`, `credential`, `hcert`). */
  code_type: string | null;
  /** Only what the screen may show: a masked name, never a full ID number. */
  display: { name_masked?: string; health?: 'green' | 'yellow' | 'red'; credential_type?: string; valid_until?: string };
  replayed: boolean;
  /** Side effects the scenario produced, e.g. a ticket number. */
  effects: Effect[];
}

export type Effect =
  | { kind: 'ticket'; number: string; service: string; /** Tickets issued earlier today for this service. */ issued_today: number }
  | { kind: 'gate'; opened: boolean }
  | { kind: 'registration'; room?: string; guests?: number };

export interface DeviceMessage {
  type: 'device';
  device: DeviceHealth;
}

export interface HealthMessage {
  type: 'health';
  health: Health;
}

/** Every message on the `/api/events` WebSocket; the first one after connecting is `health`. */
export type EventMessage = VerdictMessage | DeviceMessage | HealthMessage;

// Routes the kiosk UI calls besides health and events (terminal/src/api/kiosk-routes.ts).
// Errors on these routes answer `{ error, message }` with an HTTP status (ApiError).

/** `POST /api/staff/login` body. */
export interface StaffLoginRequest {
  pin: string;
}

/** `POST /api/staff/login` answer; send the token as `Authorization: Bearer <token>`. */
export interface StaffLoginResponse {
  token: string;
  /** Unix milliseconds when the session ends unless it is used again. */
  expires_at: number;
}

/** A data feed the terminal installed (trust list, revocation list, scenario data...). */
export interface FeedVersion {
  name: string;
  version: string | number | null;
  /** Unix milliseconds when it was installed or last checked, or null. */
  updated_at: number | null;
}

/** `GET /api/staff/overview`: everything the staff panel shows. No personal data. */
export interface StaffOverview {
  health: Health;
  /** Newest first; `display` is stripped. */
  recent: VerdictMessage[];
  feeds: FeedVersion[];
  /** The daemon's clock, Unix milliseconds, so ages are computed against one clock. */
  now: number;
}

/** The answer of an action (test ticket, registration). */
export interface ActionResult {
  ok: boolean;
  /** For staff: what happened, without personal data. */
  detail: string;
}

/** `POST /api/registration`: room and guest count entered on the kiosk keypad for a check-in. */
export interface RegistrationRequest {
  /** Queue sequence of the committed, accepted check-in verdict. */
  seq: number;
  room: string;
  /** 1 to 9. */
  guests: number;
}

/** Body of every 4xx/5xx answer on the kiosk routes. */
export interface ApiError {
  /** Stable code, e.g. `YSS_API_PIN_WRONG`. */
  error: string;
  message: string;
  /** Seconds until another PIN attempt is allowed, on `YSS_API_PIN_LOCKED`. */
  retry_after_s?: number;
}
