// A stand-in for the `electron` module: just enough of app, BrowserWindow, session and
// powerSaveBlocker to drive the shell and record what it asked for. The real module is never
// loaded (no Electron binary on a test machine).
import type { ElectronApi, WindowOptions } from '../src/shell.ts';

type Fn = (...args: never[]) => void;

export class Emitter {
  private readonly listeners = new Map<string, Fn[]>();
  on(event: string, fn: Fn): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const fn of this.listeners.get(event) ?? []) (fn as (...a: unknown[]) => void)(...args);
  }
  count(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

export class FakeEvent {
  prevented = false;
  preventDefault(): void {
    this.prevented = true;
  }
}

export class FakeWebContents extends Emitter {
  url = '';
  loads: string[] = [];
  openHandler: ((d: { url: string }) => { action: string }) | null = null;
  devToolsClosed = 0;
  crashed = 0;
  getURL(): string {
    return this.url;
  }
  setWindowOpenHandler(h: (d: { url: string }) => { action: 'deny' } | { action: 'allow' }): void {
    this.openHandler = h;
  }
  reload(): void {
    this.loads.push('reload');
  }
  async loadURL(url: string): Promise<void> {
    this.url = url;
    this.loads.push(url);
  }
  async loadFile(path: string): Promise<void> {
    this.url = `file://${path}`;
    this.loads.push(`file:${path}`);
  }
  closeDevTools(): void {
    this.devToolsClosed++;
  }
  forcefullyCrashRenderer(): void {
    this.crashed++;
  }
  isDestroyed(): boolean {
    return false;
  }
  /** Fires an event with a fresh preventable event object and says whether it was prevented. */
  fire(event: string, ...args: unknown[]): boolean {
    const e = new FakeEvent();
    this.emit(event, e, ...args);
    return e.prevented;
  }
}

export interface FakeTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(t: unknown): void;
  /** Moves the clock, running what falls due in order. */
  advance(ms: number): void;
  pending(): number;
}

export function fakeTimers(start = 1_000_000): FakeTimers {
  let t = start;
  let id = 0;
  const queue = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => t,
    setTimeout(fn, ms) {
      queue.set(++id, { at: t + ms, fn });
      return id;
    },
    clearTimeout(h) {
      queue.delete(h as number);
    },
    advance(ms) {
      const end = t + ms;
      for (;;) {
        const next = [...queue.entries()].filter(([, q]) => q.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!next) break;
        queue.delete(next[0]);
        t = next[1].at;
        next[1].fn();
      }
      t = end;
    },
    pending: () => queue.size,
  };
}

export interface FakeElectron extends ElectronApi {
  app: ElectronApi['app'] & Emitter & { lock: boolean; quitCalls: number; switches: [string, string | undefined][] };
  windows: { options: WindowOptions; webContents: FakeWebContents; win: Emitter & { kioskCalls: boolean[]; shown: number; focused: number } }[];
  ses: {
    permissionRequest: ((wc: unknown, p: string, cb: (g: boolean) => void, d: { requestingUrl?: string }) => void) | null;
    permissionCheck: ((wc: unknown, p: string, origin: string) => boolean) | null;
    devicePermission: ((d: { origin: string }) => boolean) | null;
    beforeRequest: ((d: { url: string }, cb: (r: { cancel?: boolean }) => void) => void) | null;
    headersReceived: ((d: { url: string; responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders?: Record<string, string[]> }) => void) => void) | null;
  };
  blockers: string[];
}

export function fakeElectron(opts: { lock?: boolean } = {}): FakeElectron {
  const app = Object.assign(new Emitter(), {
    lock: opts.lock ?? true,
    quitCalls: 0,
    switches: [] as [string, string | undefined][],
    requestSingleInstanceLock: () => app.lock,
    quit: () => void app.quitCalls++,
    whenReady: () => Promise.resolve(),
    commandLine: { appendSwitch: (name: string, value?: string) => void app.switches.push([name, value]) },
  });
  const windows: FakeElectron['windows'] = [];
  const ses: FakeElectron['ses'] = { permissionRequest: null, permissionCheck: null, devicePermission: null, beforeRequest: null, headersReceived: null };
  const blockers: string[] = [];
  class BrowserWindow extends Emitter {
    readonly webContents = new FakeWebContents();
    kioskCalls: boolean[] = [];
    shown = 0;
    focused = 0;
    constructor(readonly options: WindowOptions) {
      super();
      windows.push({ options, webContents: this.webContents, win: this });
      app.emit('web-contents-created', new FakeEvent(), this.webContents);
    }
    show() {
      this.shown++;
    }
    focus() {
      this.focused++;
    }
    restore() {}
    isMinimized() {
      return false;
    }
    setKiosk(flag: boolean) {
      this.kioskCalls.push(flag);
    }
  }
  return {
    app,
    BrowserWindow,
    windows,
    ses,
    blockers,
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h) => void (ses.permissionRequest = h as FakeElectron['ses']['permissionRequest']),
        setPermissionCheckHandler: (h) => void (ses.permissionCheck = h as FakeElectron['ses']['permissionCheck']),
        setDevicePermissionHandler: (h) => void (ses.devicePermission = h),
        webRequest: {
          onBeforeRequest: (l) => void (ses.beforeRequest = l),
          onHeadersReceived: (l) => void (ses.headersReceived = l),
        },
      },
    },
    powerSaveBlocker: { start: (type) => blockers.push(type) },
  };
}
