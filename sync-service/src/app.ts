// Builds the sync service's fastify instance from options; server.ts only listens. Tests use
// app.inject() or a real listening process. Every route has a schema for what it takes and
// what it returns (schemas.ts).
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { isAscii } from 'node:buffer';
import { createHash, randomBytes, verify, type Hash, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { Transform, type Duplex, type Readable } from 'node:stream';
import type { Logger } from 'pino';
import {
  ed25519PublicKey,
  HEADER_NONCE,
  HEADER_SIGNATURE,
  HEADER_TERMINAL,
  HEADER_TIME,
  MAX_REQUEST_AGE_MS,
  bodyHash,
  chainChanges,
  checkFeedCsv,
  checkFeedRows,
  describeProblems,
  diffFeed,
  openSealed,
  type FeedChange,
  type FeedDelta,
  type FeedKind,
  type FeedRow,
  signingInput,
  type Sealed,
  type UploadReply,
} from '../../terminal/src/protocol/index.ts';
import type { UnsealAudit } from './audit.ts';
import { LIMIT_DEFAULTS, type Limits, type Operator, type Role } from './config.ts';
import { enrollmentCode } from './enrollment-code.ts';
import { errors, ServiceError } from './errors.ts';
import { createMetrics, registerMetrics } from './metrics.ts';
import { ephemeralConfigKey, type ConfigKey, type SealKeys } from './keys.ts';
import * as S from './schemas.ts';
import { storageRateLimitStore } from './rate-limit-store.ts';
import { guardSockets } from './sockets.ts';
import { ALERT_DEFAULTS, fleetOverview, type AlertThresholds } from './fleet.ts';
import { registerHallRoutes } from './hall-routes.ts';
import { catchUpVenueConfig, registerConfigRoutes } from './config-routes.ts';
import { registerPage } from './pages.ts';
import { HOUR_MS } from './storage/activity.ts';
import type { FeedHead, Storage, TerminalRecord } from './storage/types.ts';
import type { SchemaRequestTypes, ServiceApp } from './typed-app.ts';
import { VENUE_TIME_ZONE, venueDaysAround } from './venue-time.ts';

export interface AppOptions {
  storage: Storage;
  sealKeys: SealKeys;
  /** Signs config pushes (config-key.json); absent: a key held in memory only, which no restart keeps. */
  configKey?: ConfigKey;
  /** Named operators and their roles (config `operators`). */
  operators?: Operator[];
  /** Legacy shared token: the operator "admin" with the fleet role only. */
  adminToken?: string;
  /** Where every unseal is recorded before its data is sent; without it nothing is unsealed. */
  audit: UnsealAudit | null;
  logger: Logger | false;
  bodyLimit?: number;
  limits?: Partial<Limits>;
  now?: () => number;
  /**
   * Count authentication failures in the storage instead of this process's memory: every node on
   * one PostgreSQL database then enforces one limit, not one each (server.ts sets it for PostgreSQL).
   */
  sharedRateLimits?: boolean;
  /** When the fleet page raises an alert (config `alerts`). */
  alerts?: Partial<AlertThresholds>;
  /** Called after an upload stored new events: the police outbox looks for due reports at once. */
  afterIngest?: () => void;
}

/** A terminal reads the reports of its guests of the last days (3), at most this many (2,000). */
export const POLICE_STATES_DAYS = 3;
export const POLICE_STATES_MAX = 2000;
/** The overdue list shows at most this many reports (soonest deadline first). */
export const POLICE_ALERTS_MAX = 1000;

/** Where `npm run build` puts the fleet page. */
const ADMIN_DIST = join(import.meta.dirname, '..', 'admin', 'dist');

/** Which authentication a route runs; read by the hooks and the error handler. */
type Auth = 'terminal' | 'operator' | 'enroll';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
    /** A signed route's body hash, fed as the body arrives. */
    bodyHash?: Hash;
    terminal?: TerminalRecord;
    operator?: { name: string; roles: readonly Role[] };
    /** The request's nonce, when the route records it itself (in its own transaction). */
    nonce?: { nonce: string; expiresAt: number };
  }
  interface FastifyContextConfig {
    auth?: Auth;
    /** The role an operator route needs; `any` lets every signed-in operator through. Default `fleet`. */
    role?: Role | 'any';
  }
}

type RateLimiter = ReturnType<FastifyInstance['createRateLimit']>;

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/** Nonces: at least 16 random bytes in base64url (the terminal sends exactly that, 22 characters). */
export const NONCE_MIN = 22;
export const NONCE_MAX = 64;
const NONCE = new RegExp(`^[A-Za-z0-9_-]{${NONCE_MIN},${NONCE_MAX}}$`);
/** Refusals that count against an address (and a claimed terminal id) for the rate limit. */
const AUTH_FAILURES = new Set<string>([
  'YSS_SYNC_UNSIGNED',
  'YSS_SYNC_BAD_NONCE',
  'YSS_SYNC_BAD_SIGNATURE',
  'YSS_SYNC_CLOCK_SKEW',
  'YSS_SYNC_REPLAYED_NONCE',
  'YSS_SYNC_ENROLLMENT_INVALID',
  'YSS_SYNC_ADMIN_UNAUTHORIZED',
]);
/** Refusals are logged as one summary line per interval, not a line each. */
export const REFUSAL_SUMMARY_MS = 10_000;
/** A stated purpose for opening personal data: a few words at least, a paragraph at most. */
export const PURPOSE_MIN = 8;
export const PURPOSE_MAX = 500;
/** What the operator is told when the database is found corrupt at run time. */
export const CORRUPT_REMEDY = 'stop the service, keep a copy of the data folder, and restore the database from the latest backup (docs/security.md, "Recovery")';
/** Bodies up to this size do not count against max_inflight_body_bytes. */
const SMALL_BODY = 64 * 1024;
/** Each signed request's first bytes are received at full speed; beyond them, at the shared pace. */
const UNPACED_BODY = 1024 * 1024;
/** Marks a signed route's body as not parsed yet: it is parsed after the signature verifies. */
const UNPARSED = Symbol('unparsed');

