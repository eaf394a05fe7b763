// How fast the staff PIN can be guessed, and by whom. A lock-out shared by everyone lets any
// local process keep staff out by typing wrong PINs, so wrong PINs are charged to the client that
// sent them:
//  - a kiosk (browser or Electron shell) that once signed in with the right PIN holds a device
//    cookie (random, HttpOnly, SameSite=Strict) and is its own client;
//  - every other caller, cookie-less or with a cookie the daemon does not know, shares one
//    client: "newcomers". Anyone can mint a new connection or source address on loopback, so
//    nothing cheaper to forge than the cookie may split this pool, or guessing would multiply.
// Each client gets `free` wrong PINs, then waits baseMs, twice that after the next, up to capMs;
// a right PIN clears a device's count, and a client's count is forgotten after forgetMs without
// a wrong PIN. While a client waits its PIN is not even compared. With the defaults (3 free,
// 20 s doubling to 5 min, forgotten after 15 min) a guesser without a device cookie gets fewer
// than 10 tries in the first 10 minutes and one per 5 minutes after that, far slower than one in
// 10 s, and a kiosk with a device cookie can still sign in while it happens.
import { createHash, randomBytes } from 'node:crypto';

export interface GuessLimitOptions {
  /** Wrong PINs a client may send before it must wait. Default 3. */
  free?: number;
  /** First wait after the free tries, ms; doubles with each further wrong PIN. Default 20 s. */
  baseMs?: number;
  /** Longest wait, ms. Default 5 min. */
  capMs?: number;
  /** A client's wrong PINs are forgotten after this long without one, ms. Default 15 min. */
  forgetMs?: number;
  /** Devices remembered (the least recently used is forgotten first). Default 32. */
  maxDevices?: number;
}

/** Name of the cookie a kiosk keeps once it signed in. */
export const DEVICE_COOKIE = 'yss_staff_device';
const NEWCOMERS = 'newcomers';

interface ClientState {
  failures: number;
  lastFailure: number;
  /** No PIN is compared for this client before this time (Unix ms). */
  waitUntil: number;
}

export type GuessCheck = { ok: true; client: string } | { ok: false; client: string; retryAfterMs: number };

export class StaffGuessLimiter {
  private readonly free: number;
  private readonly baseMs: number;
  private readonly capMs: number;
  private readonly forgetMs: number;
  private readonly maxDevices: number;
  /** Known device cookies, by their SHA-256 (a Map keeps use order: the first is the oldest). */
  private readonly devices = new Map<string, true>();
  private readonly clients = new Map<string, ClientState>();

  constructor(opts: GuessLimitOptions = {}) {
    this.free = opts.free ?? 3;
    this.baseMs = opts.baseMs ?? 20_000;
    this.capMs = opts.capMs ?? 5 * 60_000;
    this.forgetMs = opts.forgetMs ?? 15 * 60_000;
    this.maxDevices = opts.maxDevices ?? 32;
  }

  /** The client a request belongs to, from its Cookie header. */
  clientOf(cookieHeader: string | undefined): string {
    const value = readCookie(cookieHeader, DEVICE_COOKIE);
    if (!value) return NEWCOMERS;
    const h = digest(value);
    if (!this.devices.has(h)) return NEWCOMERS;
    this.devices.delete(h);
    this.devices.set(h, true);
    return `device:${h}`;
  }

  /** Whether `client` may have a PIN compared now. */
  check(client: string, now: number): GuessCheck {
    const s = this.state(client, now);
    if (s && now < s.waitUntil) return { ok: false, client, retryAfterMs: s.waitUntil - now };
    return { ok: true, client };
  }

  /** Records a wrong PIN; returns how long the client must now wait (0 while tries are free). */
  wrong(client: string, now: number): number {
    const s = this.state(client, now) ?? { failures: 0, lastFailure: now, waitUntil: 0 };
    s.failures++;
    s.lastFailure = now;
    const wait = s.failures < this.free ? 0 : Math.min(this.capMs, this.baseMs * 2 ** Math.min(s.failures - this.free, 30));
    s.waitUntil = now + wait;
    this.clients.set(client, s);
    return wait;
  }

  /**
   * Records a right PIN: a device's count is cleared. Returns a new device cookie value when the
   * client was a newcomer; the newcomers' count stays, since it may be someone else's.
   */
  right(client: string): string | null {
    if (client !== NEWCOMERS) {
      this.clients.delete(client);
      return null;
    }
    const value = randomBytes(24).toString('base64url');
    this.devices.set(digest(value), true);
    while (this.devices.size > this.maxDevices) {
      const oldest = this.devices.keys().next().value as string;
      this.devices.delete(oldest);
      this.clients.delete(`device:${oldest}`);
    }
    return value;
  }

  private state(client: string, now: number): ClientState | undefined {
    const s = this.clients.get(client);
    if (s && now >= s.waitUntil && now - s.lastFailure >= this.forgetMs) {
      this.clients.delete(client);
      return undefined;
    }
    return s;
  }
}

/** The Set-Cookie value for a device cookie: sent back only to the daemon's staff routes. */
export function deviceCookie(value: string): string {
  return `${DEVICE_COOKIE}=${value}; Path=/api/staff; HttpOnly; SameSite=Strict; Max-Age=31536000`;
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const v = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{16,64}$/.test(v) ? v : null;
    }
  }
  return null;
}
