// Debian's HAProxy in front of several service nodes, for tests and benchmarks: a config written
// to a temp folder, the process in the foreground as our child, stopped by `stop()`. Nodes are
// health-checked every 200 ms on /v1/time, so a killed node leaves the rotation within a few
// hundred milliseconds and comes back once it answers again. A request that could not reach a
// node is dispatched to another; a request a node received and died on is answered 502 (HAProxy
// cannot know whether it was stored, so the terminal retries, and the chain makes that safe).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, onTermination } from './pg-cluster.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

export interface HaproxyOptions {
  /** Backend nodes as host:port. */
  servers: { name: string; port: number }[];
  checkIntervalMs?: number;
}

export interface Haproxy {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export function haproxyAvailable(): boolean {
  return spawnSync('sh', ['-c', 'command -v haproxy'], { stdio: 'ignore' }).status === 0;
}

export async function startHaproxy(o: HaproxyOptions): Promise<Haproxy> {
  const dir = tempDir('yss-haproxy-');
  const port = await freePort();
  const inter = o.checkIntervalMs ?? 200;
  const cfg = `global
  maxconn 4000
defaults
  mode http
  timeout connect 1s
  timeout check 3s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 10s
  option redispatch
  retries 3
frontend yss
  bind 127.0.0.1:${port}
  default_backend nodes
backend nodes
  balance roundrobin
  option httpchk GET /v1/time
  http-check expect status 200
${o.servers.map((s) => `  server ${s.name} 127.0.0.1:${s.port} check inter ${inter}ms fall 2 rise 2`).join('\n')}
`;
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, cfg);
  const check = spawnSync('haproxy', ['-c', '-q', '-f', file], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`haproxy refused its config: ${check.stderr || check.stdout}`);
  const child = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}/`;
  // Up once it accepts a connection (its answer may be 503 while no node is up yet).
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}: ${stderr}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`haproxy did not listen within 10 s: ${stderr}`);
      await sleep(50);
    }
  }
  const off = onTermination(() => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    url,
    process: child,
    async stop() {
      off();
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
