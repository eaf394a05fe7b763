// Heartbeats on their own schedule: a terminal whose uploads fail keeps reporting, with the last
// sync error, so the service shows it stuck instead of quietly healthy.
import type { Logger } from 'pino';
import type { Heartbeat, SlotShare } from '../protocol/index.ts';
import type { ServiceClient } from './client.ts';
import type { Identity } from './identity.ts';
import { TimerLoop } from './timer-loop.ts';

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

export class Heartbeats extends TimerLoop {
  private lastFailure: string | null = null;

  constructor(private readonly deps: HeartbeatDeps) {
    super();
  }

  /** Sends one now when none is in flight (after enrollment, so the service sees the terminal at once). */
  nudge(): void {
    if (!this.stopped && !this.inFlight) this.schedule(0);
  }

  protected async run(): Promise<number> {
    await this.beat();
    return this.deps.intervalMs;
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
