// Arrival hints from udev where it is present: `udevadm monitor` lines for tty, hidraw and usb
// add events. Adapters retry with backoff anyway; a hint only makes them retry now, so a replugged
// scanner is back in well under a second instead of at the next backoff step. Without udevadm
// (containers, other OSes) nothing happens and polling alone does the work.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';

export interface UdevEvent {
  action: string;
  devpath: string;
  subsystem: string;
}

/** Parses `UDEV  [1234.567] add      /devices/.../ttyACM0 (tty)`; null for anything else. */
export function parseUdevLine(line: string): UdevEvent | null {
  const m = /^UDEV\s+\[[\d.]+\]\s+(\w+)\s+(\S+)\s+\(([\w-]+)\)\s*$/.exec(line);
  const [, action, devpath, subsystem] = m ?? [];
  return action && devpath && subsystem ? { action, devpath, subsystem } : null;
}

export type Spawner = (cmd: string, args: string[]) => ChildProcess;

// udevadm runs under a shell that holds our end of a pipe: when this process dies, however it
// dies (even SIGKILL), `read` sees end-of-file and the monitor is killed with it.
const WATCH =
  'udevadm monitor --udev --subsystem-match=tty --subsystem-match=hidraw --subsystem-match=usb & m=$!; read _; kill $m 2>/dev/null; wait $m';

class UdevMonitor extends EventEmitter<{ add: [UdevEvent]; remove: [UdevEvent] }> {
  #child: ChildProcess | null = null;
  #users = 0;
  constructor(private readonly spawner: Spawner) {
    super();
  }

  acquire(): void {
    if (this.#users++ > 0 || this.#child) return;
    let child: ChildProcess;
    try {
      child = this.spawner('sh', ['-c', WATCH]);
    } catch {
      return;
    }
    this.#child = child;
    // A hint source must never keep the daemon (or a test) alive on its own.
    child.unref();
    for (const s of [child.stdin, child.stdout] as ({ unref?: () => void } | null)[]) s?.unref?.();
    child.on('error', () => (this.#child = null)); // no shell: polling only
    child.on('exit', () => {
      if (this.#child === child) this.#child = null;
    });
    if (child.stdout) {
      createInterface({ input: child.stdout }).on('line', (l) => {
        const e = parseUdevLine(l);
        if (e && (e.action === 'add' || e.action === 'remove')) this.emit(e.action, e);
      });
    }
  }

  release(): void {
    if (--this.#users > 0) return;
    this.#users = 0;
    // Closing the pipe ends the shell's `read`, which kills udevadm; killing the shell would not.
    this.#child?.stdin?.end();
    this.#child = null;
  }
}

let shared: UdevMonitor | null = null;

/** The process-wide monitor; call acquire() when a device starts and release() when it closes. */
export function udevMonitor(spawner: Spawner = (c, a) => spawn(c, a, { stdio: ['pipe', 'pipe', 'ignore'] })): UdevMonitor {
  shared ??= new UdevMonitor(spawner);
  return shared;
}

/**
 * Calls `listener` whenever udev reports a device arriving, for as long as the returned function
 * has not been called: one reference on the shared monitor per adapter that is running.
 */
export function onDeviceArrival(listener: () => void): () => void {
  const udev = udevMonitor();
  udev.acquire();
  udev.on('add', listener);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    udev.off('add', listener);
    udev.release();
  };
}

export type { UdevMonitor };
