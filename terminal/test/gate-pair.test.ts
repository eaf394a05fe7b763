// Entry and exit readers on one gate terminal (docs/feeds.md#entry-and-exit-readers), on real
// processes: the sync service and the daemon on loopback, two serial scanners on two ptys (the
// entry's and the exit's) and the relay on a third. An entry needs the holder outside, an exit
// needs them inside, the party goes in and out together, and each passage event counts who is in.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { mintCode } from '../../scripts/issuer/mint.ts';
import { EventFeed, Stack, waitFor } from '../../scripts/lib/stack.ts';
import { loadShippedVenue, venueDevices } from '../../scripts/lib/venue-devices.ts';
import { RelaySim } from '../../scripts/sim/index.ts';
import type { Health, VerdictMessage } from '../src/api/index.ts';
import { holderOfCode } from '../src/protocol/index.ts';
import { localDay } from '../src/scenarios/index.ts';
import type { Venue } from '../src/venue/index.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

const shipped = loadShippedVenue('museum-gate');
/** The museum open all week, codes only, its second scanner reading people out. */
const museum: Venue = {
  ...shipped,
  inputs: { codes: [{ type: 'personal' }] },
  hours: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }],
  access: { ...shipped.access!, exit_readers: ['scanner-2'] },
};
const holder = (sub: string) => holderOfCode('CN-44', sub);
const now = Math.floor(Date.now() / 1000);
/** Booked for the whole of today and tomorrow (China time), so a midnight during the run changes nothing. */
const allDay = (sub: string, party: number) => [localDay(now), localDay(now + 86_400)].map((date) => ({ holder: holder(sub), date, from: '00:00', to: '24:00', party }));

let dir: string;
let stack: Stack;
let feed: EventFeed;
let relay: RelaySim;
let exitFd: number | null = null;

before(async () => {
  dir = tempDir('yss-gate-pair-');
  const devices = [...venueDevices(museum, { statusPollMs: 0 }), { id: 'scanner-2', role: 'scanner' as const, kind: 'serial-scanner' as const, baud: 9600 as const, framing: 'cr' as const }];
  stack = await new Stack({ dir, venue: museum, devices, feeds: { bookings: allDay('u-family', 3), access: [{ holder: holder('u-member') }] }, sync: { trust_poll_s: 1, heartbeat_s: 1 } }).start();
  feed = await EventFeed.open(stack.kioskUrl);
  relay = await RelaySim.open(stack.peers['relay-1']!);
  await waitFor(async () => {
    const h = (await (await fetch(new URL('/api/health', stack.kioskUrl))).json()) as Health;
    return h.feeds.every((f) => f.version === 1) && h.devices.every((d) => d.state === 'connected');
  }, 30_000, 100, 'both feeds and every device');
});

after(async () => {
  if (exitFd !== null) closeSync(exitFd);
  feed?.close();
  await relay?.port.close();
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A fresh code of `sub` read by the entry scanner (scanner-1) or the exit scanner (scanner-2), as bytes on its pty. */
async function scan(sub: string, at: 'entry' | 'exit'): Promise<VerdictMessage> {
  const before = feed.lastSeq();
  const text = mintCode({ keys: stack.keysDir, sub });
  if (at === 'entry') stack.scan(text);
  else {
    exitFd ??= openSync(stack.peers['scanner-2']!, 'w');
    writeSync(exitFd, `${text}\r`);
  }
  return feed.nextVerdict(before, 15_000);
}

function body(seq: number): Record<string, unknown> {
  const db = new Database(join(stack.dir, 'terminal-data', 'terminal.db'), { readonly: true, fileMustExist: true });
  try {
    return JSON.parse(db.prepare('SELECT body FROM events WHERE seq = ?').pluck().get(seq) as string) as Record<string, unknown>;
  } finally {
    db.close();
  }
}

test('in through the entry scanner, out through the exit scanner: anti-passback between them, the party together, occupancy in each event, the relay only for passages', async () => {
  const relayBefore = relay.events.length;
  const early = await scan('u-family', 'exit');
  assert.deepEqual([early.accepted, early.reason], [false, 'anti_passback'], 'out before in');
  const family = await scan('u-family', 'entry');
  assert.equal(family.accepted, true, `refused as ${family.reason}`);
  assert.deepEqual([body(family.seq).direction, body(family.seq).party, body(family.seq).occupancy, body(family.seq).device], ['entry', 3, 3, 'scanner-1']);
  const again = await scan('u-family', 'entry');
  assert.deepEqual([again.accepted, again.reason], [false, 'anti_passback'], 'in twice');
  const member = await scan('u-member', 'entry');
  assert.equal(body(member.seq).occupancy, 4);
  const out = await scan('u-family', 'exit');
  assert.equal(out.accepted, true, `refused as ${out.reason}`);
  assert.deepEqual([body(out.seq).direction, body(out.seq).party, body(out.seq).occupancy, body(out.seq).device], ['exit', 3, 1, 'scanner-2']);
  const back = await scan('u-family', 'entry');
  assert.deepEqual([back.accepted, body(back.seq).occupancy], [true, 4], 'out, then in again');
  // Four passages (family in, member in, family out, family in): the relay pulsed (on and off) for each, for nothing else.
  await waitFor(() => relay.events.length - relayBefore >= 8, 10_000, 20, 'four pulses');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(relay.events.length - relayBefore, 8);
});
