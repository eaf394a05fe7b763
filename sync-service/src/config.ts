// The service's configuration: validated at start against a schema that rejects unknown keys.
import { Ajv } from 'ajv';
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ALERT_DEFAULTS, type AlertThresholds } from './fleet.ts';
import { OUTBOX_DEFAULTS, type OutboxTiming } from './police/outbox.ts';

/**
 * Production limits (docs/security.md, "Sync service"). Tests shorten the timeouts through the
 * same keys; nothing else changes them.
 */
export const LIMIT_DEFAULTS = {
  /** A whole request (headers and body) must arrive within this; slow-body clients are cut off. */
  request_timeout_ms: 30_000,
  /** The request line and headers must arrive within this. */
  headers_timeout_ms: 10_000,
  /** An idle keep-alive socket is closed after this. */
  keep_alive_timeout_ms: 5_000,
  /** A socket with no traffic at all is closed after this. */
  idle_timeout_ms: 30_000,
  /** Open sockets, in all; one more is answered 503 and closed. */
  max_connections: 1024,
  /** Open sockets from one address. */
  max_connections_per_address: 64,
  /** Request bytes being received before authentication, in all; more are answered 503. */
  max_inflight_body_bytes: 256 * 1024 * 1024,
  /**
   * Signed-route bodies are received at most this fast in all, beyond each request's first MiB
   * (a terminal's default batch, never paced), until their signature can be checked: strangers'
   * big bodies then cannot take the event loop from terminals (docs/security.md).
   */
  unverified_bytes_per_s: 8 * 1024 * 1024,
  /** Body limit of the routes a stranger may call with a body (enrollment). */
  unauthenticated_body_limit: 4096,
  /** Failed authentications per address in one window before 429. */
  auth_failures_per_address: 20,
  /** Failed authentications claiming one terminal id in one window before 429. */
  auth_failures_per_terminal: 20,
  auth_failure_window_s: 60,
  /**
   * Load shedding (@fastify/under-pressure): 503 while the event loop lags or the heap is past
   * these. The lag is the mean over each 5 s; 5 s with no sample at all (the loop blocked
   * throughout) count as overloaded. 0 turns the lag check off.
   */
  max_event_loop_delay_ms: 1000,
  max_heap_used_bytes: 1536 * 1024 * 1024,
} as const;

export type Limits = { -readonly [K in keyof typeof LIMIT_DEFAULTS]: number };

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  body_limit: 16 * 1024 * 1024, // 16 MiB per upload
  log_level: 'info',
} as const;

/**
 * `fleet`: terminals and status; `unseal`: personal data; `window`: a hall window's calling steps
 * (docs/hall.md); `config`: push a terminal's config (docs/config-push.md).
 */
export type Role = 'fleet' | 'unseal' | 'window' | 'config';

/** A named operator: the SHA-256 of their bearer token (the token itself is never stored) and roles. */
export interface Operator {
  name: string;
  token_sha256: string;
  roles: Role[];
}

/** Connections each node keeps to PostgreSQL. */
export const PG_POOL_SIZE = 10;

export interface ServiceConfig {
  data_dir: string;
  host: string;
  port: number;
  /** Legacy shared bearer token: the operator "admin" with the fleet role only (never unseal). */
  admin_token?: string;
  operators: Operator[];
  body_limit: number;
  log_level: string;
  limits: Limits;
  /**
   * `sqlite` (default): one file in data_dir, for one node. `postgresql`: a shared database, for
   * several stateless nodes (docs/scale.md); data_dir then holds only the seal key and each node's
   * own lock and unseal audit.
   */
  storage: { kind: 'sqlite' } | { kind: 'postgresql'; url: string; pool_size: number };
  /** When the fleet page alerts (fleet.ts ALERT_DEFAULTS; docs/fleet.md). */
  alerts: AlertThresholds;
  /** Where guest registrations are reported (docs/police.md); without it reports wait in the outbox. */
  police?: PoliceConfig;
}

/** The police gateway and the outbox's timing (police/outbox.ts OUTBOX_DEFAULTS), ms. */
export type PoliceConfig = OutboxTiming & {
  gateway: { kind: 'http'; url: string; timeout_ms: number } | { kind: 'file'; dir: string };
};

/** An HTTP gateway that has not answered within this is retried later (10 s). */
export const POLICE_TIMEOUT_MS = 10_000;

