// Venue data feeds end to end: a real sync service and terminal daemon on loopback, the museum
// gate's relay and scanner on ptys. The operator imports bookings and the access list; the terminal
// pulls them and decides offline: allowed, not on the list, slot full, anti-passback, a feed that
// never arrived; a new version arriving while codes are scanned is seen whole or not at all; a
// small change to a large list arrives as a delta; a malformed import is refused with its row
// numbers and changes nothing.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
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
/**
 * The museum open all week (the drive runs at any hour), taking codes only (documents are the
 * venue test's job), with small slots, so a second group overflows one.
 */
const museum: Venue = {
  ...shipped,
  inputs: { codes: [{ type: 'personal' }] },
  hours: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }],
  access: { ...shipped.access!, capacity: { per_slot: 4, per_day: 500 } },
};

const holder = (sub: string) => holderOfCode('CN-44', sub);
/** A booking for the whole of today and of tomorrow (China time), so a midnight during the drive changes nothing. */
function allDay(sub: string, party: number) {
  const now = Math.floor(Date.now() / 1000);
  return [localDay(now), localDay(now + 86_400)].map((date) => ({ holder: holder(sub), date, from: '00:00', to: '24:00', party }));
}

interface Site {
  dir: string;
  stack: Stack;
  feed: EventFeed;
  relay: RelaySim;
}

async function open(venue: Venue, feeds: Record<string, unknown[]>): Promise<Site> {
  const dir = tempDir('yss-feeds-e2e-');
  // Feeds polled every second and heartbeats every second: the drive sees updates arrive.
  const stack = await new Stack({ dir, venue, devices: venueDevices(venue, { statusPollMs: 0 }), feeds, sync: { trust_poll_s: 1, heartbeat_s: 1 } }).start();
  let site: Partial<Site> = { dir, stack };
  try {
    site = { ...site, feed: await EventFeed.open(stack.kioskUrl), relay: await RelaySim.open(stack.peers['relay-1']!) };
    await waitFor(async () => (await health(site as Site)).devices.every((d) => d.state === 'connected'), 20_000, 50, 'every device to connect');
    return site as Site;
  } catch (e) {
    await close(site);
    throw e;
  }
}

async function close(site: Partial<Site> | undefined): Promise<void> {
  for (const d of opened.splice(0)) d.close();
  if (!site) return;
  site.feed?.close();
  await site.relay?.port.close();
  await site.stack?.stop();
  if (site.dir) rmSync(site.dir, { recursive: true, force: true });
}

async function health(site: Site): Promise<Health> {
  return (await (await fetch(new URL('/api/health', site.stack.kioskUrl))).json()) as Health;
}

async function scan(site: Site, sub: string): Promise<VerdictMessage> {
  const before = site.feed.lastSeq();
  site.stack.scan(mintCode({ keys: site.stack.keysDir, sub }));
  return site.feed.nextVerdict(before, 15_000);
}

/** The terminal's own database, read only (closed when the site closes). */
function db(site: Site): Database.Database {
  const d = new Database(join(site.stack.dir, 'terminal-data', 'terminal.db'), { readonly: true, fileMustExist: true });
  opened.push(d);
  return d;
}
const opened: Database.Database[] = [];

/** The body of the committed passage event of a verdict, from the terminal's own database. */
function eventBody(site: Site, seq: number): Record<string, unknown> {
  const db = new Database(join(site.stack.dir, 'terminal-data', 'terminal.db'), { readonly: true, fileMustExist: true });
  try {
    return JSON.parse((db.prepare('SELECT body FROM events WHERE seq = ?').pluck().get(seq) as string) ?? 'null') as Record<string, unknown>;
  } finally {
    db.close();
  }
}

