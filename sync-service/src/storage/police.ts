// The police outbox's rows (docs/police.md): what a batch of newly stored events adds to it, as a
// list of steps each engine runs in order inside the ingest's own transaction, so a stored
// guest_in always has its report and a resent one never gets a second.
import type { WireEvent } from '../../../terminal/src/protocol/index.ts';

/** pending → sent → accepted | rejected; `sent` with a passed lease is sent again (same key). */
export type PoliceState = 'pending' | 'sent' | 'accepted' | 'rejected';
export type PoliceKind = 'check_in' | 'check_out';

/** A report with no `alert_at` in its event alerts this long before its deadline (2 h, the venue default). */
export const POLICE_ALERT_BEFORE_MS = 2 * 3_600_000;
/** A check-out (its event carries no deadline) must reach the police within this (24 h). */
export const POLICE_CHECKOUT_DEADLINE_MS = 24 * 3_600_000;

/** One guest record to report: the event that made it is its idempotency key (`terminal_id/seq`). */
export interface PoliceReport {
  terminal_id: string;
  seq: number;
  venue: string;
  kind: PoliceKind;
  stay_id: number;
  guest_id: number;
  /** The reading whose sealed record names the guest. */
  of_seq: number;
  /** The guest_detail event holding a foreign guest's sealed details, once it arrived. */
  detail_seq: number | null;
  /** True while a foreign guest's details have not arrived: the report waits for them. */
  needs_details: boolean;
  /** For a correction: the report it replaces (that report's seq). Its own sealed data holds the corrected fields. */
  corrects: number | null;
  /** The newest correction (guest_fix) of the guest when this report was made, whose sealed fields override the reading's; its own seq for a correction. */
  fix_seq: number | null;
  /** The correction that replaced this report, if any. */
  superseded_by: number | null;
  /** Event time (trusted, unix ms). */
  at: number;
  deadline_at: number;
  alert_at: number;
  state: PoliceState;
  /** The gateway's reason for a rejection, or the last failure while retrying. */
  reason: string | null;
  attempts: number;
  next_attempt_at: number;
  updated_at: number;
}

export interface PoliceHistoryEntry {
  at: number;
  state: PoliceState;
  reason: string | null;
}

export type PoliceStep =
  | { op: 'report'; row: Omit<PoliceReport, 'detail_seq' | 'fix_seq' | 'superseded_by' | 'state' | 'reason' | 'attempts' | 'updated_at'> }
  | { op: 'detail'; stay_id: number; guest_id: number; seq: number };

const id = (v: unknown): number | null => (Number.isSafeInteger(v) && (v as number) > 0 ? (v as number) : null);
const time = (v: unknown): number | null => (Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : null);

/**
 * The outbox steps of newly stored events, in event order. A guest event whose body lacks its ids
 * adds nothing (the terminal always sends them; a stranger's malformed event is stored, not reported).
 */
export function policeStepsOf(terminalId: string, events: readonly WireEvent[]): PoliceStep[] {
  const steps: PoliceStep[] = [];
  for (const e of events) {
    const step = policeStepOf(terminalId, e);
    if (step) steps.push(step);
  }
  return steps;
}

