// What the service needs from a database. SQLite implements it now; PostgreSQL will, so the SQL
// stays portable (no SQLite-only syntax in queries that both will share).
import type { WireEvent } from '../../../terminal/src/protocol/index.ts';

export interface TerminalRecord {
  id: string;
  name: string;
  public_key: string | null;
  status: 'pending' | 'active' | 'revoked';
  created_at: number;
  head_seq: number;
  head_hash: string;
  last_heartbeat_at: number | null;
  heartbeat: Record<string, unknown> | null;
}

export interface StoredEvent extends WireEvent {
  terminal_id: string;
  received_at: number;
}

export interface IngestResult {
  acked_through: number;
  gap: { expected: number; got: number } | null;
  inserted: number;
  duplicates: number;
}

export interface Storage {
  createTerminal(id: string, name: string, enrollmentCodeHash: string, now: number): void;
  /** Consumes a one-time enrollment code; null when unknown or used. */
  enroll(enrollmentCodeHash: string, publicKey: string, now: number): TerminalRecord | null;
  getTerminal(id: string): TerminalRecord | null;
  listTerminals(): TerminalRecord[];
  revokeTerminal(id: string): boolean;
  /** Records a request nonce; false when this terminal used it before. */
  useNonce(terminalId: string, nonce: string, expiresAt: number, now: number): boolean;
  /** Stores a batch that continues the terminal's chain; throws ServiceError on a broken chain. */
  ingest(terminalId: string, events: WireEvent[], now: number): IngestResult;
  heartbeat(terminalId: string, data: Record<string, unknown>, now: number): void;
  events(terminalId: string, afterSeq: number, limit: number): StoredEvent[];
  countEvents(terminalId?: string): number;
  publishTrustList(jws: string, sequence: number, now: number): void;
  trustList(): { jws: string; sequence: number } | null;
  close(): void;
}
