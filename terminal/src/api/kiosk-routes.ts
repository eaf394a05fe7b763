// Routes the kiosk UI calls besides /api/health and /api/events: staff PIN sign-in, the staff
// overview, a test ticket, and the hotel registration entry. The daemon listens on loopback
// only; on top of that, browser requests from any other origin are refused, so a page opened
// elsewhere on the kiosk cannot drive these routes.
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pinMatchesHash } from '../protocol/index.ts';
import type {
  ActionResult,
  ApiError,
  FeedVersion,
  Health,
  RegistrationRequest,
  StaffLoginResponse,
  StaffOverview,
  VerdictMessage,
} from './messages.ts';
import { API_ERRORS, type ApiErrorCode } from './errors.ts';
import { deviceCookie, StaffGuessLimiter, type GuessLimitOptions } from './staff-auth.ts';

export interface KioskRouteDeps {
  health(): Health;
  /** Recent verdicts, newest first; the overview strips `display` before sending them. */
  recent(): VerdictMessage[];
  /** Staff PIN (4 to 12 digits). An empty string (no PIN configured) disables staff sign-in unless `staffPinHash` is set. */
  staffPin: string;
  /** The staff PIN as an scrypt hash (api.staff_pin_hash); a PIN matching either this or `staffPin` signs in. Default: none. */
  staffPinHash?: string | null;
  printTestTicket(): Promise<ActionResult>;
  /**
   * Records room and guest count against the committed, accepted check-in `seq`. Absent when the
   * scenario has no registration: the route then answers 404.
   */
  register?(req: RegistrationRequest): Promise<ActionResult>;
  /** Installed data feeds for the staff panel (trust list, revocations...). Default: none. */
  feeds?(): FeedVersion[];
  /** Clock in Unix ms. Default Date.now. */
  now?(): number;
  /** Staff session lifetime after its last use, ms. Default 5 min. */
  sessionMs?: number;
  /** How fast each client may guess the PIN (staff-auth.ts). */
  guesses?: GuessLimitOptions;
  /** More routes behind the same guards (the desk's stays: stay-routes.ts). */
  more?(app: FastifyInstance, guards: RouteGuards): void;
}

/** The hooks that admit a request: the kiosk's own origin, or a live staff session too. */
export interface RouteGuards {
  sameOrigin(req: FastifyRequest, reply: FastifyReply): Promise<unknown>;
  staffOnly(req: FastifyRequest, reply: FastifyReply): Promise<unknown>;
}


export function fail(reply: FastifyReply, code: ApiErrorCode, extra: Partial<ApiError> = {}, message?: string): FastifyReply {
  const e = API_ERRORS[code];
  const body: ApiError = { error: code, message: message ?? e.message, ...extra };
  return reply.code(e.status).send(body);
}

/** Compares PINs in constant time (hashing first makes the lengths equal). */
function samePin(a: string, b: string): boolean {
  const h = (x: string) => createHash('sha256').update(x).digest();
  return timingSafeEqual(h(a), h(b));
}

/**
 * The typed PIN against every PIN configured: the plain one and the hash, both always checked
 * (no early return), so the time taken says nothing about which one matched.
 */
async function pinAccepted(pin: string, plain: string, hash: string | null): Promise<boolean> {
  const byPlain = /^[0-9]{4,12}$/.test(plain) && samePin(pin, plain);
  const byHash = hash !== null && (await pinMatchesHash(pin, hash));
  return byPlain || byHash;
}

/** True when the request carries an Origin that is not the daemon's own (Host header). */
function foreignOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return false; // Not a browser cross-origin request.
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

