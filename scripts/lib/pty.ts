// A pseudo-terminal pair made by socat: the daemon opens `device` with serialport exactly as it
// would open /dev/ttyACM0, while a simulator (or a test) reads and writes `peer`.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { track } from './processes.ts';

export interface PtyPair {
  /** The path the daemon opens (a symlink to /dev/pts/N). */
  device: string;
  /** The other end, for the simulator. */
  peer: string;
  /** socat's process; killing it is an unplug. */
  process: ChildProcess;
  close(): Promise<void>;
}

/** Starts `socat` linking two ptys at the given paths and waits until both links exist. */
export async function openPtyPair(device: string, peer: string, timeoutMs = 5000): Promise<PtyPair> {
  mkdirSync(dirname(device), { recursive: true });
  mkdirSync(dirname(peer), { recursive: true });
  const proc = track(spawn('socat', [`pty,raw,echo=0,link=${device}`, `pty,raw,echo=0,link=${peer}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  }));
  let stderr = '';
  proc.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  let exited = false;
  proc.on('exit', () => (exited = true));
  const spawnError = new Promise<never>((_, reject) =>
    proc.on('error', (e) => reject(new Error(`cannot start socat (apt-get install socat): ${e.message}`))),
  );
  const deadline = Date.now() + timeoutMs;
  const ready = (async () => {
    while (!(existsSync(device) && existsSync(peer))) {
      if (exited) throw new Error(`socat exited before creating ${device}: ${stderr.trim()}`);
      if (Date.now() > deadline) throw new Error(`socat did not create ${device} and ${peer} within ${timeoutMs} ms`);
      await sleep(10);
    }
  })();
  try {
    await Promise.race([ready, spawnError]);
  } catch (e) {
    // A socat that never made its links must not outlive the failed attempt.
    if (!exited) proc.kill('SIGKILL');
    throw e;
  }
  return {
    device,
    peer,
    process: proc,
    close: async () => {
      if (exited) return;
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await gone;
    },
  };
}
