// The fleet page's routes through the real app: who may read what, and what a terminal's uploads
// and heartbeats turn into on the page.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { ADMIN_TOKEN, AUDITOR_TOKEN, heartbeatOf, startTestService, UNSEAL_TOKEN, WireClient, type TestService } from '../test/support.ts';

const services: TestService[] = [];
afterEach(async () => {
  while (services.length) await services.pop()!.close();
});

const HOUR = 3_600_000;

test('the overview lists each terminal with its venue and alerts; activity counts stored events per venue and hour', async () => {
  let clock = Math.floor(Date.now() / HOUR) * HOUR + 30 * 60_000;
  const svc = await startTestService({ now: () => clock });
  services.push(svc);
  const hall = await new WireClient(svc, () => clock).enroll('hall ticket machine');
  const gate = await new WireClient(svc, () => clock).enroll('museum gate');
  assert.equal((await hall.post('/v1/heartbeat', heartbeatOf({ venue: 'hall' }))).status, 200);
  assert.equal((await gate.post('/v1/heartbeat', heartbeatOf({ venue: 'museum-gate', sync_error: 'YSS_SYNC_UNREACHABLE: timeout' }))).status, 200);
  assert.equal((await hall.upload(hall.events(3, { at: clock - 2 * HOUR, venue: 'hall' }))).status, 200);
  assert.equal((await hall.upload(hall.events(4, { at: clock - 10_000, venue: 'hall' }))).status, 200);
  assert.equal((await gate.upload(gate.events(2, { at: clock - 10_000, venue: 'museum-gate' }))).status, 200);

  const o = (await svc.admin('GET', '/admin/overview')).json;
  assert.deepEqual(o.terminals.map((t: { name: string; venue: string; online: boolean }) => [t.name, t.venue, t.online]).sort(), [['hall ticket machine', 'hall', true], ['museum gate', 'museum-gate', true]]);
  assert.deepEqual(o.alerts.map((a: { kind: string; terminal_id: string }) => [a.kind, a.terminal_id]), [['sync_error', gate.id]]);

  // Eleven minutes later the hall has said nothing: it is silent.
  clock += 11 * 60_000;
  assert.equal((await gate.post('/v1/heartbeat', heartbeatOf({ venue: 'museum-gate' }))).status, 200);
  const later = (await svc.admin('GET', '/admin/overview')).json;
  assert.deepEqual(later.alerts.map((a: { kind: string; terminal_id: string }) => [a.kind, a.terminal_id]), [['silent', hall.id]]);

  const a = (await svc.admin('GET', '/admin/activity?hours=3')).json;
  const hour = Math.floor(clock / HOUR) * HOUR;
  assert.equal(a.since, hour - 2 * HOUR);
  assert.deepEqual(a.hours, [
    { venue: 'hall', hour: hour - 2 * HOUR, count: 3 },
    { venue: 'hall', hour, count: 4 },
    { venue: 'museum-gate', hour, count: 2 },
  ]);
  assert.deepEqual((await svc.admin('GET', '/admin/activity?hours=1')).json.hours.length, 2, 'one hour: the two venues of this hour');
  for (const bad of ['0', '169', '1.5', 'x']) assert.equal((await svc.admin('GET', `/admin/activity?hours=${bad}`)).status, 400, bad);
});

test('a terminal reset shows as a link to the terminal it replaces, and an alert until that one is revoked', async () => {
  const svc = await startTestService();
  services.push(svc);
  const old = await new WireClient(svc).enroll('desk');
  await old.post('/v1/heartbeat', heartbeatOf());
  const renewed = await new WireClient(svc).enroll('desk');
  await renewed.post('/v1/heartbeat', heartbeatOf());
  await renewed.upload(renewed.events(1, { type: 'reset', at: Date.now(), body: { replaces: old.id, uploaded_through: 12, reason: 'disk replaced', moved_to: 'reset-x' } }));
  const o = (await svc.admin('GET', '/admin/overview')).json;
  assert.equal(o.terminals.find((t: { id: string }) => t.id === renewed.id).replaces, old.id);
  assert.deepEqual(o.alerts.map((a: { kind: string; terminal_id: string }) => [a.kind, a.terminal_id]), [['reset', renewed.id]]);
  await svc.admin('POST', `/admin/terminals/${old.id}/revoke`);
  assert.deepEqual((await svc.admin('GET', '/admin/overview')).json.alerts, []);
});

test('roles: fleet state needs the fleet role; who am I and the unseal audit are open to every operator, and to no one else', async () => {
  const svc = await startTestService();
  services.push(svc);
  const t = await new WireClient(svc).enroll();
  await t.upload(t.events(2, { personal: { name: '张三' } }));
  assert.equal((await svc.admin('GET', `/admin/terminals/${t.id}/events?open=1&purpose=a+guest+complaint`, undefined, UNSEAL_TOKEN)).status, 200);

  assert.deepEqual((await svc.admin('GET', '/admin/me', undefined, AUDITOR_TOKEN)).json, { name: 'auditor', roles: ['unseal'] });
  assert.deepEqual((await svc.admin('GET', '/admin/me')).json, { name: 'ops', roles: ['fleet'] });
  const forbidden = await svc.admin('GET', '/admin/overview', undefined, AUDITOR_TOKEN);
  assert.equal(forbidden.status, 403);
  assert.equal(forbidden.json.error, 'YSS_SYNC_ADMIN_FORBIDDEN');
  for (const token of [ADMIN_TOKEN, AUDITOR_TOKEN]) {
    const audit = (await svc.admin('GET', '/admin/audit?limit=10', undefined, token)).json;
    assert.deepEqual(audit.chains, [{ file: 'unseal-audit.jsonl', ok: true, records: 1 }]);
    assert.equal(audit.records[0].operator, 'dpo');
    assert.equal(audit.records[0].purpose, 'a guest complaint');
    assert.deepEqual(audit.records[0].seqs, [1, 2]);
    assert.equal(JSON.stringify(audit).includes('张三'), false, 'the audit says who and why, never what');
  }
  for (const url of ['/admin/me', '/admin/overview', '/admin/activity', '/admin/audit']) {
    assert.equal((await svc.admin('GET', url, undefined, 'not-a-token-at-all')).status, 401, url);
  }
  assert.equal((await svc.admin('GET', '/admin/audit?limit=1001')).status, 400);
});
