// A hall's person tokens do not outlive their day (docs/hall.md, "A token does not outlive its
// day"): this job removes the tokens of every local day before today (Asia/Shanghai) from the
// hall's tickets and from the events that carried them. It runs at start and then at the top of
// every hour. Local midnight is one of those hours (UTC+8 all year), and the other hours take the
// past day's tickets a machine uploads late, after coming back online.
//
// A run is bounded: at most `batch` tickets per transaction, at most `batches` transactions; a run
// that stopped at its bound runs again a minute later instead of waiting for the hour. Every node
// of a PostgreSQL deployment runs it: the storage gives two nodes different tickets.
import type { Storage } from './storage/types.ts';
import { venueDay } from './venue-time.ts';

const HOUR_MS = 3_600_000;

export const SWEEP_DEFAULTS = {
  batch: 500, // tickets per transaction
  batches: 20, // transactions per run
  again_ms: 60_000, // until the next run when a run stopped at its bound
} as const;

/** Enough of a pino logger. */
interface Log {
  info(o: object, msg: string): void;
  error(o: object, msg: string): void;
}

export interface SweepRun {
  /** Tickets of days before this one were swept. */
  before: string;
  tickets: number;
  events: number;
  /** The run stopped at its bound: more tickets wait. */
  more: boolean;
}

export class HallTokenSweep {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SweepRun> | null = null;
  private stopped = true;
  private readonly batch: number;
  private readonly batches: number;

  constructor(
    private readonly d: { storage: Storage; now: () => number; logger?: Log; batch?: number; batches?: number },
  ) {
    this.batch = d.batch ?? SWEEP_DEFAULTS.batch;
    this.batches = d.batches ?? SWEEP_DEFAULTS.batches;
  }

  /** Runs now, then at each hour's top (a minute after a run that stopped at its bound). */
  start(): void {
    this.stopped = false;
    void this.runAndSchedule();
  }

  /** Stops scheduling and waits for the run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One run (overlapping calls share it): sweeps the days before today's, in bounded batches, and logs the count. */
  run(): Promise<SweepRun> {
    this.running ??= this.sweep().finally(() => (this.running = null));
    return this.running;
  }

  private async sweep(): Promise<SweepRun> {
    const at = this.d.now();
    const out: SweepRun = { before: venueDay(at), tickets: 0, events: 0, more: false };
    for (let i = 0; i < this.batches; i++) {
      const c = await this.d.storage.sweepHallTokens(out.before, this.batch, at);
      out.tickets += c.tickets;
      out.events += c.events;
      out.more = c.tickets === this.batch;
      if (!out.more || this.stopped) break;
    }
    this.d.logger?.info(out, `hall person tokens of days before ${out.before} removed: ${out.tickets} tickets, ${out.events} events`);
    return out;
  }

  private async runAndSchedule(): Promise<void> {
    let more = false;
    try {
      more = (await this.run()).more;
    } catch (e) {
      // The next hour tries again: a database that was away is no reason to stop sweeping.
      this.d.logger?.error({ err: e }, 'hall person token sweep failed');
    }
    if (this.stopped) return;
    const now = this.d.now();
    // A second past the hour's top: a timer may fire a little early, and midnight must have passed.
    const wait = more ? SWEEP_DEFAULTS.again_ms : HOUR_MS - (now % HOUR_MS) + 1000;
    this.timer = setTimeout(() => void this.runAndSchedule(), wait);
    this.timer.unref();
  }
}
