// A hotel's stays end to end through the real daemon and service on loopback, with real serial
// bytes from an ID-card reader and an MRZ reader on ptys: a couple with a child (two ID cards and
// a personal code) in one room, a foreign guest by passport whose details the clerk adds, an
// expired card refused, the same guest again flagged, a daemon restart between a scan and its
// registration, and check-out by scan and by room. The service receives every step as an event,
// the personal parts sealed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { StaysOverview, StayRegistrationResult, StayView } from '../src/api/index.ts';
import { mintCode } from '../../scripts/issuer/mint.ts';
import { IdCardSim, MrzSim } from '../../scripts/sim/index.ts';
import { EventFeed, Stack, waitFor } from '../../scripts/lib/stack.ts';
import { closeHotelFront, DeskApi, openHotelFront, presentCard } from './support/desk.ts';
import { dateIn, HER, HIM, passportZone } from './support/documents.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

let dir: string;
let stack: Stack;
let feed: EventFeed;
let idcard: IdCardSim;
let mrz: MrzSim;
let desk: DeskApi;

before(async () => {
  dir = tempDir('yss-hotel-stay-');
  ({ stack, idcard, mrz, feed } = await openHotelFront(dir));
  desk = new DeskApi(() => stack.kioskUrl);
  await desk.login(stack.staffPin);
});

after(async () => {
  await closeHotelFront(dir, { stack, idcard, mrz, feed });
});

let room815: StayView;

test('a couple with a child: two ID cards and a personal code make one stay of three, the first card the main guest', async () => {
  const him = await presentCard(feed, idcard, { ...HIM, valid_to: dateIn(10, true) });
  assert.equal(him.accepted, true, String(him.reason));
  const r1 = await desk.call<StayRegistrationResult>('POST', '/api/registration', { seq: him.seq, room: '815', guests: 3 }, false);
  assert.equal(r1.body.ok, true, r1.body.detail);
  const her = await presentCard(feed, idcard, { ...HER, valid_to: dateIn(10, true) });
  assert.equal((await desk.call<StayRegistrationResult>('POST', '/api/registration', { seq: her.seq, room: '815', guests: 3 }, false)).body.ok, true);
  const seq = feed.lastSeq();
  stack.scan(mintCode({ keys: stack.keysDir, name: '陈小明', scope: ['hotel-checkin'], subject: { doc_type: 'CN-RIC', doc_no: '110101201803070012' } }));
  const child = await feed.nextVerdict(seq);
  assert.equal(child.accepted, true, String(child.reason));
  const r3 = await desk.call<StayRegistrationResult>('POST', '/api/registration', { seq: child.seq, room: '815', guests: 3 }, false);
  assert.equal(r3.body.ok, true, r3.body.detail);
  room815 = r3.body.stay!;
  assert.deepEqual(room815.guests.map((g) => [g.name_masked, g.main]), [['陈*文', true], ['李*红', false], ['陈*明', false]]);
  assert.equal(room815.count_settled, true);
});

test('an expired ID card is refused and registers nobody', async () => {
  const v = await presentCard(feed, idcard, { ...HIM, name: '王小五', id_number: '110101198001010010', valid_to: dateIn(-1, true) });
  assert.equal(v.accepted, false);
  assert.equal(v.reason, 'document_expired');
  const r = await desk.call<StayRegistrationResult>('POST', '/api/registration', { seq: v.seq, room: '816', guests: 1 }, false);
  assert.equal(r.body.ok, false);
});

test('the same guest again in the same room is flagged, not doubled', async () => {
  const again = await presentCard(feed, idcard, { ...HER, valid_to: dateIn(10, true) });
  assert.deepEqual(again.effects, [{ kind: 'registration', in_house: { room: '815', guest_id: room815.guests[1]!.id } }]);
  const r = await desk.call<StayRegistrationResult>('POST', '/api/registration', { seq: again.seq, room: '815', guests: 3 }, false);
  assert.equal(r.body.duplicate, true);
  assert.equal(r.body.stay!.registered, 3);
});

