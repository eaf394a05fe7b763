// When to reload a crashed or hung renderer, and when to stop and show the out-of-service page.

export interface RecoveryOptions {
  /** First reload delay, ms. Default 500. */
  minDelayMs?: number;
  /** Longest reload delay, ms. Default 30 s. */
  maxDelayMs?: number;
  /** Crashes within `windowMs` that make a crash loop. Default 5. */
  loopCrashes?: number;
  /** Sliding window for counting crashes, ms. Default 2 min. */
  windowMs?: number;
  /** How long the out-of-service page stays before the shell tries again, ms. Default 5 min. */
  cooldownMs?: number;
}

export type Recovery = { action: 'reload'; delayMs: number } | { action: 'out-of-service'; retryMs: number };

export class CrashPolicy {
  private crashes: number[] = [];
  private readonly o: Required<RecoveryOptions>;

  constructor(opts: RecoveryOptions = {}) {
    this.o = { minDelayMs: 500, maxDelayMs: 30_000, loopCrashes: 5, windowMs: 120_000, cooldownMs: 300_000, ...opts };
  }

  /** Records a crash at `now` (ms) and says what to do about it. */
  crash(now: number): Recovery {
    this.crashes = this.crashes.filter((t) => now - t < this.o.windowMs);
    this.crashes.push(now);
    if (this.crashes.length >= this.o.loopCrashes) {
      this.crashes = [];
      return { action: 'out-of-service', retryMs: this.o.cooldownMs };
    }
    const delayMs = Math.min(this.o.maxDelayMs, this.o.minDelayMs * 2 ** (this.crashes.length - 1));
    return { action: 'reload', delayMs };
  }
}
