import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { ADMIN_TOKEN, heartbeatOf, startTestService, WireClient, type TestService } from '../test/support.ts';
import { SILENT_AFTER_S } from './metrics.ts';

let svc: TestService;
let clock: number;

beforeEach(async () => {
  clock = Date.now();
  svc = await startTestService({ now: () => clock });
});

afterEach(async () => {
  await svc.close();
});

async function scrape(token = ADMIN_TOKEN): Promise<{ status: number; body: string; value(name: string): number | undefined }> {
  const res = await svc.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } });
  const value = (name: string) => {
    const line = res.body.split('\n').find((l) => l.startsWith(`${name} `));
    return line === undefined ? undefined : Number(line.slice(name.length + 1));
  };
  return { status: res.statusCode, body: res.body, value };
}

test('metrics need the admin token', async () => {
  const r = await scrape('wrong-token-wrong-token-00');
  assert.equal(r.status, 401);
  assert.match(r.body, /YSS_SYNC_ADMIN_UNAUTHORIZED/);
});

test('ingest, resends, error codes and request latency are counted', async () => {
  const a = await new WireClient(svc, () => clock).enroll('a');
  const batch = a.events(5);
  assert.equal((await a.upload(batch)).status, 200);
  assert.equal((await a.upload([...batch.slice(3), ...a.events(2)])).status, 200);
  assert.equal((await a.upload(a.events(1), { id: 't-unknown' })).status, 401);
  const m = await scrape();
  assert.equal(m.status, 200);
  assert.equal(m.value('yss_sync_ingested_events_total'), 7);
  assert.equal(m.value('yss_sync_resent_events_total'), 2);
  assert.equal(m.value('yss_sync_ingest_seconds_count'), 2);
  // An unknown id is answered like a bad signature (docs/security.md): strangers cannot tell ids apart.
  assert.equal(m.value('yss_sync_errors_total{code="YSS_SYNC_BAD_SIGNATURE"}'), 1);
  assert.equal(m.value('yss_sync_request_seconds_count{route="/v1/events",method="POST",status="2xx"}'), 2);
  assert.ok(!m.body.includes(a.id), 'no terminal id becomes a label');
});

test('the fleet gauges follow heartbeats: silent terminals, backlog, lag, devices, stale trust lists', async () => {
  const a = await new WireClient(svc, () => clock).enroll('a');
  const b = await new WireClient(svc, () => clock).enroll('b');
  await new WireClient(svc, () => clock).enroll('c'); // never heartbeats
  await a.upload(a.events(4));
  const issued = Math.floor(clock / 1000) - 600;
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  assert.equal((await svc.admin('PUT', '/admin/trust-list', `${b64({ alg: 'EdDSA' })}.${b64({ format: 'yss-trust-list/1', sequence: 8, issued_at: issued })}.c2ln`)).status, 200);
  const hbA = heartbeatOf({ queue: { backlog: 6, oldest_unsent_age_s: 30, last_seq: 10, bytes: 1, max_bytes: 2, dropped_total: 0 }, trust_sequence: 8 });
  const hbB = heartbeatOf({ status: 'degraded', devices: [{ id: 's', role: 'scanner', state: 'disconnected' }], trust_sequence: 7 });
  assert.equal((await a.post('/v1/heartbeat', hbA)).status, 200);
  assert.equal((await b.post('/v1/heartbeat', hbB)).status, 200);
  clock += 20_000;
  let m = await scrape();
  assert.equal(m.value('yss_fleet_terminals{status="active"}'), 3);
  assert.equal(m.value('yss_fleet_silent_terminals'), 1, 'c never sent a heartbeat');
  assert.equal(m.value('yss_fleet_backlog_events'), 6 + 3);
  assert.equal(m.value('yss_fleet_lag_events'), 10 - 4 + (10 - 0));
  assert.equal(m.value('yss_fleet_oldest_unsent_age_seconds'), 62, "b's 42 s plus the 20 s since its heartbeat");
  assert.equal(m.value('yss_fleet_devices{state="disconnected"}'), 1);
  assert.equal(m.value('yss_fleet_devices{state="connected"}'), 1);
  assert.equal(m.value('yss_fleet_degraded_terminals'), 1);
  assert.equal(m.value('yss_fleet_trust_list_behind_terminals'), 1);
  assert.equal(m.value('yss_fleet_trust_list_age_seconds'), Math.round((clock - issued * 1000) / 1000));
  clock += SILENT_AFTER_S * 1000;
  m = await scrape();
  assert.equal(m.value('yss_fleet_silent_terminals'), 3);
  await svc.admin('POST', `/admin/terminals/${b.id}/revoke`);
  m = await scrape();
  assert.equal(m.value('yss_fleet_terminals{status="revoked"}'), 1);
  assert.equal(m.value('yss_fleet_devices{state="disconnected"}'), undefined, 'a revoked terminal no longer counts');
});
