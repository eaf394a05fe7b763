// The `/api/events` WebSocket, reconnecting by itself. The daemon restarting, or not having
// started yet, is normal on a kiosk: the UI shows "reconnecting" and keeps trying forever.
import type { EventMessage } from '../../../terminal/src/api/messages.ts';

export type LinkState = 'connecting' | 'open' | 'closed';

export interface EventsClientOptions {
  url: string;
  onMessage(m: EventMessage): void;
  onState(s: LinkState): void;
  /** First retry delay, ms (default 250); doubles up to maxDelayMs. */
  minDelayMs?: number;
  /** Longest retry delay, ms (default 3000): a restarted daemon is back on screen within this. */
  maxDelayMs?: number;
}

export interface EventsClient {
  close(): void;
}

export function connectEvents(o: EventsClientOptions): EventsClient {
  const min = o.minDelayMs ?? 250;
  const max = o.maxDelayMs ?? 3000;
  let attempt = 0;
  let ws: WebSocket | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;

  const open = () => {
    timer = null;
    o.onState('connecting');
    const sock = new WebSocket(o.url);
    ws = sock;
    sock.onmessage = (e) => {
      let msg: EventMessage;
      try {
        msg = JSON.parse(String(e.data)) as EventMessage;
      } catch {
        return; // A garbled frame is dropped; the next health message resynchronises the screen.
      }
      attempt = 0;
      o.onMessage(msg);
    };
    sock.onopen = () => o.onState('open');
    sock.onclose = () => {
      if (ws !== sock) return;
      ws = null;
      if (stopped) return;
      o.onState('closed');
      // Jitter keeps several kiosks on one daemon host from reconnecting in lockstep.
      const delay = Math.min(max, min * 2 ** attempt) * (0.8 + Math.random() * 0.4);
      attempt++;
      timer = setTimeout(open, delay);
    };
  };
  open();
  return {
    close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      ws?.close();
    },
  };
}
