// Builds the sync service's fastify instance from options; server.ts only listens. Tests use
// app.inject() or a real listening process.
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
  type Sealed,
  type UploadBody,
  type UploadReply,
} from '../../terminal/src/protocol/index.ts';
import { errors, ServiceError } from './errors.ts';
import type { SealKeys } from './keys.ts';
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
  }
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const eventSchema = {
  type: 'object',
  required: ['seq', 'type', 'at', 'trusted_at', 'scenario', 'body', 'sealed', 'prev_hash', 'hash'],
  additionalProperties: false,
  properties: {
    seq: { type: 'integer', minimum: 1 },
    type: { type: 'string', minLength: 1, maxLength: 64 },
    at: { type: 'integer' },
    trusted_at: { type: 'integer' },
    scenario: { type: 'string', maxLength: 64 },
    body: { type: 'object' },
    sealed: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['epk', 'n', 'c'],
          additionalProperties: false,
          properties: { epk: { type: 'string' }, n: { type: 'string' }, c: { type: 'string' } },
        },
      ],
    },
    prev_hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
  },
} as const;

const errorReply = {
  type: 'object',
  properties: { error: { type: 'string' }, message: { type: 'string' } },
} as const;

export function buildApp(opts: AppOptions): FastifyInstance {
  const now = opts.now ?? Date.now;
  const { storage } = opts;
  const app = Fastify({
    ...(opts.logger === false ? { logger: false } : { loggerInstance: opts.logger }),
    bodyLimit: opts.bodyLimit ?? 16 * 1024 * 1024,
    ajv: { customOptions: { allErrors: false, removeAdditional: false, coerceTypes: false } },
  }) as unknown as FastifyInstance;
  const keyCache = new Map<string, KeyObject>();

  // Keep the exact bytes: the signature covers the body's hash.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    req.rawBody = body as string;
    try {
      done(null, body === '' ? {} : JSON.parse(body as string));
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

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof ServiceError) return reply.status(err.status).send({ error: err.code, message: err.message });
    const e = err as { validation?: unknown; statusCode?: number; message: string; code?: string };
    if (e.validation) return reply.status(400).send({ error: 'YSS_SYNC_INVALID_BODY', message: errors.YSS_SYNC_INVALID_BODY.message.replace('%s', e.message) });
    if (e.statusCode && e.statusCode < 500) return reply.status(e.statusCode).send({ error: 'YSS_SYNC_INVALID_BODY', message: e.message });
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: 'YSS_SYNC_INTERNAL', message: 'internal error' });
  });

  /** Verifies a terminal-signed request; sets req.terminal. */
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
    const t = storage.getTerminal(id);
    if (!t || !t.public_key) throw new ServiceError('YSS_SYNC_TERMINAL_UNKNOWN', id);
    if (t.status === 'revoked') throw new ServiceError('YSS_SYNC_TERMINAL_REVOKED', id);
    let key = keyCache.get(t.public_key);
    if (!key) {
      key = ed25519PublicKey(Buffer.from(t.public_key, 'base64url'));
      keyCache.set(t.public_key, key);
    }
    const path = req.url.split('?')[0]!;
    if (!verifyRequestSignature(key, req.method, path, req.rawBody ?? '', time, nonce, signature)) {
      throw new ServiceError('YSS_SYNC_BAD_SIGNATURE', id);
    }
    const clock = now();
    if (!Number.isFinite(time) || Math.abs(clock - time) > MAX_REQUEST_AGE_MS) throw new ServiceError('YSS_SYNC_CLOCK_SKEW', time, MAX_REQUEST_AGE_MS);
    if (!storage.useNonce(id, nonce, time + MAX_REQUEST_AGE_MS, clock)) throw new ServiceError('YSS_SYNC_REPLAYED_NONCE', nonce);
    req.terminal = t;
  }

  async function authenticateAdmin(req: FastifyRequest): Promise<void> {
    const auth = req.headers.authorization ?? '';
    const expected = `Bearer ${opts.adminToken}`;
    if (auth.length !== expected.length || sha256(auth) !== sha256(expected)) throw new ServiceError('YSS_SYNC_ADMIN_UNAUTHORIZED');
  }

  app.get('/', async (_req, reply) => reply.type('text/plain; charset=utf-8').send('yss-edge sync service\n'));

  app.get('/v1/time', { schema: { response: { 200: { type: 'object', properties: { server_time: { type: 'integer' } } } } } }, async () => ({
    server_time: now(),
  }));

  app.get('/v1/info', async () => ({
    seal_key: Buffer.from(opts.sealKeys.publicKey).toString('base64url'),
    server_time: now(),
  }));

  app.post(
    '/v1/enroll',
    {
      schema: {
        body: {
          type: 'object',
          required: ['enrollment_code', 'public_key'],
          additionalProperties: false,
          properties: {
            enrollment_code: { type: 'string', minLength: 8, maxLength: 128 },
            public_key: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
            name: { type: 'string', maxLength: 128 },
          },
        },
        response: { 200: { type: 'object', properties: { terminal_id: { type: 'string' }, server_time: { type: 'integer' } } }, 401: errorReply },
      },
    },
    async (req) => {
      const body = req.body as { enrollment_code: string; public_key: string };
      const t = storage.enroll(sha256(body.enrollment_code), body.public_key, now());
      if (!t) throw new ServiceError('YSS_SYNC_ENROLLMENT_INVALID');
      req.log.info({ terminal_id: t.id }, 'terminal enrolled');
      return { terminal_id: t.id, server_time: now() };
    },
  );

  app.post(
    '/v1/events',
    {
      preValidation: authenticateTerminal,
      schema: {
        body: {
          type: 'object',
          required: ['events'],
          additionalProperties: false,
          properties: { events: { type: 'array', maxItems: 10_000, items: eventSchema } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              acked_through: { type: 'integer' },
              gap: { anyOf: [{ type: 'null' }, { type: 'object', properties: { expected: { type: 'integer' }, got: { type: 'integer' } } }] },
              server_time: { type: 'integer' },
            },
          },
        },
      },
    },
    async (req): Promise<UploadReply> => {
      const { events } = req.body as UploadBody;
      const r = storage.ingest(req.terminal!.id, events, now());
      if (r.gap) req.log.warn({ terminal_id: req.terminal!.id, gap: r.gap }, 'gap in uploaded events');
      return { acked_through: r.acked_through, gap: r.gap, server_time: now() };
    },
  );

  app.post('/v1/heartbeat', { preValidation: authenticateTerminal, schema: { body: { type: 'object' } } }, async (req) => {
    storage.heartbeat(req.terminal!.id, req.body as Record<string, unknown>, now());
    return { server_time: now() };
  });

  app.get('/v1/trust-list', async (req, reply) => {
    const list = storage.trustList();
    if (!list) throw new ServiceError('YSS_SYNC_NOT_FOUND', 'trust list');
    const etag = `"tl-${list.sequence}"`;
    reply.header('etag', etag).header('cache-control', 'no-cache');
    if (req.headers['if-none-match'] === etag) return reply.status(304).send();
    return reply.type('application/jose').send(list.jws);
  });

  // Operator routes.
  app.post(
    '/admin/terminals',
    {
      preHandler: authenticateAdmin,
      schema: { body: { type: 'object', additionalProperties: false, properties: { name: { type: 'string', minLength: 1, maxLength: 128 } } } },
    },
    async (req) => {
      const name = (req.body as { name?: string } | undefined)?.name ?? 'terminal';
      const id = `t-${randomBytes(6).toString('hex')}`;
      const code = randomBytes(15).toString('base64url');
      storage.createTerminal(id, name, sha256(code), now());
      return { terminal_id: id, enrollment_code: code, seal_key: Buffer.from(opts.sealKeys.publicKey).toString('base64url') };
    },
  );

  app.get('/admin/terminals', { preHandler: authenticateAdmin }, async () => ({
    terminals: storage.listTerminals().map((t) => ({
      id: t.id,
      name: t.name,
      status: t.status,
      head_seq: t.head_seq,
      last_heartbeat_at: t.last_heartbeat_at,
      heartbeat: t.heartbeat,
      lag_s: t.last_heartbeat_at == null ? null : Math.round((now() - t.last_heartbeat_at) / 1000),
    })),
  }));

  app.post('/admin/terminals/:id/revoke', { preHandler: authenticateAdmin }, async (req) => {
    const { id } = req.params as { id: string };
    if (!storage.revokeTerminal(id)) throw new ServiceError('YSS_SYNC_NOT_FOUND', `terminal ${id}`);
    return { terminal_id: id, status: 'revoked' };
  });

  app.get('/admin/terminals/:id/events', { preHandler: authenticateAdmin }, async (req) => {
    const { id } = req.params as { id: string };
    const q = req.query as { after?: string; limit?: string; open?: string };
    const after = Number(q.after ?? 0);
    const limit = Math.min(Number(q.limit ?? 1000), 10_000);
    const open = q.open === '1';
    return {
      events: storage.events(id, after, limit).map((e) => ({
        ...e,
        personal: open && e.sealed ? openSealed(e.sealed as Sealed, opts.sealKeys.secretKey) : undefined,
      })),
    };
  });

  app.put('/admin/trust-list', { preHandler: authenticateAdmin }, async (req) => {
    const jws = String(req.body ?? '').trim();
    const sequence = trustListSequence(jws);
    const current = storage.trustList();
    if (current && sequence <= current.sequence) throw new ServiceError('YSS_SYNC_TRUST_LIST_ROLLBACK', sequence, current.sequence);
    storage.publishTrustList(jws, sequence, now());
    return { sequence };
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
