// Config pushes end to end (docs/config-push.md), as real processes: the sync service signs a
// terminal's new venue, PIN or trust age bound; the daemon pulls it like a trust list, checks it,
// restarts itself with it, and keeps it only if it runs. One site for the whole story, in order:
// a good push applied, a push that fails the venue schema refused, a push whose new device is
// unplugged rolled back, an older version (the service restored from a backup) refused, and a
// push signed with another key (the service's key file replaced) refused.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Health } from '../src/api/messages.ts';
import { mintCode } from '../../scripts/issuer/mint.ts';
import { EventFeed, Stack, waitFor } from '../../scripts/lib/stack.ts';
import { venueFile } from '../../scripts/lib/venue-devices.ts';
import { freePort } from '../../sync-service/test/pg-cluster.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

let dir: string;
let stack: Stack;
let terminalId: string;
const desk = JSON.parse(readFileSync(venueFile('desk'), 'utf8')) as Record<string, unknown>;

const health = async () => (await (await fetch(new URL('/api/health', stack.kioskUrl))).json()) as Health;
const login = async (pin: string) =>
  (await fetch(new URL('/api/staff/login', stack.kioskUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin }) })).status;
const push = async (change: Record<string, unknown>) => ((await stack.admin('PUT', `/admin/terminals/${terminalId}/config`, change)) as { version: number }).version;
/** The config the terminal reports, once it reports `want` (waits through restarts: the kiosk port stays). */
const reported = (want: (c: NonNullable<Health['config']>) => boolean, timeoutMs = 30_000) =>
  waitFor(async () => {
    try {
      const c = (await health()).config;
      return c && want(c) ? c : undefined;
    } catch {
      return undefined; // between the stop and the start of a restart
    }
  }, timeoutMs, 100, 'the terminal to report its config');

before(async () => {
  dir = tempDir('yss-confpush-');
  stack = await new Stack({
    dir,
    // A fixed service port: the service is restarted below and the terminal must find it again.
    servicePort: await freePort(),
    sync: { trust_poll_s: 1, heartbeat_s: 1, backoff_max_ms: 1000 },
    devices: [{ id: 'mrz-1', role: 'mrz', kind: 'mrz-reader' }],
  }).start();
  terminalId = (await waitFor(async () => (await health()).terminal_id, 20_000)) as string;
});

after(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the terminal pinned the service\'s config key at enrollment and runs its own config file', async () => {
  const identity = JSON.parse(readFileSync(join(dir, 'terminal-data', 'identity.json'), 'utf8')) as { config_key?: string };
  const key = JSON.parse(readFileSync(join(dir, 'service-data', 'config-key.json'), 'utf8')) as { seed: string };
  assert.match(identity.config_key ?? '', /^[A-Za-z0-9_-]{43}$/);
  assert.ok(key.seed, 'the service keeps its config key in its data folder');
  assert.equal(statSync(join(dir, 'service-data', 'config-key.json')).mode & 0o777, 0o600);
  assert.deepEqual((await health()).config, { version: null, rejected: null });
});

test('a good push (venue and PIN) is applied by a restart on the same port, reported, and the daemon reads codes with it', async () => {
  const url = stack.kioskUrl;
  const title = { 'zh-CN': '二号厅核验', 'zh-HK': '二號廳核驗', en: 'Code check, hall 2' };
  assert.equal(await push({ venue: { ...desk, title }, staff_pin: '135790' }), 1);
  const c = await reported((c) => c.version === 1);
  assert.equal(c.rejected, null);
  const h = await health();
  assert.deepEqual(h.venue.title, title);
  assert.equal(stack.kioskUrl, url);
  assert.equal(await login('135790'), 200, 'the pushed PIN signs in');
  assert.equal(await login(stack.staffPin), 401, 'the file\'s PIN no longer does');
  // The restarted daemon decides and uploads.
  await waitFor(async () => (await health()).devices.find((d) => d.id === 'scanner-1' && d.state === 'connected'), 10_000);
  const feed = await EventFeed.open(stack.kioskUrl);
  try {
    const before = feed.lastSeq();
    stack.scan(mintCode({ keys: stack.keysDir, type: 'personal' }));
    const v = await feed.nextVerdict(before);
    assert.equal(v.accepted, true);
  } finally {
    feed.close();
  }
  // The service sees what runs; the PIN never comes back from it.
  const view = await waitFor(async () => {
    const r = (await stack.admin('GET', `/admin/terminals/${terminalId}/config`)) as { applied: number | null; published: { version: number; config: Record<string, unknown> } };
    return r.applied === 1 ? r : undefined;
  }, 10_000);
  assert.equal(view.published.version, 1);
  assert.equal(view.published.config.staff_pin, 'set');
  const held = JSON.parse(readFileSync(join(dir, 'terminal-data', 'config-push.json'), 'utf8')) as { applied: { version: number } };
  assert.equal(held.applied.version, 1);
  assert.equal(statSync(join(dir, 'terminal-data', 'config-push.json')).mode & 0o777, 0o600);
});

