// The daemon's loopback API, as types. The kiosk UI imports this file, so a change here breaks
// the UI's build rather than the kiosk. Documented in docs/api.md.

// Each part defines the types it owns; the API re-exports them so the kiosk has one file to read.
import type { Degraded } from './degraded.ts';
import type { DeviceHealth } from '../devices/index.ts';
import type { HallNumbersHealth, QueueStats } from '../queue/index.ts';
import type { Display, Effect, Reason, Source } from '../scenarios/index.ts';
import type { SyncHealth } from '../sync/index.ts';
import type { TrustHealth } from '../trust/index.ts';
import type { FeedHealth } from '../feeds/index.ts';
import type { Localized, Words } from '../venue/index.ts';
import type { ConfigRejection } from '../protocol/index.ts';
export type { AttendanceSummary, MeetingSummary } from '../venue/index.ts';

export type { Degraded, FixedDegraded } from './degraded.ts';
export type { DeviceHealth, DeviceRole, DeviceState } from '../devices/index.ts';
export type { QueueStats } from '../queue/index.ts';
export type { Display, Effect, Reason, Source } from '../scenarios/index.ts';
export type { SyncHealth } from '../sync/index.ts';
export type { TrustHealth } from '../trust/index.ts';
export type { FeedHealth } from '../feeds/index.ts';

export interface Health {
  status: 'ok' | 'degraded';
  /** Why the terminal is degraded, as stable codes (`trust_list_stale`, `device_scanner-1`, ...). */
  degraded: Degraded[];
  terminal_id: string | null;
  version: string;
  /** The venue's name (kept under this key, as in every event). */
  scenario: string;
  /** The venue as the kiosk needs it: what it is, and how long personal data may stay on screen. */
  venue: {
    name: string;
    kind: 'desk' | 'kiosk' | 'gate';
    title: Localized;
    clear_after_s: number;
    /** A ticket machine with more than one category (print-ticket `categories`) or `one_active`: the kiosk's buttons, the default first, and what is picked now. */
    tickets?: TicketCategories;
  };
  devices: DeviceHealth[];
  trust: TrustHealth;
  /** The venue's data feeds held (docs/feeds.md); empty for a venue without any. */
  feeds: FeedHealth[];
  queue: QueueStats;
  sync: SyncHealth;
  clock: { wall: number; trusted: number; drift_s: number };
  /** A hall ticket machine's numbers in hand (venue `numbers: hall`, docs/hall.md); absent otherwise. */
  hall_numbers?: HallNumbersHealth;
  /** The config push it runs (null: its config file alone) and the last one it did not keep (docs/config-push.md); absent without a sync service. */
  config?: { version: number | null; rejected: ConfigRejection | null };
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
  source: Source;
  /** Issuer id (e.g. `CN-44`) for signed codes. */
  issuer: string | null;
  /** Code type (`personal`, `health`, `credential`, `hcert`). */
  code_type: string | null;
  display: Display;
  replayed: boolean;
  /** Side effects the venue named, e.g. a ticket number. */
  effects: Effect[];
  /** The venue's own words for this refusal (fixtures/venues `refusals`), in place of the kiosk's general ones. */
  words?: Words;
}

export interface DeviceMessage {
  type: 'device';
  device: DeviceHealth;
}

export interface HealthMessage {
  type: 'health';
  health: Health;
}

/** A library loan session opened, changed or closed (venue `loans`, docs/library.md). */
export interface LoanSessionMessage {
  type: 'loan-session';
  open: boolean;
  /** Items lent in the session (when closed: in the session that closed). */
  items: number;
  max_items: number;
  /** The library system is away: loans are recorded and sent later. */
  offline: boolean;
  /** Unix ms when the session closes unless another item is scanned; null when closed. */
  closes_at: number | null;
  /** Items the reader had on loan when the session opened (the renew button renews them); absent when closed. */
  on_loan?: number;
  /** What the reader owes (`¥12.50`), null for nothing; absent when closed or without an ILS answer. */
  owed?: string | null;
  /** Why it closed. */
  closed_by?: 'timeout' | 'finish' | 'next-holder';
}

/** What `POST /api/loans/renew` did: per item renewed (new due date) or refused (the library system's words). */
export interface LoanRenewal {
  /** `done`: the ILS answered each; `away`: it could not be reached (nothing more renewed); `refused`: the reader may not renew; `none`: no ILS configured. */
  ils: 'done' | 'away' | 'refused' | 'none';
  renewed: { item: string; title: string | null; due: string | null }[];
  refused: { item: string; title: string | null; message: string | null }[];
}

/** Every message on the `/api/events` WebSocket; the first one after connecting is `health`. */
export type EventMessage = VerdictMessage | DeviceMessage | HealthMessage | LoanSessionMessage;

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
/** A ticket machine's categories as the kiosk offers them (docs/hall.md, "Categories"). */
export interface TicketCategories {
  categories: { prefix: string; service: string; hours: string; open: boolean }[];
  /** The prefix picked for the next reading, or null (the first category then). */
  picked: string | null;
  /** The venue keeps one active number per person per category (print-ticket `one_active`): staff may override it. */
  one_active: boolean;
  /** A hospital's departments (appointments `walk_ins: pick`): offered only once a reading found no registration (`department_needed`), not before every reading. */
  departments?: true;
}

