// The service's configuration: validated at start against a schema that rejects unknown keys.
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  body_limit: 16 * 1024 * 1024, // 16 MiB per upload
  log_level: 'info',
} as const;

/** Connections each node keeps to PostgreSQL. */
export const PG_POOL_SIZE = 10;

export interface ServiceConfig {
  data_dir: string;
  host: string;
  port: number;
  /** Bearer token for /admin routes. */
  admin_token: string;
  body_limit: number;
  log_level: string;
  /**
   * `sqlite` (default): one file in data_dir, for one node. `postgresql`: a shared database, for
   * several stateless nodes (docs/scale.md); data_dir then holds only the seal key.
   */
  storage: { kind: 'sqlite' } | { kind: 'postgresql'; url: string; pool_size: number };
}

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['data_dir', 'admin_token'],
  properties: {
    $comment: { type: 'string' },
    data_dir: { type: 'string', minLength: 1 },
    host: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 0, maximum: 65535 },
    admin_token: { type: 'string', minLength: 16 },
    body_limit: { type: 'integer', minimum: 1024 },
    log_level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
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
      (validate.errors ?? []).map((e) => {
        const at = `config${e.instancePath.replace(/\//g, '.')}`;
        return e.keyword === 'additionalProperties' ? `${at}: unknown key "${String(e.params.additionalProperty)}"` : `${at}: ${e.message}`;
      }),
    );
  }
  const raw = value as Partial<ServiceConfig> & { data_dir: string; admin_token: string };
  const storage: ServiceConfig['storage'] = raw.storage?.kind === 'postgresql' ? { ...raw.storage, pool_size: raw.storage.pool_size ?? PG_POOL_SIZE } : { kind: 'sqlite' };
  const config: ServiceConfig = {
    ...DEFAULTS,
    ...raw,
    storage,
    data_dir: resolve(baseDir, raw.data_dir),
  };
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
