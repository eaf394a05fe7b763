// Opens storage and keys from a config and listens. Prints one JSON log line with msg
// "listening" and the url, which scripts wait for. Before anything in the data folder is opened
// it takes the folder's lock: a second service on the same data is refused, naming the first.
// With PostgreSQL, several nodes share the folder (it holds only the seal key) by design: the
// database is the shared state, so there is no folder lock, and each node process keeps its own
// unseal audit chain beside the others (unseal-audit-<host>-<pid>.jsonl).
import { chmodSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import pino from 'pino';
import { buildApp } from './app.ts';
import { HallTokenSweep } from './hall-token-sweep.ts';
import { UnsealAudit } from './audit.ts';
import { configModeProblem, type ServiceConfig } from './config.ts';
import { loadOrCreateConfigKey, loadOrCreateSealKeys } from './keys.ts';
import { lockDataDir } from './lock.ts';
import { policeGateway, PoliceOutbox } from './police/index.ts';
import { PgStorage } from './storage/pg.ts';
import { SqliteStorage } from './storage/sqlite.ts';
import type { Storage } from './storage/types.ts';

/** A start that cannot go on; its message names the file or port and says what to do. */
export class StartError extends Error {}

/** Request URLs in logs lose the unseal purpose (free text an operator typed). */
function redactUrl(url: string): string {
  return url.replace(/([?&]purpose=)[^&]*/g, '$1[redacted]');
}

export async function startServer(config: Readonly<ServiceConfig>, configFile?: string) {
  const logger = pino({
    level: config.log_level,
    base: { component: 'sync-service' },
    serializers: { req: (r: { method: string; url: string; ip?: string }) => ({ method: r.method, url: redactUrl(r.url), remoteAddress: r.ip }) },
  });
  if (configFile) {
    const problem = configModeProblem(configFile);
    if (problem) logger.warn({ file: configFile }, problem);
  }
  mkdirSync(config.data_dir, { recursive: true, mode: 0o700 });
  chmodSync(config.data_dir, 0o700);
  const shared = config.storage.kind === 'postgresql';
  const unlock = shared ? () => {} : lockDataDir(config.data_dir);
  let storage: Storage | null = null;
  let audit: UnsealAudit | null = null;
  try {
    storage = await openStorage(config);
    const sealKeys = loadOrCreateSealKeys(config.data_dir);
    const configKey = loadOrCreateConfigKey(config.data_dir);
    audit = new UnsealAudit(config.data_dir, shared ? `unseal-audit-${hostname()}-${process.pid}.jsonl` : undefined);
    // The service's one wall clock, unix ms: the routes and the police outbox read the same.
    const now = Date.now;
    // The police outbox sends from every node; a report is claimed by one of them at a time.
    const outbox = config.police ? new PoliceOutbox({ storage, gateway: policeGateway(config.police.gateway), sealKeys, audit, logger: logger.child({ component: 'police' }), now, timing: config.police }) : null;
    const app = buildApp({
      storage, now, sealKeys, configKey, operators: config.operators, adminToken: config.admin_token, audit, logger, bodyLimit: config.body_limit, limits: config.limits, sharedRateLimits: shared, alerts: config.alerts,
      afterIngest: outbox ? () => void outbox.tick().catch((e: Error) => logger.error({ err: e }, 'police outbox pass failed')) : undefined,
    });
    try {
      await app.listen({ host: config.host, port: config.port });
    } catch (e) {
      await app.close();
      if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new StartError(`port ${config.port} on ${config.host} is already in use (another sync service, or another program): stop it, or set another "port" in the configuration`);
      }
      throw e;
    }
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}/`;
    outbox?.start();
    // A hall's person tokens of past days leave the database (docs/hall.md): at start, then hourly.
    const sweep = new HallTokenSweep({ storage, now, logger: logger.child({ component: 'hall-tokens' }) });
    sweep.start();
    logger.info({ url, pid: process.pid, storage: config.storage.kind, police: config.police?.gateway.kind ?? null }, 'listening');
    const opened = { storage, audit };
    return {
      url,
      close: async () => {
        await outbox?.stop();
        await sweep.stop();
        await app.close();
        await opened.storage.close();
        opened.audit.close();
        unlock();
      },
    };
  } catch (e) {
    audit?.close();
    await storage?.close();
    unlock();
    throw e;
  }
}

export async function openStorage(config: Readonly<ServiceConfig>): Promise<Storage> {
  const s = config.storage;
  if (s.kind === 'postgresql') return PgStorage.open({ url: s.url, poolSize: s.pool_size });
  const dataDir = config.data_dir;
  try {
    const storage = new SqliteStorage(dataDir, { writer: 'thread' });
    // The first upload does not wait for the thread to start.
    storage.startWriter();
    return storage;
  } catch (e) {
    const code = String((e as { code?: string }).code);
    if (/SQLITE_(CORRUPT|NOTADB)/.test(code)) {
      throw new StartError(
        `the service database ${SqliteStorage.file(dataDir)} is corrupt (${(e as Error).message}). Nothing was changed. ` +
          'Stop here, keep a copy of the data folder, and restore the database from the latest backup; see docs/security.md, "Recovery".',
      );
    }
    throw e;
  }
}
