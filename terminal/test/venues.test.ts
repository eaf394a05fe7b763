// Every venue file in fixtures/venues/, end to end: loaded and validated, run by the real daemon
// with the simulated devices it needs (derived from the file alone, as `npm start -- --venue`
// does), and driven over real serial bytes: a reading it takes, and one it refuses. The venues'
// terminals are enrolled on one real sync-service process, started once for the file (a service
// serves many terminals and venues; a start per venue cost a CPU second each). Opening hours
// are widened to the whole week so that every path runs whatever the time of day; a last test
// runs one venue with hours that exclude today (derived from the clock) and expects `outside_hours`.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { mintCode, type MintOptions } from '../../scripts/issuer/mint.ts';
import { EventFeed, Stack, waitFor } from '../../scripts/lib/stack.ts';
import { acceptedCode, drivenVenue, feedsFor, loadShippedVenue, venueDevices, VENUES_DIR } from '../../scripts/lib/venue-devices.ts';
import { IdCardSim, MrzSim, PrinterSim, RelaySim } from '../../scripts/sim/index.ts';
import type { Health, VerdictMessage } from '../src/api/index.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

const SAMPLE_CARD = {
  name: '王小红',
  sex: '2',
  nation: '01',
  birth: '19491231',
  address: '北京市东城区某街1号',
  id_number: '11010519491231002X',
  authority: '北京市公安局东城分局',
  valid_from: '20200101',
  valid_to: '20400101',
};

/** One refusal per venue, each a hole issue 11 lists or a rule the venue file states. */
const REFUSALS: Record<string, { what: string; reason: string; codes(keys: string, now: number): MintOptions[] }> = {
  desk: { what: 'a health code without a status', reason: 'health_status_unknown', codes: (keys, at) => [{ keys, at, health: 'none' }] },
  window: {
    what: 'an expired e-certificate',
    reason: 'document_expired',
    codes: (keys, at) => [{ keys, at, credential: { type: 'social-security-card', no: '440106199001011234', holder: '陈大文', issuer_name: '广东省人社厅', valid_until: '2020-01-01' } }],
  },
  'health-checkpoint': { what: 'a health code without a status', reason: 'health_status_unknown', codes: (keys, at) => [{ keys, at, health: 'none' }] },
  hotel: {
    what: 'an expired driving licence (no identity)',
    reason: 'type_not_allowed',
    codes: (keys, at) => [{ keys, at, credential: { type: 'driver-license', no: '4401**1234', holder: '陈大文', valid_until: '2020-03-01' } }],
  },
  homestay: {
    what: 'a personal code without the nationality a homestay must report',
    reason: 'authorization_required',
    codes: (keys, at) => [{ keys, at, scope: ['hotel-checkin'], name: '陈大文', subject: { doc_type: 'CN-RIC', doc_no: '440106199001011234', birth_date: '1990-01-01' } }],
  },
  hall: { what: 'an e-certificate at a ticket machine', reason: 'type_not_allowed', codes: (keys, at) => [{ keys, at, credential: { type: 'resident-id' } }] },
  'hall-appointments': { what: 'an e-certificate at a ticket machine', reason: 'type_not_allowed', codes: (keys, at) => [{ keys, at, credential: { type: 'resident-id' } }] },
  hospital: { what: 'a personal code without the check-in authorization', reason: 'authorization_required', codes: (keys, at) => [{ keys, at, name: '陈大文' }] },
  'museum-gate': { what: 'a health code', reason: 'type_not_allowed', codes: (keys, at) => [{ keys, at, health: 'green' }] },
  'campus-gate': {
    what: 'a second fresh code of the same person within a minute (anti-passback)',
    reason: 'anti_passback',
    codes: (keys, at) => [
      { keys, at, sub: 'u-student-1' },
      { keys, at, sub: 'u-student-1' },
    ],
  },
  library: { what: 'a Beijing personal code', reason: 'issuer_not_accepted', codes: (keys, at) => [{ keys, at, issuer: 'CN-11' }] },
  meeting: { what: 'a holder not on the roster', reason: 'not_on_roster', codes: (keys, at) => [{ keys, at, sub: 'u-not-invited' }] },
  'library-loans': { what: 'a Beijing personal code', reason: 'issuer_not_accepted', codes: (keys, at) => [{ keys, at, issuer: 'CN-11' }] },
};

