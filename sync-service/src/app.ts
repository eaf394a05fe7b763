// Builds the sync service's fastify instance from options; server.ts only listens. Tests use
// app.inject() or a real listening process. Every route has a schema for what it takes and
// what it returns (schemas.ts).
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import {
  ed25519PublicKey,
  HEADER_NONCE,
  HEADER_SIGNATURE,
  HEADER_TERMINAL,
  HEADER_TIME,
  MAX_REQUEST_AGE_MS,
  openSealed,
  verifyRequestSignature,
  type Heartbeat,
  type Sealed,
  type UploadBody,
  type UploadReply,
} from '../../terminal/src/protocol/index.ts';
import { errors, ServiceError } from './errors.ts';
import { createMetrics, registerMetrics } from './metrics.ts';
import type { SealKeys } from './keys.ts';
import * as S from './schemas.ts';
import type { Storage, TerminalRecord } from './storage/types.ts';

export interface AppOptions {
  storage: Storage;
  sealKeys: SealKeys;
  adminToken: string;
  logger: Logger | false;
  bodyLimit?: number;
  now?: () => number;
}

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
    terminal?: TerminalRecord;
    /** The request's nonce, when the route records it itself (in its own transaction). */
    nonce?: { nonce: string; expiresAt: number };
  }
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function buildApp(opts: AppOptions): FastifyInstance {
  const now = opts.now ?? Date.now;
  const metrics = createMetrics(opts.storage, now);
  const { storage } = metrics;
  const app = Fastify({
    ...(opts.logger === false ? { logger: false } : { loggerInstance: opts.logger }),
    bodyLimit: opts.bodyLimit ?? 16 * 1024 * 1024,
    ajv: { customOptions: { allErrors: false, removeAdditional: false, coerceTypes: false } },
  }) as unknown as FastifyInstance;
  const keyCache = new Map<string, KeyObject>();

  // Every route states what it returns; one without a response schema is a bug caught at start.
  app.addHook('onRoute', (route) => {
    const methods = ([] as string[]).concat(route.method);
    if (methods.every((m) => m === 'HEAD')) return;
    if (!route.schema?.response) throw new Error(`route ${methods.join(',')} ${route.url} has no response schema`);
  });

  // Keep the exact bytes: the signature covers the body's hash.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    req.rawBody = body as string;
    try {
      done(null, body === '' ? null : JSON.parse(body as string));
    } catch {
      done(new ServiceError('YSS_SYNC_INVALID_BODY', 'not valid JSON'), undefined);
    }
  });
  app.addContentTypeParser(['text/plain', 'application/jose'], { parseAs: 'string' }, (req, body, done) => {
    req.rawBody = body as string;
    done(null, body);
  });

  app.addHook('onSend', async (_req, reply) => {
    reply.header('x-yss-server-time', String(now()));
  });
  registerMetrics(app, metrics, opts.adminToken);

  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ error: 'YSS_SYNC_NOT_FOUND', message: errors.YSS_SYNC_NOT_FOUND.message.replace('%s', `route ${req.method} ${req.url.split('?')[0]}`) });
  });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof ServiceError) {
      if (err.status === 401 || err.status === 403) req.log.warn({ code: err.code, terminal: String(req.headers[HEADER_TERMINAL] ?? '').slice(0, 64) }, 'request refused');
      return reply.status(err.status).send({ error: err.code, message: err.message });
    }
    const e = err as { validation?: unknown; statusCode?: number; message: string; code?: string };
    if (e.validation) return reply.status(400).send({ error: 'YSS_SYNC_INVALID_BODY', message: errors.YSS_SYNC_INVALID_BODY.message.replace('%s', e.message) });
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.status(413).send({ error: 'YSS_SYNC_BODY_TOO_LARGE', message: errors.YSS_SYNC_BODY_TOO_LARGE.message });
    if (e.statusCode && e.statusCode < 500) return reply.status(e.statusCode).send({ error: 'YSS_SYNC_INVALID_BODY', message: errors.YSS_SYNC_INVALID_BODY.message.replace('%s', e.message) });
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: 'YSS_SYNC_INTERNAL', message: errors.YSS_SYNC_INTERNAL.message });
  });

  /**
   * Verifies a terminal-signed request and sets req.terminal. Runs before the body schema, and
   * stores nothing (not even the nonce) unless the terminal is known, active and the signature
   * verifies.
   */
  async function authenticateTerminal(req: FastifyRequest): Promise<void> {
    const h = (name: string) => {
      const v = req.headers[name];
      if (typeof v !== 'string' || v === '') throw new ServiceError('YSS_SYNC_UNSIGNED', name);
      return v;
    };
    const id = h(HEADER_TERMINAL);
    const time = Number(h(HEADER_TIME));
    const nonce = h(HEADER_NONCE);
    const signature = h(HEADER_SIGNATURE);
    if (id.length > 64 || nonce.length > 64) throw new ServiceError('YSS_SYNC_BAD_SIGNATURE', id.slice(0, 64));
    const t = await storage.getTerminal(id);
    if (!t || !t.public_key) throw new ServiceError('YSS_SYNC_TERMINAL_UNKNOWN', id);
    if (t.status === 'revoked') throw new ServiceError('YSS_SYNC_TERMINAL_REVOKED', id);
    let key = keyCache.get(t.public_key);
    if (!key) {
      key = ed25519PublicKey(Buffer.from(t.public_key, 'base64url'));
      keyCache.set(t.public_key, key);
    }
    const path = req.url.split('?')[0]!;
    if (!verifyRequestSignature(key, req.method, path, req.rawBody ?? '', time, nonce, signature)) throw new ServiceError('YSS_SYNC_BAD_SIGNATURE', id);
    const clock = now();
    if (!Number.isFinite(time) || Math.abs(clock - time) > MAX_REQUEST_AGE_MS) throw new ServiceError('YSS_SYNC_CLOCK_SKEW', time, MAX_REQUEST_AGE_MS);
    req.terminal = t;
    // Uploads record the nonce inside their ingest transaction; other routes here.
    if (req.routeOptions.url === '/v1/events') req.nonce = { nonce, expiresAt: time + MAX_REQUEST_AGE_MS };
    else if (!(await storage.useNonce(id, nonce, time + MAX_REQUEST_AGE_MS, clock))) throw new ServiceError('YSS_SYNC_REPLAYED_NONCE', nonce);
  }

  async function authenticateAdmin(req: FastifyRequest): Promise<void> {
    const auth = req.headers.authorization ?? '';
    const expected = `Bearer ${opts.adminToken}`;
    if (auth.length !== expected.length || sha256(auth) !== sha256(expected)) throw new ServiceError('YSS_SYNC_ADMIN_UNAUTHORIZED');
  }

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

  app.post('/v1/enroll', { schema: { body: S.enrollBody, response: { 200: S.enrollReply, ...S.errorReplies } } }, async (req) => {
    const body = req.body as { enrollment_code: string; public_key: string };
    const t = await storage.enroll(sha256(body.enrollment_code), body.public_key, now());
    if (!t) throw new ServiceError('YSS_SYNC_ENROLLMENT_INVALID');
    req.log.info({ terminal_id: t.id }, 'terminal enrolled');
    return { terminal_id: t.id, server_time: now() };
  });

  app.post(
    '/v1/events',
    { preValidation: authenticateTerminal, schema: { body: S.uploadBody, response: { 200: S.uploadReply, ...S.errorReplies } } },
    async (req): Promise<UploadReply> => {
      const { events } = req.body as UploadBody;
      const r = await storage.ingest(req.terminal!.id, events, now(), req.nonce);
      if (r.gap) req.log.warn({ terminal_id: req.terminal!.id, gap: r.gap }, 'gap in uploaded events');
      return { acked_through: r.acked_through, gap: r.gap, server_time: now() };
    },
  );

  app.post(
    '/v1/heartbeat',
    // A heartbeat is a few hundred bytes; the cap keeps the stored status from becoming a dump.
    { preValidation: authenticateTerminal, bodyLimit: 64 * 1024, schema: { body: S.heartbeat, response: { 200: S.serverTime, ...S.errorReplies } } },
    async (req) => {
      await storage.heartbeat(req.terminal!.id, req.body as Heartbeat, now());
      return { server_time: now() };
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

  // Operator routes.
  app.post(
    '/admin/terminals',
    { preHandler: authenticateAdmin, schema: { body: S.createTerminalBody, response: { 200: S.createTerminalReply, ...S.errorReplies } } },
    async (req) => {
      const name = (req.body as { name?: string } | null)?.name ?? 'terminal';
      const id = `t-${randomBytes(6).toString('hex')}`;
      const code = randomBytes(15).toString('base64url');
      await storage.createTerminal(id, name, sha256(code), now());
      return { terminal_id: id, enrollment_code: code, seal_key: Buffer.from(opts.sealKeys.publicKey).toString('base64url') };
    },
  );

  app.get('/admin/terminals', { preHandler: authenticateAdmin, schema: { response: { 200: S.terminalList, ...S.errorReplies } } }, async () => ({
    terminals: (await storage.listTerminals()).map(status),
  }));

  app.get(
    '/admin/terminals/:id',
    { preHandler: authenticateAdmin, schema: { params: S.idParams, response: { 200: S.terminalStatus, ...S.errorReplies } } },
    async (req) => {
      const { id } = req.params as { id: string };
      const t = await storage.getTerminal(id);
      if (!t) throw new ServiceError('YSS_SYNC_NOT_FOUND', `terminal ${id}`);
      return status(t);
    },
  );

  app.post(
    '/admin/terminals/:id/revoke',
    { preHandler: authenticateAdmin, schema: { params: S.idParams, response: { 200: S.revokeReply, ...S.errorReplies } } },
    async (req) => {
      const { id } = req.params as { id: string };
      if (!(await storage.revokeTerminal(id))) throw new ServiceError('YSS_SYNC_NOT_FOUND', `terminal ${id}`);
      req.log.info({ terminal_id: id }, 'terminal revoked');
      return { terminal_id: id, status: 'revoked' };
    },
  );

  app.get(
    '/admin/terminals/:id/events',
    { preHandler: authenticateAdmin, schema: { params: S.idParams, querystring: S.eventsQuery, response: { 200: S.eventsReply, ...S.errorReplies } } },
    async (req) => {
      const { id } = req.params as { id: string };
      const q = req.query as { after?: string; limit?: string; open?: string };
      const after = Number(q.after ?? 0);
      const limit = Math.max(1, Math.min(Number(q.limit ?? 1000), 10_000));
      const open = q.open === '1';
      // Opening personal data is the one place it exists in clear; log that it happened, not what.
      if (open) req.log.info({ terminal_id: id, after, limit }, 'sealed personal data opened for an operator');
      return {
        events: (await storage.events(id, after, limit)).map((e) => (open && e.sealed ? { ...e, personal: openSealed(e.sealed as Sealed, opts.sealKeys.secretKey) } : e)),
      };
    },
  );

  app.put(
    '/admin/trust-list',
    { preHandler: authenticateAdmin, schema: { body: S.trustListBody, response: { 200: S.trustListPublished, ...S.errorReplies } } },
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
