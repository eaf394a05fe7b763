// Proof: SIGKILL the terminal at random moments while scans flow (well over a hundred times), and
// the service a few times too. Afterwards the service holds every event the terminal had shown
// (pushed ⊆ stored, same hash), nothing twice, no gap, and the chain verifies from genesis.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnListening, type Child } from '../../scripts/lib/stack.ts';
import type { WireEvent } from '../src/protocol/index.ts';
import { bundleEntry } from './support/bundle.ts';
import { assertExactlyOnce } from './support/harness.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

const KILLS = 200;
const SERVICE_KILL_EVERY = 25;
/**
 * Processes loading ahead of their go: a load (node's start, the bundle, a warm-up core) takes
 * about 0.3 s alone and more in the suite, longer than the 20-420 ms a process runs before its
 * kill, so with one ahead most starts waited for the rest of a load.
 */
const AHEAD = 2;
const TOKEN = 'crash-test-admin-token-0123';

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

interface Run {
  lines: string[];
  exited: Promise<void>;
  /** Lets the process open the queue (it has loaded meanwhile) and resolves with the queue's last sequence. */
  go(): Promise<number>;
  kill(): Promise<void>;
  waitFor(prefix: string, timeoutMs: number): Promise<string>;
}

function runTerminal(bundle: string, args: object): Run {
  const child = spawn(process.execPath, [bundle, JSON.stringify(args)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buf = '';
  let stderr = '';
  const waiters: { prefix: string; resolve(l: string): void }[] = [];
  child.stdin!.on('error', () => undefined); // a process killed before its go
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      for (const w of waiters.filter((x) => line.startsWith(x.prefix))) w.resolve(line);
    }
  });
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const waitFor = (prefix: string, timeoutMs: number) =>
    new Promise<string>((res, rej) => {
      const hit = lines.find((l) => l.startsWith(prefix));
      if (hit) return res(hit);
      const t = setTimeout(() => rej(new Error(`terminal did not print "${prefix}" within ${timeoutMs} ms: ${stderr.slice(-2000)}`)), timeoutMs);
      waiters.push({ prefix, resolve: (l) => (clearTimeout(t), res(l)) });
      void exited.then(() => rej(new Error(`terminal exited before "${prefix}": ${stderr.slice(-2000)}`)));
    });
  return {
    lines,
    exited,
    go() {
      child.stdin!.end('go\n');
      return waitFor('ready ', 30_000).then((l) => Number(l.split(' ')[1]));
    },
    waitFor,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

test(`the service holds exactly what the terminal showed after ${KILLS} SIGKILLs of the terminal and some of the service`, async (t) => {
  const dir = tempDir('yss-crash-');
  const bundle = await bundleEntry(resolve(import.meta.dirname, 'support/crash-terminal.ts'), 'crash-terminal');
  const port = await freePort();
  const config = join(dir, 'service.json');
  writeFileSync(config, JSON.stringify({ data_dir: join(dir, 'service'), host: '127.0.0.1', port, admin_token: TOKEN, log_level: 'info' }));
  let service: Child | null = null;
  const ahead: Run[] = [];
  const startService = async () => {
    service = await spawnListening('sync-service/src/cli.ts', ['serve', '--config', config], 'service');
  };
  const killService = async () => {
    const s = service!;
    s.process.kill('SIGKILL');
    await s.exited;
  };
  const url = `http://127.0.0.1:${port}`;
  const admin = async <T,>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    assert.equal(res.status, 200, `${method} ${path}`);
    return (await res.json()) as T;
  };
  try {
    await startService();
    const enrollment = await admin<{ terminal_id: string; enrollment_code: string; seal_key: string }>('POST', '/admin/terminals', { name: 'crash proof' });
    const args = { dir: join(dir, 'terminal'), url: `${url}/`, enrollmentCode: enrollment.enrollment_code, sealKey: enrollment.seal_key };
    const pushed = new Map<number, string>();
    let serviceKills = 0;
    let restarting: Promise<void> | null = null;
    let startMs = 0;
    let loadedAtGo = 0;
    // The next processes load while the current one runs; each opens the queue only after the
    // kill of the one before it.
    const loadAhead = () => {
      while (ahead.length < AHEAD) ahead.push(runTerminal(bundle, { ...args, mode: 'scan' }));
    };
    loadAhead();
    for (let k = 1; k <= KILLS; k++) {
      const run = ahead.shift()!;
      if (run.lines.includes('loaded')) loadedAtGo++;
      const t0 = performance.now();
      const startedAt = await run.go();
      startMs += performance.now() - t0;
      loadAhead();
      // Everything shown before the last kill must have survived it.
      const shownBefore = Math.max(0, ...pushed.keys());
      assert.ok(startedAt >= shownBefore, `after kill ${k - 1} the queue starts at ${startedAt} but ${shownBefore} was shown`);
      if (k % SERVICE_KILL_EVERY === 0) {
        await sleep(Math.random() * 200);
        await killService();
        serviceKills++;
        restarting = startService();
      }
      await sleep(20 + Math.random() * 400);
      await run.kill();
      if (restarting) {
        await restarting;
        restarting = null;
      }
      for (const line of run.lines) {
        const [word, seq, hash] = line.split(' ');
        if (word === 'pushed' && hash?.length === 64) pushed.set(Number(seq), hash);
      }
    }
    for (const r of ahead.splice(0)) await r.kill();
    const drain = runTerminal(bundle, { ...args, mode: 'drain' });
    await drain.go();
    const last = Number((await drain.waitFor('drained ', 90_000)).split(' ')[1]);
    await drain.kill();
    const id = enrollment.terminal_id;
    const stored: WireEvent[] = [];
    for (;;) {
      const page = (await admin<{ events: WireEvent[] }>('GET', `/admin/terminals/${id}/events?after=${stored.length}&limit=10000`)).events;
      stored.push(...page);
      if (page.length < 10_000) break;
    }
    assert.ok(pushed.size > 300, `${pushed.size} events shown`);
    assert.ok(last >= Math.max(...pushed.keys()));
    assertExactlyOnce(stored, last, pushed);
    assert.equal(serviceKills, Math.floor(KILLS / SERVICE_KILL_EVERY));
    t.diagnostic(`${KILLS} terminal kills, ${serviceKills} service kills, ${pushed.size} events shown, ${last} committed, all stored once; a start took ${(startMs / KILLS).toFixed(0)} ms on average, ${loadedAtGo} processes had loaded before their go`);
  } finally {
    for (const r of ahead) await r.kill();
    if (service) await killService().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    rmSync(bundle, { force: true });
  }
});