test('a push that fails the venue schema is refused with every problem and its path; the daemon keeps running version 1', async () => {
  assert.equal(await push({ venue: { ...desk, replay: { per: 'sometimes', on_replay: 'flag' }, colour: 'red' } }), 2);
  const c = await reported((c) => c.rejected?.version === 2);
  assert.equal(c.version, 1);
  assert.match(c.rejected!.reason, /^YSS_CONFIG_PUSH_INVALID: /);
  assert.match(c.rejected!.reason, /config\.venue\.replay\.per: must be one of code, person/);
  assert.match(c.rejected!.reason, /config\.venue: unknown key "colour"/);
  assert.equal(await login('135790'), 200, 'version 1 still runs');
  // The fleet overview shows it, with an alert, once a heartbeat carried it.
  const row = await waitFor(async () => {
    const o = (await stack.admin('GET', '/admin/overview')) as { terminals: { id: string; config: { published: number; applied: number; rejected: { version: number } | null } }[]; alerts: { kind: string; terminal_id: string; detail: string }[] };
    const t = o.terminals.find((x) => x.id === terminalId);
    return t?.config.rejected?.version === 2 ? { t, alerts: o.alerts } : undefined;
  }, 10_000);
  assert.deepEqual({ published: row.t.config.published, applied: row.t.config.applied }, { published: 2, applied: 1 });
  assert.ok(row.alerts.some((a) => a.kind === 'config_rejected' && a.terminal_id === terminalId && a.detail.includes('YSS_CONFIG_PUSH_INVALID')));
});

test('a push whose venue needs a device that is not connected starts, fails its trial and is rolled back to version 1', async () => {
  await stack.unplug('mrz-1');
  await waitFor(async () => (await health()).devices.find((d) => d.id === 'mrz-1' && d.state !== 'connected'), 10_000);
  const withMrz = { ...desk, inputs: { ...(desk.inputs as object), mrz: { document_codes: ['P'] } } };
  assert.equal(await push({ venue: withMrz }), 3);
  const c = await reported((c) => c.rejected?.version === 3, 40_000);
  assert.equal(c.version, 1);
  assert.match(c.rejected!.reason, /^YSS_CONFIG_PUSH_DEVICES: an MRZ reader not connected within 10 s/);
  const h = await health();
  assert.deepEqual(h.venue.title, { 'zh-CN': '二号厅核验', 'zh-HK': '二號廳核驗', en: 'Code check, hall 2' }, 'back on version 1\'s venue');
  assert.equal(await login('135790'), 200);
  const held = JSON.parse(readFileSync(join(dir, 'terminal-data', 'config-push.json'), 'utf8')) as { applied: { version: number }; pending: unknown };
  assert.equal(held.applied.version, 1, 'the last good config is kept');
  assert.equal(held.pending, null);
});

test('an older version served again (the service restored from a backup) is refused; the newer one keeps running', async () => {
  const data = join(dir, 'service-data');
  const backup = (f: string) => join(dir, `backup-${f}`);
  await stack.stopService();
  for (const f of ['sync-service.db', 'sync-service.db-wal', 'sync-service.db-shm']) if (existsSync(join(data, f))) copyFileSync(join(data, f), backup(f));
  await stack.startService();
  // Version 4: the trust age bound alone, laid over version 3's change (itself over 1 and 2).
  assert.equal(await push({ venue: null, trust_max_age_s: 30 * 86_400 }), 4);
  const c = await reported((c) => c.version === 4);
  assert.equal(c.rejected?.version, 3, 'the last refusal is still reported');
  assert.deepEqual((await health()).venue.title, desk.title, 'venue: null took the venue back to the config file\'s');
  await stack.stopService();
  for (const f of ['sync-service.db', 'sync-service.db-wal', 'sync-service.db-shm']) {
    rmSync(join(data, f), { force: true });
    if (existsSync(backup(f))) copyFileSync(backup(f), join(data, f));
  }
  await stack.startService();
  const r = await reported((c) => c.rejected?.reason.startsWith('YSS_CONFIG_PUSH_ROLLBACK') === true, 30_000);
  assert.equal(r.version, 4);
  assert.match(r.rejected!.reason, /version 3 is not newer than version 4/);
  assert.equal(await login('135790'), 200);
});

test('a push signed with another key (the service\'s config key replaced) is refused; nothing changes', async () => {
  await stack.stopService();
  rmSync(join(dir, 'service-data', 'config-key.json'));
  await stack.startService();
  // The restored database's newest is version 3; this push is another version 4, under the new key.
  assert.equal(await push({ staff_pin: '999999' }), 4);
  const c = await reported((c) => c.rejected?.reason.startsWith('YSS_CONFIG_PUSH_BAD_SIGNATURE') === true, 30_000);
  assert.equal(c.version, 4);
  assert.match(c.rejected!.reason, /does not verify with the config key this terminal pinned at enrollment/);
  assert.equal(await login('999999'), 401);
  assert.equal(await login('135790'), 200);
});
