// What this terminal holds of its config pushes, in `config-push.json` in its data folder (0600,
// written whole and fsynced): the version it runs (the last good one), one it is trying, and the
// last one it gave up. Versions only go up: a push not newer than any of them is refused.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigRejection } from '../protocol/index.ts';

export interface HeldPush {
  version: number;
  /** The signed document as the service sent it. */
  jws: string;
}

export interface PushState {
  /** The last good push: the daemon started with it and kept it. Null: the config file alone. */
  applied: HeldPush | null;
  /** A push being tried; `tries` counts starts with it, so one that kills the daemon is given up. */
  pending: (HeldPush & { tries: number }) | null;
  rejected: ConfigRejection | null;
  /** The ETag of the newest document held in any role (the poll's If-None-Match). */
  etag: string | null;
}

const FILE = 'config-push.json';
const EMPTY: PushState = { applied: null, pending: null, rejected: null, etag: null };

export class PushStore {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, FILE);
  }

  read(): PushState {
    if (!existsSync(this.path)) return { ...EMPTY };
    let v: Partial<PushState>;
    try {
      v = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<PushState>;
    } catch (e) {
      throw new Error(
        `config push file ${this.path} is damaged (${(e as Error).message}): move it aside to start on the config file alone; the service pushes its newest version again`,
        { cause: e },
      );
    }
    return { applied: v.applied ?? null, pending: v.pending ?? null, rejected: v.rejected ?? null, etag: v.etag ?? null };
  }

  /** The highest version held in any role: a push must be newer. */
  highest(s: PushState = this.read()): number {
    return Math.max(0, s.applied?.version ?? 0, s.pending?.version ?? 0, s.rejected?.version ?? 0);
  }

  write(s: PushState): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(s), { mode: 0o600 });
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.path);
  }

  update(f: (s: PushState) => PushState): PushState {
    const next = f(this.read());
    this.write(next);
    return next;
  }
}