const positive = { type: 'integer', minimum: 1 } as const;

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['data_dir'],
  anyOf: [{ required: ['admin_token'] }, { required: ['operators'] }],
  properties: {
    $comment: { type: 'string' },
    data_dir: { type: 'string', minLength: 1 },
    host: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 0, maximum: 65535 },
    admin_token: { type: 'string', minLength: 16 },
    operators: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'token_sha256', 'roles'],
        properties: {
          name: { type: 'string', pattern: '^[A-Za-z0-9._@-]{1,64}$' },
          token_sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          roles: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['fleet', 'unseal', 'window', 'config'] } },
        },
      },
    },
    body_limit: { type: 'integer', minimum: 1024 },
    log_level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    limits: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(Object.keys(LIMIT_DEFAULTS).map((k) => [k, k === 'max_event_loop_delay_ms' ? { type: 'integer', minimum: 0 } : positive])),
    },
    alerts: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(Object.keys(ALERT_DEFAULTS).map((k) => [k, positive])),
    },
    police: {
      type: 'object',
      additionalProperties: false,
      required: ['gateway'],
      properties: {
        ...Object.fromEntries(Object.keys(OUTBOX_DEFAULTS).map((k) => [k, positive])),
        gateway: {
          oneOf: [
            {
              type: 'object',
              additionalProperties: false,
              required: ['kind', 'url'],
              properties: { kind: { const: 'http' }, url: { type: 'string', pattern: '^https?://[^\\s]+$', maxLength: 2048 }, timeout_ms: positive },
            },
            { type: 'object', additionalProperties: false, required: ['kind', 'dir'], properties: { kind: { const: 'file' }, dir: { type: 'string', minLength: 1 } } },
          ],
        },
      },
    },
    storage: {
      oneOf: [
        { type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: { const: 'sqlite' } } },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'url'],
          properties: {
            kind: { const: 'postgresql' },
            url: { type: 'string', pattern: '^postgres(ql)?://' },
            pool_size: { type: 'integer', minimum: 1, maximum: 200 },
          },
        },
      ],
    },
  },
} as const;

const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

export class ConfigError extends Error {
  constructor(file: string, readonly problems: string[]) {
    super(`invalid configuration ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function parseServiceConfig(value: unknown, baseDir: string, file = '<inline>'): Readonly<ServiceConfig> {
  if (!validate(value)) {
    throw new ConfigError(
      file,
      (validate.errors ?? [])
        .filter((e) => e.keyword !== 'anyOf' && !(e.keyword === 'required' && e.schemaPath.startsWith('#/anyOf')))
        .map((e) => {
          const at = `config${e.instancePath.replace(/\//g, '.')}`;
          return e.keyword === 'additionalProperties' ? `${at}: unknown key "${String(e.params.additionalProperty)}"` : `${at}: ${e.message}`;
        })
        .concat((validate.errors ?? []).some((e) => e.keyword === 'anyOf') ? ['config: needs "operators" (or the legacy "admin_token")'] : []),
    );
  }
  const raw = value as Partial<ServiceConfig> & { data_dir: string };
  const names = new Set<string>();
  const dup = (raw.operators ?? []).find((o) => names.size === names.add(o.name).size);
  if (dup) throw new ConfigError(file, [`config.operators: operator "${dup.name}" is listed twice`]);
  const storage: ServiceConfig['storage'] = raw.storage?.kind === 'postgresql' ? { ...raw.storage, pool_size: raw.storage.pool_size ?? PG_POOL_SIZE } : { kind: 'sqlite' };
  const config: ServiceConfig = {
    ...DEFAULTS,
    ...raw,
    operators: raw.operators ?? [],
    limits: { ...LIMIT_DEFAULTS, ...raw.limits },
    alerts: { ...ALERT_DEFAULTS, ...raw.alerts },
    storage,
    data_dir: resolve(baseDir, raw.data_dir),
  };
  if (raw.police) {
    const g = raw.police.gateway;
    config.police = {
      ...OUTBOX_DEFAULTS,
      ...raw.police,
      gateway: g.kind === 'http' ? { kind: 'http', url: g.url, timeout_ms: g.timeout_ms ?? POLICE_TIMEOUT_MS } : { kind: 'file', dir: resolve(baseDir, g.dir) },
    };
  }
  return Object.freeze(config);
}

export function loadServiceConfig(file: string): Readonly<ServiceConfig> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(file, [(e as Error).message]);
  }
  return parseServiceConfig(value, dirname(resolve(file)), file);
}

/** The config holds credentials: a problem to report when others than its owner may read it. */
export function configModeProblem(file: string): string | null {
  const mode = statSync(file).mode & 0o777;
  return mode & 0o077 ? `${file} is readable by others (mode ${mode.toString(8).padStart(4, '0')}): it holds operator credentials; run chmod 600 ${file}` : null;
}
