import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, test } from 'node:test';
import { HEADER_NONCE, HEADER_SIGNATURE, HEADER_TERMINAL, HEADER_TIME } from '../../terminal/src/protocol/index.ts';
import { buildApp } from './app.ts';
import { ADMIN_TOKEN, heartbeatOf, startTestService, UNSEAL_TOKEN, WireClient, type TestService } from '../test/support.ts';

let svc: TestService;
let a: WireClient;

beforeEach(async () => {
  svc = await startTestService();
  a = await new WireClient(svc).enroll('a');
});

afterEach(async () => {
  await svc.close();
});

const stored = (id = a.id) => svc.storage.countEvents(id);

test('a signed batch is stored and acknowledged through its last sequence', async () => {
  const r = await a.upload(a.events(5));
  assert.equal(r.status, 200);
  assert.equal(r.json.acked_through, 5);
  assert.equal(r.json.gap, null);
  assert.equal(typeof r.json.server_time, 'number');
  assert.ok(Number(r.headers['x-yss-server-time']) > 0);
  assert.equal(await stored(), 5);
});

test('a resent batch is deduplicated on (terminal, sequence) with no time window', async () => {
  const batch = a.events(4);
  await a.upload(batch);
  const again = await a.upload(batch);
  assert.equal(again.status, 200);
  assert.equal(again.json.acked_through, 4);
  const overlap = await a.upload([...batch.slice(2), ...a.events(2)]);
  assert.equal(overlap.json.acked_through, 6);
  assert.equal(await stored(), 6);
});

test('a gap is reported with the expected sequence, and nothing past it is stored', async () => {
  a.events(2); // seq 1-2 never sent
  const r = await a.upload(a.events(3));
  assert.equal(r.status, 200);
  assert.equal(r.json.acked_through, 0);
  assert.deepEqual(r.json.gap, { expected: 1, got: 3 });
  assert.equal(await stored(), 0);
});

test('a batch with an edited event is refused as a broken chain and none of it is stored', async () => {
  const batch = a.events(3);
  batch[1] = { ...batch[1]!, body: { accepted: false } };
  const r = await a.upload(batch);
  assert.equal(r.status, 422);
  assert.equal(r.json.error, 'YSS_SYNC_CHAIN_BROKEN');
  assert.equal(await stored(), 0);
});

test('an event that differs from the stored one with the same sequence is refused', async () => {
  const first = a.events(1);
  await a.upload(first);
  const other = new WireClient(svc);
  const forged = other.events(1, { type: 'registration' })[0]!;
  const r = await a.upload([forged]);
  assert.equal(r.status, 422);
  assert.match(r.json.message, /differs from the event already stored/);
});

test('a tombstone of a non-droppable event is refused', async () => {
  const [e] = a.events(1);
  const r = await a.upload([{ ...e!, body: {}, tombstone: 'a'.repeat(64) }]);
  assert.equal(r.status, 422);
  assert.match(r.json.message, /not droppable/);
});

test('an unsigned upload is refused with 401 and names the missing header; nothing is stored', async () => {
  const res = await svc.app.inject({ method: 'POST', url: '/v1/events', payload: { events: a.events(1) } });
  assert.equal(res.statusCode, 401);
  assert.equal(res.json().error, 'YSS_SYNC_UNSIGNED');
  assert.match(res.json().message, /x-yss-terminal/);
  assert.equal(await stored(), 0);
});

test('a forged signature (another key) is refused with 401', async () => {
  const mallory = new WireClient(svc);
  const body = JSON.stringify({ events: a.events(1) });
  const res = await svc.app.inject({ method: 'POST', url: '/v1/events', payload: body, headers: mallory.headers('POST', '/v1/events', body, { id: a.id }) });
  assert.equal(res.statusCode, 401);
  assert.equal(res.json().error, 'YSS_SYNC_BAD_SIGNATURE');
  assert.equal(await stored(), 0);
});

