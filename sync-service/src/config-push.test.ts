// Config pushes through the service's routes (docs/config-push.md): who may push, what is refused
// before signing, what the terminal is served (signed, versioned, with an ETag), and what the
// fleet sees. The terminal's side, with a real daemon, is terminal/test/config-push.test.ts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { configPushEtag, openConfigPush, pinMatchesHash } from '../../terminal/src/protocol/index.ts';
import { ADMIN_TOKEN, CONFIG_TOKEN, heartbeatOf, startTestService, WireClient, type TestService } from '../test/support.ts';

let svc: TestService;
let terminal: WireClient;

before(async () => {
  svc = await startTestService();
  terminal = await new WireClient(svc).enroll('desk 1');
});

after(async () => {
  await svc.close();
});

const get = (path: string, headers: Record<string, string> = {}, client = terminal) =>
  svc.app.inject({ method: 'GET', url: path, headers: { ...client.headers('GET', path, ''), ...headers } });

test('enrollment hands the terminal the public half of the service\'s config key', async () => {
  const t = await svc.admin('POST', '/admin/terminals', { name: 'another' });
  const res = await svc.app.inject({ method: 'POST', url: '/v1/enroll', payload: { enrollment_code: t.json.enrollment_code, public_key: new WireClient(svc).publicKey } });
  assert.equal(res.statusCode, 200);
  assert.equal(JSON.parse(res.body).config_key, svc.configKey.x);
});

test('only an operator with the config role may push; nothing is served before a push', async () => {
  assert.equal((await get('/v1/config')).statusCode, 404);
  const fleet = await svc.admin('PUT', `/admin/terminals/${terminal.id}/config`, { staff_pin: '135790' }, ADMIN_TOKEN);
  assert.deepEqual([fleet.status, fleet.json.error], [403, 'YSS_SYNC_ADMIN_FORBIDDEN']);
  assert.match(fleet.json.message, /does not have the config role/);
  const none = await svc.admin('PUT', `/admin/terminals/${terminal.id}/config`, { staff_pin: '135790' }, 'wrong-token-0123456789');
  assert.equal(none.status, 401);
  const unknown = await svc.admin('PUT', '/admin/terminals/t-nobody/config', { staff_pin: '135790' }, CONFIG_TOKEN);
  assert.deepEqual([unknown.status, unknown.json.error], [404, 'YSS_SYNC_NOT_FOUND']);
});

test('a push the service can tell is wrong is refused with what is wrong, and nothing is stored', async () => {
  const cases: [unknown, RegExp][] = [
    [{}, /nothing to change/],
    [{ staff_pin: '12' }, /staff_pin is not 4 to 12 digits/],
    [{ staff_pin: 123456 }, /staff_pin is not 4 to 12 digits/],
    [{ venue: 'desk' }, /venue is not an object/],
    [{ venue: [] }, /venue is not an object/],
    [{ trust_max_age_s: 10 }, /trust_max_age_s is not an integer of at least 60 seconds/],
    [{ devices: [] }, /unknown key "devices"/],
  ];
  for (const [body, message] of cases) {
    const r = await svc.admin('PUT', `/admin/terminals/${terminal.id}/config`, body, CONFIG_TOKEN);
    assert.deepEqual([r.status, r.json.error], [400, 'YSS_SYNC_CONFIG_INVALID'], JSON.stringify(body));
    assert.match(r.json.message, message);
  }
  const array = await svc.admin('PUT', `/admin/terminals/${terminal.id}/config`, [1], CONFIG_TOKEN);
  assert.deepEqual([array.status, array.json.error], [400, 'YSS_SYNC_INVALID_BODY'], 'not an object: the route\'s schema');
  const big = await svc.admin('PUT', `/admin/terminals/${terminal.id}/config`, { venue: { name: 'x'.repeat(70_000) } }, CONFIG_TOKEN);
  assert.equal(big.status, 413);
  assert.equal((await get('/v1/config')).statusCode, 404);
});

