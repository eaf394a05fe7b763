// The kiosk shell's main-process logic: one locked full-screen window on the daemon's page,
// the Electron security checklist, and recovery from crashes, hangs and a missing daemon. The
// `electron` module is passed in, so tests drive all of this with a stand-in.
import { CrashPolicy, type RecoveryOptions } from './backoff.ts';
import type { ShellConfig } from './config.ts';
import { CSP } from './csp.ts';
import { originOf, sameOrigin } from './navigation.ts';

// The slices of Electron's API the shell uses, as structural types the real module satisfies.
export interface EventLike {
  preventDefault(): void;
}
export interface Emitter {
  on(event: string, listener: (...args: never[]) => void): unknown;
}
export interface WebContentsLike extends Emitter {
  getURL(): string;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
  reload(): void;
  loadURL(url: string): Promise<void>;
  loadFile(path: string): Promise<void>;
  closeDevTools(): void;
  forcefullyCrashRenderer(): void;
  isDestroyed(): boolean;
}
export interface WindowLike extends Emitter {
  webContents: WebContentsLike;
  show(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  setKiosk(flag: boolean): void;
}
export interface SessionLike {
  setPermissionRequestHandler(h: ((wc: WebContentsLike, permission: string, cb: (granted: boolean) => void, details: { requestingUrl?: string }) => void) | null): void;
  setPermissionCheckHandler(h: ((wc: WebContentsLike | null, permission: string, requestingOrigin: string) => boolean) | null): void;
  setDevicePermissionHandler?(h: (details: { origin: string }) => boolean): void;
  webRequest: {
    onBeforeRequest(listener: (details: { url: string }, cb: (r: { cancel?: boolean }) => void) => void): void;
    onHeadersReceived(
      listener: (details: { url: string; responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders?: Record<string, string[]> }) => void) => void,
    ): void;
  };
}
export interface ElectronApi {
  app: Emitter & {
    requestSingleInstanceLock(): boolean;
    quit(): void;
    whenReady(): Promise<unknown>;
    commandLine: { appendSwitch(name: string, value?: string): void };
  };
  BrowserWindow: new (options: WindowOptions) => WindowLike;
  session: { defaultSession: SessionLike };
  powerSaveBlocker: { start(type: 'prevent-display-sleep' | 'prevent-app-suspension'): number };
}
export interface WindowOptions {
  kiosk: boolean;
  fullscreen: boolean;
  frame: boolean;
  autoHideMenuBar: boolean;
  backgroundColor: string;
  show: boolean;
  webPreferences: {
    preload: string;
    contextIsolation: boolean;
    sandbox: boolean;
    nodeIntegration: boolean;
    nodeIntegrationInWorker: boolean;
    nodeIntegrationInSubFrames: boolean;
    webSecurity: boolean;
    allowRunningInsecureContent: boolean;
    experimentalFeatures: boolean;
    webviewTag: boolean;
    devTools: boolean;
    navigateOnDragDrop: boolean;
    spellcheck: boolean;
    safeDialogs: boolean;
    autoplayPolicy: 'no-user-gesture-required';
  };
}

export interface ShellDeps {
  /** Absolute paths of the bundled preload script and the static out-of-service page. */
  preloadPath: string;
  outOfServicePath: string;
  now?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (t: unknown) => void;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  recovery?: RecoveryOptions;
  /** How long a hung renderer may stay unresponsive before it is killed and reloaded, ms. Default 10 s. */
  unresponsiveMs?: number;
  /** Failed loads of the daemon page in a row before the out-of-service page shows. Default 3. */
  loadFailuresBeforeOos?: number;
}

export interface Shell {
  window: WindowLike | null;
  /** What the window shows now. */
  showing(): 'app' | 'out-of-service' | 'none';
}

/** `Electron` shortcuts that would open DevTools or leave the page. */
function blockedKey(input: { type: string; key: string; control?: boolean; meta?: boolean; shift?: boolean; alt?: boolean }): boolean {
  if (input.type !== 'keyDown') return false;
  const key = input.key.toLowerCase();
  const mod = Boolean(input.control || input.meta);
  return key === 'f12' || (mod && Boolean(input.shift) && (key === 'i' || key === 'j' || key === 'c')) || (Boolean(input.alt) && (key === 'arrowleft' || key === 'arrowright'));
}

