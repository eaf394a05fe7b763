// Grants that lapse (docs/feeds.md#grants-that-lapse), on real processes: the sync service and
// the daemon on loopback, the scanner, the relay and the gate's pass sensor each on its own pty.
// A passage the sensor sees within the grant counts; a grant nobody walks through is taken back
// (the place is free again, anti-passback not armed) and queued as `grant_lapsed`; a passage
// with no grant waiting is recorded as such.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { mintCode } from '../../scripts/issuer/mint.ts';
import { EventFeed, Stack, waitFor } from '../../scripts/lib/stack.ts';
import { loadShippedVenue, venueDevices } from '../../scripts/lib/venue-devices.ts';
import { PassSensorSim, RelaySim } from '../../scripts/sim/index.ts';
import type { Health, VerdictMessage } from '../src/api/index.ts';
import { holderOfCode } from '../src/protocol/index.ts';
import type { Venue } from '../src/venue/index.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

const GRANT_S = 5;
const shipped = loadShippedVenue('museum-gate');
/** The museum open all week, codes only, on its access list, three people a day, its gate watched by a beam. */
const museum: Venue = {
  ...shipped,
  inputs: { codes: [{ type: 'personal' }] },
  hours: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }],
  actions: [{ do: 'open-gate', relay: 'relay-1', pulse_ms: 300, pass_sensor: 'sensor-1', grant_s: GRANT_S }],
  access: { lists: ['access'], max_feed_age_s: 86_400, anti_passback_s: 1800, capacity: { per_day: 3 } },
};
const people = ['u-ann', 'u-bo', 'u-cai', 'u-dai'];

let dir: string;
let stack: Stack;
let feed: EventFeed;
let relay: RelaySim;
let sensor: PassSensorSim;

before(async () => {
  dir = tempDir('yss-gate-grants-');
  stack = await new Stack({ dir, venue: museum, devices: venueDevices(museum), feeds: { access: people.map((sub) => ({ holder: holderOfCode('CN-44', sub) })) }, sync: { trust_poll_s: 1, heartbeat_s: 1 } }).start();
  feed = await EventFeed.open(stack.kioskUrl);
  relay = await RelaySim.open(stack.peers['relay-1']!);
  sensor = await PassSensorSim.open(stack.peers['sensor-1']!);
  await waitFor(async () => {
    const h = (await (await fetch(new URL('/api/health', stack.kioskUrl))).json()) as Health;
    return h.feeds.every((f) => f.version === 1) && h.devices.length === 3 && h.devices.every((d) => d.state === 'connected');
  }, 30_000, 100, 'the access list and every device, the sensor connected');
});

after(async () => {
  feed?.close();
  await sensor?.close();
  await relay?.close();
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function scan(sub: string): Promise<VerdictMessage> {
  const before = feed.lastSeq();
  stack.scan(mintCode({ keys: stack.keysDir, sub }));
  return feed.nextVerdict(before, 15_000);
}

function query<T>(sql: string, ...args: unknown[]): T[] {
  const db = new Database(join(stack.dir, 'terminal-data', 'terminal.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...args) as T[];
  } finally {
    db.close();
  }
}

/** The queued events of `type` whose body points at verdict `seq` (or, with null, at none). */
const eventsOf = (type: string, seq: number | null) =>
  query<{ body: string }>('SELECT body FROM events WHERE type = ? ORDER BY seq', type)
    .map((r) => JSON.parse(r.body) as Record<string, unknown>)
    .filter((b) => b.of_seq === seq);
/** Resolves with the events once there are more than `skip`. */
const more = (type: string, seq: number | null, what: string, timeoutMs = 10_000, skip = 0) =>
  waitFor(() => {
    const found = eventsOf(type, seq);
    return found.length > skip ? found.slice(skip) : undefined;
  }, timeoutMs, 50, what);
const admittedToday = () => query<{ n: number }>("SELECT n FROM access_admitted WHERE slot = ''")[0]?.n ?? 0;

test('a passage within the grant counts and arms anti-passback; noise on the line before it is dropped', async () => {
  const ann = await scan('u-ann');
  assert.equal(ann.accepted, true, `refused as ${ann.reason}`);
  assert.deepEqual(ann.effects, [{ kind: 'gate', relay: 'relay-1', pulse_ms: 300, pass_sensor: 'sensor-1', grant_s: GRANT_S, grant: 'waiting' }]);
  await sensor.raw(Buffer.from([0xff, 0xa1, 0x01, 0x01, 0x00])); // a broken frame: wrong sum
  await sensor.pass();
  const [passed] = await more('gate_passage', ann.seq, 'the passage of the first grant');
  assert.deepEqual(passed, { sensor: 'sensor-1', of_seq: ann.seq, party: 1 });
  assert.equal(admittedToday(), 1);
  const again = await scan('u-ann');
  assert.deepEqual([again.accepted, again.reason], [false, 'anti_passback']);
  // Past the grant: the passage still stands.
  await new Promise((r) => setTimeout(r, GRANT_S * 1000 + 500));
  assert.equal(eventsOf('grant_lapsed', ann.seq).length, 0);
  assert.equal(admittedToday(), 1);
});

test('a grant nobody walks through lapses: uncounted, anti-passback not armed, grant_lapsed queued, and the place goes to the next person', async () => {
  const bo = await scan('u-bo');
  assert.equal(bo.accepted, true, `refused as ${bo.reason}`);
  assert.equal(admittedToday(), 2, 'held while the grant runs');
  const [lapsed] = await more('grant_lapsed', bo.seq, 'the grant to lapse', GRANT_S * 1000 + 15_000);
  assert.deepEqual(lapsed, { of_seq: bo.seq, sensor: 'sensor-1', day: query<{ day: string }>("SELECT day FROM access_admitted WHERE slot = ''")[0]!.day, slot: null, party: 1 });
  assert.equal(JSON.stringify(lapsed).includes(holderOfCode('CN-44', 'u-bo')), false, 'the lapse names nobody');
  assert.equal(admittedToday(), 1, 'taken back');
  assert.equal(query('SELECT 1 FROM access_passages WHERE holder = ?', holderOfCode('CN-44', 'u-bo')).length, 0, 'anti-passback not armed');
  const boAgain = await scan('u-bo');
  assert.equal(boAgain.accepted, true, `a lapsed grant's holder may scan again, refused as ${boAgain.reason}`);
  await sensor.pass();
  await more('gate_passage', boAgain.seq, 'the second grant passed');
  // Three a day: Ann, Bo (second grant) and Cai; without the lapse taken back Cai would be the fourth.
  const cai = await scan('u-cai');
  assert.equal(cai.accepted, true, `refused as ${cai.reason}`);
  await sensor.pass();
  await more('gate_passage', cai.seq, 'the third grant passed');
  const dai = await scan('u-dai');
  assert.deepEqual([dai.accepted, dai.reason], [false, 'day_full']);
  assert.equal(admittedToday(), 3);
});

test('a passage with no grant waiting is recorded as not granted', async () => {
  const before = eventsOf('gate_passage', null).length;
  await sensor.pass();
  const [tail] = await more('gate_passage', null, 'an ungranted passage', 10_000, before);
  assert.deepEqual(tail, { sensor: 'sensor-1', of_seq: null, granted: false });
  assert.equal(admittedToday(), 3, 'nothing counted for it');
});