interface Site {
  dir: string;
  stack: Stack;
  feed: EventFeed;
  idcard?: IdCardSim;
  mrz?: MrzSim;
  printer?: PrinterSim;
  relay?: RelaySim;
}

/** The one service every venue's terminal syncs with: issuer keys, trust list, no terminal of its own. */
let host: Stack;
const hostDir = tempDir('yss-venues-service-');

before(async () => {
  host = new Stack({ dir: hostDir });
  await host.startService();
  await host.publishTrustList(1);
});

after(async () => {
  await host?.stop();
  rmSync(hostDir, { recursive: true, force: true });
});

const venueNames = readdirSync(VENUES_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5))
  .sort();

test('the shipped venues are the ones docs/config.md lists', () => {
  assert.deepEqual(venueNames, ['campus-gate', 'desk', 'hall', 'hall-appointments', 'health-checkpoint', 'homestay', 'hospital', 'hotel', 'library', 'library-loans', 'meeting', 'museum-gate', 'window']);
});

for (const name of venueNames) {
  describe(`venue ${name}`, () => {
    const venue = loadShippedVenue(name);
    let site: Site;

    before(async () => {
      const dir = tempDir(`yss-venue-${name}-`);
      const driven = venue.hours || venue.loans ? drivenVenue(venue) : name;
      const stack = await new Stack({ dir, venue: driven, devices: venueDevices(venue, { statusPollMs: 0 }), feeds: feedsFor(venue), serviceOf: host }).start();
      site = { dir, stack, feed: await EventFeed.open(stack.kioskUrl) };
      const peer = (id: string) => stack.peers[id]!;
      if (venue.inputs.idcard) site.idcard = await IdCardSim.open(peer('idcard-1'));
      if (venue.inputs.mrz) site.mrz = await MrzSim.open(peer('mrz-1'));
      if (stack.peers['printer-1']) site.printer = await PrinterSim.open(peer('printer-1'));
      if (stack.peers['relay-1']) site.relay = await RelaySim.open(peer('relay-1'));
      await waitFor(async () => {
        const h = (await (await fetch(new URL('/api/health', stack.kioskUrl))).json()) as Health;
        // A hall ticket machine also waits for its first block of numbers from the hall's allocator;
        // a venue deciding from data feeds, for its feeds (docs/feeds.md).
        return h.devices.every((d) => d.state === 'connected') && Object.values(h.hall_numbers?.held ?? {}).every((n) => n > 0) && h.feeds.every((f) => f.version !== null);
      }, 20_000, 50, 'every device to connect (and the first numbers, and the feeds)');
    });

    after(async () => {
      if (!site) return;
      site.feed.close();
      await site.idcard?.port.close();
      await site.mrz?.close();
      await site.printer?.port.close();
      await site.relay?.port.close();
      await site.stack.stop();
      rmSync(site.dir, { recursive: true, force: true });
    });

    const events = (type: string) => {
      const db = new Database(join(site.stack.dir, 'terminal-data', 'terminal.db'), { readonly: true, fileMustExist: true });
      try {
        return (db.prepare('SELECT seq, body, sealed FROM events WHERE type = ? ORDER BY seq').all(type) as { seq: number; body: string; sealed: string | null }[]).map((r) => ({ ...r, body: JSON.parse(r.body) as Record<string, unknown> }));
      } finally {
        db.close();
      }
    };

    test(`refuses what the file does not allow: ${REFUSALS[name]?.what ?? '(no case)'}`, async () => {
      const r = REFUSALS[name];
      assert.ok(r, `a refusal case for ${name}`);
      const relayBefore = site.relay?.events.length ?? 0;
      let seq = site.feed.lastSeq();
      let v: VerdictMessage | null = null;
      const codes = r.codes(site.stack.keysDir, Math.floor(Date.now() / 1000));
      for (const opts of codes) {
        site.stack.scan(mintCode(opts));
        v = await site.feed.nextVerdict(seq, 15_000);
        seq = v.seq;
      }
      assert.deepEqual([v!.accepted, v!.reason], [false, r.reason]);
      assert.deepEqual(v!.effects, []);
      if (site.relay) {
        const moves = codes.length > 1 ? 2 : 0; // the first of two codes was accepted and pulsed
        await waitFor(() => site.relay!.events.length - relayBefore >= moves, 5000, 20, 'the accepted pulse');
        await new Promise((res) => setTimeout(res, 300));
        assert.equal(site.relay.events.length - relayBefore, moves, 'the relay moved only for what was accepted');
      }
    });

    test('takes a reading it lists and does what the file says', async () => {
      const now = Math.floor(Date.now() / 1000);
      const before = site.feed.lastSeq();
      const mint = acceptedCode(venue, site.stack.keysDir, now);
      if (mint) site.stack.scan(mintCode(mint));
      else site.idcard!.place(SAMPLE_CARD);
      const v: VerdictMessage = await site.feed.nextVerdict(before, 15_000);
      assert.equal(v.scenario, venue.name);
      assert.equal(v.accepted, true, `refused as ${v.reason}`);
      const [event] = events(venue.event).filter((e) => e.seq === v.seq);
      assert.ok(event, `an event of type ${venue.event}`);
      assert.equal(event.sealed !== null, venue.record.fields.length > 0, 'personal data sealed exactly when the venue records fields');
      // A venue with appointments issues the ticket of the appointment's service only (the visitor's is the first's).
      const firstTicket = venue.actions.find((a) => a.do === 'print-ticket');
      for (const a of venue.actions) {
        if (a.do === 'print-ticket' && (!venue.appointments || a === firstTicket)) {
          const t = v.effects.find((e) => e.kind === 'ticket') as { number: string } | undefined;
          assert.match(t?.number ?? '', new RegExp(`^${a.prefix}\\d{3}$`));
          const printed = await waitFor(() => site.printer!.tickets.find((x) => x.includes(t!.number)), 10_000, 20, 'the ticket on paper');
          assert.match(printed, new RegExp(a.service));
        }
        if (a.do === 'open-gate') {
          await waitFor(() => site.relay!.events.length >= 2, 5000, 20, 'the relay to close and open');
          assert.deepEqual(site.relay!.events.slice(0, 2).map((e) => e.closed), [true, false]);
          const outcome = await waitFor(() => events('gate').find((e) => e.body.of_seq === v.seq), 5000, 50, 'the relay outcome event');
          assert.deepEqual([outcome.body.relay, outcome.body.outcome], [a.relay, 'pulsed']);
        }
        if (a.do === 'collect-details') {
          // Durable: the terminal restarts between the scan and the room number.
          await site.stack.stopTerminal();
          await site.stack.startTerminal();
          const r = await fetch(new URL('/api/registration', site.stack.kioskUrl), {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ seq: v.seq, room: '815', guests: 2 }),
          });
          const answer = (await r.json()) as { ok: boolean; detail: string };
          assert.equal(answer.ok, true, answer.detail);
          if (venue.stay) {
            // A venue with stays places the guest in the room's stay (daemon/stays.ts).
            const joined = events('guest_in').find((e) => e.body.of_seq === v.seq);
            assert.deepEqual([joined?.body.room, joined?.body.head_count, joined?.body.main], ['815', 2, true]);
          } else {
            const detail = events('registration_detail').find((e) => e.body.of_seq === v.seq);
            assert.deepEqual([detail?.body.room, detail?.body.guests], ['815', 2]);
          }
        }
      }
    });
  });
}

