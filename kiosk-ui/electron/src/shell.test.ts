// Every item of the Electron security checklist, and the recovery paths, against a stand-in
// for the electron module.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fakeElectron, fakeTimers, type FakeElectron } from '../test/fake-electron.ts';
import { loadConfig } from './config.ts';
import { CSP } from './csp.ts';
import { startShell, type Shell } from './shell.ts';
import { nth } from '../../../scripts/lib/nth.ts';

const URL_ = 'http://127.0.0.1:8080/';
const OOS = '/opt/yss-kiosk/dist/out-of-service.html';

async function boot(env: Record<string, string> = {}, lock = true) {
  const electron = fakeElectron({ lock });
  const timers = fakeTimers();
  const logs: string[] = [];
  const shell: Shell = startShell(electron, loadConfig({ YSS_KIOSK_URL: URL_, ...env }), {
    preloadPath: '/opt/yss-kiosk/dist/preload.cjs',
    outOfServicePath: OOS,
    ...timers,
    log: (m) => logs.push(m),
    recovery: { minDelayMs: 500, maxDelayMs: 8000, loopCrashes: 4, windowMs: 60_000, cooldownMs: 300_000 },
    unresponsiveMs: 5000,
  });
  await new Promise((r) => setImmediate(r)); // let whenReady() resolve
  // Read when a test takes them: the single-instance test opens no window at all.
  return {
    electron,
    timers,
    logs,
    shell,
    get w() {
      return nth(electron.windows, 0);
    },
    get wc() {
      return nth(electron.windows, 0).webContents;
    },
  };
}

const ask = (e: FakeElectron, permission: string, url: string) =>
  new Promise<boolean>((resolve) => e.ses.permissionRequest!({ getURL: () => url }, permission, resolve, { requestingUrl: url }));

