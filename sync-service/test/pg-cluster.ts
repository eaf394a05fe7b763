// A throwaway PostgreSQL cluster for tests and benchmarks: Debian's postgresql-15 binaries, a
// fresh data folder under the temp dir, listening on 127.0.0.1 at a port the OS picked and on a
// unix socket inside the folder. PostgreSQL refuses to run as root, so when we are root the
// folder belongs to the `postgres` system user and initdb/pg_ctl run through `runuser`. The
// caller stops it (`stop()`); an exit hook stops it too if the process ends first.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const PG_BIN = '/usr/lib/postgresql/15/bin';

export interface PgCluster {
  port: number;
  dir: string;
  /** Connection string for a database of this cluster (default `postgres`). */
  url(database?: string): string;
  /** Creates an empty database with a unique name and returns its connection string. */
  createDatabase(prefix?: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Runs `cleanup` when this process ends: normally, or by SIGINT/SIGTERM (a test runner's timeout),
 * after which the signal is raised again so the process still dies of it. Returns the unregister.
 */
export function onTermination(cleanup: () => void): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    off();
    cleanup();
    process.kill(process.pid, signal);
  };
  const off = () => {
    process.removeListener('exit', cleanup);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  };
  process.once('exit', cleanup);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return off;
}

export function postgresAvailable(): boolean {
  return existsSync(join(PG_BIN, 'initdb')) && existsSync(join(PG_BIN, 'pg_ctl'));
}

export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function postgresUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const u = id('-u');
  const g = id('-g');
  if (u.status !== 0 || g.status !== 0) throw new Error('running as root, but there is no `postgres` system user to run PostgreSQL as (apt-get install postgresql creates it)');
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

export interface PgClusterOptions {
  /** Extra postgresql.conf lines. The defaults keep fsync on: tests of durability mean it. */
  settings?: Record<string, string | number>;
}

export async function startPgCluster(o: PgClusterOptions = {}): Promise<PgCluster> {
  if (!postgresAvailable()) throw new Error(`PostgreSQL 15 is not installed (${PG_BIN}); apt-get install postgresql`);
  const owner = postgresUser();
  const dir = mkdtempSync(join(tmpdir(), 'yss-pg-'));
  const data = join(dir, 'data');
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const run = (bin: string, args: string[]) => {
    const cmd = owner ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args]] as const : [join(PG_BIN, bin), args] as const;
    const r = spawnSync(cmd[0], cmd[1], { encoding: 'utf8', cwd: dir });
    if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.stdout).slice(-2000)}`);
  };
  const port = await freePort();
  let started = false;
  const stopSync = () => {
    if (started) {
      started = false;
      try {
        run('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']);
      } catch {
        // Already gone.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  let off = () => undefined as void;
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-instructions', '--no-sync']);
    const settings: Record<string, string | number> = {
      listen_addresses: "'127.0.0.1'",
      port,
      unix_socket_directories: `'${dir}'`,
      max_connections: 200,
      shared_buffers: "'256MB'",
      logging_collector: 'off',
      log_min_messages: 'warning',
      ...o.settings,
    };
    writeFileSync(join(dir, 'extra.conf'), Object.entries(settings).map(([k, v]) => `${k} = ${v}\n`).join(''));
    if (owner) chownSync(join(dir, 'extra.conf'), owner.uid, owner.gid);
    spawnSync('sh', ['-c', `echo "include '${join(dir, 'extra.conf')}'" >> '${join(data, 'postgresql.conf')}'`]);
    run('pg_ctl', ['start', '-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60']);
    started = true;
    off = onTermination(stopSync);
  } catch (e) {
    stopSync();
    throw e;
  }
  const url = (database = 'postgres') => `postgresql://postgres@127.0.0.1:${port}/${database}`;
  let databases = 0;
  return {
    port,
    dir,
    url,
    async createDatabase(prefix = 'yss') {
      const name = `${prefix}_${process.pid}_${++databases}`;
      const c = new pg.Client({ connectionString: url() });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${name}`);
      } finally {
        await c.end();
      }
      return url(name);
    },
    async stop() {
      off();
      stopSync();
    },
  };
}