describe('a museum gate deciding from its feeds', () => {
  let site: Site;
  before(async () => {
    site = await open(museum, {
      bookings: [...allDay('u-family', 3), ...allDay('u-pair', 2)],
      access: [{ holder: holder('u-member') }],
    });
    await waitFor(async () => (await health(site)).feeds.every((f) => f.version === 1), 20_000, 50, 'both feeds to arrive');
  });
  after(() => close(site));

  test('health and the heartbeat report each feed held, its version and age', async () => {
    const h = await health(site);
    assert.deepEqual(h.feeds.map((f) => [f.kind, f.version, f.rows, f.stale]), [['access', 1, 1, false], ['bookings', 1, 4, false]]);
    assert.ok(h.feeds.every((f) => f.age_s !== null && f.age_s < 60));
    assert.ok(!h.degraded.some((d) => d.startsWith('feed_')));
    const id = (await site.stack.admin('GET', '/admin/terminals')).terminals[0].id as string;
    const hb = await waitFor(async () => {
      const t = await site.stack.admin('GET', `/admin/terminals/${id}`);
      const feeds = t.heartbeat?.feeds as { kind: string; version: number | null }[] | undefined;
      return feeds?.length === 2 && feeds.every((f) => f.version === 1) ? feeds : undefined;
    }, 15_000, 200, 'a heartbeat with both feeds held');
    assert.deepEqual(hb.map((f) => [f.kind, f.version]), [['access', 1], ['bookings', 1]]);
  });

  test('a booked family passes and the relay pulses once; the event counts the party, not who', async () => {
    const relayBefore = site.relay.events.length;
    const v = await scan(site, 'u-family');
    assert.equal(v.accepted, true, `refused as ${v.reason}`);
    assert.deepEqual(v.effects, [{ kind: 'gate', relay: 'relay-1', pulse_ms: 500 }]);
    await waitFor(() => site.relay.events.length - relayBefore >= 2, 5000, 20, 'the pulse');
    const body = eventBody(site, v.seq);
    assert.deepEqual([body.admitted_by, body.party, body.slot, body.feeds], ['bookings', 3, '00:00-24:00', { bookings: 1, access: 1 }]);
    assert.ok(!JSON.stringify(body).includes(holder('u-family')));
  });

  test('a stranger is not on the list; the second group does not fit the slot; the family again is anti-passback; the relay stays still', async () => {
    const relayBefore = site.relay.events.length;
    const stranger = await scan(site, 'u-stranger');
    assert.deepEqual([stranger.accepted, stranger.reason], [false, 'not_on_list']);
    const pair = await scan(site, 'u-pair');
    assert.deepEqual([pair.accepted, pair.reason], [false, 'slot_full'], '3 of 4 places taken, a party of 2');
    const again = await scan(site, 'u-family');
    assert.deepEqual([again.accepted, again.reason], [false, 'anti_passback']);
    const member = await scan(site, 'u-member');
    assert.equal(member.accepted, true, 'the access list admits outside any slot');
    await waitFor(() => site.relay.events.length - relayBefore >= 2, 5000, 20, 'the member\'s pulse');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(site.relay.events.length - relayBefore, 2, 'the relay moved only for the member');
  });

  test('a malformed import is refused whole with its row numbers and fields; the terminal keeps the version it has', async () => {
    const bad = [{ holder: holder('u-new') }, { holder: '440106199003071231' }, { holder: holder('u-x'), valid_until: '2026-02-30x' }];
    await assert.rejects(site.stack.importFeed('access', bad), (e: Error) => {
      assert.match(e.message, /HTTP 400/);
      assert.match(e.message, /YSS_SYNC_FEED_INVALID/);
      assert.match(e.message, /row 2 holder: is a plain ID number/);
      assert.match(e.message, /row 3 valid_until: expected a date/);
      return true;
    });
    const v = await site.stack.admin('GET', '/admin/venues/museum-gate');
    assert.equal(v.feeds.find((f: { kind: string }) => f.kind === 'access').version, 1);
    assert.equal((await scan(site, 'u-new')).reason, 'not_on_list');
  });

  test('a new access list arriving while codes are scanned: every decision saw the old list or the new, whole', async () => {
    // v2: a large list that drops the old set and admits a new one; it takes the terminal a while to install.
    const oldSet = Array.from({ length: 20 }, (_, i) => `u-old-${i}`);
    const newSet = Array.from({ length: 20 }, (_, i) => `u-new-${i}`);
    const v1 = await site.stack.importFeed('access', [{ holder: holder('u-member') }, ...oldSet.map((s) => ({ holder: holder(s) }))]);
    await waitFor(async () => (await health(site)).feeds.find((f) => f.kind === 'access')?.version === v1, 15_000, 50, `access v${v1}`);
    const filler = Array.from({ length: 30_000 }, (_, i) => ({ holder: holderOfCode('CN-44', `u-filler-${i}`) }));
    const decided: { sub: string; v: VerdictMessage }[] = [];
    let imported: Promise<number> | null = null;
    for (let i = 0; i < 40; i++) {
      const sub = i % 2 === 0 ? oldSet[i / 2]! : newSet[(i - 1) / 2]!;
      decided.push({ sub, v: await scan(site, sub) });
      if (i === 3) imported = site.stack.importFeed('access', [...newSet.map((s) => ({ holder: holder(s) })), ...filler]);
      const versions = decided.map((d) => eventBody(site, d.v.seq).feeds as { access: number });
      if (i > 6 && versions.at(-1)!.access > v1 && versions.at(-2)!.access > v1) break;
      // Paced while the new list is on its way, so its pull and install fall among the scans however
      // fast the machine scans (unpaced, a quiet machine made all 40 decisions before it arrived).
      if (i > 3 && versions.at(-1)!.access === v1) await new Promise((r) => setTimeout(r, 250));
    }
    const v2 = await imported!;
    let last = 0;
    let sawOld = 0;
    let sawNew = 0;
    for (const { sub, v } of decided) {
      const version = (eventBody(site, v.seq).feeds as { access: number }).access;
      assert.ok(version >= last, 'the version never goes back');
      last = version;
      const inOld = sub.startsWith('u-old');
      const expected = version === v1 ? inOld : !inOld;
      assert.equal(v.accepted, expected, `${sub} decided on v${version}: ${v.reason}`);
      if (version === v1) sawOld++;
      else if (version === v2) sawNew++;
      else assert.fail(`a decision on v${version}, neither v${v1} nor v${v2}`);
    }
    assert.ok(sawOld >= 2 && sawNew >= 2, `decisions on both versions (old ${sawOld}, new ${sawNew})`);
    assert.equal((await health(site)).feeds.find((f) => f.kind === 'access')!.rows, 30_020);
  });

  test('a small change to the large list arrives as a delta: the two holders it names change, the 30,000 others stay filed where they were', async () => {
    const held = (await health(site)).feeds.find((f) => f.kind === 'access')!;
    const big = db(site).prepare('SELECT r.row FROM feed_rows r JOIN feed_meta m ON m.kind = r.kind AND m.rows_version = r.version WHERE r.kind = ? AND r.holder <> ? ORDER BY r.holder').pluck();
    const rows = (big.all('access', holder('u-new-0')) as string[]).map((r) => JSON.parse(r) as { holder: string });
    const v = await site.stack.importFeed('access', [...rows, { holder: holder('u-late') }]);
    await waitFor(async () => (await health(site)).feeds.find((f) => f.kind === 'access')?.version === v, 15_000, 50, `access v${v}`);
    const meta = db(site).prepare("SELECT version, rows_version, rows FROM feed_meta WHERE kind = 'access'").get() as { version: number; rows_version: number; rows: number };
    assert.deepEqual(meta, { version: v, rows_version: held.version, rows: 30_020 }, 'applied in place over the held rows, not installed whole');
    assert.equal((await scan(site, 'u-late')).accepted, true);
    const gone = await scan(site, 'u-new-0');
    assert.deepEqual([gone.accepted, gone.reason], [false, 'not_on_list']);
    assert.deepEqual((eventBody(site, gone.seq).feeds as { access: number }).access, v);
  });
});

describe('a museum gate whose bookings never arrived', () => {
  let site: Site;
  before(async () => {
    site = await open(museum, { access: [{ holder: holder('u-member') }] });
    await waitFor(async () => (await health(site)).feeds.find((f) => f.kind === 'access')?.version === 1, 20_000, 50, 'the access list');
  });
  after(() => close(site));

  test('refuses to decide (feed_too_old) and says so in health, until the bookings arrive', async () => {
    const h = await health(site);
    assert.ok(h.degraded.includes('feed_bookings'), JSON.stringify(h.degraded));
    const v = await scan(site, 'u-member');
    assert.deepEqual([v.accepted, v.reason], [false, 'feed_too_old']);
    await site.stack.importFeed('bookings', allDay('u-family', 1));
    await waitFor(async () => !(await health(site)).degraded.includes('feed_bookings'), 15_000, 50, 'the bookings to arrive');
    assert.equal((await scan(site, 'u-member')).accepted, true);
  });
});
