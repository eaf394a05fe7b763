// Venue data feeds at the service: an operator imports JSON or CSV (refused whole, with row numbers
// and fields), the venue's salt is handed out once, and only a terminal bound to the venue pulls
// its snapshot, signed, with an ETag.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { FEED_DELTA_MAX_HOLDERS, holderOfCode, holderOfDocument, signRequest, type FeedDelta, type FeedSnapshot } from '../../terminal/src/protocol/index.ts';
import { FEED_KEEP_CHANGES } from './storage/types.ts';
import { ADMIN_TOKEN, heartbeatOf, startTestService, WireClient, type TestService } from '../test/support.ts';

let svc: TestService;
let t: WireClient;

beforeEach(async () => {
  svc = await startTestService();
  t = await new WireClient(svc).enroll('gate');
});

afterEach(async () => {
  await svc.close();
});

const H1 = holderOfCode('CN-44', 'u-1');
const H2 = holderOfCode('CN-44', 'u-2');

async function importCsv(venue: string, kind: string, csv: string) {
  const res = await svc.app.inject({ method: 'PUT', url: `/admin/venues/${venue}/feeds/${kind}`, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'text/csv' }, payload: csv });
  return { status: res.statusCode, json: JSON.parse(res.body) };
}

async function pull(kind: string, etag?: string, since?: number | string) {
  const path = `/v1/feeds/${kind}${since === undefined ? '' : `?since=${since}`}`;
  const res = await svc.app.inject({ method: 'GET', url: path, headers: { ...signRequest(t.key, t.id, 'GET', path, '', Date.now()), ...(etag ? { 'if-none-match': etag } : {}) } });
  return { status: res.statusCode, body: res.body, etag: res.headers.etag as string | undefined };
}

test('a JSON import becomes version 1, the next one version 2, and the venue lists both kinds it has', async () => {
  const r1 = await svc.admin('PUT', '/admin/venues/museum-gate/feeds/access', { rows: [{ holder: H1, valid_until: '2099-12-31', segments: [{ from: '06:00', to: '24:00' }] }] });
  assert.equal(r1.status, 200);
  assert.deepEqual([r1.json.venue, r1.json.kind, r1.json.version, r1.json.rows], ['museum-gate', 'access', 1, 1]);
  const r2 = await svc.admin('PUT', '/admin/venues/museum-gate/feeds/access', [{ holder: H1 }, { holder: H2 }]);
  assert.equal(r2.json.version, 2);
  await svc.admin('PUT', '/admin/venues/museum-gate/feeds/bookings', { rows: [{ holder: H2, date: '2026-12-01', from: '10:00', to: '11:00', party: 3 }] });
  const v = await svc.admin('GET', '/admin/venues/museum-gate');
  assert.match(v.json.salt, /^[A-Za-z0-9_-]{22}$/);
  assert.deepEqual(v.json.feeds.map((f: { kind: string; version: number; rows: number }) => [f.kind, f.version, f.rows]), [['access', 2, 2], ['bookings', 1, 1]]);
  assert.equal((await svc.admin('GET', '/admin/venues/museum-gate')).json.salt, v.json.salt, 'the salt never changes');
});

test('a CSV import reads lists in cells and numbers, and a malformed one is refused whole with row numbers and fields', async () => {
  const ok = await importCsv('museum-gate', 'bookings', `holder,date,from,to,party,slot_capacity\r\n${H1},2026-12-01,10:00,11:00,3,30\r\n${H2},2026-12-01,11:00,12:00,1,\r\n`);
  assert.equal(ok.status, 200, JSON.stringify(ok.json));
  assert.equal(ok.json.rows, 2);
  const access = await importCsv('museum-gate', 'access', `holder,days,segments\n${H1},1 2 3 4 5,06:00-12:00 13:00-23:30\n`);
  assert.equal(access.status, 200, JSON.stringify(access.json));

  const bad = await importCsv('museum-gate', 'bookings', `holder,date,from,to,party\n${H1},2026-12-01,10:00,11:00,3\n${H2},2026-13-01,10:00,11:00,2\n${H1},2026-12-01,11:00,10:00,1\n440106199003071231,2026-12-01,10:00,11:00,0\n`);
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error, 'YSS_SYNC_FEED_INVALID');
  assert.match(bad.json.message, /4 problems/);
  assert.match(bad.json.message, /row 2 date: expected a date YYYY-MM-DD/);
  assert.match(bad.json.message, /row 3 to: is not after from/);
  assert.match(bad.json.message, /row 4 holder: is a plain ID number/);
  assert.match(bad.json.message, /row 4 party: expected a whole number from 1 to 100/);
  assert.doesNotMatch(bad.json.message, /440106199003071231/, 'the refused ID number is not echoed back');
  const v = await svc.admin('GET', '/admin/venues/museum-gate');
  assert.deepEqual(v.json.feeds.find((f: { kind: string }) => f.kind === 'bookings').version, 1, 'nothing of the refused import was stored');

  const header = await importCsv('museum-gate', 'access', `holder,name\n${H1},张三\n`);
  assert.equal(header.status, 400);
  assert.match(header.json.message, /header name: unknown column/);
});

