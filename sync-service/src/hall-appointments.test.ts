// Appointment tickets in the hall's calling order (docs/hospital.md, "Calling order"), on the real
// service routes and a real SQLite file with an injected clock: a signed ticket machine uploads
// walk-ins' and appointment holders' tickets as the terminal makes them, and a window calls,
// misses and calls back (召回). Each rule the venue can carry is checked by who the window gets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestService, WINDOW_TOKEN, WireClient, type TestService } from '../test/support.ts';
import { hallDay } from './hall-routes.ts';
import type { Placement } from './storage/activity.ts';

const OPEN = Date.parse('2026-12-01T08:30:00+08:00');
const MIN = 60_000;

async function step(svc: TestService, body: Record<string, unknown>) {
  const res = await svc.app.inject({ method: 'POST', url: '/hall/hall/steps', headers: { authorization: `Bearer ${WINDOW_TOKEN}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  return { status: res.statusCode, json: JSON.parse(res.body) };
}

async function state(svc: TestService) {
  const res = await svc.app.inject({ method: 'GET', url: '/hall/hall/state', headers: { authorization: `Bearer ${WINDOW_TOKEN}` } });
  assert.equal(res.statusCode, 200, res.body);
  return JSON.parse(res.body) as { waiting: { number: string; priority: string | null; placement: string | null }[]; missed: { number: string; appointment: boolean }[] };
}

const appt = (over: Partial<Placement> = {}): Placement => ({
  slot: '09:00-10:00',
  late: false,
  first: true,
  order: 'registration',
  late_rule: { place: 'insert_after', n: 2 },
  missed_rule: { place: 'insert_after', n: 1 },
  ...over,
});

test('appointment holders are called first by registration number; late arrivals and called-back misses are placed by their rules', async () => {
  let clock = OPEN;
  const svc = await startTestService({ now: () => clock });
  try {
    const client = await new WireClient(svc, () => clock).enroll('ticket machine 1');
    const r = await client.post('/v1/queue/numbers', { hall: 'hall', category: 'A', day: hallDay(clock), count: 50 }, { time: clock });
    assert.equal(r.status, 200);
    let n = r.json.first as number;
    const made: { number: string; at: number; extra: Record<string, unknown> }[] = [];
    /** A ticket as the terminal's pipeline makes it (terminal/src/daemon/pipeline.ts), taken at `at`. */
    const take = (at: number, extra: Record<string, unknown> = {}) => {
      const number = `A${String(n++).padStart(3, '0')}`;
      made.push({ number, at, extra });
      return number;
    };
    const upload = async (numbers: string[]) => {
      for (const number of numbers) {
        const m = made.find((x) => x.number === number)!;
        const effect = { kind: 'ticket', number, service: '门诊', id: `hall/${hallDay(m.at)}/${number}`, ...m.extra };
        const [e] = client.events(1, { type: 'ticket', venue: 'hall', at: m.at, body: { accepted: true, reason: null, effects: [effect] } });
        assert.equal((await client.upload([e!], { time: clock })).status, 200);
      }
    };
    const order = async () => (await state(svc)).waiting.map((w) => w.number);

    const w1 = take(OPEN); // walk-in
    const w2 = take(OPEN + MIN); // walk-in
    const old = take(OPEN + 2 * MIN, { priority: 'elderly' });
    const reg5 = take(OPEN + 5 * MIN, { priority: 'appointment', appointment: appt({ reg: 5 }) });
    const reg2 = take(OPEN + 6 * MIN, { priority: 'appointment', appointment: appt({ reg: 2 }) });
    clock = OPEN + 7 * MIN;
    await upload([w1, w2, old, reg5, reg2]);
    assert.deepEqual(await order(), [reg2, reg5, old, w1, w2], 'appointments first, by registration number (2 before 5, though 5 signed in first); then the elderly; then walk-ins by time');

    // Not first (预约不优先): an appointment waits among the walk-ins by when it signed in.
    const notFirst = take(OPEN + 8 * MIN, { appointment: appt({ first: false, reg: 1 }) });
    // Late, placed after 2 waiting (间隔插入 2 位).
    const lateInsert = take(OPEN + 9 * MIN, { appointment: appt({ slot: '07:30-08:00', late: true }) });
    // Late, placed at the end of the session: behind even walk-ins who come after it.
    const lateEnd = take(OPEN + 10 * MIN, { appointment: appt({ slot: '07:30-08:00', late: true, late_rule: { place: 'end' } }) });
    // Late, placed as a normal ticket taken now.
    const lateNormal = take(OPEN + 11 * MIN, { appointment: appt({ slot: '07:30-08:00', late: true, late_rule: { place: 'normal' } }) });
    const w3 = take(OPEN + 12 * MIN);
    clock = OPEN + 13 * MIN;
    await upload([notFirst, lateInsert, lateEnd, lateNormal, w3]);
    const s1 = await state(svc);
    assert.deepEqual(s1.waiting.map((w) => w.number), [reg2, reg5, lateInsert, old, w1, w2, notFirst, lateNormal, w3, lateEnd]);
    assert.deepEqual(s1.waiting.map((w) => w.placement), [null, null, 'late:insert_after:2', null, null, null, null, 'late:normal', null, 'late:end']);
    assert.deepEqual(s1.waiting.map((w) => w.priority).slice(0, 4), ['appointment', 'appointment', null, 'elderly'], 'a late arrival loses the appointment priority');

    // The window calls the first appointment; it is missed (过号); a walk-in's ticket cannot be called back while waiting.
    clock = OPEN + 14 * MIN;
    assert.equal((await step(svc, { kind: 'call', window: 1 })).json.step.number, reg2);
    clock = OPEN + 15 * MIN;
    assert.equal((await step(svc, { kind: 'miss', window: 1 })).status, 200);
    const refused = await step(svc, { kind: 'requeue', window: 1, number: w1 });
    assert.equal(refused.status, 409);
    assert.match(refused.json.message, /waiting, not missed/);
    assert.equal((await step(svc, { kind: 'requeue', window: 1 })).status, 400, 'a call back names its ticket');
    assert.deepEqual((await state(svc)).missed, [{ number: reg2, category: 'A', appointment: true }]);

    // A ticket taken before the miss but uploaded after it is placed by who waited when it was taken.
    const lateBefore = take(OPEN + 14 * MIN + 30_000, { appointment: appt({ slot: '07:30-08:00', late: true, late_rule: { place: 'insert_after', n: 1 } }) });
    clock = OPEN + 16 * MIN;
    await upload([lateBefore]);
    // At 08:44:30 reg2 was at the window (called at 08:44): the first waiting then was reg5.
    assert.deepEqual((await order()).slice(0, 3), [reg5, lateBefore, lateInsert]);

    // 召回: the missed appointment comes back after 1 waiting (its missed-call rule).
    clock = OPEN + 20 * MIN;
    const back = await step(svc, { kind: 'requeue', window: 1, number: reg2 });
    assert.equal(back.status, 200, JSON.stringify(back.json));
    const s2 = await state(svc);
    assert.deepEqual(s2.waiting.map((w) => w.number).slice(0, 4), [reg5, reg2, lateBefore, lateInsert]);
    assert.equal(s2.waiting[1]!.placement, 'requeued:insert_after:1');
    assert.deepEqual(s2.missed, []);
    assert.equal((await step(svc, { kind: 'requeue', window: 1, number: reg2 })).status, 409, 'a ticket waiting again is not called back twice');

    // The window works through the queue in exactly that order.
    const called: string[] = [];
    const expected = (await order()).slice();
    for (let i = 0; i < expected.length; i++) {
      clock += MIN;
      const c = await step(svc, { kind: 'call', window: 1 });
      assert.equal(c.status, 200, JSON.stringify(c.json));
      called.push(c.json.step.number);
      clock += MIN;
      assert.equal((await step(svc, { kind: 'complete', window: 1 })).status, 200);
    }
    assert.deepEqual(called, expected);
    assert.deepEqual(await order(), []);
  } finally {
    await svc.close();
  }
});