describe('kiosk shell: window and security checklist', () => {
  test('opens one full-screen kiosk window on the daemon page', async () => {
    const { electron, w, wc } = await boot();
    assert.equal(electron.windows.length, 1);
    const o = w.options;
    assert.equal(o.kiosk, true);
    assert.equal(o.fullscreen, true);
    assert.equal(o.frame, false);
    assert.deepEqual(wc.loads, [URL_]);
  });

  test('turns on context isolation and the sandbox and turns off node integration everywhere', async () => {
    const p = (await boot()).w.options.webPreferences;
    assert.equal(p.contextIsolation, true);
    assert.equal(p.sandbox, true);
    assert.equal(p.nodeIntegration, false);
    assert.equal(p.nodeIntegrationInWorker, false);
    assert.equal(p.nodeIntegrationInSubFrames, false);
    assert.equal(p.preload, '/opt/yss-kiosk/dist/preload.cjs');
  });

  test('keeps web security on and insecure content, experimental features and webviews off', async () => {
    const p = (await boot()).w.options.webPreferences;
    assert.equal(p.webSecurity, true);
    assert.equal(p.allowRunningInsecureContent, false);
    assert.equal(p.experimentalFeatures, false);
    assert.equal(p.webviewTag, false);
    assert.equal(p.navigateOnDragDrop, false);
  });

  test('takes the daemon URL from --kiosk-url, as npm start passes it, over the environment', () => {
    assert.equal(loadConfig({ YSS_KIOSK_URL: URL_ }, ['electron', 'main.cjs', '--kiosk-url=http://127.0.0.1:7480/']).url, 'http://127.0.0.1:7480/');
    assert.equal(loadConfig({}).url, 'http://127.0.0.1:7480/');
    assert.throws(() => loadConfig({}, ['--kiosk-url=http://10.0.0.5:7480/']), /must be on loopback/);
  });

  test('refuses to start on a daemon URL that is not loopback', () => {
    assert.throws(() => loadConfig({ YSS_KIOSK_URL: 'https://example.com/' }), /must be on loopback/);
    assert.throws(() => loadConfig({ YSS_KIOSK_URL: 'file:///etc/passwd' }), /must be http or https/);
    assert.throws(() => loadConfig({ YSS_KIOSK_URL: 'not a url' }), /is not a URL/);
  });

  test('allows navigation within the daemon origin only, comparing origins not prefixes', async () => {
    const { wc } = await boot();
    assert.equal(wc.fire('will-navigate', 'http://127.0.0.1:8080/?lang=en'), false);
    assert.equal(wc.fire('will-navigate', 'http://127.0.0.1:8080.evil.example/'), true);
    assert.equal(wc.fire('will-navigate', 'http://127.0.0.1:8081/'), true);
    assert.equal(wc.fire('will-navigate', 'https://127.0.0.1:8080/'), true);
    assert.equal(wc.fire('will-navigate', 'file:///etc/passwd'), true);
    assert.equal(wc.fire('will-redirect', 'https://example.com/'), true);
  });

  test('denies every new window and every webview', async () => {
    const { wc } = await boot();
    assert.deepEqual(wc.openHandler!({ url: 'http://127.0.0.1:8080/' }), { action: 'deny' });
    assert.deepEqual(wc.openHandler!({ url: 'https://example.com/' }), { action: 'deny' });
    assert.equal(wc.fire('will-attach-webview', {}, {}), true);
  });

  test('denies every permission request unless configured, and then only for the daemon origin', async () => {
    const plain = await boot();
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) assert.equal(await ask(plain.electron, p, URL_), false, p);
    assert.equal(plain.electron.ses.permissionCheck!(null, 'media', 'http://127.0.0.1:8080'), false);
    assert.equal(plain.electron.ses.devicePermission!({ origin: 'http://127.0.0.1:8080' }), false);
    const camera = await boot({ YSS_KIOSK_ALLOW: 'media' });
    assert.equal(await ask(camera.electron, 'media', URL_), true);
    assert.equal(await ask(camera.electron, 'media', 'https://example.com/'), false);
    assert.equal(await ask(camera.electron, 'geolocation', URL_), false);
    assert.equal(camera.electron.ses.permissionCheck!(null, 'media', 'http://127.0.0.1:8080'), true);
  });

  test('adds the strict Content-Security-Policy to daemon responses', async () => {
    const { electron } = await boot();
    const headers = await new Promise<Record<string, string[]> | undefined>((r) =>
      electron.ses.headersReceived!({ url: `${URL_}index.html`, responseHeaders: { 'Content-Type': ['text/html'] } }, (x) => r(x.responseHeaders)),
    );
    assert.deepEqual(headers?.['Content-Security-Policy'], [CSP]);
    assert.deepEqual(headers?.['Content-Type'], ['text/html']);
    assert.match(CSP, /script-src 'self'/);
    assert.match(CSP, /default-src 'none'/);
    assert.doesNotMatch(CSP, /'unsafe-inline'|'unsafe-eval'/);
  });

  test('loads no remote content: requests off the daemon origin are cancelled', async () => {
    const { electron } = await boot();
    const cancel = (url: string) => new Promise<boolean | undefined>((r) => electron.ses.beforeRequest!({ url }, (x) => r(x.cancel)));
    assert.equal(await cancel(`${URL_}app.js`), false);
    assert.equal(await cancel('ws://127.0.0.1:8080/api/events'), false);
    assert.equal(await cancel('ws://127.0.0.1:8081/api/events'), true);
    assert.equal(await cancel('https://cdn.example.com/x.js'), true);
    assert.equal(await cancel('http://127.0.0.1:9999/'), true);
    assert.equal(await cancel(`file://${OOS}`), false);
    assert.equal(await cancel('file:///etc/passwd'), true);
  });

  test('keeps DevTools off in production: disabled, closed if opened, shortcuts swallowed', async () => {
    const { w, wc } = await boot();
    assert.equal(w.options.webPreferences.devTools, false);
    wc.emit('devtools-opened');
    assert.equal(wc.devToolsClosed, 1);
    assert.equal(wc.fire('before-input-event', { type: 'keyDown', key: 'F12' }), true);
    assert.equal(wc.fire('before-input-event', { type: 'keyDown', key: 'I', control: true, shift: true }), true);
    assert.equal(wc.fire('before-input-event', { type: 'keyDown', key: 'ArrowLeft', alt: true }), true);
    assert.equal(wc.fire('before-input-event', { type: 'keyDown', key: '5' }), false);
    const dev = await boot({ YSS_KIOSK_DEVTOOLS: '1' });
    assert.equal(dev.w.options.webPreferences.devTools, true);
    assert.equal(dev.wc.count('devtools-opened'), 0);
  });

  test('keeps the display awake', async () => {
    assert.deepEqual((await boot()).electron.blockers, ['prevent-display-sleep']);
  });

  test('lets the page play tones without a tap', async () => {
    const { electron, w } = await boot();
    assert.deepEqual(electron.app.switches, [['autoplay-policy', 'no-user-gesture-required']]);
    assert.equal(w.options.webPreferences.autoplayPolicy, 'no-user-gesture-required');
  });

  test('puts kiosk mode back when the window leaves full screen', async () => {
    const { w } = await boot();
    w.win.emit('leave-full-screen');
    assert.deepEqual(w.win.kioskCalls, [true]);
  });
});

