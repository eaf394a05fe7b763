// The police report end to end through the real daemon and service on loopback, with real serial
// bytes from an ID-card reader and an MRZ reader on ptys and the simulated police gateway: a
// couple with a child (two ID cards and a personal code), a foreign guest by passport reported
// only once the clerk added the visa, an expired card refused (nothing reported), the gateway down
// then back (reports wait, the desk's alert rises and clears), a rejection shown at the desk with
// its reason, corrected and resent, and check-out reported. The hour of downtime with a moved
// clock, and the kill mid-send, are proven on the service (sync-service/src/police/outbox.test.ts,
// sync-service/test/police-process.test.ts).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { GuestView, StaysOverview, StayRegistrationResult, StayView, VerdictMessage } from '../src/api/index.ts';
import { mintCode } from '../../scripts/issuer/mint.ts';
import { startPoliceSim, type PoliceSim } from '../../scripts/lib/police-sim.ts';
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
let sim: PoliceSim;
let desk: DeskApi;

const CHILD_DOC = '440106201803070018';
const HER_RIGHT = '440106199202020015';


async function register(v: VerdictMessage, room: string, guests: number): Promise<StayView> {
  assert.equal(v.accepted, true, String(v.reason));
  const r = await desk.call<StayRegistrationResult>('POST', '/api/registration', { seq: v.seq, room, guests }, false);
  assert.equal(r.body.ok, true, r.body.detail);
  return r.body.stay!;
}

/** The desk's list until `ok` holds (the desk reads the service's states as it looks, at most every 2 s). */
async function deskUntil(ok: (o: StaysOverview, guests: GuestView[]) => boolean, what: string): Promise<StaysOverview> {
  return waitFor(async () => {
    const o = (await desk.call<StaysOverview>('GET', '/api/staff/stays')).body;
    return ok(o, o.stays.flatMap((s) => s.guests)) ? o : undefined;
  }, 30_000, 250, what);
}

const policeOf = (o: StaysOverview, name: string) => o.stays.flatMap((s) => s.guests).find((g) => g.name_masked === name || (name === 'foreign' && g.category === 'foreign'))?.police;

before(async () => {
  dir = tempDir('yss-hotel-police-');
  sim = await startPoliceSim();
  ({ stack, idcard, mrz, feed } = await openHotelFront(dir, { police: { gateway: { kind: 'http', url: sim.reportsUrl, timeout_ms: 2000 }, poll_ms: 200, retry_base_ms: 300, retry_max_ms: 1000 } }));
  desk = new DeskApi(() => stack.kioskUrl);
  await desk.login(stack.staffPin);
});

after(async () => {
  await closeHotelFront(dir, { stack, idcard, mrz, feed });
  await sim?.close();
});

test('a couple with a child reach the police, each under their own document; the rejected one is shown at the desk with its reason', async () => {
  sim.reject(HER.id_number, 'doc_no_not_found');
  await register(await presentCard(feed, idcard, { ...HIM, valid_to: dateIn(10, true) }), '815', 3);
  await register(await presentCard(feed, idcard, { ...HER, valid_to: dateIn(10, true) }), '815', 3);
  const seq = feed.lastSeq();
  stack.scan(mintCode({ keys: stack.keysDir, name: '陈小明', scope: ['hotel-checkin'], subject: { doc_type: 'CN-RIC', doc_no: CHILD_DOC } }));
  await register(await feed.nextVerdict(seq), '815', 3);
  const o = await deskUntil((_o, g) => g.length === 3 && g.every((x) => x.police && ['accepted', 'rejected'].includes(x.police.state)), 'the three reports settled');
  assert.deepEqual(['陈*文', '李*红', '陈*明'].map((n) => [n, policeOf(o, n)?.state, policeOf(o, n)?.reason]), [
    ['陈*文', 'accepted', null],
    ['李*红', 'rejected', 'doc_no_not_found'],
    ['陈*明', 'accepted', null],
  ]);
  assert.equal(o.police.rejected, 1);
  assert.deepEqual(sim.state().accepted.map((r) => [r.guest.name, r.guest.doc_type, r.guest.doc_no, r.stay.room]), [
    ['陈大文', 'CN-RIC', HIM.id_number, '815'],
    ['陈小明', 'CN-RIC', CHILD_DOC, '815'],
  ]);
});

test('the rejected guest is corrected at the desk and resent as a new report; the history keeps the rejection', async () => {
  const o = (await desk.call<StaysOverview>('GET', '/api/staff/stays')).body;
  const her = o.stays.flatMap((s) => s.guests).find((g) => g.name_masked === '李*红')!;
  const bad = await desk.call<{ error: string; message: string }>('POST', `/api/staff/guests/${her.id}/correct`, { address: 'x' });
  assert.deepEqual([bad.status, bad.body.error], [400, 'YSS_API_BAD_REQUEST']);
  const him = o.stays.flatMap((s) => s.guests).find((g) => g.name_masked === '陈*文')!;
  const accepted = await desk.call<{ error: string }>('POST', `/api/staff/guests/${him.id}/correct`, { doc_no: HER_RIGHT });
  assert.deepEqual([accepted.status, accepted.body.error], [409, 'YSS_API_STAY_CONFLICT'], 'an accepted report is not corrected');
  const fixed = await desk.call<StayView>('POST', `/api/staff/guests/${her.id}/correct`, { doc_no: HER_RIGHT });
  assert.equal(fixed.status, 200);
  const after = await deskUntil((x) => policeOf(x, '李*红')?.state === 'accepted', 'the correction accepted');
  assert.equal(after.police.rejected, 0);
  const got = sim.state().accepted.find((r) => r.guest.doc_no === HER_RIGHT)!;
  assert.equal(got.guest.name, '李小红', 'the rest of the record from the card');
  const [tid, rejectedSeq] = got.corrects!.split('/');
  const h = (await stack.admin('GET', `/admin/police/reports/${tid}/${rejectedSeq}`)) as { history: { state: string; reason: string | null }[] };
  assert.deepEqual(h.history.map((x) => [x.state, x.reason]).slice(-1), [['rejected', 'doc_no_not_found']]);
});

