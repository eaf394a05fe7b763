// The event as it crosses the wire from terminal to sync service, and its tamper-evident chain.
import { createHash } from 'node:crypto';
import type { Sealed } from './seal.ts';

/** One queued event. `hash` chains it to the previous event of the same terminal. */
export interface WireEvent {
  /** Per-terminal sequence number, 1, 2, 3 ... with no gaps. */
  seq: number;
  /** `verdict`, `registration`, `ticket`, `device`, `telemetry`, `dropped`, ... */
  type: string;
  /** Terminal wall clock, unix milliseconds. */
  at: number;
  /** Terminal's trusted-time estimate (never below the newest trusted time seen), unix ms. */
  trusted_at: number;
  scenario: string;
  /** Non-personal content (verdict, reason, issuer, effects). */
  body: Record<string, unknown>;
  /** Personal data sealed to the service, or null. */
  sealed: Sealed | null;
  /** Hash of the previous event (64 zero hex digits for seq 1). */
  prev_hash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** SHA-256 over a fixed-order JSON array of every field but `hash`. */
export function eventHash(e: Omit<WireEvent, 'hash'>): string {
  const canonical = JSON.stringify([e.seq, e.type, e.at, e.trusted_at, e.scenario, e.body, e.sealed, e.prev_hash]);
  return createHash('sha256').update(canonical).digest('hex');
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