test('a JSON import with a plain ID number, an unknown field or too many segments is refused and names each', async () => {
  const r = await svc.admin('PUT', '/admin/venues/campus-gate/feeds/access', {
    rows: [{ holder: H1 }, { holder: '44010619900307123X' }, { holder: H2, name: '张三' }, { holder: H2, segments: [{ from: '06:00', to: '07:00' }, { from: '08:00', to: '09:00' }, { from: '10:00', to: '11:00' }, { from: '12:00', to: '13:00' }] }],
  });
  assert.equal(r.status, 400);
  assert.match(r.json.message, /row 2 holder: is a plain ID number/);
  assert.match(r.json.message, /row 3 name: unknown field/);
  assert.match(r.json.message, /row 4 segments: expected 1 to 3 segments/);
  const notRows = await svc.admin('PUT', '/admin/venues/campus-gate/feeds/access', { holders: [] });
  assert.equal(notRows.status, 400);
  assert.match(notRows.json.message, /expected \{"rows": \[\.\.\.\]\}/);
  const kind = await svc.admin('PUT', '/admin/venues/campus-gate/feeds/loans', { rows: [] });
  assert.equal(kind.status, 400, 'an unknown kind');
});

test('a terminal bound to the venue pulls the snapshot with an ETag; unchanged is 304, a new version is sent whole', async () => {
  assert.equal((await pull('access')).status, 404, 'bound to no venue yet');
  assert.match((await pull('access')).body, /YSS_SYNC_FEED_NO_VENUE/);
  assert.equal((await svc.admin('PUT', `/admin/terminals/${t.id}/venue`, { venue: 'museum-gate' })).status, 200);
  assert.equal((await pull('access')).status, 404, 'no access feed imported yet');
  const salt = (await svc.admin('GET', '/admin/venues/museum-gate')).json.salt as string;
  await svc.admin('PUT', '/admin/venues/museum-gate/feeds/access', { rows: [{ holder: H1 }, { holder: holderOfDocument(salt, '440106199003071231') }] });
  const first = await pull('access');
  assert.equal(first.status, 200);
  const snap = JSON.parse(first.body) as FeedSnapshot<'access'>;
  assert.deepEqual([snap.format, snap.venue, snap.kind, snap.version, snap.salt, snap.rows.length], ['yss-feed/1', 'museum-gate', 'access', 1, salt, 2]);
  assert.equal(snap.rows[0]!.holder, H1);
  assert.equal((await pull('access', first.etag)).status, 304);
  await svc.admin('PUT', '/admin/venues/museum-gate/feeds/access', { rows: [{ holder: H2 }] });
  const second = await pull('access', first.etag);
  assert.equal(second.status, 200);
  assert.equal((JSON.parse(second.body) as FeedSnapshot).version, 2);
  assert.notEqual(second.etag, first.etag);
});

