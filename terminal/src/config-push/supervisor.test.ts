// The supervisor with the real daemon in this process and a real service on loopback: a push the
// daemon cannot start with (a start failure forced at the one boundary a test can reach, the
// start function) is rolled back to the last good config, and a push that took the daemon down
// twice is given up at the next start.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { waitFor } from '../../../scripts/lib/wait.ts';
import { CONFIG_TOKEN, startTestService, type TestService } from '../../../sync-service/test/support.ts';
import { writeDaemonConfig, type DaemonSetup } from '../../test/support/daemon.ts';
import type { TerminalConfig } from '../config/index.ts';
import { startTerminal, type TerminalOptions } from '../main.ts';
import { ConfigSupervisor, PushStore } from './index.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

/** A trust age bound no other test pushes: the start fails for it (a pushed PIN is a hash, salted anew each time, so it cannot mark one). */
const FORCED = 61;
let dir: string;
let svc: TestService;
let setup: DaemonSetup;
let terminalId: string;
const log = pino({ level: 'silent' });
/** The real start, except that a config whose trust age bound is FORCED fails as a taken port would. */
const start = (c: Readonly<TerminalConfig>, o: TerminalOptions) => (c.venue.trust_max_age_s === FORCED ? Promise.reject(new Error('forced: port 7480 is already in use')) : startTerminal(c, o));
/**
 * fetch, once more when the connection it reused from before a restart was closed under it (the
 * restarted daemon closed its sockets, as any server stopping does): nothing reached the daemon.
 */
async function fetchAgain(url: URL, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    if ((e as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw e;
    return fetch(url, init);
  }
}
const supervise = () => ConfigSupervisor.fromFile(setup.config, { log, start, onFatal: (e) => assert.fail(String(e)) });

before(async () => {
  dir = tempDir('yss-supervisor-');
  svc = await startTestService();
  const url = await svc.listen();
  const t = await svc.admin('POST', '/admin/terminals', { name: 'supervised' });
  terminalId = t.json.terminal_id;
  setup = writeDaemonConfig(dir, {
    api: { port: 0, staff_pin: '402252' },
    sync: { url, enrollment_code: t.json.enrollment_code, seal_key: t.json.seal_key, trust_poll_s: 1, heartbeat_s: 1, interval_ms: 100, backoff_max_ms: 500 },
  });
});

after(async () => {
  await svc?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a push the daemon cannot start with is rolled back to the last good config on the same port; the next good one is applied', async () => {
  const sup = supervise();
  try {
    const first = await sup.start();
    await waitFor(() => first.health().terminal_id, 20_000, 50, 'enrollment');
    assert.equal((await svc.admin('PUT', `/admin/terminals/${terminalId}/config`, { trust_max_age_s: FORCED }, CONFIG_TOKEN)).json.version, 1);
    const refused = await waitFor(() => sup.current?.health().config?.rejected ?? null, 20_000, 50, 'the push to be rolled back');
    await sup.settled();
    assert.equal(refused.version, 1);
    assert.equal(refused.reason, 'YSS_CONFIG_PUSH_START_FAILED: the daemon did not start with it (forced: port 7480 is already in use); back on the last good config');
    const back = sup.current!;
    assert.equal(back.url, first.url, 'the same kiosk port');
    assert.equal(back.health().config?.version, null, 'the config file alone, as before');
    assert.equal((await fetchAgain(new URL('/api/health', back.url))).status, 200);
    assert.equal(new PushStore(join(setup.dataDir)).read().pending, null);

    assert.equal((await svc.admin('PUT', `/admin/terminals/${terminalId}/config`, { staff_pin: '135790', trust_max_age_s: null }, CONFIG_TOKEN)).json.version, 2);
    await waitFor(() => sup.current?.health().config?.version === 2, 20_000, 50, 'version 2 applied');
    await sup.settled();
    const login = await fetchAgain(new URL('/api/staff/login', sup.current!.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin: '135790' }) });
    assert.equal(login.status, 200);
    // The service hears of both from the heartbeats.
    await waitFor(async () => (await svc.admin('GET', `/admin/terminals/${terminalId}/config`)).json.applied === 2, 10_000, 50, 'the heartbeat');
    assert.equal((await svc.admin('GET', `/admin/terminals/${terminalId}/config`)).json.rejected.version, 1);
  } finally {
    await sup.stop();
  }
});

test('a push that took the daemon down twice while it was tried is given up at the next start, which runs the last good config', async () => {
  const store = new PushStore(setup.dataDir);
  const held = store.read();
  assert.equal(held.applied?.version, 2);
  // As a daemon killed twice during the trial of version 3 leaves it.
  store.write({ ...held, pending: { version: 3, jws: held.applied!.jws, tries: 2 } });
  const sup = supervise();
  try {
    const t = await sup.start();
    const c = t.health().config!;
    assert.equal(c.version, 2);
    assert.equal(c.rejected?.version, 3);
    assert.equal(c.rejected?.reason, 'YSS_CONFIG_PUSH_START_FAILED: the daemon did not start with it (the daemon stopped 2 times while trying it); back on the last good config');
    assert.deepEqual({ pending: store.read().pending, rejected: store.read().rejected?.version }, { pending: null, rejected: 3 });
  } finally {
    await sup.stop();
  }
});
