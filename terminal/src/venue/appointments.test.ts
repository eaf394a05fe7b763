// The appointment sign-in rules (venue `appointments`, docs/hospital.md) as a pure step, with an
// injected clock and an in-memory feed: each rule of venues.md §3 the venue can carry.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { holderOfCode, holderOfDocument, type AppointmentRow } from '../protocol/index.ts';
import { appointmentStep, registrationOrder, type AppointmentSignedIn } from './appointments.ts';
import type { Venue } from './types.ts';

const DAY = '2026-12-01';
/** Unix seconds at HH:MM on DAY, China time. */
const at = (hhmm: string) => Date.parse(`${DAY}T${hhmm}:00+08:00`) / 1000;
const SALT = 'venue-salt';
const code = { source: 'YSS1' as const, issuer: 'CN-44', sub: 'u-1', docNo: undefined };
const card = { source: 'idcard' as const, issuer: null, sub: null, docNo: '11010519491231002X' };
const H = holderOfCode('CN-44', 'u-1');

function venue(appointments: Venue['appointments']): Venue {
  return { name: 'h', kind: 'kiosk', title: { 'zh-CN': 'h', 'zh-HK': 'h', en: 'h' }, event: 'ticket', inputs: {}, replay: { per: 'code', on_replay: 'flag' }, record: { fields: [] }, actions: [], appointments } as Venue;
}

function feeds(rows: AppointmentRow[], age_s = 10) {
  return { feed: () => ({ version: 3, age_s }), salt: () => SALT, rows: (_k: 'appointments', holder: string) => rows.filter((r) => r.holder === holder) };
}

const seen = (done: AppointmentSignedIn[] = []) => ({ signedIn: () => done });
const row = (from: string, to: string, extra: Partial<AppointmentRow> = {}): AppointmentRow => ({ holder: H, date: DAY, from, to, service: '内科', ...extra });

test('early sign-in: N minutes before the slot, forbidden, or unlimited; a refusal names the time to come back', () => {
  const rows = [row('09:00', '10:00')];
  const early = appointmentStep(venue({ early_min: 20 }), code, at('08:39'), feeds(rows), seen());
  assert.ok('reason' in early && early.reason === 'too_early');
  assert.equal(early.words?.next['zh-CN'], '请于 08:40 后再来签到');
  assert.match(early.words!.reason['zh-CN'], /09:00–10:00/);
  assert.ok('placement' in appointmentStep(venue({ early_min: 20 }), code, at('08:40'), feeds(rows), seen()));
  const forbidden = appointmentStep(venue({ early_sign_in: 'forbidden' }), code, at('08:59'), feeds(rows), seen());
  assert.ok('reason' in forbidden && forbidden.words?.next.en === 'Please come back at 09:00');
  assert.ok('placement' in appointmentStep(venue({ early_sign_in: 'unlimited' }), code, at('00:05'), feeds(rows), seen()));
});

test('late after the slot and its grace: placed by the late rule, without appointment priority', () => {
  const rows = [row('09:00', '10:00', { number: 'N012' })];
  const v = venue({ late_grace_min: 10, late: { place: 'insert_after', n: 3 }, missed: { place: 'end' }, order: 'registration' });
  const onTime = appointmentStep(v, code, at('10:09'), feeds(rows), seen());
  assert.ok('placement' in onTime);
  assert.deepEqual(onTime.placement, { slot: '09:00-10:00', reg: 12, late: false, first: true, order: 'registration', late_rule: { place: 'insert_after', n: 3 }, missed_rule: { place: 'end' } });
  assert.deepEqual(onTime.body.appointment, { slot: '09:00-10:00', service: '内科', late: false });
  const late = appointmentStep(v, code, at('10:10'), feeds(rows), seen());
  assert.ok('placement' in late && late.placement.late);
  assert.equal(late.signIn.holder, H, 'the sign-in is kept by the feed hash');
});

test('the slot running now is chosen over a later one; an ID card finds its salted holder', () => {
  const holder = holderOfDocument(SALT, card.docNo);
  const rows = [row('14:00', '15:00', { holder, service: '儿科' }), row('09:00', '10:00', { holder })];
  const r = appointmentStep(venue({}), card, at('09:30'), feeds(rows), seen());
  assert.ok('placement' in r);
  assert.deepEqual([r.placement.slot, r.service], ['09:00-10:00', '内科']);
  // With the morning's signed in and one booking a day not required, the afternoon's is next, once it opens.
  const morning = [{ slot: '09:00-10:00', service: '内科', at: at('09:30'), number: 'N001' }];
  const afternoon = appointmentStep(venue({ one_per_day: false }), card, at('11:00'), feeds(rows), seen(morning));
  assert.ok('reason' in afternoon && afternoon.reason === 'too_early' && afternoon.words?.next['zh-CN'] === '请于 13:30 后再来签到');
  const second = appointmentStep(venue({ one_per_day: false }), card, at('13:45'), feeds(rows), seen(morning));
  assert.ok('placement' in second && second.service === '儿科');
});

