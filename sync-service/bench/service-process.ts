// Starts the real sync service as its own process on a temp folder, for benchmarks that must not
// share a thread with their load generator.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnListening } from '../../scripts/lib/stack.ts';

export const BENCH_TOKEN = 'bench-admin-token-0123456789';

/** `limits` are merged into the service config's `limits` (docs/config.md). */
export async function startServiceProcess(limits: Record<string, number> = {}): Promise<{ url: string; dir: string; pid: number; admin<T>(method: string, path: string, body?: unknown): Promise<T>; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'yss-bench-svc-'));
  const config = join(dir, 'service.json');
  writeFileSync(config, JSON.stringify({ data_dir: join(dir, 'data'), host: '127.0.0.1', port: 0, admin_token: BENCH_TOKEN, log_level: 'info', limits }));
  const child = await spawnListening('sync-service/src/cli.ts', ['serve', '--config', config], 'service');
  return {
    url: child.url,
    dir,
    pid: child.process.pid!,
    async admin<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(new URL(path, child.url), {
        method,
        headers: { authorization: `Bearer ${BENCH_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    async stop() {
      child.process.kill('SIGTERM');
      await child.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