test('a body changed after signing is refused with 401', async () => {
  const body = JSON.stringify({ events: a.events(1) });
  const headers = a.headers('POST', '/v1/events', body);
  const res = await svc.app.inject({ method: 'POST', url: '/v1/events', payload: body.replace('"accepted":true', '"accepted":false'), headers });
  assert.equal(res.statusCode, 401);
  assert.equal(res.json().error, 'YSS_SYNC_BAD_SIGNATURE');
});

test('a replayed request (same nonce) is refused with 401 and stores nothing more', async () => {
  const body = JSON.stringify({ events: a.events(1) });
  const headers = a.headers('POST', '/v1/events', body);
  const first = await svc.app.inject({ method: 'POST', url: '/v1/events', payload: body, headers });
  assert.equal(first.statusCode, 200);
  const replay = await svc.app.inject({ method: 'POST', url: '/v1/events', payload: body, headers });
  assert.equal(replay.statusCode, 401);
  assert.equal(replay.json().error, 'YSS_SYNC_REPLAYED_NONCE');
  assert.equal(await stored(), 1);
});

test('a request signed more than five minutes from the service clock is refused', async () => {
  const r = await a.upload(a.events(1), { time: Date.now() - 6 * 60_000 });
  assert.equal(r.status, 401);
  assert.equal(r.json.error, 'YSS_SYNC_CLOCK_SKEW');
});

test('an unknown terminal gets the same 401 as a forged signature, a revoked one 403 only with its own key, and nothing is stored', async () => {
  const stranger = new WireClient(svc);
  const u = await stranger.upload(stranger.events(1), { id: 't-000000000000' });
  assert.equal(u.status, 401);
  assert.equal(u.json.error, 'YSS_SYNC_BAD_SIGNATURE');
  assert.equal((await svc.admin('POST', `/admin/terminals/${a.id}/revoke`)).status, 200);
  const r = await a.upload(a.events(1));
  assert.equal(r.status, 403);
  assert.equal(r.json.error, 'YSS_SYNC_TERMINAL_REVOKED');
  assert.match(r.json.message, /revoked/);
  const hb = await a.post('/v1/heartbeat', heartbeatOf());
  assert.equal(hb.status, 403);
  assert.equal(await svc.storage.countEvents(), 0);
  assert.equal((await svc.storage.getTerminal(a.id))!.heartbeat, null);
});

test('a terminal cannot write another terminal\'s events: they land under its own id or are refused', async () => {
  const b = await new WireClient(svc).enroll('b');
  await b.upload(b.events(2));
  // A signs with its own key but claims to be B: the signature does not verify with B's key.
  const claim = await a.upload(a.events(1), { id: b.id });
  assert.equal(claim.status, 401);
  assert.equal(claim.json.error, 'YSS_SYNC_BAD_SIGNATURE');
  // A uploads B's next events as itself: they would continue A's chain, not B's.
  const bNext = b.events(1);
  const asA = await a.upload(bNext);
  assert.equal(asA.json.acked_through, 0);
  assert.deepEqual(asA.json.gap, { expected: 1, got: 3 });
  assert.equal(await stored(b.id), 2);
  assert.equal(await stored(a.id), 0);
});

test('an enrollment code works once; repeating it with the same key is idempotent, another key is refused', async () => {
  const t = await svc.admin('POST', '/admin/terminals', { name: 'desk 2' });
  const c1 = new WireClient(svc);
  const c2 = new WireClient(svc);
  const enroll = (c: WireClient) => svc.app.inject({ method: 'POST', url: '/v1/enroll', payload: { enrollment_code: t.json.enrollment_code, public_key: c.publicKey } });
  const first = await enroll(c1);
  assert.equal(first.statusCode, 200);
  const again = await enroll(c1);
  assert.equal(again.json().terminal_id, first.json().terminal_id);
  const thief = await enroll(c2);
  assert.equal(thief.statusCode, 401);
  assert.equal(thief.json().error, 'YSS_SYNC_ENROLLMENT_INVALID');
});

