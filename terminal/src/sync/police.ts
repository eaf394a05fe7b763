// The guests' police report states, read from the service (`GET /v1/police/states`,
// docs/police.md) and held in memory for the desk screen. PolicePoll reads them on its own timer
// (police_poll_s, backing off while the service does not answer) and after each upload that
// stored events, so the desk's states and alerts move with nobody touching the terminal; the
// desk always gets the states last read at once, never waits on the network.
import type { Logger } from 'pino';
import type { PoliceReportState, ServiceClient } from './client.ts';
import type { Identity } from './identity.ts';
import { TimerLoop } from './timer-loop.ts';

export class PoliceStates {
  private byGuest = new Map<string, { check_in: PoliceReportState | null; check_out: PoliceReportState | null }>();
  /** When the states were last read (unix ms), or null before the first read. */
  readAt: number | null = null;

  /** The newest check-in report not replaced by a correction, and the check-out report, of a guest. */
  of(stayId: number, guestId: number): { check_in: PoliceReportState | null; check_out: PoliceReportState | null } {
    return this.byGuest.get(`${stayId}/${guestId}`) ?? { check_in: null, check_out: null };
  }

  /** Replaces what is held with one read of the service's states, made at `at` (unix ms). */
  install(reports: PoliceReportState[], at: number): void {
    const next = new Map<string, { check_in: PoliceReportState | null; check_out: PoliceReportState | null }>();
    // Newest first: the first report of a kind per guest is the one that counts.
    for (const r of [...reports].sort((a, b) => b.seq - a.seq)) {
      const key = `${r.stay_id}/${r.guest_id}`;
      const g = next.get(key) ?? { check_in: null, check_out: null };
      if (r.kind === 'check_in' && !g.check_in && r.superseded_by === null) g.check_in = r;
      if (r.kind === 'check_out' && !g.check_out) g.check_out = r;
      next.set(key, g);
    }
    this.byGuest = next;
    this.readAt = at;
  }
}

/** First wait after a failed read, ms; doubled per consecutive failure up to the engine's backoff_max_ms. */
export const POLICE_BACKOFF_BASE_MS = 1000;
/** Nudges closer together than this (2 s) share one read: a burst of uploads is one read. */
export const POLICE_MIN_INTERVAL_MS = 2000;

export interface PolicePollDeps {
  client: ServiceClient;
  identity: Identity;
  states: PoliceStates;
  log: Logger;
  intervalMs: number;
  backoffMaxMs: number;
  now: () => number;
  random: () => number;
}

/** One read at a time on a timer: every intervalMs while the service answers, backing off with jitter while it does not. */
export class PolicePoll extends TimerLoop {
  private failures = 0;
  private lastAt = -Infinity;

  constructor(private readonly d: PolicePollDeps) {
    super();
  }

  /** Reads soon (events were stored at the service), unless a read is in flight, ran within POLICE_MIN_INTERVAL_MS, or the poll is backing off. */
  nudge(): void {
    if (this.stopped || this.inFlight || this.failures > 0) return;
    this.schedule(Math.max(0, this.lastAt + POLICE_MIN_INTERVAL_MS - this.d.now()));
  }

  /** One read; answers how long to wait before the next. */
  protected async run(): Promise<number> {
    if (!this.d.identity.terminalId) return this.d.intervalMs; // enrollment is the upload loop's job
    this.lastAt = this.d.now();
    try {
      this.d.states.install(await this.d.client.policeStates(), this.d.now());
      if (this.failures > 0) this.d.log.info({ failures: this.failures }, 'police report states read again');
      this.failures = 0;
      return this.d.intervalMs;
    } catch (e) {
      this.failures++;
      if (this.failures === 1 || this.failures % 10 === 0) this.d.log.warn({ err: e instanceof Error ? e.message : String(e), failures: this.failures }, 'police report states not read; backing off');
      const cap = Math.min(this.d.backoffMaxMs, POLICE_BACKOFF_BASE_MS * 2 ** Math.min(this.failures - 1, 20));
      return Math.round(cap / 2 + (this.d.random() * cap) / 2);
    }
  }
}
