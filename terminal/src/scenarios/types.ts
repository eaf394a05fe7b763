import type { Reason } from './reasons.ts';

/** What was read: a signed code family, or an ID card / MRZ. */
export type Source = 'YSS1' | 'HC1' | 'idcard' | 'mrz' | 'other';

/** Only what the screen may show: a masked name, never a full ID number. */
export interface Display {
  name_masked?: string;
  health?: 'green' | 'yellow' | 'red';
  credential_type?: string;
  valid_until?: string;
}

/** A side effect a decision produces, carried out once its event is committed. */
export type Effect =
  | { kind: 'ticket'; number: string; service: string; /** Tickets issued earlier today for this service. */ issued_today: number }
  | { kind: 'gate'; opened: boolean }
  | { kind: 'registration'; room?: string; guests?: number };

/** What the venue does with readings. `id` selects the policy; the rest tunes it. */
export interface ScenarioConfig {
  id: 'verify' | 'hotel-checkin' | 'queue-ticket' | 'gate' | 'hospital-checkin';
  /** Issuers accepted (e.g. ["CN-44", "MO"]); default: every issuer on the trust list. */
  accept_issuers?: string[];
  /** Code types accepted; default depends on the scenario. */
  accept_types?: string[];
  /** Refuse codes when the trust list was issued longer ago than this, in seconds. */
  trust_max_age_s?: number;
  /** Accept a personal code seen before (flagged `replayed`); default true at a desk, false at a gate. */
  allow_replay?: boolean;
  /** queue-ticket: the service whose numbers this machine issues. */
  ticket?: { prefix: string; service: string };
  /** gate: relay device id to pulse and for how long. */
  gate?: { relay: string; pulse_ms: number };
  /** Refuse health codes that are not green (a health checkpoint). */
  require_green?: boolean;
}

/** A scenario's decision about one reading, before it is committed. */
export interface Decision {
  accepted: boolean;
  reason: Reason | null;
  source: Source;
  issuer: string | null;
  code_type: string | null;
  replayed: boolean;
  display: Display;
  /** Event type in the queue. */
  event_type: string;
  /** Non-personal fields kept in the event. */
  body: Record<string, unknown>;
  /** Personal data the venue needs, sealed before storage; null when none. */
  personal: Record<string, unknown> | null;
  /** Replay key to remember when accepted, with how long (unix seconds). */
  replay: { cti: Uint8Array; until: number } | null;
  /** Effects to carry out once committed (ticket numbers are allocated in the transaction). */
  effects: Effect[];
  wants_ticket: boolean;
}