test('an expired card is refused and nothing is reported for it', async () => {
  const posts = sim.state().posts;
  const v = await presentCard(feed, idcard, { ...HIM, name: '王小五', id_number: '110101198001010010', valid_to: dateIn(-1, true) });
  assert.deepEqual([v.accepted, v.reason], [false, 'document_expired']);
  assert.equal((await desk.call<StayRegistrationResult>('POST', '/api/registration', { seq: v.seq, room: '816', guests: 1 }, false)).body.ok, false);
  assert.equal(sim.state().posts, posts);
});

test('the gateway down: a foreign guest waits, the desk and the service alert, and all drains when it is back', async () => {
  sim.setMode('down');
  const seq = feed.lastSeq();
  await mrz.send(passportZone(dateIn(5)));
  const stay = await register(await feed.nextVerdict(seq), '1203', 1);
  const g = stay.guests[0]!;
  assert.equal((await desk.call<StayView>('POST', `/api/staff/guests/${g.id}/details`, { visa_type: 'L', visa_no: 'V1234567', entry_date: '2026-11-28', entry_port: '深圳湾' })).status, 200);
  await register(await presentCard(feed, idcard, { ...HIM, name: '周大福', id_number: '440106199003071231', valid_to: dateIn(10, true) }), '1204', 1);
  // The domestic guest alerts at once (the venue's 2 h alert equals its 2 h deadline) until the police accept.
  const down = await deskUntil((o) => policeOf(o, '周*福')?.state === 'pending' && policeOf(o, 'foreign')?.state === 'pending', 'both reports known and pending');
  assert.equal(policeOf(down, '周*福')?.alert, 'due_soon');
  assert.equal(down.police.due_soon, 1, 'the foreign guest has 22 h before its alert');
  const svc = (await stack.admin('GET', '/admin/police/overdue?venue=hotel')) as { due_soon: number; reports: { alert: string; reason: string }[] };
  assert.equal(svc.due_soon, 1);
  assert.match(svc.reports[0]!.reason, /connection failed/);
  sim.setMode('accept');
  const back = await deskUntil((_o, gs) => gs.every((x) => x.police?.state === 'accepted'), 'every report accepted');
  assert.deepEqual(back.police, { ...back.police, due_soon: 0, overdue: 0, rejected: 0 }, 'the alert clears');
  const foreign = sim.state().accepted.find((r) => r.guest.doc_type === 'PASSPORT')!;
  assert.deepEqual([foreign.guest.category, foreign.guest.doc_no, foreign.guest.visa_no, foreign.guest.entry_port], ['foreign', 'L898902C3', 'V1234567', '深圳湾']);
  assert.deepEqual(((await stack.admin('GET', '/admin/police/overdue')) as { reports: unknown[] }).reports, []);
});

test('a report settled at the gateway reaches the desk by the daemon\'s own poll, with nobody touching the terminal', async () => {
  sim.setMode('stall');
  await register(await presentCard(feed, idcard, { ...HIM, name: '黄大仙', id_number: '440106198507070019', valid_to: dateIn(10, true) }), '1301', 1);
  const before = await deskUntil((o) => policeOf(o, '黄*仙') !== null && policeOf(o, '黄*仙') !== undefined && o.police.read_at !== null, 'the report known at the desk');
  assert.notEqual(policeOf(before, '黄*仙')!.state, 'accepted');
  const readAt = before.police.read_at!;
  // From here nothing reaches the daemon but reads of the desk's list, which read nothing from the service.
  sim.setMode('accept');
  await waitFor(() => sim.state().accepted.some((r) => r.guest.doc_no === '440106198507070019') || undefined, 30_000, 100, 'the gateway accepts the stalled report');
  const after = await deskUntil((o) => policeOf(o, '黄*仙')?.state === 'accepted', 'the acceptance at the desk');
  assert.ok(after.police.read_at! > readAt, 'read again by the timer');
  assert.equal(after.police.due_soon, 0, 'its alert cleared');
});

test('check-out of the room is reported guest by guest', async () => {
  const o = (await desk.call<StaysOverview>('GET', '/api/staff/stays')).body;
  const room = o.stays.find((s) => s.room === '815')!;
  assert.equal((await desk.call<StayView>('POST', `/api/staff/stays/${room.id}/checkout`)).body.closed, true);
  await deskUntil((x) => x.stays.find((s) => s.id === room.id)!.guests.every((g) => g.police_out?.state === 'accepted'), 'three check-outs accepted');
  const outs = sim.state().accepted.filter((r) => r.kind === 'check_out');
  assert.deepEqual(outs.map((r) => r.guest.doc_no).sort(), [HIM.id_number, HER_RIGHT, CHILD_DOC].sort(), 'the corrected number for her');
});