/** The outbox step of one event, if it is a guest event with its ids. */
export function policeStepOf(terminalId: string, e: WireEvent): PoliceStep | null {
  if (e.type !== 'guest_in' && e.type !== 'guest_out' && e.type !== 'guest_fix' && e.type !== 'guest_detail') return null;
  const b = e.body as Record<string, unknown>;
  const stay = id(b.stay_id);
  const guest = id(b.guest_id);
  const of = id(b.of_seq);
  if (stay === null || guest === null || of === null) return null;
  if (e.type === 'guest_detail') return { op: 'detail', stay_id: stay, guest_id: guest, seq: e.seq };
  const at = e.trusted_at;
  const deadline = time(b.deadline_at) ?? at + (e.type === 'guest_out' ? POLICE_CHECKOUT_DEADLINE_MS : 0);
  const alert = Math.min(time(b.alert_at) ?? deadline - POLICE_ALERT_BEFORE_MS, deadline);
  return {
    op: 'report',
    row: {
      terminal_id: terminalId,
      seq: e.seq,
      venue: e.scenario,
      kind: e.type === 'guest_out' ? 'check_out' : 'check_in',
      stay_id: stay,
      guest_id: guest,
      of_seq: of,
      needs_details: e.type === 'guest_in' && b.needs_details === true,
      corrects: e.type === 'guest_fix' ? id(b.corrects) : null,
      at,
      deadline_at: deadline,
      alert_at: alert,
      next_attempt_at: at,
    },
  };
}

/** Columns read back as a PoliceReport (needs_details is 0/1 in SQLite, a boolean in PostgreSQL). */
export const POLICE_COLS =
  'terminal_id, seq, venue, kind, stay_id, guest_id, of_seq, detail_seq, needs_details, corrects, fix_seq, superseded_by, at, deadline_at, alert_at, state, reason, attempts, next_attempt_at, updated_at';

// Portable SQL with $n parameters (sqlite.ts names them @pN). One statement each, so each engine
// runs it in the transaction it is in (ingest's, or its own).
export const POLICE_SQL = {
  /** $1 terminal, $2 seq, $3 venue, $4 kind, $5 stay, $6 guest, $7 of_seq, $8 needs_details (0/1), $9 corrects, $10 at, $11 deadline, $12 alert, $13 next attempt, $14 now. */
  insert: `INSERT INTO police_reports (${POLICE_COLS})
    SELECT CAST($1 AS TEXT), CAST($2 AS BIGINT), CAST($3 AS TEXT), CAST($4 AS TEXT), CAST($5 AS BIGINT), CAST($6 AS BIGINT), CAST($7 AS BIGINT),
      (SELECT max(p.detail_seq) FROM police_reports p WHERE p.terminal_id = $1 AND p.stay_id = $5 AND p.guest_id = $6 AND p.kind = 'check_in'),
      CAST($8 AS SMALLINT), CAST($9 AS BIGINT),
      CASE WHEN CAST($9 AS BIGINT) IS NULL
        THEN (SELECT max(p.seq) FROM police_reports p WHERE p.terminal_id = $1 AND p.stay_id = $5 AND p.guest_id = $6 AND p.corrects IS NOT NULL)
        ELSE CAST($2 AS BIGINT) END,
      NULL, CAST($10 AS BIGINT), CAST($11 AS BIGINT), CAST($12 AS BIGINT), 'pending', NULL, 0, CAST($13 AS BIGINT), CAST($14 AS BIGINT)
    WHERE true
    ON CONFLICT DO NOTHING`,
  /** $1 terminal, $2 seq of the correction, $3 seq corrected, $4 stay, $5 guest. */
  supersede: 'UPDATE police_reports SET superseded_by = $2 WHERE terminal_id = $1 AND seq = $3 AND stay_id = $4 AND guest_id = $5 AND superseded_by IS NULL',
  /** $1 terminal, $2 stay, $3 guest, $4 detail seq. */
  detail: "UPDATE police_reports SET detail_seq = $4, needs_details = 0 WHERE terminal_id = $1 AND stay_id = $2 AND guest_id = $3 AND kind = 'check_in'",
  /** $1 terminal, $2 seq, $3 at, $4 state, $5 reason; `n` numbers a report's steps (times can tie). */
  history: 'INSERT INTO police_history (terminal_id, seq, n, at, state, reason) SELECT CAST($1 AS TEXT), CAST($2 AS BIGINT), (SELECT count(*) FROM police_history h WHERE h.terminal_id = $1 AND h.seq = $2), CAST($3 AS BIGINT), CAST($4 AS TEXT), CAST($5 AS TEXT)',
  /** $1 now, $2 limit. */
  due: `SELECT ${POLICE_COLS} FROM police_reports WHERE state IN ('pending', 'sent') AND next_attempt_at <= $1 AND needs_details = 0 ORDER BY next_attempt_at, terminal_id, seq LIMIT $2`,
  /** $1 terminal, $2 seq, $3 the next_attempt_at read, $4 lease end, $5 now. */
  claim: `UPDATE police_reports SET state = 'sent', attempts = attempts + 1, next_attempt_at = $4, updated_at = $5
    WHERE terminal_id = $1 AND seq = $2 AND state IN ('pending', 'sent') AND next_attempt_at = $3`,
  /** $1 terminal, $2 seq, $3 state, $4 reason, $5 next attempt, $6 now. */
  settle: "UPDATE police_reports SET state = $3, reason = $4, next_attempt_at = $5, updated_at = $6 WHERE terminal_id = $1 AND seq = $2 AND state = 'sent'",
  /** $1 terminal, $2 since (event time), $3 limit. */
  ofTerminal: `SELECT ${POLICE_COLS} FROM police_reports WHERE terminal_id = $1 AND at >= $2 ORDER BY seq DESC LIMIT $3`,
  /** $1 now, $2 limit: every report not accepted, not replaced by a correction, whose alert time passed. */
  alerts: `SELECT ${POLICE_COLS} FROM police_reports WHERE state <> 'accepted' AND superseded_by IS NULL AND alert_at <= $1 ORDER BY deadline_at, terminal_id, seq LIMIT $2`,
  historyOf: 'SELECT at, state, reason FROM police_history WHERE terminal_id = $1 AND seq = $2 ORDER BY n',
} as const;