/** The answer to a category picked on the kiosk: it holds for the next reading until `until` (unix ms). */
export interface CategoryPicked {
  prefix: string;
  service: string;
  until: number;
}

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
  /** Head count, 1 to 9; required when the venue's keypad asks for it. */
  guests?: number;
  /** Nights of a new stay, 1 to 90 (venues with a `stay` section). */
  nights?: number;
}

/** The answer of a registration at a venue with stays: which stay the guest joined. */
export interface StayRegistrationResult extends ActionResult {
  stay?: StayView;
  /** The same guest was already in house in this room: flagged, not registered twice. */
  duplicate?: boolean;
  /** The guest's foreign details are to be entered on this kiosk (venue `stay.self_details`): `POST /api/registration/details`. */
  details_here?: readonly ('visa_type' | 'visa_no' | 'entry_date' | 'entry_port')[];
}

/** `POST /api/registration/details`: a guest alone at a self-service kiosk adds their own foreign details. */
export interface SelfDetailsRequest extends ForeignDetailsRequest {
  /** The reading the guest was registered from, just now. */
  seq: number;
}

export type GuestCategory = 'domestic' | 'hmt' | 'foreign';

/**
 * Where a guest's registration stands on the terminal: `incomplete` (foreign details or the head
 * count still open), `due_soon` (incomplete within the venue's `alert_before_s` of its deadline),
 * `overdue` (incomplete past it), `complete`.
 */
export type GuestAlert = 'complete' | 'incomplete' | 'due_soon' | 'overdue';

/** One guest as the desk screen shows them: a masked name, never a document. */
export interface GuestView {
  id: number;
  name_masked: string;
  category: GuestCategory;
  main: boolean;
  /** Unix ms of check-in and check-out (null while in house). */
  in_at: number;
  out_at: number | null;
  needs_details: boolean;
  /** Unix ms by which the registration must have reached the police (venue `stay.deadlines_s`). */
  deadline_at: number;
  alert: GuestAlert;
  /** The guest's check-in report to the police, as last read from the service; null before it is known there. */
  police: GuestPolice | null;
  /** The check-out report, once the guest checked out and the service knows it. */
  police_out: GuestPolice | null;
}

/**
 * A police report's state as the desk shows it (docs/police.md): `pending` and `sent` are on their
 * way, `rejected` carries the gateway's reason and can be corrected; `alert` is `due_soon` or
 * `overdue` while it is not accepted past its alert time or deadline.
 */
export interface GuestPolice {
  /** The report's event sequence (the one a correction names). */
  seq: number;
  state: 'pending' | 'sent' | 'accepted' | 'rejected';
  reason: string | null;
  deadline_at: number;
  alert: 'due_soon' | 'overdue' | null;
}

export interface StayView {
  id: number;
  room: string;
  arrival: string;
  departure: string;
  head_count: number;
  registered: number;
  /** Head count and guests agree, or the clerk confirmed why not (`count_reason`). */
  count_settled: boolean;
  count_reason: string | null;
  closed: boolean;
  guests: GuestView[];
}

/** `GET /api/staff/stays`: open stays and today's, with their alerts. */
export interface StaysOverview {
  now: number;
  stays: StayView[];
  alerts: { due_soon: number; overdue: number };
  /** The guests' police reports: alerts and rejections, and when the states were read (null: never). */
  police: { due_soon: number; overdue: number; rejected: number; read_at: number | null };
}

/**
 * `POST /api/staff/guests/:id/correct`: the fields to correct in a rejected police report (those
 * the venue records: name, doc_type, doc_no, and a foreign guest's details). Sealed to the service.
 */
export type CorrectionRequest = Partial<Record<'name' | 'doc_type' | 'doc_no' | 'visa_type' | 'visa_no' | 'entry_date' | 'entry_port', string>>;

/** `POST /api/staff/guests/:id/details`: what a foreign passport's MRZ does not carry. */
export interface ForeignDetailsRequest {
  visa_type?: string;
  visa_no?: string;
  /** YYYY-MM-DD. */
  entry_date?: string;
  entry_port?: string;
}

/** `POST /api/staff/stays/:id/count`: why the head count differs from the guests registered. */
export interface CountConfirmRequest {
  reason: 'child_without_document' | 'guest_arriving_later' | 'guest_left' | 'count_entered_wrong';
}

/** `POST /api/checkout`: check out the guest of a reading just made (a scan at check-out). */
export interface CheckoutRequest {
  seq: number;
}

/** Body of every 4xx/5xx answer on the kiosk routes. */
export interface ApiError {
  /** Stable code, e.g. `YSS_API_PIN_WRONG`. */
  error: string;
  message: string;
  /** Seconds until another PIN attempt is allowed, on `YSS_API_PIN_LOCKED`. */
  retry_after_s?: number;
}