export function startShell(electron: ElectronApi, config: ShellConfig, deps: ShellDeps): Shell {
  const { app, BrowserWindow, session, powerSaveBlocker } = electron;
  const now = deps.now ?? Date.now;
  const setTimer = deps.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = deps.clearTimeout ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
  const log = deps.log ?? (() => undefined);
  const origin = originOf(config.url);
  if (!origin) throw new Error(`cannot take the origin of ${config.url}`);
  const policy = new CrashPolicy(deps.recovery);
  const oosUrl = new URL(`file://${deps.outOfServicePath}`).href;
  const state: Shell & { mode: 'app' | 'out-of-service' | 'none' } = { window: null, mode: 'none', showing: () => state.mode };
  let retry: unknown = null;
  let hang: unknown = null;
  let loadFailures = 0;

  const schedule = (fn: () => void, ms: number) => {
    if (retry !== null) clearTimer(retry);
    retry = setTimer(() => {
      retry = null;
      fn();
    }, ms);
  };
  const loadApp = () => {
    const w = state.window;
    if (!w || w.webContents.isDestroyed()) return;
    state.mode = 'app';
    w.webContents.loadURL(config.url).catch(() => undefined); // Failures arrive as did-fail-load.
  };
  const outOfService = (retryMs: number) => {
    const w = state.window;
    if (!w) return;
    state.mode = 'out-of-service';
    log('kiosk out of service', { retry_ms: retryMs });
    w.webContents.loadFile(deps.outOfServicePath).catch(() => undefined);
    schedule(loadApp, retryMs);
  };
  const recover = (why: string) => {
    const r = policy.crash(now());
    log('renderer recovery', { why, ...r });
    if (r.action === 'out-of-service') outOfService(r.retryMs);
    else schedule(loadApp, r.delayMs);
  };

  if (!app.requestSingleInstanceLock()) {
    log('another kiosk shell is running; quitting');
    app.quit();
    return state;
  }
  app.on('second-instance', () => {
    const w = state.window;
    if (!w) return;
    if (w.isMinimized()) w.restore();
    w.show();
    w.focus();
  });
  app.commandLine.appendSwitch('autoplay-policy', 'no-user-gesture-required');

  // Every WebContents, including any the page might manage to create, gets the same limits.
  app.on('web-contents-created', (_e: EventLike, contents: WebContentsLike) => {
    contents.on('will-navigate', (e: EventLike, url: string) => {
      if (!sameOrigin(url, origin)) {
        e.preventDefault();
        log('navigation blocked', { origin: originOf(url) });
      }
    });
    contents.on('will-redirect', (e: EventLike, url: string) => {
      if (!sameOrigin(url, origin)) e.preventDefault();
    });
    contents.on('will-attach-webview', (e: EventLike) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    if (!config.devTools) {
      contents.on('devtools-opened', () => contents.closeDevTools());
      contents.on('before-input-event', (e: EventLike, input: Parameters<typeof blockedKey>[0]) => {
        if (blockedKey(input)) e.preventDefault();
      });
    }
  });

  void app.whenReady().then(() => {
    const ses = session.defaultSession;
    const granted = (permission: string, url: string | undefined) => config.allow.includes(permission) && url !== undefined && sameOrigin(url, origin);
    ses.setPermissionRequestHandler((wc, permission, cb, details) => cb(granted(permission, details.requestingUrl ?? wc.getURL())));
    ses.setPermissionCheckHandler((_wc, permission, requestingOrigin) => granted(permission, requestingOrigin));
    ses.setDevicePermissionHandler?.(() => false);
    // No remote content: only the daemon's origin, DevTools when enabled, and the static page.
    ses.webRequest.onBeforeRequest((details, cb) => {
      // The page's WebSocket to /api/events is the same origin under its ws: scheme.
      const asHttp = details.url.replace(/^ws(s?):/, 'http$1:');
      const ok = sameOrigin(asHttp, origin) || details.url === oosUrl || (config.devTools && details.url.startsWith('devtools://'));
      if (!ok) log('request blocked', { origin: originOf(details.url) });
      cb({ cancel: !ok });
    });
    ses.webRequest.onHeadersReceived((details, cb) => {
      if (!sameOrigin(details.url, origin)) return cb({});
      cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
    });

    powerSaveBlocker.start('prevent-display-sleep');

    const w = new BrowserWindow({
      kiosk: true,
      fullscreen: true,
      frame: false,
      autoHideMenuBar: true,
      backgroundColor: '#ffffff',
      show: true,
      webPreferences: {
        preload: deps.preloadPath,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        experimentalFeatures: false,
        webviewTag: false,
        devTools: config.devTools,
        navigateOnDragDrop: false,
        spellcheck: false,
        safeDialogs: true,
        autoplayPolicy: 'no-user-gesture-required',
      },
    });
    state.window = w;
    const wc = w.webContents;

    wc.on('render-process-gone', (_e: EventLike, details: { reason: string }) => recover(`render-process-gone:${details.reason}`));
    w.on('unresponsive', () => {
      if (hang !== null) return;
      hang = setTimer(() => {
        hang = null;
        log('renderer hung; killing it');
        if (!wc.isDestroyed()) wc.forcefullyCrashRenderer();
        recover('unresponsive');
      }, deps.unresponsiveMs ?? 10_000);
    });
    w.on('responsive', () => {
      if (hang !== null) clearTimer(hang);
      hang = null;
    });
    wc.on('did-fail-load', (_e: EventLike, code: number, _desc: string, url: string, isMainFrame: boolean) => {
      // -3 is ERR_ABORTED: a load replaced by another, not a failure.
      if (!isMainFrame || code === -3 || state.mode !== 'app') return;
      loadFailures++;
      log('daemon page did not load', { code, url_origin: originOf(url), failures: loadFailures });
      const delay = Math.min(30_000, 1000 * 2 ** Math.min(loadFailures - 1, 5));
      if (loadFailures >= (deps.loadFailuresBeforeOos ?? 3)) outOfService(delay);
      else schedule(loadApp, delay);
    });
    wc.on('did-finish-load', () => {
      if (state.mode === 'app') loadFailures = 0;
    });
    // Kiosk mode can be left with OS shortcuts on some desktops; put it back.
    w.on('leave-full-screen', () => w.setKiosk(true));
    loadApp();
  });
  return state;
}
