// One service per data folder: a second start on the same data is refused before anything in it
// is opened. The lock is a file holding the owner's pid, put in place with link(2) so it appears
// complete or not at all; a lock left by a process that no longer exists (SIGKILL, power cut) is
// taken over.
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class AlreadyRunningError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`already running (pid ${pid}) on the data folder ${dir}; stop that process first, or point this one at another data_dir`);
  }
}

/** Whether a process `pid` runs (one of another user's counts). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the data folder's lock or throws AlreadyRunningError; returns the release function. */
export function lockDataDir(dir: string, name = 'sync-service.lock'): () => void {
  const path = join(dir, name);
  const tmp = `${path}.${process.pid}`;
  writeFileSync(tmp, `${process.pid}\n`, { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(tmp, path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
        if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw new AlreadyRunningError(dir, pid);
        // Its owner is gone: take it over.
        rmSync(path, { force: true });
        continue;
      }
      return releaser(path);
    }
  } finally {
    rmSync(tmp, { force: true });
  }
  throw new Error(`could not take the lock ${path}: it keeps reappearing`);
}

function releaser(path: string): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    try {
      if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path, { force: true });
    } catch {
      // already gone
    }
  };
}
