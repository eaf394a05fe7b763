// The sweep of a past day's person tokens (docs/hall.md, "A token does not outlive its day") on
// the real routes and a real SQLite file with an injected clock: a signed ticket machine uploads
// tickets under one_active late in the evening, local midnight passes, and the hall's answers,
// the stored tickets and the stored events no longer hold the day's tokens. Then the real service
// process: started on a database holding a past day's token, it sweeps it at start.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { eventHash, GENESIS_HASH, signRequest } from '../../terminal/src/protocol/index.ts';
import { startProcess } from '../test/process.ts';
import { startTestService, WireClient } from '../test/support.ts';
import { foldHall } from './hall-queue.ts';
import { hallDay } from './hall-routes.ts';
import { HallTokenSweep } from './hall-token-sweep.ts';
import { SqliteStorage } from './storage/sqlite.ts';
import type { StoredEvent } from './storage/types.ts';
import { venueDay } from './venue-time.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

const MIN = 60_000;
const EVENING = Date.parse('2026-12-01T23:40:00+08:00');
const P1 = 'Pp1_-abcdefghijklmnopq';
const P2 = 'Pp2_-abcdefghijklmnopq';

test("past days' person tokens leave the hall's answers, its tickets and the stored events; a late upload is swept at the next run", async () => {
  let clock = EVENING;
  const svc = await startTestService({ now: () => clock });
  const logged: { o: object; msg: string }[] = [];
  const sweep = new HallTokenSweep({ storage: svc.storage, now: () => clock, logger: { info: (o, msg) => logged.push({ o, msg }), error: (o, msg) => logged.push({ o, msg }) } });
  try {
    const client = await new WireClient(svc, () => clock).enroll('ticket machine 1');
    const day = hallDay(clock);
    const block = await client.post('/v1/queue/numbers', { hall: 'hall', category: 'A', day, count: 20 }, { time: clock });
    assert.equal(block.status, 200);
    let n = block.json.first as number;
    /** A ticket event as the terminal's pipeline makes it (terminal/src/daemon/pipeline.ts), taken at `at` for `person`. */
    const ticket = (at: number, person: string) => {
      const number = `A${String(n++).padStart(3, '0')}`;
      const effect = { kind: 'ticket', number, service: '社保业务', id: `hall/${hallDay(at)}/${number}`, person, rules: ['one_active'] };
      return client.events(1, { type: 'ticket', venue: 'hall', at, body: { accepted: true, reason: null, effects: [effect] } })[0]!;
    };
    const waiting = async () => {
      const path = '/v1/queue/waiting?hall=hall';
      const res = await svc.app.inject({ method: 'GET', url: path, headers: signRequest(client.key, client.id, 'GET', path, '', clock) });
      assert.equal(res.statusCode, 200, res.body);
      return res.body;
    };
    const stored = async (): Promise<StoredEvent[]> => {
      const r = await svc.admin('GET', `/admin/terminals/${client.id}/events`);
      assert.equal(r.status, 200);
      return r.json.events as StoredEvent[];
    };

    // P1 takes a number, then a second one at a machine that could not ask the hall (a flagged duplicate); P2 one.
    const first = ticket(clock, P1);
    const second = ticket(clock + MIN, P1);
    const other = ticket(clock + 2 * MIN, P2);
    assert.equal((await client.upload([first, second, other], { time: clock + 3 * MIN })).status, 200);
    clock += 3 * MIN;
    const evening = JSON.parse(await waiting()) as { categories: { active: { person: string; number: string }[] }[] };
    assert.deepEqual(evening.categories[0]!.active.map((a) => a.person).sort(), [P1, P1, P2], "the evening's answer names today's tokens");
    const flagged = foldHall(await svc.storage.hallTickets('hall', day), []);
    assert.equal([...flagged.tickets.values()].filter((t) => t.duplicate).length, 1, "today P1's second number is flagged");

    // Local midnight passes: the hall's answer is the new day's, which holds none of yesterday's tokens, before any sweep.
    clock = Date.parse('2026-12-02T00:05:00+08:00');
    assert.notEqual(hallDay(clock), day);
    const after = await waiting();
    assert.ok(!after.includes(P1) && !after.includes(P2), after);

    const run = await sweep.run();
    assert.deepEqual(run, { before: hallDay(clock), tickets: 3, events: 3, more: false });
    assert.match((logged.at(-1)!).msg, /3 tickets, 3 events/);
    assert.deepEqual((await svc.storage.hallTickets('hall', day)).map((t) => t.person), [null, null, null]);
    const events = await stored();
    assert.equal(events.length, 3);
    for (const e of events) {
      assert.ok(!JSON.stringify(e).includes('Pp'), `event ${e.seq} holds no token`);
      assert.equal(eventHash(e, e.redacted), e.hash, `event ${e.seq} still checks, with the content hash it was uploaded with`);
    }
    // The flags of a closed day were a reading of its tokens: they are gone with them (the window page shows only today).
    assert.equal([...foldHall(await svc.storage.hallTickets('hall', day), []).tickets.values()].filter((t) => t.duplicate).length, 0);
    assert.deepEqual(await sweep.run(), { before: hallDay(clock), tickets: 0, events: 0, more: false }, 'a second run finds nothing');

    // A machine back online uploads yesterday's tickets after the sweep: the next run takes them, in bounded batches.
    const late = [ticket(EVENING + 10 * MIN, P2), ticket(EVENING + 11 * MIN, P1)];
    assert.equal((await client.upload(late, { time: clock })).status, 200);
    assert.ok(!(await waiting()).includes('Pp'), "a late upload of yesterday's ticket is not in today's answer");
    const bounded = new HallTokenSweep({ storage: svc.storage, now: () => clock, batch: 1, batches: 1 });
    assert.deepEqual(await bounded.run(), { before: hallDay(clock), tickets: 1, events: 1, more: true }, 'one ticket per run at this bound, and it says more wait');
    // start() runs at once (and would again a minute later, since more wait); stop() waits for the run.
    bounded.start();
    await bounded.stop();
    assert.deepEqual((await svc.storage.hallTickets('hall', day)).map((t) => t.person), [null, null, null, null, null]);
    assert.ok(!JSON.stringify(await stored()).includes('Pp'));
  } finally {
    await sweep.stop();
    await svc.close();
  }
});

