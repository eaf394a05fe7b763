// The service's boundaries against a stranger, through app.inject(): what is checked before a
// body is read or parsed, what a stranger can learn, rate limits, roles and the unseal audit.
// Socket-level limits (timeouts, connection caps, 16 MB bodies) are in test/sockets.test.ts.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, test } from 'node:test';
import pino from 'pino';
import nacl from 'tweetnacl';
import { eventHash, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TERMINAL, HEADER_TIME, Sealer, signingInput, bodyHash } from '../../terminal/src/protocol/index.ts';
import { sign } from 'node:crypto';
import { buildApp } from './app.ts';
import { AUDIT_FILE, verifyAuditChain } from './audit.ts';
import { ADMIN_TOKEN, heartbeatOf, startTestService, UNSEAL_TOKEN, WireClient, type TestService } from '../test/support.ts';

const services: TestService[] = [];
afterEach(async () => {
  while (services.length) await services.pop()!.close();
});

async function service(o: Parameters<typeof startTestService>[0] = {}) {
  const svc = await startTestService(o);
  services.push(svc);
  return svc;
}

/** A pino logger whose lines land in an array. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, logger: pino({ level: 'debug' }, stream) };
}

const auditOf = (svc: TestService) => {
  const r = verifyAuditChain(svc.dir);
  assert.ok(r.ok, 'the audit chain verifies');
  return r.records;
};

test('a stranger\'s body is not parsed: a bad signature over invalid JSON is a 401, not a parse error', async () => {
  const svc = await service();
  const a = await new WireClient(svc).enroll();
  const junk = `{"events":[${'{'.repeat(200_000)}`;
  const headers = new WireClient(svc).headers('POST', '/v1/events', junk, { id: a.id });
  const r = await svc.app.inject({ method: 'POST', url: '/v1/events', payload: junk, headers });
  assert.equal(r.statusCode, 401);
  assert.equal(r.json().error, 'YSS_SYNC_BAD_SIGNATURE');
  // The terminal's own invalid JSON is parsed after its signature verifies, and named as such.
  const own = await svc.app.inject({ method: 'POST', url: '/v1/events', payload: junk, headers: a.headers('POST', '/v1/events', junk) });
  assert.equal(own.statusCode, 400);
  assert.equal(own.json().error, 'YSS_SYNC_INVALID_BODY');
});

test('unknown, pending, revoked and enrolled terminal ids look the same to a stranger', async () => {
  const svc = await service();
  const valid = await new WireClient(svc).enroll('valid');
  const revoked = await new WireClient(svc).enroll('revoked');
  await svc.admin('POST', `/admin/terminals/${revoked.id}/revoke`);
  const pending = (await svc.admin('POST', '/admin/terminals', { name: 'pending' })).json.terminal_id as string;
  const stranger = new WireClient(svc);
  const answers = [];
  for (const id of [valid.id, revoked.id, pending, 't-000000000000']) {
    const r = await stranger.upload(stranger.events(1), { id });
    answers.push({ status: r.status, error: r.json.error, message: String(r.json.message).replace(id, '<id>') });
  }
  for (const x of answers.slice(1)) assert.deepEqual(x, answers[0]);
  assert.deepEqual(answers[0], { status: 401, error: 'YSS_SYNC_BAD_SIGNATURE', message: answers[0]!.message });
});

test('a nonce shorter than 16 random bytes is refused before the signature is even looked at', async () => {
  const svc = await service();
  const a = await new WireClient(svc).enroll();
  const body = JSON.stringify({ events: a.events(1) });
  const time = Date.now();
  const sig = (nonce: string) => sign(null, signingInput('POST', '/v1/events', time, nonce, bodyHash(body)), a.key).toString('base64url');
  const send = (nonce: string) =>
    svc.app.inject({
      method: 'POST',
      url: '/v1/events',
      payload: body,
      headers: { 'content-type': 'application/json', [HEADER_TERMINAL]: a.id, [HEADER_TIME]: String(time), [HEADER_NONCE]: nonce, [HEADER_SIGNATURE]: sig(nonce) },
    });
  for (const nonce of ['x', 'A'.repeat(21), 'A'.repeat(65), 'with space 0123456789ab']) {
    const r = await send(nonce);
    assert.equal(r.statusCode, 401, nonce);
    assert.equal(r.json().error, 'YSS_SYNC_BAD_NONCE');
  }
  assert.equal(await svc.storage.countEvents(a.id), 0);
  assert.equal((await send('A'.repeat(22))).statusCode, 200);
});

test('the query string is covered by the signature: one added or changed in transit is refused', async () => {
  const svc = await service();
  const a = await new WireClient(svc).enroll();
  const body = JSON.stringify(heartbeatOf());
  const added = await svc.app.inject({ method: 'POST', url: '/v1/heartbeat?status=ok', payload: body, headers: a.headers('POST', '/v1/heartbeat', body) });
  assert.equal(added.statusCode, 401);
  assert.equal(added.json().error, 'YSS_SYNC_BAD_SIGNATURE');
  const changed = await svc.app.inject({ method: 'POST', url: '/v1/heartbeat?v=2', payload: body, headers: a.headers('POST', '/v1/heartbeat?v=1', body) });
  assert.equal(changed.statusCode, 401);
  const signed = await svc.app.inject({ method: 'POST', url: '/v1/heartbeat?v=1', payload: body, headers: a.headers('POST', '/v1/heartbeat?v=1', body) });
  assert.equal(signed.statusCode, 200);
});

test('event times outside 1970 to 9999 are refused by the schema and nothing is stored', async () => {
  const svc = await service();
  const a = await new WireClient(svc).enroll();
  const [e] = a.events(1);
  for (const over of [{ at: 1e300 }, { at: -1 }, { trusted_at: 1e300 }, { at: 253_402_300_800_000 }]) {
    const { hash: _h, ...rest } = { ...e!, ...over };
    const forged = { ...rest, hash: eventHash(rest) };
    const r = await a.upload([forged]);
    assert.equal(r.status, 400, JSON.stringify(over));
    assert.equal(r.json.error, 'YSS_SYNC_INVALID_BODY');
  }
  assert.equal(await svc.storage.countEvents(a.id), 0);
  assert.equal((await a.upload([e!])).status, 200);
});

test('a body of a type the route does not read is a 415 labelled as such', async () => {
  const svc = await service();
  const a = await new WireClient(svc).enroll();
  const body = '<events/>';
  const r = await svc.app.inject({ method: 'POST', url: '/v1/events', payload: body, headers: { ...a.headers('POST', '/v1/events', body), 'content-type': 'text/xml' } });
  assert.equal(r.statusCode, 415);
  assert.equal(r.json().error, 'YSS_SYNC_UNSUPPORTED_MEDIA_TYPE');
  assert.match(r.json().message, /text\/xml/);
  const admin = await svc.app.inject({ method: 'PUT', url: '/admin/trust-list', payload: body, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'text/xml' } });
  assert.equal(admin.statusCode, 415);
  assert.equal(admin.json().error, 'YSS_SYNC_UNSUPPORTED_MEDIA_TYPE');
});

test('enrollment, open to strangers, takes small bodies only', async () => {
  const svc = await service();
  const r = await svc.app.inject({ method: 'POST', url: '/v1/enroll', payload: { enrollment_code: 'x'.repeat(8), public_key: 'A'.repeat(43), name: 'n'.repeat(5000) } });
  assert.equal(r.statusCode, 413);
  assert.equal(r.json().error, 'YSS_SYNC_BODY_TOO_LARGE');
  assert.match(r.json().message, /4096 bytes/);
});

test('failed admin-token guesses from one address get 429 after the limit, and are logged as a summary', async () => {
  const { lines, logger } = capture();
  const svc = await startTestService({ logger });
  const answers: number[] = [];
  for (let i = 0; i < 30; i++) {
    const r = await svc.app.inject({ method: 'GET', url: '/admin/terminals', headers: { authorization: `Bearer guess-${i}` }, remoteAddress: '192.0.2.7' });
    answers.push(r.statusCode);
  }
  assert.deepEqual(answers, [...Array(20).fill(401), ...Array(10).fill(429)]);
  const limited = await svc.app.inject({ method: 'GET', url: '/admin/terminals', headers: { authorization: 'Bearer guess' }, remoteAddress: '192.0.2.7' });
  assert.equal(limited.json().error, 'YSS_SYNC_RATE_LIMITED');
  assert.match(limited.json().message, /retry in \d+ s/);
  // Another address is not held back by this one.
  const other = await svc.app.inject({ method: 'GET', url: '/admin/terminals', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, remoteAddress: '192.0.2.8' });
  assert.equal(other.statusCode, 200);
  await svc.close();
  const warnings = lines.filter((l) => (l.level as number) >= 40);
  assert.equal(warnings.length, 1, 'one summary line, not a line per refusal');
  assert.equal(warnings[0]!.msg, 'requests refused');
  assert.equal(warnings[0]!.refused, 31);
  assert.deepEqual(warnings[0]!.codes, { YSS_SYNC_ADMIN_UNAUTHORIZED: 20, YSS_SYNC_RATE_LIMITED: 11 });
  assert.deepEqual(warnings[0]!.top_addresses, [{ address: '192.0.2.7', count: 31 }]);
});

test('nodes on one database share the failed-guess limit: a stranger gets no fresh allowance from each node', async () => {
  const guesses = async (nodes: TestService[]) => {
    const answers: number[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await nodes[i % nodes.length]!.app.inject({ method: 'GET', url: '/admin/terminals', headers: { authorization: `Bearer guess-${i}` }, remoteAddress: '192.0.2.9' });
      answers.push(r.statusCode);
    }
    return answers;
  };
  // Counted in each process's memory, two nodes grant twice the guesses.
  const apart = await service();
  const alsoApart = await service({ dir: apart.dir });
  assert.deepEqual(await guesses([apart, alsoApart]), Array(30).fill(401));
  // Counted in the storage, the limit is one, whichever node the guess reaches.
  const a = await service({ sharedRateLimits: true });
  const b = await service({ dir: a.dir, sharedRateLimits: true });
  assert.deepEqual(await guesses([a, b]), [...Array(20).fill(401), ...Array(10).fill(429)]);
  const ok = await b.app.inject({ method: 'GET', url: '/admin/terminals', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, remoteAddress: '192.0.2.10' });
  assert.equal(ok.statusCode, 200, 'another address is not held back');
});

test('enrollment-code guesses from one address get 429 after the limit', async () => {
  const svc = await service();
  const statuses: number[] = [];
  for (let i = 0; i < 25; i++) {
    const r = await svc.app.inject({ method: 'POST', url: '/v1/enroll', payload: { enrollment_code: `guess-${i}-xxxxxxxx`, public_key: 'A'.repeat(43) }, remoteAddress: '198.51.100.1' });
    statuses.push(r.statusCode);
  }
  assert.deepEqual(statuses, [...Array(20).fill(401), ...Array(5).fill(429)]);
});

test('failures claiming one terminal id from many addresses get 429, but the terminal itself still gets through', async () => {
  const svc = await service();
  const a = await new WireClient(svc).enroll();
  assert.equal((await a.post('/v1/heartbeat', heartbeatOf())).status, 200);
  const mallory = new WireClient(svc);
  const statuses: number[] = [];
  for (let i = 0; i < 25; i++) {
    const body = JSON.stringify(heartbeatOf());
    const r = await svc.app.inject({ method: 'POST', url: '/v1/heartbeat', payload: body, headers: mallory.headers('POST', '/v1/heartbeat', body, { id: a.id }), remoteAddress: `203.0.113.${i + 1}` });
    statuses.push(r.statusCode);
  }
  assert.deepEqual(statuses, [...Array(20).fill(401), ...Array(5).fill(429)]);
  // The real terminal, from the address it last authenticated from (inject's 127.0.0.1).
  assert.equal((await a.post('/v1/heartbeat', heartbeatOf())).status, 200);
});

test('under memory pressure every request is shed with a quick 503', async () => {
  const svc = await service({ limits: { max_heap_used_bytes: 1 } });
  // under-pressure samples every 5 s.
  await new Promise((r) => setTimeout(r, 5500));
  const r = await svc.app.inject({ url: '/v1/time' });
  assert.equal(r.statusCode, 503);
  assert.equal(r.json().error, 'YSS_SYNC_OVERLOADED');
  assert.equal(r.headers['retry-after'], '5');
});

test('request bytes in flight before authentication are capped in all', async () => {
  const svc = await service({ limits: { max_inflight_body_bytes: 100_000 } });
  const a = await new WireClient(svc).enroll();
  const body = JSON.stringify({ events: a.events(400) });
  assert.ok(body.length > 100_000);
  const r = await svc.app.inject({ method: 'POST', url: '/v1/events', payload: body, headers: a.headers('POST', '/v1/events', body) });
  assert.equal(r.statusCode, 503);
  assert.equal(r.json().error, 'YSS_SYNC_OVERLOADED');
  assert.match(r.json().message, /in flight/);
  // Small bodies (a heartbeat) are never shed by this cap.
  assert.equal((await a.post('/v1/heartbeat', heartbeatOf())).status, 200);
});

test('unsealing needs the unseal role: a fleet operator and the legacy admin_token get 403', async () => {
  const svc = await service();
  const a = await new WireClient(svc).enroll();
  await a.upload(a.events(1, { personal: { name: '张三' } }));
  const url = `/admin/terminals/${a.id}/events?open=1&purpose=checking+a+complaint`;
  const fleet = await svc.admin('GET', url);
  assert.equal(fleet.status, 403);
  assert.equal(fleet.json.error, 'YSS_SYNC_ADMIN_FORBIDDEN');
  assert.match(fleet.json.message, /operator ops does not have the unseal role/);
  const legacy = buildApp({ storage: svc.storage, sealKeys: svc.sealKeys, adminToken: 'legacy-token-0123456789', audit: null, logger: false });
  const headers = { authorization: 'Bearer legacy-token-0123456789' };
  assert.equal((await legacy.inject({ url: `/admin/terminals/${a.id}/events`, headers })).statusCode, 200);
  const r = await legacy.inject({ url, headers });
  assert.equal(r.statusCode, 403);
  assert.equal(r.json().error, 'YSS_SYNC_ADMIN_FORBIDDEN');
  await legacy.close();
  assert.deepEqual(auditOf(svc), []);
});

test('unsealing needs a stated purpose; without one nothing is opened or recorded', async () => {
  const svc = await service();
  const a = await new WireClient(svc).enroll();
  await a.upload(a.events(1, { personal: { name: '张三' } }));
  for (const q of ['', '&purpose=', '&purpose=why', '&purpose=+++++++++++']) {
    const r = await svc.admin('GET', `/admin/terminals/${a.id}/events?open=1${q}`, undefined, UNSEAL_TOKEN);
    assert.equal(r.status, 400, q);
    assert.equal(r.json.error, 'YSS_SYNC_PURPOSE_REQUIRED');
    assert.ok(!JSON.stringify(r.json).includes('张三'));
  }
  assert.deepEqual(auditOf(svc), []);
});

test('every unseal is audited (who, when, where from, which events, why) in an append-only chain, and logged without content', async () => {
  const { lines, logger } = capture();
  const svc = await service({ logger });
  const a = await new WireClient(svc).enroll();
  await a.upload([...a.events(1, { personal: { name: '张三' } }), ...a.events(1), ...a.events(1, { personal: { name: '李四' } })]);
  const before = Date.now();
  const first = await svc.admin('GET', `/admin/terminals/${a.id}/events?open=1&purpose=police+request+no.+4471`, undefined, UNSEAL_TOKEN);
  assert.equal(first.status, 200);
  await svc.admin('GET', `/admin/terminals/${a.id}/events?after=2&open=1&purpose=guest+asked+for+a+copy`, undefined, UNSEAL_TOKEN);
  const records = auditOf(svc);
  assert.equal(records.length, 2);
  assert.deepEqual(
    records.map(({ at: _at, prev: _prev, ...r }) => r),
    [
      { operator: 'dpo', address: '127.0.0.1', terminal_id: a.id, seqs: [1, 3], unopened: [], purpose: 'police request no. 4471' },
      { operator: 'dpo', address: '127.0.0.1', terminal_id: a.id, seqs: [3], unopened: [], purpose: 'guest asked for a copy' },
    ],
  );
  assert.ok(records[0]!.at >= before && records[0]!.at <= Date.now());
  const logged = JSON.stringify(lines);
  assert.ok(logged.includes('"operator":"dpo"'), 'the log names the operator');
  for (const secret of ['张三', '李四', 'police request']) assert.ok(!logged.includes(secret), `${secret} is not logged`);
  // Editing a past line breaks the chain from there on.
  const file = join(svc.dir, AUDIT_FILE);
  writeFileSync(file, readFileSync(file, 'utf8').replace('police request', 'routine check__'));
  assert.deepEqual(verifyAuditChain(svc.dir), { ok: false, line: 2 });
});

test('a seal that does not open is that event\'s error, not the whole page\'s', async () => {
  const svc = await service();
  const a = await new WireClient(svc).enroll();
  const foreign = new Sealer(nacl.box.keyPair().publicKey);
  const [good] = a.events(1, { personal: { name: '张三' } });
  // The next event sealed to another service's key (a misconfigured terminal), hash chain intact.
  const [template] = a.events(1);
  const { hash: _h, ...rest } = { ...template!, sealed: foreign.seal({ name: '王五' }) };
  const bad = { ...rest, hash: eventHash(rest) };
  assert.equal((await a.upload([good!, bad])).status, 200);
  const r = await svc.admin('GET', `/admin/terminals/${a.id}/events?open=1&purpose=monthly+data+check`, undefined, UNSEAL_TOKEN);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.events[0].personal, { name: '张三' });
  assert.equal(r.json.events[1].personal, undefined);
  assert.equal(r.json.events[1].seal_error.error, 'YSS_SYNC_SEAL_UNOPENED');
  assert.match(r.json.events[1].seal_error.message, /event 2/);
  assert.deepEqual(auditOf(svc).map((x) => [x.seqs, x.unopened]), [[[1], [2]]]);
});
