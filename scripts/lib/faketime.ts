// A process of the stack restarted with its wall clock ahead of the test's: libfaketime preloaded
// into that process only (the test, the browser and the other processes keep their clocks), for
// the tests of deadlines that only pass hours later (a report overdue, a registration left open),
// and for the hall tests that need room in the venue's day (scripts/lib/local-day.ts `aheadForRoom`).
import type { Stack } from './stack.ts';

/** libfaketime as Debian's `faketime` package installs it. */
export const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

const p2 = (n: number) => String(n).padStart(2, '0');

/**
 * Runs `start` with libfaketime in the environment, so the processes it spawns see a wall clock
 * `aheadMs` after this process's own; their monotonic clocks are not faked (timeouts and retries
 * keep their pace). The start is absolute and in local time, as libfaketime reads it: it also
 * holds when the whole suite runs under faketime, where a relative offset would count from the
 * real time. The environment is restored before this returns, whether `start` failed or not.
 * With `aheadMs` 0 nothing is preloaded: the processes keep the real clock.
 */
export async function withClockAhead<T>(aheadMs: number, start: () => Promise<T>): Promise<T> {
  if (aheadMs === 0) return await start();
  const keys = ['LD_PRELOAD', 'FAKETIME', 'FAKETIME_DONT_FAKE_MONOTONIC'] as const;
  const saved = keys.map((k) => [k, process.env[k]] as const);
  const d = new Date(Date.now() + aheadMs);
  process.env.LD_PRELOAD = LIBFAKETIME;
  process.env.FAKETIME = `@${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
  process.env.FAKETIME_DONT_FAKE_MONOTONIC = '1';
  try {
    return await start();
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Stops the stack's terminal daemon or sync service and starts it again with its wall clock `aheadMs` ahead. */
export async function restartAhead(stack: Stack, part: 'terminal' | 'service', aheadMs: number): Promise<void> {
  await withClockAhead(aheadMs, async () => {
    if (part === 'terminal') {
      await stack.stopTerminal();
      await stack.startTerminal();
    } else {
      await stack.stopService();
      await stack.startService();
    }
  });
}
