// Scratch folders for tests: `tempDir('yss-clock-')` makes a fresh folder under the temp dir and
// removes it when this process ends (normally, or by SIGINT/SIGTERM: a test runner's timeout), so
// a test that opens a database in it and forgets it leaves nothing behind. node:test runs every test
// file in a process of its own, so "when this process ends" is "after this file's tests".
// `npm test` runs the suite with TMPDIR set to a folder of its own and fails on what is left in it
// (scripts/test.ts); a test that needs its folder gone sooner (a big one, or one made per case in a
// loop) calls the returned folder's removal itself: `removeTempDir(dir)`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();

function removeAll(): void {
  for (const dir of made) removeTempDir(dir);
}

function onSignal(signal: NodeJS.Signals): void {
  removeAll();
  // Another handler (a daemon's graceful stop run in-process) decides how the process ends; the
  // exit hook removes what is made after. Otherwise it dies of the signal, as without this handler.
  if (process.listenerCount(signal) > 1) return;
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  process.kill(process.pid, signal);
}

let hooked = false;
function hook(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', removeAll);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** A fresh folder `<temp dir>/<prefix>XXXXXX`, removed when this process ends. */
export function tempDir(prefix: string): string {
  if (/[/\\]/.test(prefix)) throw new Error(`tempDir prefix ${JSON.stringify(prefix)} must be a name, not a path`);
  hook();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Removes a folder `tempDir` made, now (idempotent; never throws: a removal failure is left for the guard to report). */
export function removeTempDir(dir: string): void {
  made.delete(dir);
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
  } catch {
    // A child still writing into it: npm test's leftover check names what remains.
  }
}