test('one booking per person per day: a second sign-in is refused with the first one\'s time and number', () => {
  const rows = [row('09:00', '10:00'), row('14:00', '15:00')];
  const done = [{ slot: '09:00-10:00', service: '内科', at: at('08:45'), number: 'A021' }];
  const r = appointmentStep(venue({}), code, at('14:00'), feeds(rows), seen(done));
  assert.ok('reason' in r && r.reason === 'already_signed_in');
  assert.equal(r.words?.reason['zh-CN'], '您今天已于 08:45 签到,号码 A021');
  // The same appointment twice is refused whatever one_per_day says.
  const again = appointmentStep(venue({ one_per_day: false }), code, at('09:10'), feeds([rows[0]!]), seen(done));
  assert.ok('reason' in again && again.reason === 'already_signed_in');
});

test('one booking per person per day, hall-wide: a sign-in the hall reports from another machine refuses this one, by the person\'s token; not when one a day is off', () => {
  const rows = [row('09:00', '10:00'), row('14:00', '15:00')];
  const token = 'tok-aaaaaaaaaaaaaaaaaaa';
  const hall = { signedIn: () => [], hallSignedIn: (day: string, person: string) => (day === DAY && person === token ? { number: 'A007', at: at('08:50') * 1000 } : null) };
  const r = appointmentStep(venue({}), { ...code, person: token }, at('14:00'), feeds(rows), hall);
  assert.ok('reason' in r && r.reason === 'already_signed_in');
  assert.equal(r.words?.reason['zh-CN'], '您今天已于 08:50 签到,号码 A007');
  assert.equal(r.body.hall_wide, true);
  assert.ok('placement' in appointmentStep(venue({}), { ...code, person: 'someone-elseaaaaaaaaaa' }, at('14:00'), feeds(rows), hall), 'another person');
  assert.ok('placement' in appointmentStep(venue({ one_per_day: false }), { ...code, person: token }, at('14:00'), feeds(rows), hall), 'a hospital lets a patient sign in per registration');
});

test('no appointment today: a walk-in ticket, or no_appointment; another day\'s appointment does not count', () => {
  const rows = [row('09:00', '10:00', { date: '2026-12-02' })];
  const walkIn = appointmentStep(venue({}), code, at('09:00'), feeds(rows), seen());
  assert.ok('walkIn' in walkIn);
  const refused = appointmentStep(venue({ walk_ins: 'refuse' }), code, at('09:00'), feeds(rows), seen());
  assert.ok('reason' in refused && refused.reason === 'no_appointment');
});

test('walk_ins pick: no registration asks for a department; the one tapped takes a walk-in ticket; a closed or unlisted one does not', () => {
  const dept = (service: string, prefix: string, hours?: { from: string; to: string }[]) => ({ do: 'print-ticket', prefix, service, numbers: 'hall', ...(hours ? { hours } : {}) });
  const v = { ...venue({ walk_ins: 'pick', departments: ['儿科', '内科'] }), actions: [dept('内科', 'N'), dept('儿科', 'E', [{ from: '08:00', to: '12:00' }]), dept('取药', 'Y')] } as Venue;
  const none = appointmentStep(v, code, at('09:00'), feeds([]), seen());
  assert.ok('reason' in none && none.reason === 'department_needed');
  assert.deepEqual(none.body.departments, ['E', 'N'], 'the departments in the venue\'s order, the pharmacy not among them');
  const picked = appointmentStep(v, code, at('09:00'), feeds([]), seen(), 'N');
  assert.ok('walkIn' in picked && picked.service === '内科');
  assert.ok('walkIn' in appointmentStep(v, card, at('11:59'), feeds([]), seen(), 'E'));
  const closed = appointmentStep(v, code, at('12:00'), feeds([]), seen(), 'E');
  assert.ok('reason' in closed && closed.reason === 'category_closed');
  assert.equal(closed.body.hours, '08:00–12:00');
  const pharmacy = appointmentStep(v, code, at('09:00'), feeds([]), seen(), 'Y');
  assert.ok('reason' in pharmacy && pharmacy.reason === 'department_needed', 'the pharmacy is not a department to walk in to');
  // A registration found wins over whatever was tapped.
  const reg = appointmentStep(v, code, at('09:00'), feeds([row('09:00', '10:00', { service: '儿科' })]), seen(), 'N');
  assert.ok('placement' in reg && reg.service === '儿科');
});

test('a feed never received, or older than max_feed_age_s, is feed_too_old: nobody is decided on it', () => {
  const rows = [row('09:00', '10:00')];
  const none = { feed: () => null, salt: () => null, rows: () => [] };
  const missing = appointmentStep(venue({}), code, at('09:00'), none, seen());
  assert.ok('reason' in missing && missing.reason === 'feed_too_old');
  const stale = appointmentStep(venue({ max_feed_age_s: 3600 }), code, at('09:00'), feeds(rows, 3601), seen());
  assert.ok('reason' in stale && stale.reason === 'feed_too_old');
  assert.deepEqual(stale.body, { feeds: { appointments: 3 } });
  assert.ok('placement' in appointmentStep(venue({ max_feed_age_s: 3600 }), code, at('09:00'), feeds(rows, 3599), seen()));
});

test('registration numbers order by their digits', () => {
  assert.deepEqual(['12', 'N012', 'A7', 'x', undefined].map(registrationOrder), [12, 12, 7, undefined, undefined]);
});
