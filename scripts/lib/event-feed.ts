// What a kiosk sees: the daemon's /api/events, collected for tests and benchmarks.
import WebSocket from 'ws';
import type { EventMessage, VerdictMessage } from '../../terminal/src/api/messages.ts';
import { waitFor } from './wait.ts';

/** Every message on the daemon's /api/events since connecting. */
export class EventFeed {
  readonly messages: EventMessage[] = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (d) => this.messages.push(JSON.parse(String(d)) as EventMessage));
  }

  static async open(kioskUrl: string): Promise<EventFeed> {
    const ws = new WebSocket(new URL('/api/events', kioskUrl.replace(/^http/, 'ws')));
    const feed = new EventFeed(ws);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return feed;
  }

  verdicts(): VerdictMessage[] {
    return this.messages.filter((m): m is VerdictMessage => m.type === 'verdict');
  }

  /** Sequence of the newest verdict seen, 0 before any. */
  lastSeq(): number {
    return Math.max(0, ...this.verdicts().map((v) => v.seq));
  }

  /** The first verdict with a sequence above `after`. */
  nextVerdict(after: number, timeoutMs = 10_000): Promise<VerdictMessage> {
    return waitFor(() => this.verdicts().find((v) => v.seq > after), timeoutMs, 10, `a verdict after ${after} on /api/events`);
  }

  close(): void {
    this.ws.close();
  }
}
