// The event as it crosses the wire from terminal to sync service, and its tamper-evident chain.
import { hash } from 'node:crypto';
import type { Sealed } from './seal.ts';
import type { SlotReport } from './shares.ts';

/** One queued event. `hash` chains it to the previous event of the same terminal. */
export interface WireEvent {
  /** Per-terminal sequence number, 1, 2, 3 ... with no gaps. */
  seq: number;
  /** `verdict`, `registration`, `ticket`, `device`, `telemetry`, ... */
  type: string;
  /** Terminal wall clock, unix milliseconds. */
  at: number;
  /** Terminal's trusted-time estimate (never below the newest trusted time seen), unix ms. */
  trusted_at: number;
  scenario: string;
  /** Whether the terminal may drop this event's content under its disk quota (telemetry, device status). */
  droppable: boolean;
  /** Non-personal content (verdict, reason, issuer, effects). */
  body: Record<string, unknown>;
  /** Personal data sealed to the service, or null. */
  sealed: Sealed | null;
  /** Hash of the previous event (64 zero hex digits for seq 1). */
  prev_hash: string;
  hash: string;
  /**
   * Present when the terminal dropped the content under its disk quota: the hash of the content
   * that was there. body is then {} and sealed null, and the chain still verifies. Only a
   * droppable event may be a tombstone; `droppable` is inside the hash, so a registration cannot
   * be turned into one unnoticed.
   */
  tombstone?: string;
}

export const GENESIS_HASH = '0'.repeat(64);

// One-shot hashing: about twice as fast as createHash() for these short inputs.
const sha256 = (s: string) => hash('sha256', s, 'hex');

/** SHA-256 over the content that a tombstone may drop. */
export function contentHash(body: Record<string, unknown>, sealed: Sealed | null): string {
  return sha256(JSON.stringify([body, sealed]));
}

/** contentHash() from the JSON texts of body and sealed (what a store keeps anyway): same value. */
export function contentHashOfJson(bodyJson: string, sealedJson: string | null): string {
  return sha256(`[${bodyJson},${sealedJson ?? 'null'}]`);
}

/**
 * SHA-256 over a fixed-order JSON array of the header and the content's hash. Hashing the content
 * separately lets a tombstone keep its place in the chain without its content.
 */
export function eventHash(e: Omit<WireEvent, 'hash'>, content = e.tombstone ?? contentHash(e.body, e.sealed)): string {
  return headerHash(e.seq, e.type, e.at, e.trusted_at, e.scenario, e.droppable, content, e.prev_hash);
}

/** eventHash() from the header's fields one by one (a store that holds them as its row's values). */
export function headerHash(seq: number, type: string, at: number, trustedAt: number, scenario: string, droppable: boolean, content: string, prevHash: string): string {
  return sha256(JSON.stringify(['yss-ev-v1', seq, type, at, trustedAt, scenario, droppable, content, prevHash]));
}

/**
 * Checks that `events` are consecutive, each hashes to its `hash` and links to its predecessor.
 * `prevHash` is the hash before the first one (GENESIS_HASH when it is seq 1). Returns the first
 * problem found, or null.
 */
export function verifyChain(events: readonly WireEvent[], prevHash = GENESIS_HASH): string | null {
  let prev = prevHash;
  let seq = events[0]?.seq ?? 1;
  for (const e of events) {
    if (e.seq !== seq) return `event ${e.seq}: expected sequence ${seq}`;
    if (e.prev_hash !== prev) return `event ${e.seq}: prev_hash does not match the previous event`;
    if (e.tombstone !== undefined && !e.droppable) return `event ${e.seq}: tombstone of an event that was not droppable`;
    if (eventHash(e) !== e.hash) return `event ${e.seq}: hash does not match its content`;
    prev = e.hash;
    seq++;
  }
  return null;
}

/** Upload request body: consecutive events of one terminal. */
export interface UploadBody {
  events: WireEvent[];
}

/** Upload reply: the highest sequence such that every event 1..acked_through is stored. */
export interface UploadReply {
  acked_through: number;
  /** Set when the batch did not continue what the service holds (it stores nothing past a gap). */
  gap: { expected: number; got: number } | null;
  server_time: number;
}

/** What a terminal reports in each heartbeat (POST /v1/heartbeat). */
export interface Heartbeat {
  version: string;
  /** The venue file's name the terminal runs (absent from terminals before it was added). */
  venue?: string;
  status: 'ok' | 'degraded';
  degraded: string[];
  queue: {
    backlog: number;
    oldest_unsent_age_s: number | null;
    last_seq: number;
    bytes: number;
    max_bytes: number;
    dropped_total: number;
  };
  devices: { id: string; role: string; state: string }[];
  trust_sequence: number | null;
  clock_drift_s: number;
  /** The uploader's last error (`<code>: <message>`), null when the last exchange succeeded; absent from terminals before it was added. */
  sync_error?: string | null;
  /** The venue's data feeds held: version (null: needed, none yet) and seconds since the service confirmed it; absent from terminals before feeds. */
  feeds?: { kind: string; version: number | null; age_s: number | null }[];
  /**
   * The pushed config the terminal runs (`version` null: only its own config file) and the last
   * push it refused or rolled back, with why (docs/config-push.md); absent from terminals before config pushes.
   */
  config?: { version: number | null; rejected: ConfigRejection | null };
  /** Its own count of each booked slot of a venue whose capacity is shared (docs/feeds.md#capacity-shares); absent otherwise. */
  slots?: SlotReport[];
}

/** A config push a terminal did not keep: refused when checked, or rolled back after it failed to start. */
export interface ConfigRejection {
  version: number;
  reason: string;
  /** When the terminal gave it up, unix ms. */
  at: number;
}
