// One process per data folder. Two daemons on the same folder would share the queue's sequence
// numbers, the scanner and the identity: the second takes the scanner over and its uploads make
// the first one's look replayed. So the first thing a start does, before the database, the
// identity or any device is opened, is take the folder's lock file; a second start finds it held
// and stops with "already running (pid N)". A lock left by a process that died (SIGKILL, power
// cut) is taken over: the pid in it no longer runs, or runs a process that started later than
// the one that wrote it (pid reuse).
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class DataFolderBusyError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
    what: string,
  ) {
    super(`already running (pid ${pid}): ${what} ${dir} is in use by another process; stop that one first, or give this one its own folder`);
  }
}

export interface DataLock {
  readonly path: string;
  /** Removes the lock file if it is still this process's. */
  release(): void;
}

interface LockFile {
  pid: number;
  /** Process start time (/proc/<pid>/stat field 22, clock ticks since boot), when known. */
  started: number | null;
}

/** Start time of `pid` from /proc, or null where there is no /proc or no such process. */
function startTime(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const v = Number(fields[19]);
    return Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

function alive(lock: LockFile): boolean {
  try {
    process.kill(lock.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  if (lock.started === null) return true;
  const now = startTime(lock.pid);
  return now === null || now === lock.started;
}

function readLock(path: string): LockFile | null {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockFile>;
    return Number.isSafeInteger(v.pid) && (v.pid as number) > 0 ? { pid: v.pid as number, started: typeof v.started === 'number' ? v.started : null } : null;
  } catch {
    return null;
  }
}

/**
 * Takes `<dir>/<name>` for this process, creating `dir` (mode 0700) if needed. Throws
 * DataFolderBusyError when a live process holds it. `what` names the folder in the message.
 */
export function lockDataDir(dir: string, name = 'terminal.lock', what = 'the data folder'): DataLock {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, name);
  const mine: LockFile = { pid: process.pid, started: startTime(process.pid) };
  // The lock is written whole under a private name, then linked into place: link fails if the
  // name exists, and nobody ever reads a half-written lock.
  const tmp = `${path}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify(mine), { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(tmp, path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const held = readLock(path);
        if (held && held.pid !== process.pid && alive(held)) throw new DataFolderBusyError(dir, held.pid, what);
        // Stale: move it aside, then make sure what was moved is the stale lock and not one a
        // racing start has just taken (that one goes back, and this start stops).
        const aside = `${path}.stale-${process.pid}`;
        try {
          renameSync(path, aside);
        } catch {
          continue;
        }
        const moved = readLock(aside);
        if (moved && moved.pid !== held?.pid && alive(moved)) {
          renameSync(aside, path);
          throw new DataFolderBusyError(dir, moved.pid, what);
        }
        rmSync(aside, { force: true });
        continue;
      }
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        if (readLock(path)?.pid === process.pid) rmSync(path, { force: true });
      };
      process.on('exit', release);
      return { path, release };
    }
  } finally {
    rmSync(tmp, { force: true });
  }
  const held = readLock(path);
  throw new DataFolderBusyError(dir, held?.pid ?? 0, what);
}
