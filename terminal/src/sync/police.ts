// The guests' police report states, read from the service (`GET /v1/police/states`,
// docs/police.md) and held in memory for the desk screen. A read is started when the desk looks
// and after uploads, at most one at a time and one per MIN_INTERVAL_MS; the desk always gets the
// states last read at once, never waits on the network.
import type { Logger } from 'pino';
import type { PoliceReportState, ServiceClient } from './client.ts';

/** Reads closer together than this (2 s) share the last one. */
export const POLICE_MIN_INTERVAL_MS = 2000;

export class PoliceStates {
  private byGuest = new Map<string, { check_in: PoliceReportState | null; check_out: PoliceReportState | null }>();
  private inFlight: Promise<void> | null = null;
  private lastAt = -Infinity;
  /** When the states were last read (unix ms), or null before the first read. */
  readAt: number | null = null;

  constructor(private readonly d: { client: () => ServiceClient | null; now: () => number; log: Logger }) {}

  /** The newest check-in report not replaced by a correction, and the check-out report, of a guest. */
  of(stayId: number, guestId: number): { check_in: PoliceReportState | null; check_out: PoliceReportState | null } {
    return this.byGuest.get(`${stayId}/${guestId}`) ?? { check_in: null, check_out: null };
  }

  /** Starts a read unless one ran within POLICE_MIN_INTERVAL_MS; resolves when it is done. */
  refresh(): Promise<void> {
    const client = this.d.client();
    if (!client || this.inFlight || this.d.now() - this.lastAt < POLICE_MIN_INTERVAL_MS) return this.inFlight ?? Promise.resolve();
    this.lastAt = this.d.now();
    this.inFlight = client
      .policeStates()
      .then((reports) => this.install(reports))
      .catch((e: Error) => this.d.log.warn({ err: e.message }, 'police report states not read'))
      .finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private install(reports: PoliceReportState[]): void {
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
    this.readAt = this.d.now();
  }
}
