// The police report across kills on both sides, end to end through the real daemon, the real
// service and the simulated gateway on loopback: guests registered while the service is away,
// the daemon SIGKILLed before it could upload them, the service SIGKILLed while its sends to the
// gateway are in flight, and the gateway then losing its answers once. Every guest reaches the
// gateway exactly once (none lost, no second registration), and the desk shows them accepted.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { StaysOverview, StayRegistrationResult } from '../src/api/index.ts';
import { mintCode } from '../../scripts/issuer/mint.ts';
import { startPoliceSim, type PoliceSim } from '../../scripts/lib/police-sim.ts';
import { EventFeed, Stack, waitFor } from '../../scripts/lib/stack.ts';
import { freePort } from '../../kiosk-ui/web/test/real-stack.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

const GUESTS = [
  { name: '陈大文', doc_no: '11010519491231002X', room: '701' },
  { name: '李小红', doc_no: '440106199003071231', room: '701' },
  { name: '周大福', doc_no: '440106199202020015', room: '702' },
];

let dir: string;
let stack: Stack;
let sim: PoliceSim;

before(async () => {
  dir = tempDir('yss-police-crash-');
  sim = await startPoliceSim({ mode: 'stall' });
  stack = new Stack({
    dir,
    venue: 'hotel',
    // Fixed: the service comes back at the address the daemon was told.
    servicePort: await freePort(),
    // The daemon retries the service within 2 s of it coming back (default up to 5 min).
    sync: { backoff_max_ms: 2000 },
    police: { gateway: { kind: 'http', url: sim.reportsUrl, timeout_ms: 30_000 }, poll_ms: 100, lease_ms: 1500, retry_base_ms: 200, retry_max_ms: 400 },
  });
  await stack.start();
});

after(async () => {
  await stack?.stop();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('guests registered offline, the daemon and then the service killed mid-forward: each guest reaches the gateway once', async () => {
  await stack.stopService('SIGKILL');
  const feed = await EventFeed.open(stack.kioskUrl);
  try {
    for (const g of GUESTS) {
      const seq = feed.lastSeq();
      stack.scan(mintCode({ keys: stack.keysDir, name: g.name, scope: ['hotel-checkin'], subject: { doc_type: 'CN-RIC', doc_no: g.doc_no } }));
      const v = await feed.nextVerdict(seq);
      assert.equal(v.accepted, true, String(v.reason));
      const r = await fetch(new URL('/api/registration', stack.kioskUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seq: v.seq, room: g.room, guests: 2 }) });
      assert.equal(((await r.json()) as StayRegistrationResult).ok, true, 'registration never waits for the service');
    }
  } finally {
    feed.close();
  }
  const health = (await (await fetch(new URL('/api/health', stack.kioskUrl))).json()) as { queue: { backlog: number } };
  assert.ok(health.queue.backlog >= GUESTS.length * 2, `the readings and guest_in events wait in the queue (${health.queue.backlog})`);
  await stack.stopTerminal('SIGKILL');
  await stack.startTerminal();

  // The service back, its gateway stalling: reports are claimed and sent, and it is killed with sends in flight.
  await stack.startService();
  await waitFor(() => (sim.state().posts >= 1 ? true : undefined), 60_000, 100, 'a send in flight at the gateway');
  await stack.stopService('SIGKILL');
  // Back again: the gateway now records each report and loses its answer, so every send is resent.
  sim.setMode('lose_answer');
  await stack.startService();
  await waitFor(() => (sim.state().accepted.length >= GUESTS.length ? true : undefined), 60_000, 100, 'every report recorded once at the gateway');
  sim.setMode('accept');
  await waitFor(async () => {
    const o = (await stack.admin('GET', '/admin/police/overdue')) as { reports: unknown[] };
    const states = await Promise.all(sim.state().accepted.map((r) => stack.admin('GET', `/admin/police/reports/${r.id}`) as Promise<{ history: { state: string }[] }>));
    return o.reports.length === 0 && states.every((h) => h.history.at(-1)?.state === 'accepted') ? true : undefined;
  }, 60_000, 200, 'every report accepted at the service');

  const s = sim.state();
  assert.deepEqual(s.accepted.map((r) => r.guest.doc_no).sort(), GUESTS.map((g) => g.doc_no).sort(), 'each guest once: none lost');
  assert.deepEqual(s.rejected, [], 'no second registration of anyone (the gateway would say duplicate_registration)');
  assert.equal(new Set(s.accepted.map((r) => r.id)).size, GUESTS.length);
  assert.ok(s.posts > GUESTS.length, `the resends happened (${s.posts} posts) and were answered as duplicates`);

  // And the desk learns it by itself.
  const login = await fetch(new URL('/api/staff/login', stack.kioskUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin: stack.staffPin }) });
  const token = ((await login.json()) as { token: string }).token;
  await waitFor(async () => {
    const o = (await (await fetch(new URL('/api/staff/stays', stack.kioskUrl), { headers: { authorization: `Bearer ${token}` } })).json()) as StaysOverview;
    const gs = o.stays.flatMap((x) => x.guests);
    return gs.length === GUESTS.length && gs.every((g) => g.police?.state === 'accepted') ? true : undefined;
  }, 30_000, 250, 'the desk showing every guest accepted');
});
