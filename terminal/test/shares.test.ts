// Capacity shares between two gates of one museum (docs/feeds.md#capacity-shares), on real
// processes: the sync service and two terminal daemons on loopback, each with its own SQLite, pty
// scanner and relay. Online, the service splits the slot and moves the idle gate's places to the
// busy one as they report; then one gate loses the service and decides offline within its share
// and its part of the slack, and the slot never holds more than its capacity plus the slack.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { mintCode } from '../../scripts/issuer/mint.ts';
import { HallMachine } from '../../scripts/lib/hall-machine.ts';
import { aheadForRoom, localDate } from '../../scripts/lib/local-day.ts';
import { EventFeed, Stack, waitFor } from '../../scripts/lib/stack.ts';
import { loadShippedVenue, venueDevices } from '../../scripts/lib/venue-devices.ts';
import { RelaySim } from '../../scripts/sim/index.ts';
import type { Health, VerdictMessage } from '../src/api/index.ts';
import { holderOfCode } from '../src/protocol/index.ts';
import type { Venue } from '../src/venue/index.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

const CAPACITY = 6;
const SLACK = 2;
const shipped = loadShippedVenue('museum-gate');
/** The museum open all week, codes only, one all-day slot of 6 shared by its gates with a slack of 2. */
const museum: Venue = {
  ...shipped,
  inputs: { codes: [{ type: 'personal' }] },
  hours: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }],
  access: { ...shipped.access!, capacity: { per_slot: CAPACITY, per_day: 500, shares: { slack: SLACK } } },
};
// The bookings and shares are the venue's day's: a run that would cross its midnight runs the
// service and the gates with their clocks in the next day (libfaketime), and mints on that clock.
const AHEAD = aheadForRoom(0, 10);
const DAY = localDate(Date.now() + AHEAD);
const SLOT = '00:00-24:00';
const visitors = Array.from({ length: 16 }, (_, i) => `u-visitor-${i}`);

interface Gate {
  name: string;
  dataDir: string;
  url(): string;
  scan(text: string): void;
  feed: EventFeed;
}

let dir: string;
let stack: Stack;
let machine: HallMachine;
let gates: Gate[];
const relays: RelaySim[] = [];

/** A gate's share of the slot as its own database holds it. */
function share(g: Gate): { share: number; slack: number; keep: number | null; answered: number } | undefined {
  const db = new Database(join(g.dataDir, 'terminal.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT share, slack, keep, answered FROM access_shares WHERE day = ? AND slot = ?').get(DAY, SLOT) as { share: number; slack: number; keep: number | null; answered: number } | undefined;
  } catch {
    return undefined; // the table is made when the daemon starts
  } finally {
    db.close();
  }
}

async function scan(g: Gate, sub: string): Promise<VerdictMessage> {
  const before = g.feed.lastSeq();
  g.scan(mintCode({ keys: stack.keysDir, sub, at: Math.floor((Date.now() + AHEAD) / 1000) }));
  return g.feed.nextVerdict(before, 15_000);
}

async function health(g: Gate): Promise<Health> {
  return (await (await fetch(new URL('/api/health', g.url()))).json()) as Health;
}

before(async () => {
  dir = tempDir('yss-shares-');
  const bookings = visitors.map((v) => ({ holder: holderOfCode('CN-44', v), date: DAY, from: '00:00', to: '24:00', party: 1 }));
  stack = await new Stack({ dir, venue: museum, devices: venueDevices(museum, { statusPollMs: 0 }), feeds: { bookings, access: [] }, sync: { trust_poll_s: 1, heartbeat_s: 1 }, clockAheadMs: AHEAD }).start();
  machine = await HallMachine.add(stack, 2, { venue: true });
  relays.push(await RelaySim.open(stack.peers['relay-1']!), await RelaySim.open(machine.peers['relay-1']!));
  gates = [
    { name: 'gate 1', dataDir: join(stack.dir, 'terminal-data'), url: () => stack.kioskUrl, scan: (t) => stack.scan(t), feed: await EventFeed.open(stack.kioskUrl) },
    { name: 'gate 2', dataDir: machine.dataDir, url: () => machine.url, scan: (t) => machine.scan(t), feed: await EventFeed.open(machine.url) },
  ];
  for (const g of gates) await waitFor(async () => (await health(g)).feeds.every((f) => f.version === 1), 30_000, 100, `${g.name}'s feeds`);
});

after(async () => {
  for (const g of gates ?? []) g.feed.close();
  for (const r of relays) await r.port.close();
  await machine?.stop();
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('online, the slot is split between the gates and the idle gate\'s places move to the busy one; offline, a gate stays within its share and the slot within its slack', async () => {
  const [g1, g2] = gates as [Gate, Gate];
  // Both report every second; the service splits the 6 places and each gate gets one of the 2 of slack.
  const split = await waitFor(() => {
    const s = gates.map(share);
    return s.every((x) => x && x.share === CAPACITY / 2 && x.slack === SLACK / 2) ? s : undefined;
  }, 30_000, 100, 'each gate to hold half the slot');
  assert.equal(split.length, 2);

  // Gate 1 is busy: its share and slack admit 4, the 5th waits until gate 2's unused places move over.
  let next = 0;
  const admitted: Record<string, number> = { 'gate 1': 0, 'gate 2': 0 };
  const at = async (g: Gate) => {
    const v = await scan(g, visitors[next++]!);
    if (v.accepted) admitted[g.name]!++;
    else assert.equal(v.reason, 'slot_full', `${g.name} refused ${v.reason}`);
    return v.accepted;
  };
  for (let i = 0; i < 4; i++) assert.equal(await at(g1), true, `gate 1, visitor ${i + 1}`);
  await waitFor(() => (share(g1)?.share ?? 0) >= 5, 30_000, 100, 'gate 2\'s idle places to move to gate 1');
  assert.equal(await at(g1), true, 'a 5th on gate 1, within its grown share');
  assert.ok(share(g1)!.share + share(g2)!.share <= CAPACITY, `the shares never overlap (${share(g1)!.share} + ${share(g2)!.share})`);

  // Gate 2 loses the service: its daemon restarts pointed at a port nobody listens on.
  await machine.stopDaemon();
  const config = JSON.parse(readFileSync(machine.config, 'utf8')) as { sync: { url: string } };
  writeFileSync(machine.config, JSON.stringify({ ...config, sync: { ...config.sync, url: 'http://127.0.0.1:9' } }), { mode: 0o600 });
  await machine.start();
  g2.feed.close();
  g2.feed = await EventFeed.open(machine.url);
  await waitFor(async () => (await health(g2)).sync?.last_error != null, 30_000, 100, 'gate 2 to find the service gone');
  // Its first heartbeat goes unanswered: it keeps what it promised to keep, and no more.
  const offline = await waitFor(() => {
    const s = share(g2);
    return s && s.answered === 0 && s.keep === null ? s : undefined;
  }, 30_000, 100, 'gate 2\'s unanswered heartbeat');

  // Both keep scanning: gate 2 offline within its share and slack, gate 1 online within what gate 2 does not hold.
  for (let i = 0; i < 4; i++) await at(g2);
  for (let i = 0; i < 3; i++) await at(g1);
  assert.equal(admitted['gate 2'], offline.share + offline.slack, `gate 2 offline admitted exactly its share ${offline.share} and slack ${offline.slack}`);
  const total = admitted['gate 1']! + admitted['gate 2']!;
  assert.ok(total <= CAPACITY + SLACK, `the slot holds ${total}: no more than its ${CAPACITY} and the slack ${SLACK}`);
  assert.ok(total >= CAPACITY, `and the gates between them filled it (${total})`);
});
