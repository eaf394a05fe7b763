// Proof, against a real daemon process on loopback, that the kiosk API is closed to the other web
// pages and processes on the kiosk machine: a forged Host (DNS rebinding) gets 421 on every route,
// static files included; a foreign Origin gets 403; the events WebSocket opens only for the
// daemon's own origin (or a non-browser client) and only up to its cap; wrong staff PINs are
// charged to the client that sent them; and a terminal without a PIN has no staff sign-in.
// Chromium shows the kiosk still works, and that a rebound page can read nothing.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import WebSocket from 'ws';
import { browserEnv, CHROMIUM_ARGS, openKiosk } from '../../kiosk-ui/web/test/browser.ts';
import { tapKeys } from '../../kiosk-ui/web/test/screens.ts';
import type { Child } from '../../scripts/lib/stack.ts';
import { startDaemon, stopDaemon, writeDaemonConfig } from './support/daemon.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

const PIN = '731904';
let dir: string;
let daemon: Child;
let port: number;

before(async () => {
  dir = tempDir('yss-loopback-');
  daemon = await startDaemon(writeDaemonConfig(join(dir, 'a'), { api: { host: '127.0.0.1', port: 0, staff_pin: PIN } }));
  port = Number(new URL(daemon.url).port);
});

after(async () => {
  await stopDaemon(daemon);
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request to the daemon with exactly these headers (Host and Origin included). */
function raw(method: string, path: string, headers: Record<string, string>, body?: string, to = port): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: to, method, path, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) }, setHost: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const own = () => ({ host: `127.0.0.1:${port}` });
const login = (headers: Record<string, string>, pin = PIN) => raw('POST', '/api/staff/login', headers, JSON.stringify({ pin }));

/** Opens the events socket with these headers; resolves with the first message, or the refusal's status. */
function upgrade(headers: { host?: string; origin?: string }): Promise<{ ws: WebSocket; first: unknown } | { status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events`, { headers: headers.host ? { host: headers.host } : {}, ...(headers.origin ? { origin: headers.origin } : {}) });
    ws.once('message', (d) => resolve({ ws, first: JSON.parse(String(d)) }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d) => (body += String(d)));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    ws.once('error', (e) => reject(e));
  });
}

describe('Host allow-list', () => {
  const paths: [string, string][] = [
    ['GET', '/api/health'],
    ['GET', '/'],
    ['GET', '/index.html'],
    ['GET', '/no-such-file'],
    ['POST', '/api/staff/login'],
    ['GET', '/api/staff/overview'],
    ['POST', '/api/registration'],
  ];

  test('every route, static files and unknown paths included, answers 421 to a Host the daemon does not serve', async () => {
    for (const host of ['evil.example:PORT', 'evil.example', '127.0.0.1', '127.0.0.1:1', '127.0.0.2:PORT', 'localhost.evil.example:PORT']) {
      for (const [method, path] of paths) {
        const h = host.replace('PORT', String(port));
        const r = await raw(method, path, { host: h }, method === 'POST' ? '{}' : undefined);
        assert.equal(r.status, 421, `${method} ${path} with Host "${h}": ${r.status} ${r.body.slice(0, 80)}`);
        assert.equal(JSON.parse(r.body).error, 'YSS_API_WRONG_HOST');
      }
      // Without a Host at all, node's HTTP/1.1 server answers 400 before any route.
      assert.equal((await raw('GET', '/api/health', {})).status, 400);
    }
  });

  test('the daemon\'s own names are served: 127.0.0.1, localhost and [::1] with its port, in any case', async () => {
    for (const host of ['127.0.0.1', 'localhost', 'LOCALHOST', '[::1]']) {
      const health = await raw('GET', '/api/health', { host: `${host}:${port}` });
      assert.equal(health.status, 200, host);
      const page = await raw('GET', '/', { host: `${host}:${port}` });
      assert.equal(page.status, 200, host);
      assert.match(page.body, /<html/i);
    }
  });

  test('DNS rebinding: a page at evil.example:PORT signing in with the right PIN gets no token', async () => {
    const origin = `http://evil.example:${port}`;
    const r = await login({ host: `evil.example:${port}`, origin });
    assert.equal(r.status, 421);
    assert.doesNotMatch(r.body, /token/);
    const overview = await raw('GET', '/api/staff/overview', { host: `evil.example:${port}`, origin });
    assert.equal(overview.status, 421);
  });
});

