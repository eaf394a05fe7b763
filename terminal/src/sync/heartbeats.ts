// Heartbeats on their own schedule: a terminal whose uploads fail keeps reporting, with the last
// sync error, so the service shows it stuck instead of quietly healthy.
import type { Logger } from 'pino';
import type { Heartbeat, SlotShare } from '../protocol/index.ts';
import type { ServiceClient } from './client.ts';
import type { Identity } from './identity.ts';

export interface HeartbeatDeps {
  client: ServiceClient;
  identity: Identity;
  log: Logger;
  intervalMs: number;
  /** The terminal's health as a heartbeat. */
  heartbeat(): Heartbeat;
  /** The uploader's last error (`<code>: <message>`), or null after a success. */
  lastError(): string | null;
  /** The service answered: the shares it granted of the slots the heartbeat reported. */
  answered?(shares: SlotShare[]): void;
  /** The heartbeat went out (or may have) and no answer came back. */
  unanswered?(): void;
}

export class Heartbeats {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private stopped = true;
  private lastFailure: string | null = null;

  constructor(private readonly deps: HeartbeatDeps) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Sends one now when none is in flight (after enrollment, so the service sees the terminal at once). */
  nudge(): void {
    if (!this.stopped && !this.inFlight) this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.inFlight;
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.inFlight = this.beat().finally(() => {
        this.inFlight = null;
        if (!this.stopped) this.schedule(this.deps.intervalMs);
      });
    }, ms);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    if (!this.deps.identity.terminalId) return; // enrollment is the upload loop's job
    try {
      const shares = await this.deps.client.heartbeat({ ...this.deps.heartbeat(), sync_error: this.deps.lastError() });
      this.deps.answered?.(shares);
      this.lastFailure = null;
    } catch (e) {
      this.deps.unanswered?.();
      // Logged once per different failure: a heartbeat that cannot go out is what the upload
      // loop already reports; it is retried at the next interval, never faster.
      const what = e instanceof Error ? e.message : String(e);
      if (what !== this.lastFailure) this.deps.log.warn({ err: what }, 'heartbeat not delivered');
      this.lastFailure = what;
    }
  }
}