test('a venue outside its opening hours refuses with outside_hours, judged by the clock in China time', async () => {
  const venue = loadShippedVenue('library');
  // ISO weekday in UTC+8 now; open only on the five days that are neither today nor tomorrow, so a
  // midnight between computing and scanning cannot open it.
  const today = ((new Date(Date.now() + 8 * 3600_000).getUTCDay() + 6) % 7) + 1;
  const days = [1, 2, 3, 4, 5, 6, 7].filter((d) => d !== today && d !== (today % 7) + 1);
  const dir = tempDir('yss-venue-closed-');
  const stack = await new Stack({ dir, venue: { ...venue, hours: [{ days, from: '00:00', to: '24:00' }] }, devices: venueDevices(venue, { statusPollMs: 0 }), serviceOf: host }).start();
  const feed = await EventFeed.open(stack.kioskUrl);
  try {
    const before = feed.lastSeq();
    const mint = acceptedCode(venue, stack.keysDir, Math.floor(Date.now() / 1000));
    assert.ok(mint, 'the library takes personal codes');
    stack.scan(mintCode(mint));
    const v: VerdictMessage = await feed.nextVerdict(before, 15_000);
    assert.deepEqual([v.accepted, v.reason], [false, 'outside_hours']);
  } finally {
    feed.close();
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
