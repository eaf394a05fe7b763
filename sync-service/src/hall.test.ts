// The hall's calling side (docs/hall.md, "The calling side") on the real service routes and a real
// SQLite file, with an injected clock: two ticket machines (signed terminals taking number blocks
// from the allocator and uploading ticket events) and three windows working through a simulated
// morning. The truth (who waited how long) comes from the simulation; the ETA the service gave each
// visitor when they took their ticket is compared with it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rmSync } from 'node:fs';
import type { WireEvent } from '../../terminal/src/protocol/index.ts';
import { ADMIN_TOKEN, startTestService, WINDOW_TOKEN, WireClient, type TestService } from '../test/support.ts';
import { hallDay } from './hall-routes.ts';
import { seededRandom } from '../../scripts/lib/seeded-random.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

/** 2026-12-01 08:30 in Asia/Shanghai. */
const OPEN = Date.parse('2026-12-01T08:30:00+08:00');
const MIN = 60_000;


/** Numbers a machine asks for at a time (venue `block`); it asks again when fewer than half are left. */
const BLOCK = 20;

/**
 * A ticket machine as the service sees it (docs/hall.md): blocks of numbers from the allocator,
 * kept in hand so it issues on while the allocator is away, and ticket events uploaded, or kept
 * until the allocator's service is back.
 */
class Machine {
  private blocks: { next: number; last: number }[] = [];
  private unsent: WireEvent[] = [];
  readonly issued: string[] = [];
  constructor(readonly client: WireClient) {}

  held(): number {
    return this.blocks.reduce((n, b) => n + b.last - b.next + 1, 0);
  }

  /** Asks for a block; `lost`: the allocator commits it but dies before the reply reaches the machine. */
  async topUp(now: number, prefix: string, lost = false): Promise<void> {
    const r = await this.client.post('/v1/queue/numbers', { hall: 'hall', category: prefix, day: hallDay(now), count: BLOCK }, { time: now });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    if (!lost) this.blocks.push({ next: r.json.first, last: r.json.last });
  }

  /** A ticket, or null when the machine has no number in hand (numbers_unavailable). `up`: the service answers. */
  async take(now: number, prefix: string, priority: 'elderly' | null, up = true): Promise<string | null> {
    if (up && this.held() < BLOCK / 2) await this.topUp(now, prefix);
    const b = this.blocks[0];
    if (!b) return null;
    const number = `${prefix}${String(b.next++).padStart(3, '0')}`;
    if (b.next > b.last) this.blocks.shift();
    this.issued.push(number);
    const effect = { kind: 'ticket', number, service: '社保业务', service_minutes: 8, id: `hall/${hallDay(now)}/${number}`, ...(priority ? { priority } : {}) };
    this.unsent.push(...this.client.events(1, { type: 'ticket', venue: 'hall', at: now, body: { accepted: true, reason: null, effects: [effect] } }));
    if (up) await this.flush(now);
    return number;
  }

  /** Uploads what waited, in order, as the sync engine does once the service answers. */
  async flush(now: number): Promise<void> {
    if (!this.unsent.length) return;
    const up = await this.client.upload(this.unsent, { time: now });
    assert.equal(up.status, 200, JSON.stringify(up.json));
    this.unsent = [];
  }
}

