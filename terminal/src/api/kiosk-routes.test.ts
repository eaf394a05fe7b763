import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Fastify from 'fastify';
import { hashPin } from '../protocol/index.ts';
import { kioskRoutes, type KioskRouteDeps } from './kiosk-routes.ts';
import type { ApiError, Health, StaffLoginResponse, StaffOverview, VerdictMessage } from './messages.ts';

const health: Health = {
  status: 'ok',
  degraded: [],
  terminal_id: 'T-1',
  version: '0.1.0',
  scenario: 'hotel',
  venue: { name: 'hotel', kind: 'desk', title: { 'zh-CN': '酒店前台', 'zh-HK': '酒店前台', en: 'Hotel front desk' }, clear_after_s: 15 },
  devices: [],
  trust: { sequence: 7, issued_at: 1, expires_at: 2, stale: false },
  feeds: [],
  queue: { backlog: 0, oldest_unsent_age_s: null, last_seq: 5, bytes: 1200, max_bytes: 1_000_000, dropped_total: 0, over_quota: false },
  sync: { state: 'idle', last_success_at: null, last_error: null, acked_seq: 5 },
  clock: { wall: 0, trusted: 0, drift_s: 0 },
};
const recent: VerdictMessage = {
  type: 'verdict', seq: 5, at: 1000, accepted: true, reason: null, scenario: 'hotel', source: 'YSS1', issuer: 'CN-44',
  code_type: 'personal', display: { name_masked: '张*明' }, replayed: false, effects: [],
};

function setup(over: Partial<KioskRouteDeps> = {}) {
  const clock = { t: 1_000_000 };
  const calls = { tickets: 0, registrations: [] as unknown[] };
  const app = Fastify();
  kioskRoutes(app, {
    health: () => health,
    recent: () => [recent],
    staffPin: '2468',
    printTestTicket: async () => {
      calls.tickets++;
      return { ok: true, detail: 'printed' };
    },
    register: async (r) => {
      calls.registrations.push(r);
      return { ok: true, detail: 'recorded' };
    },
    now: () => clock.t,
    ...over,
  });
  const login = async (pin: string) => app.inject({ method: 'POST', url: '/api/staff/login', payload: { pin } });
  return { app, clock, calls, login };
}