/** The tables, in DDL both engines take: PostgreSQL migration 6 as released, so never edited (a change is a new migration). */
export const POLICE_DDL = `
CREATE TABLE IF NOT EXISTS police_reports (
  terminal_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  venue TEXT NOT NULL,
  kind TEXT NOT NULL,
  stay_id BIGINT NOT NULL,
  guest_id BIGINT NOT NULL,
  of_seq BIGINT NOT NULL,
  detail_seq BIGINT,
  needs_details SMALLINT NOT NULL,
  corrects BIGINT,
  fix_seq BIGINT,
  superseded_by BIGINT,
  at BIGINT NOT NULL,
  deadline_at BIGINT NOT NULL,
  alert_at BIGINT NOT NULL,
  state TEXT NOT NULL,
  reason TEXT,
  attempts BIGINT NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (terminal_id, seq)
);
CREATE INDEX IF NOT EXISTS police_reports_due ON police_reports (next_attempt_at) WHERE state IN ('pending', 'sent');
CREATE INDEX IF NOT EXISTS police_reports_open ON police_reports (alert_at) WHERE state <> 'accepted';
CREATE INDEX IF NOT EXISTS police_reports_guest ON police_reports (terminal_id, stay_id, guest_id);
CREATE TABLE IF NOT EXISTS police_history (
  terminal_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  n BIGINT NOT NULL,
  at BIGINT NOT NULL,
  state TEXT NOT NULL,
  reason TEXT,
  PRIMARY KEY (terminal_id, seq, n)
);
`;

/** The parameters of POLICE_SQL.insert for a step's row. */
export function insertParams(r: Extract<PoliceStep, { op: 'report' }>['row'], now: number): (string | number | null)[] {
  return [r.terminal_id, r.seq, r.venue, r.kind, r.stay_id, r.guest_id, r.of_seq, r.needs_details ? 1 : 0, r.corrects, r.at, r.deadline_at, r.alert_at, r.next_attempt_at, now];
}

export function toPoliceReport(r: Record<string, unknown>): PoliceReport {
  return { ...(r as unknown as PoliceReport), needs_details: Number(r.needs_details) === 1 };
}