/**
 * A verified body, parsed once (its own function so that a CPU profile shows what JSON.parse costs).
 * A body of ASCII bytes (what terminals send: personal data is sealed, so base64) is the same text
 * read as Latin-1, which node decodes some fifty times faster than UTF-8 for a megabyte.
 */
function parseSignedBody(raw: Buffer): unknown {
  try {
    return raw.length === 0 ? null : JSON.parse(isAscii(raw) ? raw.toString('latin1') : raw.toString('utf8'));
  } catch {
    throw new ServiceError('YSS_SYNC_INVALID_BODY', 'not valid JSON');
  }
}

export function buildApp(opts: AppOptions): ServiceApp {
  const now = opts.now ?? Date.now;
  const configKey = opts.configKey ?? ephemeralConfigKey();
  const metrics = createMetrics(opts.storage, now);
  const { storage } = metrics;
  const limits: Limits = { ...LIMIT_DEFAULTS, ...opts.limits };
  const bodyLimit = opts.bodyLimit ?? 16 * 1024 * 1024;
  const app = Fastify({
    ...(opts.logger === false ? { logger: false } : { loggerInstance: opts.logger }),
    bodyLimit,
    // Slow clients: node closes a request whose headers or whole body take longer than these.
    requestTimeout: limits.request_timeout_ms,
    keepAliveTimeout: limits.keep_alive_timeout_ms,
    connectionTimeout: limits.idle_timeout_ms,
    http: { headersTimeout: Math.min(limits.headers_timeout_ms, limits.request_timeout_ms), connectionsCheckingInterval: Math.max(100, Math.min(1000, limits.headers_timeout_ms / 4)) },
    ajv: { customOptions: { allErrors: false, removeAdditional: false, coerceTypes: false } },
    // Errors node finds before fastify sees a request (timeouts, malformed HTTP) get the catalog shape too.
    clientErrorHandler(err: NodeJS.ErrnoException, socket: Duplex) {
      if (err.code === 'ECONNRESET' || socket.destroyed) return;
      const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
      clientErrors[timeout ? 'YSS_SYNC_REQUEST_TIMEOUT' : 'YSS_SYNC_INVALID_BODY'] = (clientErrors[timeout ? 'YSS_SYNC_REQUEST_TIMEOUT' : 'YSS_SYNC_INVALID_BODY'] ?? 0) + 1;
      const body = JSON.stringify(
        timeout
          ? { error: 'YSS_SYNC_REQUEST_TIMEOUT', message: new ServiceError('YSS_SYNC_REQUEST_TIMEOUT', Math.min(limits.headers_timeout_ms, limits.request_timeout_ms), limits.request_timeout_ms).message }
          : { error: 'YSS_SYNC_INVALID_BODY', message: new ServiceError('YSS_SYNC_INVALID_BODY', 'malformed HTTP request').message },
      );
      if (socket.writable) socket.write(`HTTP/1.1 ${timeout ? '408 Request Timeout' : '400 Bad Request'}\r\ncontent-type: application/json; charset=utf-8\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      socket.destroy();
    },
  }).withTypeProvider<SchemaRequestTypes>() as unknown as ServiceApp;
  /** Connections refused by node before a request existed, by code, for the refusal summary. */
  let clientErrors: Record<string, number> = {};
  const keyCache = new Map<string, KeyObject>();
  // Unknown, pending and revoked ids are checked against this key, which nobody holds: every one
  // of them costs the same work and gets the same answer as a wrong signature.
  const nobody = ed25519PublicKey(randomBytes(32));
  const operators = new Map<string, { name: string; roles: readonly Role[] }>();
  for (const o of opts.operators ?? []) operators.set(o.token_sha256, { name: o.name, roles: o.roles });
  if (opts.adminToken) operators.set(sha256(`${opts.adminToken}`), { name: 'admin', roles: ['fleet'] });
  /** The address each terminal last authenticated from: it is let through its own id's rate limit. */
  const lastGood = new Map<string, string>();
  const sockets = guardSockets(app.server, limits);

  // Every route states what it returns; one without a response schema is a bug caught at start.
  app.addHook('onRoute', (route) => {
    const methods = ([] as string[]).concat(route.method);
    if (methods.every((m) => m === 'HEAD')) return;
    if (!route.schema?.response) throw new Error(`route ${methods.join(',')} ${route.url} has no response schema`);
  });

  // Refusals are counted and logged once per interval as a summary.
  let refusals: { total: number; codes: Record<string, number>; addresses: Map<string, number> } = { total: 0, codes: {}, addresses: new Map() };
  const summary = setInterval(() => flushRefusals(), REFUSAL_SUMMARY_MS).unref();
  function flushRefusals() {
    const socketRefusals: Record<string, number> = { ...sockets.takeRefused(), ...clientErrors };
    clientErrors = {};
    if (refusals.total === 0 && Object.keys(socketRefusals).length === 0) return;
    const top = [...refusals.addresses].sort((x, y) => y[1] - x[1]).slice(0, 5).map(([address, count]) => ({ address, count }));
    app.log.warn({ refused: refusals.total, codes: refusals.codes, sockets_refused: socketRefusals, top_addresses: top, interval_s: REFUSAL_SUMMARY_MS / 1000 }, 'requests refused');
    refusals = { total: 0, codes: {}, addresses: new Map() };
  }
  app.addHook('onClose', async () => {
    clearInterval(summary);
    flushRefusals();
  });
  function countRefusal(req: FastifyRequest, code: string) {
    refusals.total++;
    refusals.codes[code] = (refusals.codes[code] ?? 0) + 1;
    if (refusals.addresses.size < 10_000 || refusals.addresses.has(req.ip)) refusals.addresses.set(req.ip, (refusals.addresses.get(req.ip) ?? 0) + 1);
  }

  // Bytes being received before anyone is authenticated are bounded in all, not only per request.
  let inflight = 0;
  /** The shared pace of unverified body bytes: when the next byte may pass (virtual time, ms). */
  let paceFreeAt = 0;
  /** Books `bytes` in the pace; returns how long (ms) they must wait before passing. */
  const pace = (bytes: number): number => {
    const t = performance.now();
    const start = Math.max(t, paceFreeAt);
    paceFreeAt = start + (bytes * 1000) / limits.unverified_bytes_per_s;
    return Math.floor(start - t);
  };
  app.addHook('onRequest', async (req, reply) => {
    if (req.method !== 'POST' && req.method !== 'PUT') return;
    // A request with neither content-length nor transfer-encoding has no body.
    const declared = req.headers['content-length'] === undefined ? (req.headers['transfer-encoding'] ? Infinity : 0) : Number(req.headers['content-length']);
    const size = Number.isFinite(declared) && declared >= 0 ? Math.min(declared, bodyLimit) : bodyLimit;
    // Small bodies (heartbeats, enrollments, operator calls) are never shed here, so strangers
    // filling the budget with big ones cannot keep terminals from reporting; sockets bound them.
    if (size <= SMALL_BODY) return;
    if (inflight + size > limits.max_inflight_body_bytes) {
      void reply.header('retry-after', '5');
      throw new ServiceError('YSS_SYNC_OVERLOADED', 'too many request bytes in flight', 5);
    }
    inflight += size;
    let held = true;
    const release = () => {
      if (held) inflight -= size;
      held = false;
    };
    reply.raw.once('finish', release).once('close', release);
  });

  // Keep the exact bytes: the signature covers the body's hash. A signed route's body is parsed
  // only after its signature verifies (authenticateTerminal); a stranger's bytes are hashed, never parsed.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    req.rawBody = body as Buffer;
    if (req.routeOptions.config.auth === 'terminal') return done(null, UNPARSED);
    try {
      done(null, (body as Buffer).length === 0 ? null : JSON.parse((body as Buffer).toString('utf8')));
    } catch {
      done(new ServiceError('YSS_SYNC_INVALID_BODY', 'not valid JSON'), undefined);
    }
  });
  app.addContentTypeParser(['text/plain', 'application/jose', 'text/csv'], { parseAs: 'buffer' }, (req, body, done) => {
    req.rawBody = body as Buffer;
    done(null, req.routeOptions.config.auth === 'terminal' ? UNPARSED : (body as Buffer).toString('utf8'));
  });

  app.addHook('onSend', async (_req, reply) => {
    reply.header('x-yss-server-time', String(now()));
  });
  registerMetrics(app, metrics, (auth) => {
    const op = auth.startsWith('Bearer ') && auth.length <= 512 ? operators.get(sha256(auth.slice(7))) : undefined;
    return op?.roles.includes('fleet') ?? false;
  });

  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ error: 'YSS_SYNC_NOT_FOUND', message: errors.YSS_SYNC_NOT_FOUND.message.replace('%s', `route ${req.method} ${req.url.split('?')[0]}`) });
  });

  let byAddress: RateLimiter | null = null;
  let byTerminal: RateLimiter | null = null;

  app.setErrorHandler(async (err, req, reply) => {
    if (err instanceof ServiceError) {
      if (AUTH_FAILURES.has(err.code)) {
        countRefusal(req, err.code);
        req.log.debug({ code: err.code }, 'authentication refused');
        await byAddress?.(req);
        if (req.routeOptions.config.auth === 'terminal' && typeof req.headers[HEADER_TERMINAL] === 'string') await byTerminal?.(req);
      } else if (err.status === 403 || err.status === 429 || err.status === 503) {
        countRefusal(req, err.code);
      }
      return reply.status(err.status).send({ error: err.code, message: err.message });
    }
    const e = err as { validation?: unknown; statusCode?: number; message: string; code?: string };
    if (e.validation) return reply.status(400).send({ error: 'YSS_SYNC_INVALID_BODY', message: errors.YSS_SYNC_INVALID_BODY.message.replace('%s', e.message) });
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.status(413).send({ error: 'YSS_SYNC_BODY_TOO_LARGE', message: new ServiceError('YSS_SYNC_BODY_TOO_LARGE', req.routeOptions.bodyLimit ?? bodyLimit).message });
    }
    if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      const type = JSON.stringify(String(req.headers['content-type'] ?? '').slice(0, 64));
      return reply.status(415).send({ error: 'YSS_SYNC_UNSUPPORTED_MEDIA_TYPE', message: new ServiceError('YSS_SYNC_UNSUPPORTED_MEDIA_TYPE', type).message });
    }
    if (e.statusCode && e.statusCode < 500) return reply.status(e.statusCode).send({ error: 'YSS_SYNC_INVALID_BODY', message: errors.YSS_SYNC_INVALID_BODY.message.replace('%s', e.message) });
    const corrupt = /SQLITE_(CORRUPT|NOTADB)/.test(String(e.code));
    req.log.error({ err, ...(corrupt ? { remedy: CORRUPT_REMEDY } : {}) }, corrupt ? 'the service database is corrupt' : 'unhandled error');
    return reply.status(500).send({ error: 'YSS_SYNC_INTERNAL', message: errors.YSS_SYNC_INTERNAL.message });
  });

  // Load shedding: while the event loop lags or the heap is past its cap, every request gets a
  // quick 503 rather than a slow answer.
  void app.register(underPressure, {
    maxEventLoopDelay: limits.max_event_loop_delay_ms,
    // A window with no lag sample at all counts as overloaded (under-pressure's rule): 5 s keeps a
    // busy machine's start-up from shedding the first requests, and still sheds a stuck loop.
    sampleInterval: 5000,
    maxHeapUsedBytes: limits.max_heap_used_bytes,
    exposeStatusRoute: false,
    pressureHandler: (req, reply, type) => {
      countRefusal(req, 'YSS_SYNC_OVERLOADED');
      void reply.status(503).header('retry-after', '5');
      // A returned value is sent as the reply (its types say void; its code sends what is returned).
      return { error: 'YSS_SYNC_OVERLOADED', message: new ServiceError('YSS_SYNC_OVERLOADED', type === 'eventLoopDelay' ? 'event loop delay' : type, 5).message } as unknown as void;
    },
  });
  void app.register(rateLimit, { global: false, ...(opts.sharedRateLimits ? { store: storageRateLimitStore(storage, now) } : {}) });

  void app.register(async (app: ServiceApp) => {
    const window = limits.auth_failure_window_s * 1000;
    byAddress = app.createRateLimit({ max: limits.auth_failures_per_address, timeWindow: window, keyGenerator: (req) => `a ${req.ip}` });
    byTerminal = app.createRateLimit({ max: limits.auth_failures_per_terminal, timeWindow: window, keyGenerator: (req) => `t ${String(req.headers[HEADER_TERMINAL]).slice(0, 64)}` });

    /** Refuses (429) an address, or a claimed terminal id, that failed authentication too often. */
    async function rateLimited(req: FastifyRequest): Promise<void> {
      const a = await byAddress!(req, { increment: false });
      if (!a.isAllowed && a.remaining <= 0) throw new ServiceError('YSS_SYNC_RATE_LIMITED', 'this address', Math.max(1, Math.ceil(a.ttl / 1000)));
      const id = req.headers[HEADER_TERMINAL];
      if (req.routeOptions.config.auth !== 'terminal' || typeof id !== 'string') return;
      const t = await byTerminal!(req, { increment: false });
      // The terminal itself, from where it last authenticated, is not locked out by strangers using its id.
      if (!t.isAllowed && t.remaining <= 0 && lastGood.get(id) !== req.ip) throw new ServiceError('YSS_SYNC_RATE_LIMITED', `terminal id ${id.slice(0, 64)}`, Math.max(1, Math.ceil(t.ttl / 1000)));
    }

    /**
     * Everything a terminal request's headers can tell, before a byte of its body is read: the
     * rate limits, the headers present, the nonce's form and the time. Nothing here depends on
     * whether the claimed terminal exists.
     */
    async function precheckTerminal(req: FastifyRequest): Promise<void> {
      await rateLimited(req);
      const h = (name: string) => {
        const v = req.headers[name];
        if (typeof v !== 'string' || v === '') throw new ServiceError('YSS_SYNC_UNSIGNED', name);
        return v;
      };
      const id = h(HEADER_TERMINAL);
      const time = Number(h(HEADER_TIME));
      const nonce = h(HEADER_NONCE);
      h(HEADER_SIGNATURE);
      if (id.length > 64) throw new ServiceError('YSS_SYNC_BAD_SIGNATURE', id.slice(0, 64));
      if (!NONCE.test(nonce)) throw new ServiceError('YSS_SYNC_BAD_NONCE', NONCE_MIN, NONCE_MAX);
      if (!Number.isSafeInteger(time) || Math.abs(now() - time) > MAX_REQUEST_AGE_MS) throw new ServiceError('YSS_SYNC_CLOCK_SKEW', String(time).slice(0, 32), MAX_REQUEST_AGE_MS);
    }

    /**
     * Verifies the signature over the method, the request target (path and query), the time, the
     * nonce and the raw body's hash, then parses the body and sets req.terminal. Stores nothing
     * (not even the nonce) unless the signature verifies; an unknown, pending or revoked id is
     * told apart from a wrong signature only by its own key's holder.
     */
    async function authenticateTerminal(req: FastifyRequest): Promise<void> {
      const id = req.headers[HEADER_TERMINAL] as string;
      const time = Number(req.headers[HEADER_TIME]);
      const nonce = req.headers[HEADER_NONCE] as string;
      const t = await storage.getTerminal(id);
      let key = nobody;
      if (t?.public_key && t.status !== 'pending') {
        key = keyCache.get(t.public_key) ?? ed25519PublicKey(Buffer.from(t.public_key, 'base64url'));
        keyCache.set(t.public_key, key);
      }
      const raw = req.rawBody ?? Buffer.alloc(0);
      const sig = Buffer.from(req.headers[HEADER_SIGNATURE] as string, 'base64url');
      const hash = req.bodyHash?.digest('base64url') ?? bodyHash(raw);
      if (sig.length !== 64 || !verify(null, signingInput(req.method, req.url, time, nonce, hash), key, sig)) throw new ServiceError('YSS_SYNC_BAD_SIGNATURE', id);
      if (t!.status === 'revoked') throw new ServiceError('YSS_SYNC_TERMINAL_REVOKED', id);
      req.terminal = t!;
      lastGood.set(id, req.ip);
      // Uploads record the nonce inside their ingest transaction; other routes here.
      if (req.routeOptions.url === '/v1/events') req.nonce = { nonce, expiresAt: time + MAX_REQUEST_AGE_MS };
      else if (!(await storage.useNonce(id, nonce, time + MAX_REQUEST_AGE_MS, now()))) throw new ServiceError('YSS_SYNC_REPLAYED_NONCE', nonce);
      req.body = parseSignedBody(raw);
    }

    /** Operator routes: the bearer token names the operator; checked before the body is read. */
    async function authenticateOperator(req: FastifyRequest): Promise<void> {
      await rateLimited(req);
      const auth = req.headers.authorization ?? '';
      const op = auth.startsWith('Bearer ') && auth.length <= 512 ? operators.get(sha256(auth.slice(7))) : undefined;
      if (!op) throw new ServiceError('YSS_SYNC_ADMIN_UNAUTHORIZED');
      // Fleet state and personal data are separate roles: opening seals needs `unseal`, the rest `fleet`.
      const role = (req.query as { open?: string } | undefined)?.open === '1' && req.routeOptions.url === '/admin/terminals/:id/events' ? 'unseal' : (req.routeOptions.config.role ?? 'fleet');
      if (role !== 'any' && !op.roles.includes(role)) throw new ServiceError('YSS_SYNC_ADMIN_FORBIDDEN', op.name, role);
      req.operator = op;
    }

    /**
     * Hashes a signed route's body chunk by chunk as it arrives, so that checking a stranger's
     * 16 MB never blocks the event loop for one long hash at the end.
     */
    async function hashWhileReceiving(req: FastifyRequest, _reply: unknown, payload: Readable): Promise<Readable> {
      const hash = createHash('sha256');
      req.bodyHash = hash;
      let seen = 0;
      const through = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          hash.update(chunk);
          seen += chunk.length;
          // Past its first MiB an unverified body waits its turn in the shared pace: holding the
          // callback stops the socket being read (TCP pushes back on the sender), so the bytes of
          // every big unverified body together cost at most the pace's share of the event loop.
          const paced = Math.min(chunk.length, seen - UNPACED_BODY);
          const wait = paced > 0 ? pace(paced) : 0;
          if (wait > 0) setTimeout(() => cb(null, chunk), wait);
          else cb(null, chunk);
        },
      });
      payload.on('error', (e) => through.destroy(e));
      return payload.pipe(through);
    }

    const terminalRoute = { config: { auth: 'terminal' as const }, onRequest: precheckTerminal, preParsing: hashWhileReceiving, preValidation: authenticateTerminal };
    const operatorRoute = { config: { auth: 'operator' as const }, onRequest: authenticateOperator };

  function status(t: TerminalRecord) {
    const clock = now();
    const hb = t.heartbeat;
    const hbAge = t.last_heartbeat_at == null ? null : Math.max(0, Math.round((clock - t.last_heartbeat_at) / 1000));
    const oldest = hb?.queue?.oldest_unsent_age_s;
    return {
      id: t.id,
      name: t.name,
      status: t.status,
      head_seq: t.head_seq,
      head_at: t.head_at,
      last_heartbeat_at: t.last_heartbeat_at,
      heartbeat_age_s: hbAge,
      backlog: hb?.queue?.backlog ?? null,
      // Events the terminal had committed (at its last heartbeat) that the service does not hold yet.
      lag_events: hb?.queue ? Math.max(0, hb.queue.last_seq - t.head_seq) : null,
      // Age of the oldest of those events now, or 0 when the service held everything reported.
      lag_s: hb?.queue ? (oldest == null || hb.queue.last_seq <= t.head_seq ? 0 : oldest + (hbAge ?? 0)) : null,
      dropped_total: hb?.queue?.dropped_total ?? null,
      heartbeat: hb,
    };
  }

    app.get('/', { schema: { response: { 200: S.textReply } } }, async (_req, reply) => reply.type('text/plain; charset=utf-8').send('yss-edge sync service\n'));

    app.get('/v1/time', { schema: { response: { 200: S.serverTime, ...S.errorReplies } } }, async () => ({ server_time: now() }));

    app.get('/v1/info', { schema: { response: { 200: S.info, ...S.errorReplies } } }, async () => ({
      seal_key: Buffer.from(opts.sealKeys.publicKey).toString('base64url'),
      server_time: now(),
    }));

    // A stranger may call enrollment: its body is small and its failures count against the address.
    app.post(
      '/v1/enroll',
      { config: { auth: 'enroll' }, onRequest: rateLimited, bodyLimit: limits.unauthenticated_body_limit, schema: { body: S.enrollBody, response: { 200: S.enrollReply, ...S.errorReplies } } },
      async (req) => {
      const body = req.body;
      const t = await storage.enroll(sha256(body.enrollment_code), body.public_key, now());
      if (!t) throw new ServiceError('YSS_SYNC_ENROLLMENT_INVALID');
      req.log.info({ terminal_id: t.id }, 'terminal enrolled');
      return { terminal_id: t.id, config_key: configKey.x, server_time: now() };
      },
    );

    app.post(
      '/v1/events',
      { ...terminalRoute, schema: { body: S.uploadBody, response: { 200: S.uploadReply, ...S.errorReplies } } },
      async (req): Promise<UploadReply> => {
        const { events } = req.body;
        const r = await storage.ingest(req.terminal!.id, events, now(), req.nonce);
        if (r.inserted) opts.afterIngest?.();
        if (r.gap) req.log.warn({ terminal_id: req.terminal!.id, gap: r.gap }, 'gap in uploaded events');
        return { acked_through: r.acked_through, gap: r.gap, server_time: now() };
      },
    );

    app.post(
      '/v1/heartbeat',
      // A heartbeat is a few hundred bytes; the cap keeps the stored status from becoming a dump.
      { ...terminalRoute, bodyLimit: 64 * 1024, schema: { body: S.heartbeat, response: { 200: S.heartbeatReply, ...S.errorReplies } } },
      async (req) => {
        const { slots, ...hb } = req.body;
        // Capacity shares (docs/feeds.md#capacity-shares): only yesterday, today and tomorrow in
        // China time, so a stranger's key cannot open counts for any date; only for the venue
        // the terminal is bound to.
        const days = venueDaysAround(now());
        const bad = slots?.find((r) => !days.includes(r.day));
        if (bad) throw new ServiceError('YSS_SYNC_INVALID_BODY', `slot day ${bad.day} is not within one day of the service's date ${days[1]} (${VENUE_TIME_ZONE})`);
        await storage.heartbeat(req.terminal!.id, hb, now());
        if (!slots?.length) return { server_time: now() };
        const venue = await storage.terminalVenue(req.terminal!.id);
        if (!venue) return { server_time: now() };
        const shares = await storage.shareSlots(venue, req.terminal!.id, slots, now());
        return { server_time: now(), shares };
      },
    );

    // The hall's allocator: a block of queue numbers, committed before the reply (docs/hall.md).
    app.post(
      '/v1/queue/numbers',
      { ...terminalRoute, bodyLimit: 4 * 1024, schema: { body: S.numbersBody, response: { 200: S.numbersReply, ...S.errorReplies } } },
      async (req) => {
        const b = req.body;
        // Only yesterday, today and tomorrow in China time: a stranger's key cannot open counters for any date.
        const days = venueDaysAround(now());
        if (!days.includes(b.day)) throw new ServiceError('YSS_SYNC_INVALID_BODY', `day ${b.day} is not within one day of the service's date ${days[1]} (${VENUE_TIME_ZONE})`);
        const block = await storage.allocateNumbers(b.hall, b.category, b.day, b.count, req.terminal!.id, now());
        req.log.debug({ terminal_id: req.terminal!.id, hall: b.hall, category: b.category, day: b.day, ...block }, 'queue numbers allocated');
        return { ...block, server_time: now() };
      },
    );

    app.get(
      '/v1/trust-list',
      { schema: { headers: { type: 'object', properties: { 'if-none-match': { type: 'string', maxLength: 128 } } }, response: { 200: S.textReply, 304: { type: 'null' }, ...S.errorReplies } } },
      async (req, reply) => {
        const list = await storage.trustList();
        if (!list) throw new ServiceError('YSS_SYNC_NOT_FOUND', 'trust list');
        const etag = `"tl-${list.sequence}"`;
        void reply.header('etag', etag).header('cache-control', 'no-cache');
        if (req.headers['if-none-match'] === etag) return reply.status(304).send();
        return reply.type('application/jose').send(list.jws);
      },
    );

    // The hall's calling side: window steps, the hall display and their pages (docs/hall.md).
    registerHallRoutes(app, { storage, now, authenticateOperator, terminalRoute });

    // Operator routes.
    app.post(
      '/admin/terminals',
      { ...operatorRoute, schema: { body: S.createTerminalBody, response: { 200: S.createTerminalReply, ...S.errorReplies } } },
      async (req) => {
        const name = req.body?.name ?? 'terminal';
        const id = `t-${randomBytes(6).toString('hex')}`;
        const code = enrollmentCode();
        await storage.createTerminal(id, name, sha256(code), now());
        const venue = req.body?.venue;
        if (venue) {
          await storage.setTerminalVenue(id, venue);
          // Enrolled for a venue that has a config push: it starts with that push.
          await catchUpVenueConfig(storage, configKey, id, now());
        }
        return { terminal_id: id, enrollment_code: code, seal_key: Buffer.from(opts.sealKeys.publicKey).toString('base64url') };
      },
    );

    app.get('/admin/terminals', { ...operatorRoute, schema: { response: { 200: S.terminalList, ...S.errorReplies } } }, async () => ({
      terminals: (await storage.listTerminals()).map(status),
    }));

    app.get(
      '/admin/terminals/:id',
      { ...operatorRoute, schema: { params: S.idParams, response: { 200: S.terminalStatus, ...S.errorReplies } } },
      async (req) => {
        const { id } = req.params;
        const t = await storage.getTerminal(id);
        if (!t) throw new ServiceError('YSS_SYNC_NOT_FOUND', `terminal ${id}`);
        return status(t);
      },
    );

    app.post(
      '/admin/terminals/:id/revoke',
      { ...operatorRoute, schema: { params: S.idParams, response: { 200: S.revokeReply, ...S.errorReplies } } },
      async (req) => {
        const { id } = req.params;
        if (!(await storage.revokeTerminal(id))) throw new ServiceError('YSS_SYNC_NOT_FOUND', `terminal ${id}`);
        req.log.info({ terminal_id: id }, 'terminal revoked');
        return { terminal_id: id, status: 'revoked' };
      },
    );

    app.get(
      '/admin/terminals/:id/events',
      { ...operatorRoute, schema: { params: S.idParams, querystring: S.eventsQuery, response: { 200: S.eventsReply, ...S.errorReplies } } },
      async (req) => {
        const { id } = req.params;
        const q = req.query;
        const after = Number(q.after ?? 0);
        const limit = Math.max(1, Math.min(Number(q.limit ?? 1000), 10_000));
        const events = await storage.events(id, after, limit);
        if (q.open !== '1') return { events };
        const purpose = (q.purpose ?? '').trim();
        if (purpose.length < PURPOSE_MIN) throw new ServiceError('YSS_SYNC_PURPOSE_REQUIRED', PURPOSE_MIN, PURPOSE_MAX);
        if (!opts.audit) throw new ServiceError('YSS_SYNC_INTERNAL');
        const seqs: number[] = [];
        const unopened: number[] = [];
        const out = events.map((e) => {
          if (!e.sealed) return e;
          try {
            const personal = openSealed(e.sealed as Sealed, opts.sealKeys.secretKey);
            seqs.push(e.seq);
            return { ...e, personal };
          } catch {
            // One seal that does not open (another service's key, damaged) is that event's error, not the page's.
            unopened.push(e.seq);
            return { ...e, seal_error: { error: 'YSS_SYNC_SEAL_UNOPENED', message: new ServiceError('YSS_SYNC_SEAL_UNOPENED', e.seq).message } };
          }
        });
        // Recorded (and fsynced) before anything opened leaves: no audit line, no data.
        opts.audit.append({ at: now(), operator: req.operator!.name, address: req.ip, terminal_id: id, seqs, unopened, purpose });
        // The log says that it happened and who did it; the audit says why; neither says what.
        req.log.info({ operator: req.operator!.name, terminal_id: id, opened: seqs.length, unopened: unopened.length }, 'sealed personal data opened for an operator');
        return { events: out };
      },
    );

    // The fleet page (sync-service/admin, built by `npm run build`) and what it reads. The page
    // itself holds no data: it asks for the operator's token and reads the routes below with it.
    registerPage(app, '/admin', ADMIN_DIST, 'the fleet page');

    app.get('/admin/me', { config: { auth: 'operator', role: 'any' }, onRequest: authenticateOperator, schema: { response: { 200: S.operatorMe, ...S.errorReplies } } }, async (req) => ({
      name: req.operator!.name,
      roles: req.operator!.roles,
    }));

    app.get('/admin/overview', { ...operatorRoute, schema: { response: { 200: S.fleetOverview, ...S.errorReplies } } }, async () => {
      const [terminals, trust, resets, configs, feeds, venueConfigs] = await Promise.all([
        storage.listTerminals(),
        storage.trustList(),
        storage.resets(),
        storage.configHeads(),
        storage.feedHeads(),
        storage.venueConfigHeads(),
      ]);
      return fleetOverview(terminals, trust && { sequence: trust.sequence, published_at: trust.published_at }, resets, now(), { ...ALERT_DEFAULTS, ...opts.alerts }, { configs, feeds, venueConfigs });
    });

    app.get('/admin/activity', { ...operatorRoute, schema: { querystring: S.activityQuery, response: { 200: S.activityReply, ...S.errorReplies } } }, async (req) => {
      const hours = Number(req.query.hours ?? 24);
      const since = Math.floor(now() / HOUR_MS) * HOUR_MS - (hours - 1) * HOUR_MS;
      return { since, hour_ms: HOUR_MS, hours: await storage.activity(since) };
    });

    app.get('/admin/audit', { config: { auth: 'operator', role: 'any' }, onRequest: authenticateOperator, schema: { querystring: S.auditQuery, response: { 200: S.auditReply, ...S.errorReplies } } }, async (req) => {
      if (!opts.audit) throw new ServiceError('YSS_SYNC_NOT_FOUND', 'unseal audit');
      return opts.audit.read(Number(req.query.limit ?? 100));
    });

    // Venue data feeds (docs/feeds.md): operators import, terminals of the venue pull snapshots.
    const venueSalt = (venue: string) => storage.venueSalt(venue, randomBytes(16).toString('base64url'), now());

    // What an import changes from the newest version (docs/feeds.md#deltas), kept beside it so
    // terminals holding that version get only the difference. None for a first import, or when
    // it names so many holders that the snapshot is the cheaper thing to send.
    const changeSinceHead = async (venue: string, kind: FeedKind, rows: readonly FeedRow[]) => {
      const head = await storage.feedHead(venue, kind);
      const before = head && (await storage.feedRows(venue, kind, head.version));
      if (!head || before === null) return null;
      const change = diffFeed(JSON.parse(before) as FeedRow[], rows);
      return change && { base: head.version, json: JSON.stringify(change) };
    };
    // A delta from `since` to the head, or null when a link of the chain is gone or it grew too large.
    const deltaText = async (venue: string, kind: FeedKind, since: number, head: FeedHead, salt: string) => {
      const links = await storage.feedChanges(venue, kind, since, head.version);
      const change = links && chainChanges(links.map((l) => JSON.parse(l) as FeedChange));
      if (!change) return null;
      const delta: FeedDelta = { format: 'yss-feed-delta/1', venue, kind, from: since, version: head.version, published_at: head.published_at, salt, rows_total: head.rows, ...change };
      return JSON.stringify(delta);
    };

    app.put(
      '/admin/terminals/:id/venue',
      { ...operatorRoute, schema: { params: S.idParams, body: S.terminalVenueBody, response: { 200: S.terminalVenueReply, ...S.errorReplies } } },
      async (req) => {
        const { id } = req.params;
        const { venue } = req.body;
        if (!(await storage.getTerminal(id))) throw new ServiceError('YSS_SYNC_NOT_FOUND', `terminal ${id}`);
        await storage.setTerminalVenue(id, venue);
        const caught = await catchUpVenueConfig(storage, configKey, id, now());
        req.log.info({ terminal_id: id, venue, config_version: caught?.version }, 'terminal bound to a venue');
        return { terminal_id: id, venue };
      },
    );

    app.get(
      '/admin/venues/:venue',
      { ...operatorRoute, schema: { params: S.venueParams, response: { 200: S.venueFeedsReply, ...S.errorReplies } } },
      async (req) => {
        const { venue } = req.params;
        return { venue, salt: await venueSalt(venue), feeds: await storage.venueFeeds(venue) };
      },
    );

    app.put(
      '/admin/venues/:venue/feeds/:kind',
      { ...operatorRoute, schema: { params: S.feedParams, response: { 200: S.feedPublished, ...S.errorReplies } } },
      async (req) => {
        const { venue, kind } = req.params;
        const csv = String(req.headers['content-type'] ?? '').startsWith('text/csv');
        // No body schema: a CSV arrives as text, JSON rows as parsed by the JSON parser.
        const body = req.body;
        if (csv && typeof body !== 'string') throw new ServiceError('YSS_SYNC_FEED_INVALID', 'empty CSV');
        const r = csv && typeof body === 'string' ? checkFeedCsv(kind, body) : checkFeedRows(kind, body);
        if (!r.ok) throw new ServiceError('YSS_SYNC_FEED_INVALID', `${r.count} problem${r.count === 1 ? '' : 's'}: ${describeProblems(r.problems, r.count)}`);
        await venueSalt(venue);
        const at = now();
        const version = await storage.publishFeed(venue, kind, JSON.stringify(r.rows), r.rows.length, at, await changeSinceHead(venue, kind, r.rows));
        req.log.info({ venue, kind, version, rows: r.rows.length, operator: req.operator!.name }, 'feed published');
        return { venue, kind, version, rows: r.rows.length, published_at: at };
      },
    );

    app.get(
      '/v1/feeds/:kind',
      {
        ...terminalRoute,
        schema: {
          params: S.feedKindParams,
          querystring: S.feedQuery,
          headers: { type: 'object', properties: { 'if-none-match': { type: 'string', maxLength: 128 } } },
          response: { 200: S.feedSnapshot, 304: { type: 'null' }, ...S.errorReplies },
        },
      },
      async (req, reply) => {
        const { kind } = req.params;
        const venue = await storage.terminalVenue(req.terminal!.id);
        if (!venue) throw new ServiceError('YSS_SYNC_FEED_NO_VENUE', req.terminal!.id);
        const head = await storage.feedHead(venue, kind);
        if (!head) throw new ServiceError('YSS_SYNC_NOT_FOUND', `${kind} feed of venue ${venue}`);
        const etag = `"f-${venue}-${kind}-${head.version}"`;
        void reply.header('etag', etag).header('cache-control', 'no-cache');
        if (req.headers['if-none-match'] === etag) return reply.status(304).send();
        const salt = await venueSalt(venue);
        const sinceText = req.query.since;
        const since = sinceText === undefined ? null : Number(sinceText);
        if (since !== null && since >= 1 && since < head.version) {
          const delta = await deltaText(venue, kind, since, head, salt);
          if (delta) return reply.type('application/json; charset=utf-8').send(delta);
        }
        const rows = await storage.feedRows(venue, kind, head.version);
        if (rows === null) throw new ServiceError('YSS_SYNC_NOT_FOUND', `${kind} feed of venue ${venue}`);
        // The stored rows are spliced in as stored: a 100,000-row feed is not parsed and serialized again.
        const text = `{"format":"yss-feed/1","venue":${JSON.stringify(venue)},"kind":${JSON.stringify(kind)},"version":${head.version},"published_at":${head.published_at},"salt":${JSON.stringify(salt)},"rows":${rows}}`;
        return reply.type('application/json; charset=utf-8').send(text);
      },
    );

    // Config pushes (docs/config-push.md), to one terminal or a venue's: config-routes.ts.
    registerConfigRoutes(app, { storage, now, configKey, authenticateOperator, terminalRoute });

    // Police reports (docs/police.md): a terminal reads its guests' report states, operators the alerts.
    app.get('/v1/police/states', { ...terminalRoute, schema: { response: { 200: S.policeStatesReply, ...S.errorReplies } } }, async (req) => {
      const clock = now();
      const reports = await storage.policeOfTerminal(req.terminal!.id, clock - POLICE_STATES_DAYS * 86_400_000, POLICE_STATES_MAX);
      return { server_time: clock, reports };
    });

    app.get('/admin/police/overdue', { ...operatorRoute, schema: { querystring: S.policeOverdueQuery, response: { 200: S.policeOverdueReply, ...S.errorReplies } } }, async (req) => {
      const clock = now();
      const venue = req.query.venue;
      const reports = (await storage.policeAlerts(clock, POLICE_ALERTS_MAX))
        .filter((r) => venue === undefined || r.venue === venue)
        .map((r) => ({ ...r, id: `${r.terminal_id}/${r.seq}`, alert: clock >= r.deadline_at ? ('overdue' as const) : ('due_soon' as const) }));
      return { now: clock, due_soon: reports.filter((r) => r.alert === 'due_soon').length, overdue: reports.filter((r) => r.alert === 'overdue').length, reports };
    });

    app.get('/admin/police/reports/:id/:seq', { ...operatorRoute, schema: { params: S.policeReportParams, response: { 200: S.policeHistoryReply, ...S.errorReplies } } }, async (req) => {
      const { id, seq } = req.params;
      const history = await storage.policeHistory(id, Number(seq));
      if (!history.length) throw new ServiceError('YSS_SYNC_NOT_FOUND', `police report ${id}/${seq}`);
      return { id: `${id}/${seq}`, history };
    });

    app.put(
      '/admin/trust-list',
      { ...operatorRoute, schema: { body: S.trustListBody, response: { 200: S.trustListPublished, ...S.errorReplies } } },
      async (req) => {
        const jws = String(req.body ?? '').trim();
        const sequence = trustListSequence(jws);
        const current = await storage.trustList();
        if (current && sequence <= current.sequence) throw new ServiceError('YSS_SYNC_TRUST_LIST_ROLLBACK', sequence, current.sequence);
        await storage.publishTrustList(jws, sequence, now());
        req.log.info({ sequence }, 'trust list published');
        return { sequence };
      },
    );
  });

  return app;
}

/** The service only relays lists signed elsewhere; it checks the envelope and the sequence. */
function trustListSequence(jws: string): number {
  const parts = jws.split('.');
  if (parts.length !== 3) throw new ServiceError('YSS_SYNC_TRUST_LIST_INVALID', 'not a compact JWS (three dot-separated parts)');
  let payload: { format?: unknown; sequence?: unknown };
  try {
    payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    throw new ServiceError('YSS_SYNC_TRUST_LIST_INVALID', 'payload is not base64url JSON');
  }
  if (payload.format !== 'yss-trust-list/1') throw new ServiceError('YSS_SYNC_TRUST_LIST_INVALID', `unknown format ${JSON.stringify(payload.format)}`);
  if (!Number.isSafeInteger(payload.sequence) || (payload.sequence as number) < 0) {
    throw new ServiceError('YSS_SYNC_TRUST_LIST_INVALID', 'sequence is not a non-negative integer');
  }
  return payload.sequence as number;
}
