// Config pushes to every terminal of a venue (docs/config-push.md "A venue's terminals"), through
// the service's routes: one operator action, one signed document of its own per terminal, a
// terminal bound later given the push too, and the PIN stored only as its salted hash.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openConfigPush, pinMatchesHash, type ConfigPushPayload } from '../../terminal/src/protocol/index.ts';
import { ADMIN_TOKEN, CONFIG_TOKEN, heartbeatOf, startTestService, WireClient, type TestService } from '../test/support.ts';

let svc: TestService;
let a1: WireClient;
let a2: WireClient;
let gate: WireClient;

before(async () => {
  svc = await startTestService();
  a1 = await new WireClient(svc).enroll('hall a 1', 'hall-a');
  a2 = await new WireClient(svc).enroll('hall a 2', 'hall-a');
  gate = await new WireClient(svc).enroll('gate b 1', 'gate-b');
});

after(async () => {
  await svc.close();
});

async function pulled(client: WireClient): Promise<ConfigPushPayload | number> {
  const res = await svc.app.inject({ method: 'GET', url: '/v1/config', headers: client.headers('GET', '/v1/config', '') });
  if (res.statusCode !== 200) return res.statusCode;
  const opened = openConfigPush(res.body, svc.configKey.publicKey);
  assert.ok(opened.ok, res.body);
  return opened.payload;
}

/** Every stored document and venue config, as text a leak would show in. */
async function everythingStored(): Promise<string> {
  const ids = [a1, a2, gate].map((c) => c.id);
  const docs = await Promise.all(ids.map((id) => svc.storage.configDoc(id)));
  const payloads = docs.map((d) => (d ? Buffer.from(d.jws.split('.')[1]!, 'base64url').toString('utf8') : ''));
  return JSON.stringify([payloads, await svc.storage.venueConfigHeads()]);
}

test('only an operator with the config role pushes to a venue, and a change the service can tell is wrong stores nothing', async () => {
  const fleet = await svc.admin('PUT', '/admin/venues/hall-a/config', { trust_max_age_s: 600 }, ADMIN_TOKEN);
  assert.deepEqual([fleet.status, fleet.json.error], [403, 'YSS_SYNC_ADMIN_FORBIDDEN']);
  const bad = await svc.admin('PUT', '/admin/venues/hall-a/config', { staff_pin: '12a4' }, CONFIG_TOKEN);
  assert.deepEqual([bad.status, bad.json.error], [400, 'YSS_SYNC_CONFIG_INVALID']);
  assert.match(bad.json.message, /staff_pin is not 4 to 12 digits/);
  const name = await svc.admin('PUT', '/admin/venues/Hall_A/config', { trust_max_age_s: 600 }, CONFIG_TOKEN);
  assert.equal(name.status, 400, 'a venue name as venue files spell them');
  assert.deepEqual((await svc.admin('GET', '/admin/venues/hall-a/config')).json, { venue: 'hall-a', published: null, terminals: [] });
  assert.equal(await pulled(a1), 404);
});

test('one push reaches every terminal of the venue, each in a document signed for it alone, with the PIN only as its hash', async () => {
  // a2 had a push of its own before: the venue's is laid over it.
  assert.equal((await svc.admin('PUT', `/admin/terminals/${a2.id}/config`, { venue: { name: 'hall-a', kind: 'kiosk' } }, CONFIG_TOKEN)).json.version, 1);
  const r = await svc.admin('PUT', '/admin/venues/hall-a/config', { staff_pin: '482916', trust_max_age_s: 600 }, CONFIG_TOKEN);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.version, 1);
  assert.deepEqual(
    [...r.json.terminals].sort((x: { terminal_id: string }, y: { terminal_id: string }) => x.terminal_id.localeCompare(y.terminal_id)),
    [{ terminal_id: a1.id, version: 1 }, { terminal_id: a2.id, version: 2 }].sort((x, y) => x.terminal_id.localeCompare(y.terminal_id)),
  );
  const one = await pulled(a1);
  const two = await pulled(a2);
  assert.ok(typeof one === 'object' && typeof two === 'object');
  assert.deepEqual([one.terminal_id, one.version, two.terminal_id, two.version], [a1.id, 1, a2.id, 2]);
  assert.equal(one.config.trust_max_age_s, 600);
  assert.deepEqual(two.config.venue, { name: 'hall-a', kind: 'kiosk' }, 'a2\'s own push kept under the venue\'s');
  assert.equal(one.config.staff_pin, undefined, 'no digits in the signed document');
  assert.match(one.config.staff_pin_hash ?? '', /^\$scrypt\$ln=15,r=8,p=1\$/);
  assert.ok(await pinMatchesHash('482916', one.config.staff_pin_hash!));
  assert.ok(!(await pinMatchesHash('482917', one.config.staff_pin_hash!)));
  assert.equal(await pulled(gate), 404, 'another venue\'s terminal gets nothing');
  assert.ok(!(await everythingStored()).includes('482916'), 'the digits are stored nowhere');
  const view = await svc.admin('GET', '/admin/venues/hall-a/config');
  assert.deepEqual(view.json.published.config, { staff_pin: 'set', trust_max_age_s: 600 });
  assert.equal(view.json.published.operator, 'cfg');
  assert.ok(!JSON.stringify(view.json).includes('$scrypt'), 'nor the hash shown');
});

