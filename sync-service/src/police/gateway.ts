// The port to a police reporting gateway (旅业系统): one call per report, opened only inside the
// service (outbox.ts). Adapters: http.ts (JSON POST) and file-batch.ts (the day's file for hotels
// not connected). A gateway never throws for its own answer: it returns one of these.
import type { PoliceDocument } from './document.ts';

export type GatewayAnswer =
  /** Recorded by the police; `duplicate` when the id had been recorded before (a resend after a crash). */
  | { outcome: 'accepted'; duplicate: boolean }
  /** Refused for good, with the gateway's reason (a malformed document number, a duplicate registration). */
  | { outcome: 'rejected'; reason: string }
  /** No answer that settles it (down, stalled, a 5xx): try again later. */
  | { outcome: 'unavailable'; reason: string };

export interface PoliceGateway {
  readonly kind: string;
  send(doc: PoliceDocument): Promise<GatewayAnswer>;
  close?(): Promise<void>;
}

/** A rejection reason as stored and shown at the desk: short, printable, bounded. */
export function cleanReason(v: unknown, fallback: string): string {
  const s = typeof v === 'string' ? v.replace(/[^\p{L}\p{N} _.,:;()/-]/gu, '').trim().slice(0, 120) : '';
  return s || fallback;
}
