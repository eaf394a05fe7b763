// Whatever starts processes stops them on every path: a stack whose start fails midway stops
// what it already started, and a process that dies with a stack up takes its children with it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { liveChildren } from './processes.ts';
import { Stack } from './stack.ts';
import { waitFor } from './wait.ts';
import { tempDir } from './temp-dir.ts';

const alive = (pid: number | undefined) => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('a stack whose terminal cannot start stops the service and the pty it had started, then throws', async () => {
  const dir = tempDir('yss-stack-fail-');
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  try {
    const stack = new Stack({ dir, kioskPort: (taken.address() as { port: number }).port });
    await assert.rejects(stack.start(), /terminal exited with 1 before listening/);
    const service = stack.service?.process.pid;
    assert.ok(service !== undefined, 'the service had started before the terminal failed');
    assert.equal(alive(service), false, 'the service was stopped');
    assert.equal(stack.pty, null, 'the scanner pty was closed');
    assert.deepEqual(liveChildren(), [], 'no child of this process is left running');
  } finally {
    taken.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Runs abandon-stack.ts (`wait`: until `kill` is sent) and returns its exit and the pids it printed. */
async function abandon(dir: string, kill?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string; pids: number[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'test/abandon-stack.ts'), dir, ...(kill ? ['--wait'] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    if (kill && out.includes(']\n')) child.kill(kill);
  });
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.once('exit', (c, s) => r([c, s])));
  const pids = JSON.parse(out.trim().split('\n').at(-1) ?? '[]') as number[];
  assert.equal(pids.length, 3, `service, terminal and socat pids: ${out}${err}`);
  assert.ok(pids.every((p) => Number.isInteger(p)));
  return { code, signal, err, pids };
}

test('a process that dies of an error with a stack up leaves none of its processes running', async () => {
  const dir = tempDir('yss-stack-abandon-');
  try {
    const { code, err, pids } = await abandon(dir);
    assert.notEqual(code, 0, 'the script failed');
    assert.match(err, /the benchmark failed midway/);
    await waitFor(() => pids.every((p) => !alive(p)), 5000, 50, 'the abandoned processes to be gone');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a process killed by SIGTERM with a stack up takes its processes with it, and still dies of the signal', async () => {
  const dir = tempDir('yss-stack-abandon-');
  try {
    const { signal, pids } = await abandon(dir, 'SIGTERM');
    assert.equal(signal, 'SIGTERM');
    await waitFor(() => pids.every((p) => !alive(p)), 5000, 50, 'the processes of the killed one to be gone');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