test("the service process sweeps a past day's tokens at start and logs the count", async () => {
  const dir = tempDir('yss-sweep-');
  try {
    // A database as a service left it: two days ago (by the real clock) a machine uploaded a ticket with a token.
    const taken = Date.now() - 2 * 86_400_000;
    const day = venueDay(taken);
    const before = new SqliteStorage(join(dir, 'data'));
    await before.createTerminal('t-1', 'ticket machine 1', 'h', taken);
    const e0 = { seq: 1, type: 'ticket', at: taken, trusted_at: taken, scenario: 'hall', droppable: false, sealed: null, prev_hash: GENESIS_HASH,
      body: { accepted: true, effects: [{ kind: 'ticket', number: 'A001', service: '社保业务', id: `hall/${day}/A001`, person: P1, rules: ['one_active'] }] } };
    await before.ingest('t-1', [{ ...e0, hash: eventHash(e0) }], taken);
    await before.close();

    let sawLine: (line: Record<string, unknown>) => void;
    const swept = new Promise<Record<string, unknown>>((r) => (sawLine = r));
    const svc = await startProcess({ dir, onOutput: (line) => {
      if (line.includes('hall person tokens')) sawLine(JSON.parse(line) as Record<string, unknown>);
    } });
    try {
      let timer: NodeJS.Timeout | undefined;
      const log = await Promise.race([swept, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no sweep line within 30 s of listening')), 30_000)))]).finally(() => clearTimeout(timer));
      assert.equal(log.component, 'hall-tokens');
      assert.deepEqual([log.tickets, log.events, log.more], [1, 1, false]);
      assert.ok(!JSON.stringify(log).includes(P1), 'the log names no token');
    } finally {
      await svc.stop();
    }
    const after = new SqliteStorage(join(dir, 'data'));
    try {
      assert.equal((await after.hallTickets('hall', day))[0]!.person, null);
      const [e] = await after.events('t-1', 0, 1);
      assert.ok(!JSON.stringify(e!.body).includes(P1));
      assert.equal(eventHash(e!, e!.redacted), e!.hash);
    } finally {
      await after.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
