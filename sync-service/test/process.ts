// A real sync-service process on loopback for the tests and benches about sockets, timeouts,
// locks and files: a config written to a temp folder, the CLI spawned, a fleet-and-unseal
// operator, and a helper that enrolls a signing terminal over HTTP.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nacl from 'tweetnacl';
import { REPO, spawnListening, type Child } from '../../scripts/lib/stack.ts';
import { ed25519PrivateKey, signRequest } from '../../terminal/src/protocol/index.ts';
import type { Limits } from '../src/config.ts';
import { entryArgs } from '../../scripts/lib/entry.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

export const PROCESS_TOKEN = 'process-test-operator-token-0123456789';

export interface ServiceProcess {
  url: string;
  dir: string;
  config: string;
  child: Child;
  admin<T>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export function writeServiceConfig(dir: string, o: { limits?: Partial<Limits>; port?: number; dataDir?: string } = {}): string {
  const config = join(dir, 'service.json');
  const operators = [{ name: 'ops', token_sha256: createHash('sha256').update(PROCESS_TOKEN).digest('hex'), roles: ['fleet', 'unseal'] }];
  writeFileSync(config, JSON.stringify({ data_dir: o.dataDir ?? join(dir, 'data'), host: '127.0.0.1', port: o.port ?? 0, operators, log_level: 'info', limits: o.limits ?? {} }), { mode: 0o600 });
  return config;
}

export async function startProcess(o: { limits?: Partial<Limits>; dir?: string; onOutput?: (line: string) => void } = {}): Promise<ServiceProcess> {
  const dir = o.dir ?? tempDir('yss-svc-proc-');
  // Lag shedding is off unless a test asks for it: these tests are about sockets and files, and
  // share two cores with everything else running.
  const config = writeServiceConfig(dir, { limits: { max_event_loop_delay_ms: 0, ...o.limits } });
  const child = await spawnListening('sync-service/src/cli.ts', ['serve', '--config', config], 'service', o.onOutput ? (_s, line) => o.onOutput!(line) : undefined);
  return {
    url: child.url,
    dir,
    config,
    child,
    async admin<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(new URL(path, child.url), {
        method,
        headers: { authorization: `Bearer ${PROCESS_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    async stop() {
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGTERM');
      await child.exited;
      if (!o.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs the service CLI to completion (a start that is expected to fail): exit code and stderr. */
export function runToExit(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolveRun) => {
    const p = spawn(process.execPath, [...entryArgs('sync-service/src/cli.ts'), ...args], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    p.once('exit', (code) => resolveRun({ code, stderr }));
  });
}

/** An enrolled terminal that signs its requests, speaking HTTP to the process. */
export async function enrollTerminal(svc: ServiceProcess) {
  const seed = nacl.randomBytes(32);
  const key = ed25519PrivateKey(seed);
  const t = await svc.admin<{ enrollment_code: string }>('POST', '/admin/terminals', { name: 'process test' });
  const res = await fetch(new URL('/v1/enroll', svc.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ enrollment_code: t.enrollment_code, public_key: Buffer.from(nacl.sign.keyPair.fromSeed(seed).publicKey).toString('base64url') }),
  });
  const id = ((await res.json()) as { terminal_id: string }).terminal_id;
  return { id, sign: (method: string, target: string, body: string) => signRequest(key, id, method, target, body, Date.now()) };
}