describe('Origin', () => {
  test('a browser request from any other origin gets 403 on every route, reading ones included', async () => {
    for (const origin of ['http://evil.example', `http://evil.example:${port}`, 'null', `http://127.0.0.1:${port + 1}`, `https://127.0.0.1:${port}`, 'file://']) {
      for (const [method, path] of [['GET', '/api/health'], ['GET', '/'], ['POST', '/api/staff/login']] as const) {
        const r = await raw(method, path, { ...own(), origin }, method === 'POST' ? JSON.stringify({ pin: PIN }) : undefined);
        assert.equal(r.status, 403, `${method} ${path} from ${origin}`);
        assert.equal(JSON.parse(r.body).error, 'YSS_API_FOREIGN_ORIGIN');
      }
    }
  });

  test('the kiosk\'s own origin, under any of the daemon\'s names, is served', async () => {
    for (const name of ['127.0.0.1', 'localhost', '[::1]']) {
      const r = await raw('GET', '/api/health', { host: `${name}:${port}`, origin: `http://${name}:${port}` });
      assert.equal(r.status, 200, name);
    }
  });
});

describe('events WebSocket', () => {
  test('an upgrade from another origin, an opaque origin or a rebound Host is refused before it opens', async () => {
    const cases: [{ host?: string; origin?: string }, number][] = [
      [{ origin: 'http://evil.example' }, 403],
      [{ origin: 'null' }, 403],
      [{ origin: `http://localhost:${port + 1}` }, 403],
      [{ host: `evil.example:${port}`, origin: `http://evil.example:${port}` }, 421],
      [{ host: `evil.example:${port}` }, 421],
    ];
    for (const [headers, status] of cases) {
      const r = await upgrade(headers);
      assert.ok('status' in r, `${JSON.stringify(headers)} opened a socket`);
      assert.equal(r.status, status, JSON.stringify(headers));
    }
  });

  test('the kiosk\'s own origin and a client without an Origin get the live feed', async () => {
    for (const headers of [{ origin: `http://127.0.0.1:${port}` }, { host: `localhost:${port}`, origin: `http://localhost:${port}` }, {}]) {
      const r = await upgrade(headers);
      assert.ok('ws' in r, `${JSON.stringify(headers)}: ${JSON.stringify(r)}`);
      assert.equal((r.first as { type: string }).type, 'health');
      r.ws.close();
    }
  });

  test('at most 8 sockets are open at once; the next gets 503 until one closes', async () => {
    const open: WebSocket[] = [];
    try {
      // Sockets of the previous test may still be closing on the daemon's side.
      for (let i = 0; i < 8; i++) {
        let r = await upgrade({ origin: `http://127.0.0.1:${port}` });
        for (let tries = 0; 'status' in r && tries < 50; tries++) {
          await new Promise((res) => setTimeout(res, 20));
          r = await upgrade({ origin: `http://127.0.0.1:${port}` });
        }
        assert.ok('ws' in r, `socket ${i + 1} refused`);
        open.push(r.ws);
      }
      const ninth = await upgrade({ origin: `http://127.0.0.1:${port}` });
      assert.ok('status' in ninth);
      assert.equal(ninth.status, 503);
      assert.equal(JSON.parse(ninth.body).error, 'YSS_API_TOO_MANY_SOCKETS');
      const closed = new Promise((r) => open[0]!.once('close', r));
      open.shift()!.close();
      await closed;
      let again = await upgrade({ origin: `http://127.0.0.1:${port}` });
      for (let tries = 0; 'status' in again && tries < 50; tries++) {
        await new Promise((res) => setTimeout(res, 20));
        again = await upgrade({ origin: `http://127.0.0.1:${port}` });
      }
      assert.ok('ws' in again, 'a slot freed by a closed socket is usable');
      open.push(again.ws);
    } finally {
      for (const ws of open) ws.terminate();
    }
  });
});