test('a heartbeat is stored and shows in the terminal status with backlog and lag', async () => {
  await a.upload(a.events(4));
  const hb = await a.post('/v1/heartbeat', heartbeatOf({ queue: { backlog: 6, oldest_unsent_age_s: 30, last_seq: 10, bytes: 1, max_bytes: 2, dropped_total: 3 } }));
  assert.equal(hb.status, 200);
  const s = await svc.admin('GET', `/admin/terminals/${a.id}`);
  assert.equal(s.status, 200);
  assert.equal(s.json.status, 'active');
  assert.equal(s.json.head_seq, 4);
  assert.equal(s.json.backlog, 6);
  assert.equal(s.json.lag_events, 6);
  assert.ok(s.json.lag_s >= 30);
  assert.equal(s.json.dropped_total, 3);
  assert.equal(s.json.heartbeat.trust_sequence, 7);
  assert.equal(s.json.heartbeat.devices[0].state, 'connected');
  const list = await svc.admin('GET', '/admin/terminals');
  assert.equal(list.json.terminals[0].id, a.id);
});

test('a heartbeat missing a required field is refused by its schema', async () => {
  const { queue: _q, ...partial } = heartbeatOf();
  const r = await a.post('/v1/heartbeat', partial);
  assert.equal(r.status, 400);
  assert.equal(r.json.error, 'YSS_SYNC_INVALID_BODY');
});

test('a JSON body in chunks, ASCII first and then a character cut between two chunks, reads whole', async () => {
  const name = `desk ${'x'.repeat(40)} 前台终端一号`;
  const bytes = Buffer.from(JSON.stringify({ name }));
  const cut = bytes.indexOf(Buffer.from('台')) + 1;
  const r = await svc.app.inject({
    method: 'POST',
    url: '/admin/terminals',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    payload: Readable.from([bytes.subarray(0, 20), bytes.subarray(20, cut), bytes.subarray(cut)], { objectMode: false }),
  });
  assert.equal(r.statusCode, 200, r.body);
  const list = await svc.admin('GET', '/admin/terminals');
  assert.ok(list.json.terminals.some((t: { name: string }) => t.name === name), 'the name as sent');
});

test('a JSON body past its route limit is refused at the chunk that crosses it, with no content-length to go by', async () => {
  const chunks = Array.from({ length: 10 }, () => Buffer.from(' '.repeat(1000)));
  const r = await svc.app.inject({ method: 'POST', url: '/v1/enroll', headers: { 'content-type': 'application/json' }, payload: Readable.from(chunks, { objectMode: false }) });
  assert.equal(r.statusCode, 413);
  assert.equal(JSON.parse(r.body).error, 'YSS_SYNC_BODY_TOO_LARGE');
});

test('an oversized heartbeat is refused before it is stored', async () => {
  const r = await a.post('/v1/heartbeat', heartbeatOf({ degraded: ['x'.repeat(70 * 1024)] }));
  assert.equal(r.status, 413);
  assert.equal(r.json.error, 'YSS_SYNC_BODY_TOO_LARGE');
  assert.equal((await svc.storage.getTerminal(a.id))!.heartbeat, null);
});

test('an upload with an extra event field or a bad hash format is refused by the schema', async () => {
  const [e] = a.events(1);
  const extra = await a.upload([{ ...e!, extra: 1 } as never]);
  assert.equal(extra.status, 400);
  const badHash = await a.upload([{ ...e!, hash: 'XYZ' }]);
  assert.equal(badHash.status, 400);
  assert.equal(await stored(), 0);
});

test('admin routes need the bearer token', async () => {
  const res = await svc.app.inject({ method: 'GET', url: '/admin/terminals', headers: { authorization: 'Bearer wrong' } });
  assert.equal(res.statusCode, 401);
  assert.equal(res.json().error, 'YSS_SYNC_ADMIN_UNAUTHORIZED');
});

test('sealed personal data is opened only by the admin events route with open=1, a purpose and the unseal role', async () => {
  await a.upload(a.events(1, { personal: { name: '张三', doc_no: '440101199001011234' } }));
  const closed = await svc.admin('GET', `/admin/terminals/${a.id}/events?after=0`);
  assert.equal(closed.json.events[0].personal, undefined);
  assert.ok(!JSON.stringify(closed.json).includes('张三'));
  const opened = await svc.admin('GET', `/admin/terminals/${a.id}/events?after=0&open=1&purpose=guest+register+check`, undefined, UNSEAL_TOKEN);
  assert.deepEqual(opened.json.events[0].personal, { name: '张三', doc_no: '440101199001011234' });
  const bad = await svc.admin('GET', `/admin/terminals/${a.id}/events?after=-1`);
  assert.equal(bad.status, 400);
});

