// Several real sync-service processes sharing one PostgreSQL database and one seal key folder,
// each on a fixed loopback port (so HAProxy can name it and a killed node comes back at the same
// address). Used by the multi-node proofs and the PostgreSQL benchmark.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnListening, type Child } from '../../scripts/lib/stack.ts';
import { freePort } from './pg-cluster.ts';

export interface ServiceNode {
  name: string;
  port: number;
  child: Child | null;
  /** Requests this node received (its "incoming request" log lines), by URL path. */
  served: Map<string, number>;
  /** Resolves at the next request this node receives for `path` (it is then being handled). */
  nextRequest(path: string): Promise<void>;
  start(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function serviceNodes(o: { dir: string; pgUrl: string; names: string[]; adminToken: string; poolSize?: number; logLevel?: string }): Promise<ServiceNode[]> {
  const keys = join(o.dir, 'keys');
  mkdirSync(keys, { recursive: true });
  return Promise.all(
    o.names.map(async (name) => {
      const port = await freePort();
      const config = join(o.dir, `${name}.json`);
      writeFileSync(
        config,
        JSON.stringify({
          data_dir: keys,
          host: '127.0.0.1',
          port,
          admin_token: o.adminToken,
          log_level: o.logLevel ?? 'info',
          storage: { kind: 'postgresql', url: o.pgUrl, ...(o.poolSize ? { pool_size: o.poolSize } : {}) },
        }),
      );
      const waiters: { path: string; resolve(): void }[] = [];
      const node: ServiceNode = {
        name,
        port,
        child: null,
        served: new Map(),
        nextRequest: (path) => new Promise<void>((resolve) => waiters.push({ path, resolve })),
        async start() {
          node.child = await spawnListening('sync-service/src/cli.ts', ['serve', '--config', config], 'service', (_s, line) => {
            if (!line.includes('"incoming request"')) return;
            const url = /"url":"([^"?]*)/.exec(line)?.[1];
            if (!url) return;
            node.served.set(url, (node.served.get(url) ?? 0) + 1);
            for (let i = waiters.length - 1; i >= 0; i--) if (waiters[i]!.path === url) waiters.splice(i, 1)[0]!.resolve();
          }, 90_000); // a loaded 2-core machine can take long to start a tsx process
        },
        async kill(signal = 'SIGKILL') {
          const c = node.child;
          node.child = null;
          if (!c || c.process.exitCode !== null || c.process.signalCode !== null) return;
          c.process.kill(signal);
          await c.exited;
        },
      };
      return node;
    }),
  );
}