describe('kiosk shell: single instance', () => {
  test('quits at once when another shell holds the lock, opening no window', async () => {
    const { electron } = await boot({}, false);
    assert.equal(electron.app.quitCalls, 1);
    assert.equal(electron.windows.length, 0);
  });

  test('brings the running window forward when a second shell starts', async () => {
    const { electron, w } = await boot();
    electron.app.emit('second-instance');
    assert.equal(w.win.focused, 1);
    assert.equal(w.win.shown, 1);
  });
});

describe('kiosk shell: recovery', () => {
  test('reloads a crashed renderer after a delay that doubles with each crash', async () => {
    const { timers, wc } = await boot();
    wc.fire('render-process-gone', { reason: 'crashed' });
    timers.advance(499);
    assert.equal(wc.loads.length, 1);
    timers.advance(1);
    assert.deepEqual(wc.loads, [URL_, URL_]);
    wc.fire('render-process-gone', { reason: 'oom' });
    timers.advance(999);
    assert.equal(wc.loads.length, 2);
    timers.advance(1);
    assert.equal(wc.loads.length, 3);
  });

  test('shows the static out-of-service page in a crash loop and tries the daemon again later', async () => {
    const { timers, wc, shell } = await boot();
    for (let i = 0; i < 4; i++) {
      wc.fire('render-process-gone', { reason: 'crashed' });
      timers.advance(100);
    }
    assert.equal(shell.showing(), 'out-of-service');
    assert.equal(wc.loads.at(-1), `file:${OOS}`);
    timers.advance(299_000);
    assert.equal(wc.loads.at(-1), `file:${OOS}`);
    timers.advance(1000);
    assert.equal(wc.loads.at(-1), URL_);
    assert.equal(shell.showing(), 'app');
  });

  test('kills and reloads a renderer that stays unresponsive, but not one that recovers', async () => {
    const { timers, wc, w } = await boot();
    w.win.emit('unresponsive');
    timers.advance(3000);
    w.win.emit('responsive');
    timers.advance(10_000);
    assert.equal(wc.crashed, 0);
    assert.equal(wc.loads.length, 1);
    w.win.emit('unresponsive');
    timers.advance(5000);
    assert.equal(wc.crashed, 1);
    timers.advance(500);
    assert.deepEqual(wc.loads, [URL_, URL_]);
  });

  test('retries a daemon that is not up yet, showing out of service after three failures', async () => {
    const { timers, wc, shell } = await boot();
    const fail = () => wc.fire('did-fail-load', -102, 'ERR_CONNECTION_REFUSED', URL_, true);
    fail();
    timers.advance(1000);
    assert.equal(wc.loads.length, 2);
    fail();
    timers.advance(2000);
    assert.equal(wc.loads.length, 3);
    fail();
    assert.equal(shell.showing(), 'out-of-service');
    assert.equal(wc.loads.at(-1), `file:${OOS}`);
    timers.advance(4000);
    assert.equal(wc.loads.at(-1), URL_);
    wc.emit('did-finish-load');
    fail();
    assert.equal(shell.showing(), 'app', 'the count restarts after a good load');
  });

  test('ignores aborted loads and failures of sub-frames', async () => {
    const { timers, wc } = await boot();
    wc.fire('did-fail-load', -3, 'ERR_ABORTED', URL_, true);
    wc.fire('did-fail-load', -102, 'ERR_CONNECTION_REFUSED', 'http://127.0.0.1:8080/x', false);
    timers.advance(60_000);
    assert.deepEqual(wc.loads, [URL_]);
  });
});