test('a foreign guest by passport: registered across a daemon restart, then the clerk adds the visa and entry on the staff routes', async () => {
  const seq = feed.lastSeq();
  await mrz.send(passportZone(dateIn(5)));
  const v = await feed.nextVerdict(seq);
  assert.equal(v.accepted, true, String(v.reason));
  // The daemon is killed between the scan and the keypad: the reading still waits.
  feed.close();
  await stack.stopTerminal('SIGKILL');
  await stack.startTerminal();
  feed = await EventFeed.open(stack.kioskUrl);
  await desk.login(stack.staffPin);
  const r = await desk.call<StayRegistrationResult>('POST', '/api/registration', { seq: v.seq, room: '1203', guests: 1 }, false);
  assert.equal(r.body.ok, true, r.body.detail);
  const g = r.body.stay!.guests[0]!;
  assert.deepEqual([g.category, g.needs_details, g.alert], ['foreign', true, 'incomplete']);
  assert.match(g.name_masked, /^E\*+A$/, 'ERIKSSON ANNA MARIA, masked');
  assert.equal((await desk.call('GET', '/api/staff/stays', undefined, false)).status, 401, 'the desk list needs a staff session');
  const bad = await desk.call<{ error: string; message: string }>('POST', `/api/staff/guests/${g.id}/details`, { visa_type: 'L', visa_no: 'V1234567', entry_date: 'yesterday', entry_port: '深圳湾' });
  assert.deepEqual([bad.status, bad.body.error], [400, 'YSS_API_BAD_REQUEST']);
  assert.match(bad.body.message, /wrong: entry_date/);
  const missing = await desk.call<{ error: string }>('POST', '/api/staff/guests/424242/details', { visa_type: 'L', visa_no: 'V1234567', entry_date: '2026-11-28', entry_port: '深圳湾' });
  assert.deepEqual([missing.status, missing.body.error], [404, 'YSS_API_STAY_NOT_FOUND']);
  const ok = await desk.call<StayView>('POST', `/api/staff/guests/${g.id}/details`, { visa_type: 'L', visa_no: 'V1234567', entry_date: '2026-11-28', entry_port: '深圳湾' });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.guests[0]!.alert, 'complete');
  const list = await desk.call<StaysOverview>('GET', '/api/staff/stays');
  assert.deepEqual(list.body.stays.map((s) => [s.room, s.registered]), [['815', 3], ['1203', 1]]);
  assert.deepEqual(list.body.alerts, { due_soon: 0, overdue: 0 });
});

test('check-out: the guest by a scan, then one tap for the room; a head count confirmation on a settled stay is refused', async () => {
  const scan = await presentCard(feed, idcard, { ...HIM, valid_to: dateIn(10, true) });
  const out = await desk.call<StayView>('POST', '/api/checkout', { seq: scan.seq }, false);
  assert.equal(out.status, 200);
  assert.notEqual(out.body.guests[0]!.out_at, null);
  const count = await desk.call<{ error: string }>('POST', `/api/staff/stays/${room815.id}/count`, { reason: 'guest_left' });
  assert.deepEqual([count.status, count.body.error], [409, 'YSS_API_STAY_CONFLICT']);
  const room = await desk.call<StayView>('POST', `/api/staff/stays/${room815.id}/checkout`);
  assert.equal(room.body.closed, true);
  const again = await desk.call<{ error: string }>('POST', `/api/staff/stays/${room815.id}/checkout`);
  assert.deepEqual([again.status, again.body.error], [409, 'YSS_API_STAY_CONFLICT']);
});

test('the service holds every step: guests in and out, the foreign details sealed and opened only there', async () => {
  const terminals = (await stack.admin('GET', '/admin/terminals')) as { terminals: { id: string }[] };
  const id = terminals.terminals[0]!.id;
  const events = await waitFor(async () => {
    const r = (await stack.admin('GET', `/admin/terminals/${id}/events?after=0&open=1&purpose=hotel+stay+test+checks+the+seal`)) as {
      events: { seq: number; type: string; body: Record<string, unknown>; personal?: Record<string, unknown> }[];
    };
    return r.events.filter((e) => e.type === 'guest_out').length === 3 ? r.events : undefined;
  });
  const ins = events.filter((e) => e.type === 'guest_in');
  assert.equal(ins.length, 4);
  const foreign = ins.find((e) => e.body.category === 'foreign')!;
  assert.equal(foreign.body.deadline_at, (foreign as unknown as { at: number }).at + 86_400_000, 'the 24 h deadline travels with the guest');
  for (const e of ins) {
    const reading = events.find((x) => x.seq === e.body.of_seq)!;
    assert.deepEqual(Object.keys(reading.personal ?? {}).sort(), ['doc_no', 'doc_type', 'name'], 'each guest_in names a reading whose sealed record is the guest');
  }
  const detail = events.find((e) => e.type === 'guest_detail')!;
  assert.deepEqual(detail.personal, { visa_type: 'L', visa_no: 'V1234567', entry_date: '2026-11-28', entry_port: '深圳湾' });
});