test('the trust list is served with an ETag, 304 when unchanged, and a rollback is refused', async () => {
  assert.equal((await svc.app.inject({ url: '/v1/trust-list' })).statusCode, 404);
  const jws = (seq: number) => `e30.${Buffer.from(JSON.stringify({ format: 'yss-trust-list/1', sequence: seq })).toString('base64url')}.c2ln`;
  assert.equal((await svc.admin('PUT', '/admin/trust-list', jws(2))).status, 200);
  const first = await svc.app.inject({ url: '/v1/trust-list' });
  assert.equal(first.statusCode, 200);
  assert.equal(first.headers.etag, '"tl-2"');
  assert.equal(first.body, jws(2));
  const again = await svc.app.inject({ url: '/v1/trust-list', headers: { 'if-none-match': '"tl-2"' } });
  assert.equal(again.statusCode, 304);
  const rollback = await svc.admin('PUT', '/admin/trust-list', jws(1));
  assert.equal(rollback.status, 409);
  assert.equal(rollback.json.error, 'YSS_SYNC_TRUST_LIST_ROLLBACK');
});

test('unknown routes answer with the catalog error shape', async () => {
  const r = await svc.app.inject({ url: '/v2/nothing' });
  assert.equal(r.statusCode, 404);
  assert.equal(r.json().error, 'YSS_SYNC_NOT_FOUND');
});

test('a route without a response schema cannot be added', async () => {
  const app = buildApp({ storage: svc.storage, sealKeys: svc.sealKeys, adminToken: 'x'.repeat(16), audit: null, logger: false });
  assert.throws(() => app.get('/v1/undeclared', async () => ({})), /no response schema/);
  await app.close();
});

test('the headers the terminal signs are the ones the service reads', () => {
  assert.deepEqual([HEADER_TERMINAL, HEADER_TIME, HEADER_NONCE, HEADER_SIGNATURE], ['x-yss-terminal', 'x-yss-time', 'x-yss-nonce', 'x-yss-signature']);
});

test('the hall allocator hands an enrolled terminal non-overlapping blocks for a day near the service\'s, and nothing else', async () => {
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const ask = (o: Record<string, unknown>) => a.post('/v1/queue/numbers', { hall: 'hall', category: 'A', day: today, count: 20, ...o });
  const first = await ask({});
  assert.equal(first.status, 200);
  assert.deepEqual([first.json.first, first.json.last], [1, 20]);
  const b = await new WireClient(svc).enroll('b');
  const second = await b.post('/v1/queue/numbers', { hall: 'hall', category: 'A', day: today, count: 5 });
  assert.deepEqual([second.json.first, second.json.last], [21, 25], 'another machine continues the same sequence');
  const far = await ask({ day: '2030-01-01' });
  assert.deepEqual([far.status, far.json.error], [400, 'YSS_SYNC_INVALID_BODY']);
  assert.match(far.json.message, /day 2030-01-01 is not within one day of the service's date/);
  for (const bad of [{ count: 0 }, { count: 501 }, { category: 'a' }, { hall: 'Hall!' }, { day: '1 Dec' }, { extra: 1 }]) {
    const r = await ask(bad);
    assert.deepEqual([r.status, r.json.error], [400, 'YSS_SYNC_INVALID_BODY'], JSON.stringify(bad));
  }
  const stranger = await new WireClient(svc).post('/v1/queue/numbers', { hall: 'hall', category: 'A', day: today, count: 20 }, { id: 't-stranger' });
  assert.deepEqual([stranger.status, stranger.json.error], [401, 'YSS_SYNC_BAD_SIGNATURE'], 'an unenrolled key gets no numbers');
  const after = await ask({ count: 1 });
  assert.deepEqual([after.json.first, after.json.last], [26, 26], 'refused requests took nothing');
});
