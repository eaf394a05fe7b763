// The hotel tests' side of the front desk: the daemon's loopback API called as the staff panel
// calls it (JSON, the staff token once logged in), and a card laid on the reader until the daemon
// has answered it.
import type { VerdictMessage } from '../../src/api/index.ts';
import type { EventFeed } from '../../../scripts/lib/stack.ts';
import type { IdCardSim, SimCard } from '../../../scripts/sim/index.ts';

export class DeskApi {
  #token: string | null = null;

  /** `kioskUrl` is asked at each call: a restarted daemon may listen elsewhere. */
  constructor(private readonly kioskUrl: () => string) {}

  /** One request; `auth` sends the staff token (login first). The body is parsed whatever the status. */
  async call<T>(method: string, path: string, body?: unknown, auth = true): Promise<{ status: number; body: T }> {
    if (auth && this.#token === null) throw new Error(`DeskApi: ${method} ${path} needs the staff token; call login() first`);
    const res = await fetch(new URL(path, this.kioskUrl()), {
      method,
      headers: { ...(auth ? { authorization: `Bearer ${this.#token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  /** Logs the staff in with the PIN; a refusal fails the test in words. */
  async login(pin: string): Promise<void> {
    const r = await this.call<{ token?: string; error?: string }>('POST', '/api/staff/login', { pin }, false);
    if (r.status !== 200 || typeof r.body.token !== 'string') throw new Error(`staff login refused: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    this.#token = r.body.token;
  }
}

/** Lays `card` on the reader, waits for the daemon's verdict on it, and lifts the card. */
export async function presentCard(feed: EventFeed, idcard: IdCardSim, card: SimCard): Promise<VerdictMessage> {
  const seq = feed.lastSeq();
  idcard.place(card);
  const v = await feed.nextVerdict(seq);
  idcard.remove();
  return v;
}