export function kioskRoutes(app: FastifyInstance, deps: KioskRouteDeps): void {
  const now = deps.now ?? Date.now;
  const sessionMs = deps.sessionMs ?? 5 * 60_000;
  const guesses = new StaffGuessLimiter(deps.guesses);
  const sessions = new Map<string, number>();

  const sameOrigin = async (req: FastifyRequest, reply: FastifyReply) => {
    if (foreignOrigin(req)) return fail(reply, 'YSS_API_FOREIGN_ORIGIN');
  };
  const staffOnly = async (req: FastifyRequest, reply: FastifyReply) => {
    if (foreignOrigin(req)) return fail(reply, 'YSS_API_FOREIGN_ORIGIN');
    const token = /^Bearer ([A-Za-z0-9_-]{16,})$/.exec(req.headers.authorization ?? '')?.[1];
    const expires = token ? sessions.get(token) : undefined;
    if (!token || expires === undefined || expires <= now()) {
      if (token) sessions.delete(token);
      return fail(reply, 'YSS_API_UNAUTHORIZED');
    }
    sessions.set(token, now() + sessionMs);
  };

  app.post<{ Body: unknown }>('/api/staff/login', { onRequest: sameOrigin }, async (req, reply) => {
    const pinHash = deps.staffPinHash ?? null;
    if (!/^[0-9]{4,12}$/.test(deps.staffPin) && pinHash === null) return fail(reply, 'YSS_API_STAFF_DISABLED');
    const t = now();
    const client = guesses.check(guesses.clientOf(req.headers.cookie), t);
    if (!client.ok) return fail(reply, 'YSS_API_PIN_LOCKED', { retry_after_s: Math.ceil(client.retryAfterMs / 1000) });
    const pin = (req.body as { pin?: unknown } | null)?.pin;
    if (typeof pin !== 'string' || pin.length > 64) return fail(reply, 'YSS_API_BAD_REQUEST', {}, 'Expected a body { "pin": "<digits>" }');
    if (!(await pinAccepted(pin, deps.staffPin, pinHash))) {
      const wait = guesses.wrong(client.client, t);
      if (wait > 0) return fail(reply, 'YSS_API_PIN_LOCKED', { retry_after_s: Math.ceil(wait / 1000) }, 'The staff PIN is wrong; wait before trying again');
      return fail(reply, 'YSS_API_PIN_WRONG');
    }
    const device = guesses.right(client.client);
    if (device) reply.header('set-cookie', deviceCookie(device));
    for (const [k, exp] of sessions) if (exp <= t) sessions.delete(k);
    const token = randomBytes(24).toString('base64url');
    sessions.set(token, t + sessionMs);
    const body: StaffLoginResponse = { token, expires_at: t + sessionMs };
    return body;
  });

  app.post('/api/staff/logout', { onRequest: staffOnly }, async (req) => {
    sessions.delete((req.headers.authorization ?? '').slice('Bearer '.length));
    const body: ActionResult = { ok: true, detail: 'signed out' };
    return body;
  });

  app.get('/api/staff/overview', { onRequest: staffOnly }, async () => {
    const body: StaffOverview = {
      health: deps.health(),
      recent: deps.recent().slice(0, 50).map((v) => ({ ...v, display: {} })),
      feeds: deps.feeds?.() ?? [],
      now: now(),
    };
    return body;
  });

  app.post('/api/staff/test-ticket', { onRequest: staffOnly }, async () => deps.printTestTicket());

  app.post<{ Body: unknown }>('/api/registration', { onRequest: sameOrigin }, async (req, reply) => {
    if (!deps.register) return fail(reply, 'YSS_API_NO_REGISTRATION');
    const b = req.body as Partial<RegistrationRequest> | null;
    const valid =
      b !== null &&
      typeof b === 'object' &&
      Number.isSafeInteger(b.seq) &&
      typeof b.room === 'string' &&
      /^[0-9A-Za-z-]{1,8}$/.test(b.room) &&
      (b.guests === undefined || (Number.isInteger(b.guests) && b.guests >= 1 && b.guests <= 9)) &&
      (b.nights === undefined || (Number.isInteger(b.nights) && b.nights >= 1 && b.nights <= 90)) &&
      Object.keys(b).every((k) => ['seq', 'room', 'guests', 'nights'].includes(k));
    if (!valid) return fail(reply, 'YSS_API_BAD_REQUEST', {}, 'Expected { seq: integer, room: 1-8 letters or digits, guests?: 1-9, nights?: 1-90 }');
    return deps.register({ seq: b.seq as number, room: b.room as string, ...(b.guests === undefined ? {} : { guests: b.guests }), ...(b.nights === undefined ? {} : { nights: b.nights }) });
  });

  deps.more?.(app, { sameOrigin, staffOnly });
}
