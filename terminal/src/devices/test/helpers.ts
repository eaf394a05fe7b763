// Shared by the device integration tests: a silent logger that still records what was logged
// (to prove personal data stays out of it), and waiting for events with a deadline.
import { once, type EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { DeviceHealth } from '../types.ts';
import type { Device, Reading } from '../types.ts';
import { tempDir as scratchDir } from '../../../../scripts/lib/temp-dir.ts';

export function captureLog(): { log: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

/** A fresh folder under the temp dir, removed when the test file's process ends. */
export function tempDir(prefix = 'yss-dev-'): string {
  return scratchDir(prefix);
}

export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(t);
  }
}

/**
 * Runs `check` until it passes or `ms` has gone by, then throws its last failure: for bytes that
 * cross a pty on their own time (an ACK written after the reading was delivered), where a fixed
 * sleep is a race a loaded machine loses.
 */
export async function eventually(check: () => Promise<void> | void, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() > until) throw e;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function nextReading(d: Device, ms = 5000): Promise<Reading> {
  const [r] = (await withTimeout(once(d as EventEmitter, 'reading'), ms, 'a reading')) as [Reading];
  return r;
}

/** Resolves at the first status (already current or future) in the given state. */
export function untilState(d: Device, state: DeviceHealth['state'], ms = 8000): Promise<DeviceHealth> {
  if (d.health.state === state) return Promise.resolve(d.health);
  return withTimeout(
    new Promise<DeviceHealth>((resolve) => {
      const on = (h: DeviceHealth) => {
        if (h.state !== state) return;
        d.off('status', on);
        resolve(h);
      };
      d.on('status', on);
    }),
    ms,
    `state ${state}`,
  );
}