test('a terminal that says which version it holds gets only the holders changed since, chained over imports; a too-old version gets the snapshot', async () => {
  await svc.admin('PUT', `/admin/terminals/${t.id}/venue`, { venue: 'museum-gate' });
  const put = async (rows: unknown[]) => (await svc.admin('PUT', '/admin/venues/museum-gate/feeds/access', { rows })).json.version as number;
  const H3 = holderOfCode('CN-44', 'u-3');
  assert.equal(await put([{ holder: H1 }, { holder: H2, valid_until: '2026-12-31' }]), 1);
  assert.equal(await put([{ holder: H1 }, { holder: H2, valid_until: '2027-12-31' }, { holder: H3 }]), 2);
  const d = JSON.parse((await pull('access', undefined, 1)).body) as FeedDelta<'access'>;
  assert.deepEqual([d.format, d.venue, d.kind, d.from, d.version, d.rows_total], ['yss-feed-delta/1', 'museum-gate', 'access', 1, 2, 3]);
  assert.deepEqual(d.holders, [H2, H3], 'H1 is unchanged and not sent');
  assert.deepEqual(d.rows, [{ holder: H2, valid_until: '2027-12-31' }, { holder: H3 }]);
  assert.equal(d.salt, (await svc.admin('GET', '/admin/venues/museum-gate')).json.salt);

  assert.equal(await put([{ holder: H2, valid_until: '2027-12-31' }, { holder: H3 }]), 3);
  const chained = JSON.parse((await pull('access', undefined, 1)).body) as FeedDelta<'access'>;
  assert.deepEqual([chained.from, chained.version, chained.rows_total, new Set(chained.holders)], [1, 3, 2, new Set([H1, H2, H3])], 'two imports chained: H1 removed, H2 changed, H3 added');
  assert.deepEqual(chained.rows.map((r) => r.holder).sort(), [H2, H3].sort());
  assert.equal((JSON.parse((await pull('access', undefined, 3)).body) as FeedSnapshot).format, 'yss-feed/1', 'holding the newest and no ETag: the snapshot');
  assert.equal((await pull('access', undefined, 'x1')).status, 400, 'since must be a version number');

  // A terminal further behind than the kept changes, and an import changing too many holders, get the snapshot.
  for (let i = 0; i < FEED_KEEP_CHANGES; i++) await put([{ holder: holderOfCode('CN-44', `u-step-${i}`) }]);
  const tooOld = JSON.parse((await pull('access', undefined, 1)).body) as FeedSnapshot;
  assert.deepEqual([tooOld.format, tooOld.version], ['yss-feed/1', 3 + FEED_KEEP_CHANGES]);
  assert.equal((JSON.parse((await pull('access', undefined, 3)).body) as FeedDelta).format, 'yss-feed-delta/1', 'exactly FEED_KEEP_CHANGES behind still chains');
  const head = await put(Array.from({ length: FEED_DELTA_MAX_HOLDERS + 1 }, (_, i) => ({ holder: holderOfCode('CN-44', `u-many-${i}`) })));
  assert.equal((JSON.parse((await pull('access', undefined, head - 1)).body) as FeedSnapshot).format, 'yss-feed/1', 'a change naming too many holders is sent whole');
});

test('feeds are refused to strangers: unsigned, and to an operator without a token', async () => {
  const res = await svc.app.inject({ method: 'GET', url: '/v1/feeds/access' });
  assert.equal(res.statusCode, 401);
  assert.equal(res.json().error, 'YSS_SYNC_UNSIGNED');
  const op = await svc.app.inject({ method: 'PUT', url: '/admin/venues/museum-gate/feeds/access', headers: { 'content-type': 'application/json' }, payload: '{"rows":[]}' });
  assert.equal(op.statusCode, 401);
  assert.equal(op.json().error, 'YSS_SYNC_ADMIN_UNAUTHORIZED');
});

test('a terminal created with a venue is bound to it', async () => {
  const c = await svc.admin('POST', '/admin/terminals', { name: 'gate 2', venue: 'campus-gate' });
  assert.equal(c.status, 200);
  assert.equal(await svc.storage.terminalVenue(c.json.terminal_id), 'campus-gate');
  assert.equal((await svc.admin('POST', '/admin/terminals', { name: 'x', venue: 'Not A Venue' })).status, 400);
});

test('a heartbeat reporting slots gets this terminal\'s shares for its venue; a day far from today is refused, an unbound terminal gets none', async () => {
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const slot = (day: string, admitted = 0) => ({ day, slot: '10:00-11:00', capacity: 30, slack: 2, admitted, keep: 0 });
  const unbound = await t.post('/v1/heartbeat', heartbeatOf({ slots: [slot(today)] }));
  assert.equal(unbound.status, 200);
  assert.equal(unbound.json.shares, undefined, 'bound to no venue: no shares');
  await svc.admin('PUT', `/admin/terminals/${t.id}/venue`, { venue: 'museum-gate' });
  const r = await t.post('/v1/heartbeat', heartbeatOf({ slots: [slot(today, 4)] }));
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.shares, [{ day: today, slot: '10:00-11:00', share: 30, slack: 2 }], 'the only terminal of the venue: the whole slot and slack');
  assert.equal(typeof r.json.server_time, 'number');
  const stored = await svc.admin('GET', `/admin/terminals/${t.id}`);
  assert.equal(stored.json.heartbeat.slots, undefined, 'the slots are not kept in the stored heartbeat');
  const far = await t.post('/v1/heartbeat', heartbeatOf({ slots: [slot('2020-01-01')] }));
  assert.equal(far.status, 400);
  assert.match(far.json.message, /slot day 2020-01-01 is not within one day/);
  const bad = await t.post('/v1/heartbeat', heartbeatOf({ slots: [{ ...slot(today), capacity: 0 }] }));
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error, 'YSS_SYNC_INVALID_BODY');
});
