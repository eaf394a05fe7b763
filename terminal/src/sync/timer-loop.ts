// One run at a time on a timer, for the sync engine's background loops (heartbeats, police report
// states): the next run is scheduled when the last one ends, so a slow service never stacks them.

export abstract class TimerLoop {
  private timer: NodeJS.Timeout | null = null;
  protected inFlight: Promise<void> | null = null;
  protected stopped = true;

  /** One run; answers how long to wait before the next, ms. Never rejects: it handles its own errors. */
  protected abstract run(): Promise<number>;

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.inFlight;
  }

  /** The next run in `ms`, replacing any scheduled one. */
  protected schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.inFlight = this.run().then((next) => {
        this.inFlight = null;
        if (!this.stopped) this.schedule(next);
      });
    }, ms);
    this.timer.unref();
  }
}