test('each push is the next version, whole (laid over the one before), signed for this terminal only, served with an ETag', async () => {
  const one = await svc.admin('PUT', `/admin/terminals/${terminal.id}/config`, { venue: { name: 'desk' }, staff_pin: '135790' }, CONFIG_TOKEN);
  assert.deepEqual([one.status, one.json.version], [200, 1]);
  const two = await svc.admin('PUT', `/admin/terminals/${terminal.id}/config`, { staff_pin: null, trust_max_age_s: 86_400 }, CONFIG_TOKEN);
  assert.equal(two.json.version, 2);
  const res = await get('/v1/config');
  assert.equal(res.statusCode, 200);
  const opened = openConfigPush(res.body, svc.configKey.publicKey);
  assert.ok(opened.ok);
  assert.deepEqual(opened.payload.config, { venue: { name: 'desk' }, trust_max_age_s: 86_400 }, 'version 1\'s venue kept, its PIN taken back');
  assert.deepEqual([opened.payload.terminal_id, opened.payload.version], [terminal.id, 2]);
  assert.equal(res.headers.etag, configPushEtag(2, res.body));
  assert.equal((await get('/v1/config', { 'if-none-match': String(res.headers.etag) })).statusCode, 304);
  // Another terminal has none; a stranger gets nothing.
  const other = await new WireClient(svc).enroll('desk 2');
  assert.equal((await get('/v1/config', {}, other)).statusCode, 404);
  const unsigned = await svc.app.inject({ method: 'GET', url: '/v1/config' });
  assert.equal(unsigned.statusCode, 401);
  // What the operators see never holds the PIN.
  await svc.admin('PUT', `/admin/terminals/${terminal.id}/config`, { staff_pin: '246802' }, CONFIG_TOKEN);
  const view = await svc.admin('GET', `/admin/terminals/${terminal.id}/config`);
  assert.equal(view.json.published.version, 3);
  assert.equal(view.json.published.operator, 'cfg');
  assert.equal(view.json.published.config.staff_pin, 'set');
  assert.ok(!JSON.stringify(view.json).includes('246802'));
  // The terminal is sent the PIN's salted hash, never the digits; the database holds no digits either.
  const served = openConfigPush((await get('/v1/config')).body, svc.configKey.publicKey);
  assert.ok(served.ok);
  assert.equal(served.payload.config.staff_pin, undefined);
  assert.ok(await pinMatchesHash('246802', served.payload.config.staff_pin_hash!));
  assert.ok(!Buffer.from((await svc.storage.configDoc(terminal.id))!.jws.split('.')[1]!, 'base64url').toString('utf8').includes('246802'));
});

test('the fleet overview shows each terminal\'s pushed and applied versions, a refused push as an alert, and every venue\'s feeds', async () => {
  const rejected = { version: 3, reason: 'YSS_CONFIG_PUSH_INVALID: config.venue.kind: must be one of desk, kiosk, gate', at: 1_800_000_000_000 };
  assert.equal((await terminal.post('/v1/heartbeat', heartbeatOf({ venue: 'desk', config: { version: 2, rejected } }))).status, 200);
  const bad = await terminal.post('/v1/heartbeat', heartbeatOf({ config: { version: 'two', rejected: null } as never }));
  assert.equal(bad.status, 400, 'a heartbeat\'s config is checked');
  await svc.admin('PUT', '/admin/venues/desk/feeds/access', { rows: [] });
  const o = await svc.admin('GET', '/admin/overview');
  const row = o.json.terminals.find((t: { id: string }) => t.id === terminal.id);
  assert.deepEqual(row.config, { published: 3, published_at: row.config.published_at, applied: 2, rejected });
  const alert = o.json.alerts.find((a: { kind: string }) => a.kind === 'config_rejected');
  assert.equal(alert.terminal_id, terminal.id);
  assert.match(alert.detail, /desk 1: config 3 not applied: YSS_CONFIG_PUSH_INVALID/);
  assert.deepEqual(o.json.feeds.map((f: { venue: string; kind: string; version: number; rows: number }) => [f.venue, f.kind, f.version, f.rows]), [['desk', 'access', 1, 0]]);
  // A newer push than the refused one clears the alert: the operator has answered it.
  await svc.admin('PUT', `/admin/terminals/${terminal.id}/config`, { staff_pin: '246803' }, CONFIG_TOKEN);
  assert.ok(!(await svc.admin('GET', '/admin/overview')).json.alerts.some((a: { kind: string }) => a.kind === 'config_rejected'));
});
