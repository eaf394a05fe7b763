// The police outbox worker (docs/police.md). Reports are rows made by ingest in the upload's own
// transaction; this worker takes due ones one at a time: claim (state `sent`, leased), open only
// the fields the police format needs (an unseal, audited as `police-report` before anything is
// sent), send through the gateway, and settle: accepted, rejected with the gateway's reason, or
// pending again with back-off. A kill between claim and settle leaves a `sent` row whose lease
// passes; it is sent again with the same id, which the gateway recognises as a duplicate. So
// nothing is lost (the row is durable) and nothing is doubled (the id is the guest record's).
import type { Logger } from 'pino';
import { openSealed, type Sealed } from '../../../terminal/src/protocol/index.ts';
import type { UnsealAudit } from '../audit.ts';
import type { SealKeys } from '../keys.ts';
import type { PoliceReport, Storage, StoredEvent } from '../storage/types.ts';
import { pickFields, policeDocument, reportId } from './document.ts';
import type { PoliceGateway } from './gateway.ts';

/** Outbox timing (config `police`), in ms. */
export const OUTBOX_DEFAULTS = {
  /** How often the worker looks for due reports. */
  poll_ms: 1000,
  /** Reports taken per look. */
  batch: 50,
  /** A claimed report is sent again after this if its outcome was never recorded (a crash mid-send). */
  lease_ms: 60_000,
  /** The first retry waits this; each next one twice as long, up to retry_max_ms. */
  retry_base_ms: 15_000,
  retry_max_ms: 10 * 60_000,
} as const;

export type OutboxTiming = { -readonly [K in keyof typeof OUTBOX_DEFAULTS]: number };

export interface OutboxDeps {
  storage: Storage;
  gateway: PoliceGateway;
  sealKeys: SealKeys;
  audit: UnsealAudit;
  logger: Logger | null;
  now: () => number;
  timing?: Partial<OutboxTiming>;
}

/** The wait before attempt `attempts + 1`, after `attempts` failed ones. */
export function backoff(attempts: number, t: Pick<OutboxTiming, 'retry_base_ms' | 'retry_max_ms'>): number {
  return Math.min(t.retry_max_ms, t.retry_base_ms * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
}

export class PoliceOutbox {
  readonly timing: OutboxTiming;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;

  constructor(private readonly d: OutboxDeps) {
    this.timing = { ...OUTBOX_DEFAULTS, ...d.timing };
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => void this.tick().catch((e: Error) => this.d.logger?.error({ err: e }, 'police outbox tick failed')), this.timing.poll_ms);
    this.timer.unref();
  }

  /** Stops looking and waits for the send in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => 0);
    await this.d.gateway.close?.();
  }

  /** Sends every report due now (one pass; overlapping calls share it). Returns how many were settled. */
  tick(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<number> {
    const { storage, now } = this.d;
    let settled = 0;
    for (const r of await storage.policeDue(now(), this.timing.batch)) {
      if (this.stopped) break;
      if (!(await storage.policeClaim(r.terminal_id, r.seq, r.next_attempt_at, now() + this.timing.lease_ms, now()))) continue;
      if (await this.send({ ...r, attempts: r.attempts + 1 })) settled++;
    }
    return settled;
  }

  private async event(terminalId: string, seq: number | null): Promise<StoredEvent | null> {
    if (seq === null) return null;
    const [e] = await this.d.storage.events(terminalId, seq - 1, 1);
    return e && e.seq === seq ? e : null;
  }

  private async send(r: PoliceReport): Promise<boolean> {
    const { storage, now, gateway, logger } = this.d;
    const id = reportId(r);
    const [own, reading, detail, fix] = await Promise.all([r.seq, r.of_seq, r.detail_seq, r.fix_seq].map((seq) => this.event(r.terminal_id, seq)));
    const opened: number[] = [];
    const unopened: number[] = [];
    const open = (e: StoredEvent | null): Record<string, unknown> | null => {
      if (!e?.sealed) return null;
      try {
        const rec = openSealed(e.sealed as Sealed, this.d.sealKeys.secretKey) as Record<string, unknown>;
        opened.push(e.seq);
        return rec;
      } catch {
        unopened.push(e.seq);
        return null;
      }
    };
    // Later records override earlier ones: the reading, the foreign details, then the guest's newest correction.
    const fields = pickFields(open(reading!), open(detail!), open(fix!));
    // Recorded (and fsynced) before the opened fields leave: no audit line, no report.
    this.d.audit.append({
      at: now(),
      operator: 'police-report',
      address: gateway.kind,
      terminal_id: r.terminal_id,
      seqs: opened,
      unopened,
      purpose: `police report ${id} (${r.kind}, attempt ${r.attempts}) to the ${gateway.kind} gateway: 旅馆业治安管理办法 art. 6`,
    });
    if (!fields.doc_no || !fields.doc_type) {
      const reason = unopened.length ? 'the guest record does not open with this service\'s seal key' : 'the guest record carries no document type and number';
      return storage.policeSettle(r.terminal_id, r.seq, { state: 'rejected', reason, next_attempt_at: 0 }, now());
    }
    const checkIn = r.kind === 'check_in' ? own?.body ?? null : null;
    const answer = await gateway.send(policeDocument(r, checkIn, fields));
    const log = { report: id, kind: r.kind, venue: r.venue, attempt: r.attempts };
    if (answer.outcome === 'accepted') {
      logger?.info({ ...log, duplicate: answer.duplicate }, 'police report accepted');
      return storage.policeSettle(r.terminal_id, r.seq, { state: 'accepted', reason: null, next_attempt_at: 0 }, now());
    }
    if (answer.outcome === 'rejected') {
      logger?.warn({ ...log, reason: answer.reason }, 'police report rejected');
      return storage.policeSettle(r.terminal_id, r.seq, { state: 'rejected', reason: answer.reason, next_attempt_at: 0 }, now());
    }
    const next = now() + backoff(r.attempts, this.timing);
    logger?.warn({ ...log, reason: answer.reason, next_attempt_at: next }, 'police gateway unavailable; retrying later');
    return storage.policeSettle(r.terminal_id, r.seq, { state: 'pending', reason: answer.reason, next_attempt_at: next }, now());
  }
}