describe('staff PIN', () => {
  test('a stranger\'s wrong PINs make the stranger wait, not the kiosk that signed in before', async () => {
    const kiosk = await login({ ...own(), origin: `http://127.0.0.1:${port}` });
    assert.equal(kiosk.status, 200);
    const cookie = String(kiosk.headers['set-cookie']).split(';')[0]!;
    assert.match(cookie, /^yss_staff_device=/);
    const answers: number[] = [];
    for (let i = 0; i < 15; i++) answers.push((await login(own(), String(100000 + i))).status);
    assert.deepEqual(answers.slice(0, 2), [401, 401]);
    assert.ok(answers.slice(2).every((s) => s === 429), `answers: ${answers.join(' ')}`);
    const waiting = await login(own());
    assert.equal(waiting.status, 429, 'while it waits, even the right PIN is not compared');
    assert.ok(JSON.parse(waiting.body).retry_after_s >= 15);
    const again = await login({ ...own(), origin: `http://127.0.0.1:${port}`, cookie });
    assert.equal(again.status, 200, `the kiosk is not locked out: ${again.body}`);
  });

  test('a terminal configured without a PIN has no staff sign-in, and its kiosk says so', async () => {
    const logs: string[] = [];
    const other = await startDaemon(writeDaemonConfig(join(dir, 'no-pin')), (l) => logs.push(l));
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, env: browserEnv() });
    try {
      const p = Number(new URL(other.url).port);
      for (const pin of ['2468', '0000']) {
        const r = await raw('POST', '/api/staff/login', { host: `127.0.0.1:${p}` }, JSON.stringify({ pin }), p);
        assert.equal(r.status, 403);
        assert.equal(JSON.parse(r.body).error, 'YSS_API_STAFF_DISABLED');
      }
      assert.ok(logs.some((l) => l.includes('no staff PIN configured')));
      const page = await openKiosk(browser, other.url);
      await page.click('[data-action="staff"]');
      await tapKeys(page, '2468');
      await page.click('[data-action="submit"]');
      await page.waitForSelector('[data-error="pin.disabled"]');
    } finally {
      await browser.close();
      await stopDaemon(other);
    }
  });
});

describe('in Chromium', () => {
  let browser: Browser;
  before(async () => {
    // evil.example resolves to the daemon's address, as after a DNS rebinding.
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP evil.example 127.0.0.1'], env: browserEnv() });
  });
  after(async () => browser?.close());

  test('the kiosk works at localhost as at 127.0.0.1: first screen drawn, events socket open', async () => {
    for (const name of ['127.0.0.1', 'localhost']) {
      const page = await openKiosk(browser, `http://${name}:${port}/`);
      assert.ok(await page.$('main[data-screen="idle"], main[data-screen]'));
      await page.close();
    }
  });

  test('a rebound page at evil.example:PORT can neither sign in, read health, nor open the feed', async () => {
    const page = await browser.newPage();
    const nav = await page.goto(`http://evil.example:${port}/`);
    assert.equal(nav?.status(), 421);
    const seen = await page.evaluate(async (pin) => {
      const health = await fetch('/api/health').then((r) => r.status);
      const signIn = await fetch('/api/staff/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin }) }).then((r) => r.status);
      const feed = await new Promise<string>((resolve) => {
        const ws = new WebSocket(`ws://${location.host}/api/events`);
        ws.onmessage = (m) => resolve(`message: ${String(m.data).slice(0, 40)}`);
        ws.onerror = () => resolve('error');
        setTimeout(() => resolve('timeout'), 5000);
      });
      return { health, signIn, feed };
    }, PIN);
    assert.deepEqual(seen, { health: 421, signIn: 421, feed: 'error' });
    await page.close();
  });
});