test('a terminal enrolled for the venue later, or moved to it, gets the venue\'s push; a second push reaches them all', async () => {
  const late = await new WireClient(svc).enroll('hall a 3', 'hall-a');
  const lateDoc = await pulled(late);
  assert.ok(typeof lateDoc === 'object');
  assert.deepEqual([lateDoc.version, lateDoc.config.trust_max_age_s, typeof lateDoc.config.staff_pin_hash], [1, 600, 'string']);
  const moved = await svc.admin('PUT', `/admin/terminals/${gate.id}/venue`, { venue: 'hall-a' }, ADMIN_TOKEN);
  assert.equal(moved.status, 200);
  const movedDoc = await pulled(gate);
  assert.ok(typeof movedDoc === 'object');
  assert.equal(movedDoc.config.trust_max_age_s, 600);
  // Bound behind the routes' back (as a bind racing a push would leave it): caught up at its next pull.
  const raced = await new WireClient(svc).enroll('hall a 4');
  await svc.storage.setTerminalVenue(raced.id, 'hall-a');
  const racedDoc = await pulled(raced);
  assert.ok(typeof racedDoc === 'object' && racedDoc.config.trust_max_age_s === 600);
  assert.equal(((await pulled(raced)) as ConfigPushPayload).version, 1, 'once');
  // The second venue push takes the PIN back to each terminal's file and keeps the trust age.
  const second = await svc.admin('PUT', '/admin/venues/hall-a/config', { staff_pin: null }, CONFIG_TOKEN);
  assert.deepEqual([second.json.version, second.json.terminals.length], [2, 5]);
  for (const c of [a1, a2, late, gate, raced]) {
    const d = await pulled(c);
    assert.ok(typeof d === 'object');
    assert.deepEqual([d.config.staff_pin, d.config.staff_pin_hash, d.config.trust_max_age_s], [undefined, undefined, 600], c.id);
  }
  const later = await new WireClient(svc).enroll('hall a 5', 'hall-a');
  const laterDoc = (await pulled(later)) as ConfigPushPayload;
  assert.deepEqual(laterDoc.config, { trust_max_age_s: 600 }, 'a terminal bound after both gets the venue\'s config as it now stands');
});

test('the venue view and the fleet overview count the terminals that run the venue\'s push and those that refused it', async () => {
  const view = await svc.admin('GET', '/admin/venues/hall-a/config');
  const mine = (c: WireClient) => view.json.terminals.find((t: { terminal_id: string }) => t.terminal_id === c.id) as { version: number };
  await a1.post('/v1/heartbeat', heartbeatOf({ venue: 'hall-a', config: { version: mine(a1).version, rejected: null } }));
  const reason = 'YSS_CONFIG_PUSH_INVALID: config.venue.kind: must be one of desk, kiosk, gate';
  await a2.post('/v1/heartbeat', heartbeatOf({ venue: 'hall-a', config: { version: 1, rejected: { version: mine(a2).version, reason, at: Date.now() } } }));
  const after = await svc.admin('GET', '/admin/venues/hall-a/config');
  const row = (c: WireClient) => after.json.terminals.find((t: { terminal_id: string }) => t.terminal_id === c.id);
  assert.equal(row(a1).applied, mine(a1).version);
  assert.equal(row(a2).rejected.reason, reason);
  const o = await svc.admin('GET', '/admin/overview');
  const v = o.json.venue_configs.find((x: { venue: string }) => x.venue === 'hall-a');
  assert.deepEqual([v.version, v.keys, v.terminals, v.applied, v.rejected], [2, ['staff_pin', 'trust_max_age_s'], 6, 1, 1], 'five at the push, one enrolled after');
});