async function step(svc: TestService, body: Record<string, unknown>, token = WINDOW_TOKEN) {
  const res = await svc.app.inject({ method: 'POST', url: '/hall/hall/steps', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  return { status: res.statusCode, json: JSON.parse(res.body) };
}

test('a simulated morning: 240 visitors, two machines, three windows; elderly and clerk-marked priority, a transfer, missed calls and the allocator killed and restarted; no number twice, nobody called twice, nobody skipped, ETA against the truth', async (t) => {
  let clock = OPEN;
  // The service (the hall's allocator) over one SQLite file; mid-morning it is stopped and a new
  // one opens the same file, as a restart after a crash does. `live` is what the machines talk to.
  const dir = tempDir('yss-hall-morning-');
  let svc = await startTestService({ dir, now: () => clock });
  const live = { get app() { return svc.app; }, get sealKeys() { return svc.sealKeys; }, admin: (...a: Parameters<TestService['admin']>) => svc.admin(...a) };
  try {
    const machines = [new Machine(await new WireClient(live, () => clock).enroll('ticket machine 1')), new Machine(await new WireClient(live, () => clock).enroll('ticket machine 2'))];
    const random = seededRandom(13);
    const VISITORS = 240;
    const WINDOWS = 3;
    // Arrivals about one a minute, services about 2.6 minutes each at three windows: a queue that
    // builds and drains, as a morning does.
    const arrivals: { at: number; elderly: boolean }[] = [];
    let at = OPEN;
    for (let i = 0; i < VISITORS; i++) {
      at += -Math.log(1 - random()) * 0.85 * MIN;
      arrivals.push({ at: Math.round(at), elderly: random() < 0.12 });
    }
    const taken = new Map<string, { at: number; elderly: boolean; eta: number; ahead: number }>();
    const calledAt = new Map<string, number>();
    const calledTwice: string[] = [];
    const passedOver: string[] = [];
    const windows = Array.from({ length: WINDOWS }, (_, i) => ({ n: i + 1, busyUntil: OPEN, current: null as string | null, noShow: false }));
    const transferred = new Set<string>();
    let transfers = 0;
    let missed = 0;
    let next = 0;
    // The allocator dies as visitor KILL_AT arrives (machine 2's block request committed, its reply
    // lost) and is back OUTAGE visitors later: meanwhile the machines issue from their blocks in
    // hand, keep their uploads, and no window can step.
    const clerkMarks = seededRandom(29);
    const marked = new Set<string>();
    const KILL_AT = 120;
    const OUTAGE = 14;
    let down = false;
    let refused = 0;
    while (next < arrivals.length || windows.some((w) => w.current)) {
      if (next === KILL_AT && !down) {
        await machines[1]!.topUp(clock, 'A', true);
        await svc.close();
        down = true;
      } else if (next === KILL_AT + OUTAGE && down) {
        svc = await startTestService({ dir, now: () => clock });
        down = false;
        for (const m of machines) await m.flush(clock);
      }
      // The next thing to happen: an arrival or a window finishing (none while the service is down).
      const free = windows.filter((w) => w.current).sort((a, b) => a.busyUntil - b.busyUntil)[0];
      const arrival = arrivals[next];
      if (arrival && (down || !free || arrival.at <= free.busyUntil)) {
        clock = Math.max(clock, arrival.at);
        const m = machines[next % 2]!;
        // Offline the machine knows no waiting count: its ticket has no ETA (docs/hall.md).
        const before = down ? null : ((await svc.app.inject({ method: 'GET', url: '/hall/hall/display' })).json() as { categories: { category: string; waiting: number; eta_minutes: number }[] });
        const a = before?.categories.find((c) => c.category === 'A');
        const number = await m.take(clock, 'A', arrival.elderly ? 'elderly' : null, !down);
        if (number === null) {
          refused++;
          continue;
        }
        taken.set(number, { at: clock, elderly: arrival.elderly, eta: before ? (a?.eta_minutes ?? 0) : NaN, ahead: a?.waiting ?? 0 });
        next++;
        // About one visitor in 25 shows a clerk a 军人 or 残疾人 card while waiting: marked as a priority.
        if (!down && !arrival.elderly && clerkMarks() < 0.04) {
          const r = await step(svc, { kind: 'mark', window: 1, number, label: clerkMarks() < 0.5 ? '军人' : '残疾人' });
          assert.equal(r.status, 200, JSON.stringify(r.json));
          marked.add(number);
        }
      } else {
        clock = free!.busyUntil;
        const w = free!;
        if (w.noShow) {
          // Called twice (重呼) and nobody came: 过号.
          assert.equal((await step(svc, { kind: 'recall', window: w.n })).status, 200);
          assert.equal((await step(svc, { kind: 'miss', window: w.n })).status, 200);
          missed++;
        } else if (w.n === 3 && transfers === 0 && taken.size > 40) {
          // One visitor at window 3 turns out to need 出入境 (category B): 流转, keeping their place rules.
          const r = await step(svc, { kind: 'transfer', window: w.n, to: 'B' });
          assert.equal(r.status, 200, JSON.stringify(r.json));
          transferred.add(r.json.step.number);
          transfers++;
        } else {
          assert.equal((await step(svc, { kind: 'complete', window: w.n })).status, 200);
          if (random() < 0.5) assert.equal((await step(svc, { kind: 'evaluate', window: w.n, rating: 1 + Math.floor(random() * 5) })).status, 200);
        }
        w.current = null;
      }
      // Every idle window calls the next visitor (window 3 serves B as well).
      for (const w of windows) {
        if (w.current || w.busyUntil > clock) continue;
        const state = (await svc.admin('GET', '/hall/hall/state', undefined, WINDOW_TOKEN)).json as { waiting: { number: string; category: string; priority: string | null }[] };
        const cats = w.n === 3 ? ['A', 'B'] : ['A'];
        const r = await step(svc, { kind: 'call', window: w.n, categories: cats });
        if (r.status === 409) continue;
        assert.equal(r.status, 200, JSON.stringify(r.json));
        const number = r.json.step.number as string;
        // The one called is the first in priority order among what this window serves.
        const first = state.waiting.find((x) => cats.includes(x.category));
        if (first?.number !== number) passedOver.push(`${first?.number} for ${number}`);
        // A transferred ticket is called again in its new category: that is not a duplicate.
        if (calledAt.has(number) && !transferred.has(number)) calledTwice.push(number);
        if (!calledAt.has(number)) calledAt.set(number, clock);
        w.current = number;
        w.noShow = random() < 0.04;
        w.busyUntil = clock + (w.noShow ? 2 * MIN : Math.max(0.5, -Math.log(1 - random()) * 2.6) * MIN);
      }
    }

    const final = (await svc.admin('GET', '/hall/hall/state', undefined, WINDOW_TOKEN)).json;
    // No number twice across the machines, and what the allocator handed out is issued, held, or
    // the one block whose reply the crash lost (docs/hall.md, "What this promises").
    const issued = machines.flatMap((m) => m.issued);
    const duplicates = issued.length - new Set(issued).size;
    const allocated = (await svc.storage.allocateNumbers('hall', 'A', '2026-12-01', 1, machines[0]!.client.id, clock)).first - 1;
    const held = machines.reduce((n, m) => n + m.held(), 0);
    const skipped = allocated - issued.length - held;
    assert.equal(duplicates, 0, 'no number issued twice');
    assert.equal(refused, 0, 'the blocks in hand carried both machines through the outage');
    assert.ok(skipped >= 0 && skipped <= BLOCK, `skipped ${skipped} > one block`);
    assert.equal(final.totals.taken, VISITORS);
    assert.equal(final.totals.waiting, 0, 'nobody left waiting');
    assert.equal(final.totals.done + final.totals.missed, VISITORS);
    assert.equal(final.totals.missed, missed);
    assert.deepEqual(calledTwice, [], 'nobody called twice');
    assert.deepEqual(passedOver, [], 'every call took the first in priority order');
    assert.equal(transfers, 1);
    // The elderly wait less than the others on average.
    const waits = [...taken].map(([n, x]) => ({ ...x, wait: (calledAt.get(n)! - x.at) / MIN }));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const elderly = mean(waits.filter((w) => w.elderly).map((w) => w.wait));
    const priorityWait = mean([...taken].filter(([n]) => marked.has(n)).map(([n, x]) => (calledAt.get(n)! - x.at) / MIN));
    const others = mean([...taken].filter(([n, x]) => !x.elderly && !marked.has(n)).map(([n, x]) => (calledAt.get(n)! - x.at) / MIN));
    assert.ok(elderly < others, `elderly wait ${elderly.toFixed(1)} min < others ${others.toFixed(1)} min`);
    assert.ok(marked.size > 0 && priorityWait < others, `marked wait ${priorityWait.toFixed(1)} min < others ${others.toFixed(1)} min`);
    // ETA error against the truth, for the normal tickets (an elderly one jumps the queue its ETA counts).
    const normal = [...taken].filter(([n, x]) => !x.elderly && !marked.has(n) && !Number.isNaN(x.eta)).map(([n, x]) => ({ eta: x.eta, wait: (calledAt.get(n)! - x.at) / MIN }));
    const mae = mean(normal.map((w) => Math.abs(w.eta - w.wait)));
    const steps = (await svc.storage.hallSteps('hall', '2026-12-01')).length;
    t.diagnostic(
      `allocator killed at visitor ${KILL_AT} and back ${OUTAGE} visitors later: tickets ${issued.length}, duplicates ${duplicates}, allocated ${allocated}, held ${held}, skipped ${skipped} (bound ${BLOCK})`,
    );
    t.diagnostic(
      `visitors ${VISITORS}, steps ${steps}, missed ${missed}, transfers ${transfers}; mean wait ${others.toFixed(1)} min (elderly ${elderly.toFixed(1)}, ${marked.size} marked by a clerk ${priorityWait.toFixed(1)}); ETA mean absolute error ${mae.toFixed(1)} min over ${normal.length} normal tickets`,
    );
    assert.ok(mae < others, 'the ETA is closer to the truth than a guess of zero');
  } finally {
    await svc.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('window steps need the window role, refuse what the queue does not allow with a specific error, and two windows calling at once get two people', async () => {
  let clock = OPEN;
  const svc = await startTestService({ now: () => clock });
  try {
    const m = new Machine(await new WireClient(svc, () => clock).enroll('ticket machine 1'));
    assert.equal((await step(svc, { kind: 'call', window: 1 }, ADMIN_TOKEN)).json.error, 'YSS_SYNC_ADMIN_FORBIDDEN', 'a fleet operator is no clerk');
    const none = await step(svc, { kind: 'call', window: 1 });
    assert.deepEqual([none.status, none.json.error, none.json.message], [409, 'YSS_SYNC_HALL_STEP_REFUSED', 'window step refused: nobody is waiting']);
    assert.equal((await step(svc, { kind: 'call', window: 0 })).json.error, 'YSS_SYNC_INVALID_BODY');
    assert.equal((await step(svc, { kind: 'transfer', window: 1 })).json.message, 'request body does not match the schema: a transfer names the category it moves the ticket to: "to"');
    assert.equal((await step(svc, { kind: 'complete', window: 1 })).json.message, 'window step refused: window 1 has no ticket called');
    const a = await m.take(clock, 'A', null);
    clock += MIN;
    const b = await m.take(clock, 'A', null);
    clock += MIN;
    const old = await m.take(clock, 'A', 'elderly');
    const calls = await Promise.all([1, 2, 3].map((w) => step(svc, { kind: 'call', window: w })));
    assert.deepEqual(calls.map((c) => c.status), [200, 200, 200]);
    assert.deepEqual(calls.map((c) => c.json.step.number).sort(), [a, b, old].sort(), 'three windows at once: three different people');
    assert.equal((await step(svc, { kind: 'call', window: 1 })).json.message, `window step refused: window 1 still has ${calls[0]!.json.step.number}: complete it, mark it missed or transfer it first`);
    clock += 5 * MIN;
    await step(svc, { kind: 'complete', window: 1 });
    assert.equal((await step(svc, { kind: 'evaluate', window: 1, rating: 5 })).status, 200);
    assert.match((await step(svc, { kind: 'evaluate', window: 1, rating: 4 })).json.message, /already evaluated/);
    // The display: no sign-in, numbers and windows only, newest first.
    const d = (await svc.app.inject({ method: 'GET', url: '/hall/hall/display' })).json();
    assert.equal(d.calls.length, 3);
    assert.deepEqual(Object.keys(d.calls[0]).sort(), ['at', 'number', 'recall', 'seq', 'window']);
    assert.deepEqual(d.categories, [{ category: 'A', waiting: 0, eta_minutes: 0 }]);
    assert.equal((await svc.app.inject({ method: 'GET', url: '/hall/Bad!/display' })).json().error, 'YSS_SYNC_INVALID_BODY');
    // Every step is recorded, in sequence.
    assert.deepEqual((await svc.storage.hallSteps('hall', '2026-12-01')).map((r) => r.seq), [1, 2, 3, 4, 5]);
  } finally {
    await svc.close();
  }
});
