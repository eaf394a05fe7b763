// Opens storage and keys from a config and listens. Prints one JSON log line with msg
// "listening" and the url, which scripts wait for.
import pino from 'pino';
import { buildApp } from './app.ts';
import type { ServiceConfig } from './config.ts';
import { loadOrCreateSealKeys } from './keys.ts';
import { PgStorage } from './storage/pg.ts';
import { SqliteStorage } from './storage/sqlite.ts';
import type { Storage } from './storage/types.ts';

export async function openStorage(config: Readonly<ServiceConfig>): Promise<Storage> {
  const s = config.storage;
  return s.kind === 'postgresql' ? PgStorage.open({ url: s.url, poolSize: s.pool_size }) : new SqliteStorage(config.data_dir);
}

export async function startServer(config: Readonly<ServiceConfig>) {
  const logger = pino({ level: config.log_level, base: { component: 'sync-service' } });
  const storage = await openStorage(config);
  const sealKeys = loadOrCreateSealKeys(config.data_dir);
  const app = buildApp({ storage, sealKeys, adminToken: config.admin_token, logger, bodyLimit: config.body_limit });
  await app.listen({ host: config.host, port: config.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}/`;
  logger.info({ url, storage: config.storage.kind }, 'listening');
  return {
    url,
    close: async () => {
      await app.close();
      await storage.close();
    },
  };
}
