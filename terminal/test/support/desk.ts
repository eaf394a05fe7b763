// The hotel tests' front desk: the stack as a hotel runs it (an ID-card reader and an MRZ reader
// on ptys, the kiosk's event feed), the daemon's loopback API called as the staff panel calls it
// (JSON, the staff token once logged in), and a card laid on the reader until the daemon has
// answered it.
import { rmSync } from 'node:fs';
import type { VerdictMessage } from '../../src/api/index.ts';
import { EventFeed, Stack, type StackOptions } from '../../../scripts/lib/stack.ts';
import { IdCardSim, MrzSim, type SimCard } from '../../../scripts/sim/index.ts';

export interface HotelFront {
  stack: Stack;
  idcard: IdCardSim;
  mrz: MrzSim;
  feed: EventFeed;
}

/** Starts the hotel venue in `dir` with its two readers (115200 and 9600 baud) and opens the kiosk's feed; `extra` adds to the stack's options. */
export async function openHotelFront(dir: string, extra: Partial<StackOptions> = {}): Promise<HotelFront> {
  const stack = new Stack({
    dir,
    venue: 'hotel',
    devices: [
      { id: 'idcard-1', role: 'idcard', kind: 'ga467-reader', baud: 115200, poll_ms: 100 },
      { id: 'mrz-1', role: 'mrz', kind: 'mrz-reader', baud: 9600 },
    ],
    ...extra,
  });
  const f: Partial<HotelFront> = { stack };
  try {
    await stack.start();
    f.idcard = await IdCardSim.open(stack.peers['idcard-1']!);
    f.mrz = await MrzSim.open(stack.peers['mrz-1']!);
    return { stack, idcard: f.idcard, mrz: f.mrz, feed: await EventFeed.open(stack.kioskUrl) };
  } catch (e) {
    await closeHotelFront(undefined, f);
    throw e;
  }
}

/** Closes what is open of a hotel front (the feed given is the current one: a test may have reopened it) and removes `dir`. */
export async function closeHotelFront(dir: string | undefined, f: Partial<HotelFront>): Promise<void> {
  f.feed?.close();
  await f.idcard?.port.close();
  await f.mrz?.close();
  await f.stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}

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
