import { setTimeout as sleep } from 'node:timers/promises';

/** Waits until `check` returns a value (not undefined/false), polling every `everyMs`. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 10_000, everyMs = 20, what = 'condition'): Promise<Exclude<T, false | undefined | null>> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const v = await check();
    if (v !== undefined && v !== false && v !== null) return v as Exclude<T, false | undefined | null>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