describe('kiosk routes', () => {
  test('a right PIN opens a session that can read the overview without personal data', async () => {
    const { app, login } = setup();
    const r = await login('2468');
    assert.equal(r.statusCode, 200);
    const { token } = r.json<StaffLoginResponse>();
    const o = await app.inject({ url: '/api/staff/overview', headers: { authorization: `Bearer ${token}` } });
    assert.equal(o.statusCode, 200);
    const body = o.json<StaffOverview>();
    assert.equal(body.health.trust.sequence, 7);
    assert.equal(body.recent[0]?.seq, 5);
    assert.deepEqual(body.recent[0]?.display, {});
    assert.doesNotMatch(o.body, /张/);
  });

  test('a wrong PIN is refused and the overview needs a session', async () => {
    const { app, login } = setup();
    const r = await login('1111');
    assert.equal(r.statusCode, 401);
    assert.equal(r.json<ApiError>().error, 'YSS_API_PIN_WRONG');
    const o = await app.inject({ url: '/api/staff/overview' });
    assert.equal(o.statusCode, 401);
    const forged = await app.inject({ url: '/api/staff/overview', headers: { authorization: 'Bearer AAAAAAAAAAAAAAAAAAAAAAAA' } });
    assert.equal(forged.statusCode, 401);
  });

  test('three wrong PINs make the newcomer wait, and its PIN is not compared while it waits', async () => {
    const { login, clock } = setup();
    for (let i = 0; i < 2; i++) assert.equal((await login('0000')).statusCode, 401);
    const locked = await login('0000');
    assert.equal(locked.statusCode, 429);
    assert.equal(locked.json<ApiError>().retry_after_s, 20);
    assert.equal((await login('2468')).statusCode, 429);
    clock.t += 20_000;
    assert.equal((await login('2468')).statusCode, 200);
  });

  test('a kiosk that signed in once keeps its own count: a stranger\'s wrong PINs do not lock it out', async () => {
    const { login, clock, app } = setup();
    const first = await login('2468');
    const cookie = String(first.headers['set-cookie']);
    assert.match(cookie, /^yss_staff_device=[A-Za-z0-9_-]{32}; Path=\/api\/staff; HttpOnly; SameSite=Strict/);
    for (let i = 0; i < 10; i++) await login('0000');
    assert.equal((await login('2468')).statusCode, 429, 'the stranger waits');
    const kiosk = await app.inject({ method: 'POST', url: '/api/staff/login', payload: { pin: '2468' }, headers: { cookie: cookie.split(';')[0] } });
    assert.equal(kiosk.statusCode, 200);
    assert.equal(kiosk.headers['set-cookie'], undefined, 'a known device keeps its cookie');
    const forged = await app.inject({ method: 'POST', url: '/api/staff/login', payload: { pin: '2468' }, headers: { cookie: 'yss_staff_device=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
    assert.equal(forged.statusCode, 429, 'an unknown cookie is a newcomer');
    clock.t += 20_000;
    assert.equal((await login('2468')).statusCode, 200, 'the newcomers may try again once their wait is over');
  });

  test('a session expires after five idle minutes and ends on sign-out', async () => {
    const { app, login, clock } = setup();
    const { token } = (await login('2468')).json<StaffLoginResponse>();
    const auth = { authorization: `Bearer ${token}` };
    clock.t += 4 * 60_000;
    assert.equal((await app.inject({ url: '/api/staff/overview', headers: auth })).statusCode, 200);
    clock.t += 4 * 60_000; // still alive: the last use renewed it
    assert.equal((await app.inject({ method: 'POST', url: '/api/staff/logout', headers: auth })).statusCode, 200);
    assert.equal((await app.inject({ url: '/api/staff/overview', headers: auth })).statusCode, 401);
    const second = (await login('2468')).json<StaffLoginResponse>();
    clock.t += 5 * 60_000 + 1;
    assert.equal((await app.inject({ url: '/api/staff/overview', headers: { authorization: `Bearer ${second.token}` } })).statusCode, 401);
  });

  test('an empty staff PIN disables sign-in', async () => {
    const { login } = setup({ staffPin: '' });
    const r = await login('');
    assert.equal(r.statusCode, 403);
    assert.equal(r.json<ApiError>().error, 'YSS_API_STAFF_DISABLED');
  });

  test('a PIN configured as a hash signs in; a wrong one and the hash text itself do not', async () => {
    // Cheap parameters: this is about the check, not the cost.
    const hash = await hashPin('97531', { ln: 10, r: 8, p: 1 });
    const { login } = setup({ staffPin: '', staffPinHash: hash });
    assert.equal((await login('97531')).statusCode, 200);
    const wrong = await login('97532');
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.json<ApiError>().error, 'YSS_API_PIN_WRONG');
    assert.equal((await login(hash.slice(0, 64))).statusCode, 401);
  });

  test('with both a PIN and a hash configured, either PIN signs in', async () => {
    const { login } = setup({ staffPin: '2468', staffPinHash: await hashPin('8642', { ln: 10, r: 8, p: 1 }) });
    assert.equal((await login('2468')).statusCode, 200);
    assert.equal((await login('8642')).statusCode, 200);
    assert.equal((await login('1357')).statusCode, 401);
  });

  test('requests from another origin are refused', async () => {
    const { app } = setup();
    const r = await app.inject({ method: 'POST', url: '/api/staff/login', payload: { pin: '2468' }, headers: { origin: 'http://evil.example', host: '127.0.0.1:8080' } });
    assert.equal(r.statusCode, 403);
    assert.equal(r.json<ApiError>().error, 'YSS_API_FOREIGN_ORIGIN');
    const same = await app.inject({ method: 'POST', url: '/api/staff/login', payload: { pin: '2468' }, headers: { origin: 'http://127.0.0.1:8080', host: '127.0.0.1:8080' } });
    assert.equal(same.statusCode, 200);
  });

  test('a test ticket is printed only for a signed-in member of staff', async () => {
    const { app, login, calls } = setup();
    assert.equal((await app.inject({ method: 'POST', url: '/api/staff/test-ticket' })).statusCode, 401);
    const { token } = (await login('2468')).json<StaffLoginResponse>();
    const r = await app.inject({ method: 'POST', url: '/api/staff/test-ticket', headers: { authorization: `Bearer ${token}` } });
    assert.deepEqual(r.json(), { ok: true, detail: 'printed' });
    assert.equal(calls.tickets, 1);
  });

  test('a registration passes room and guests to the daemon and rejects bad entries', async () => {
    const { app, calls } = setup();
    const ok = await app.inject({ method: 'POST', url: '/api/registration', payload: { seq: 5, room: '1208', guests: 2 } });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(calls.registrations, [{ seq: 5, room: '1208', guests: 2 }]);
    for (const bad of [{ seq: 5, room: '', guests: 2 }, { seq: 5, room: '1208', guests: 0 }, { seq: 'x', room: '1', guests: 1 }, { seq: 5, room: '<b>', guests: 1 }]) {
      const r = await app.inject({ method: 'POST', url: '/api/registration', payload: bad });
      assert.equal(r.statusCode, 400, JSON.stringify(bad));
    }
    assert.equal(calls.registrations.length, 1);
  });

  test('registration answers 404 when the scenario has none', async () => {
    const { app } = setup({ register: undefined });
    const r = await app.inject({ method: 'POST', url: '/api/registration', payload: { seq: 5, room: '1', guests: 1 } });
    assert.equal(r.statusCode, 404);
  });
});
