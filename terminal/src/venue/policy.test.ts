// The venue policy against the shipped venue files: each hole issue 11 lists, closed by data.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { notACode, refusedAs, verifiedYss, type VerifiedYss } from '../codes/test/results.ts';
import type { Reading } from '../devices/index.ts';
import { hallPerson } from './categories.ts';
import { cardAttributes } from './attributes.ts';
import { loadVenue } from './load.ts';
import type { Venue } from './types.ts';
import { ageOn, decideVenue, isOpen, maskNumber, personKey, verifierAllowsReplay, type PolicyLookups } from './policy.ts';

const venues = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'venues');
const venue = (name: string) => loadVenue(join(venues, `${name}.json`));
// Wednesday 2026-11-25 10:00 China time; hours tests move from here.
const NOW = Date.parse('2026-11-25T10:00:00+08:00') / 1000;
const look = (over: Partial<PolicyLookups> = {}): PolicyLookups => ({ now: NOW, skew: 120, trustAge: 3600, lastSeen: () => null, ...over });
const code: Reading = { kind: 'code', text: 'YSS1:…', symbology: null, aim: null };
const cti = new Uint8Array(16).fill(7);

const valid = (type: string, yss: Partial<VerifiedYss> = {}, issuer = 'CN-44', sub = 'u1') => verifiedYss({ type, now: NOW, issuer, sub, cti, ...yss });
const guest = { scope: ['hotel-checkin'], subject: { name: '李四', name_masked: '李*', doc_type: 'CN-RIC', doc_no: '11010519491231002X', birth_date: '1949-12-31' } };
const card = (fields: Record<string, unknown> = {}): Reading => ({
  kind: 'idcard',
  card: { card_type: 'resident', name: '王小五', id_number: '440106199001011234', id_number_valid: true, address: '广州市天河区某路1号', birth_date: '1990-01-01', sex: 'male', nation: '汉', valid_to: '长期', photo: 'AAAA', ...fields },
});
const passport = (fields: Record<string, unknown> = {}): Reading => ({
  kind: 'mrz',
  lines: [],
  fields: { format: 'TD3', document_code: 'P', issuing_state: 'GBR', surname: 'SMITH', given_names: 'JOHN', document_number: '123456789', nationality: 'GBR', birth_date: '1980-02-02', sex: 'male', expiry_date: '2031-01-01', valid: true, ...fields },
});

test('a hotel registers an authorized guest, keeps exactly name and document, and asks for room and guests', () => {
  const d = decideVenue(venue('hotel'), code, valid('personal', guest), look());
  assert.equal(d.accepted, true);
  assert.equal(d.event_type, 'registration');
  assert.deepEqual(d.personal, { name: '李四', doc_type: 'CN-RIC', doc_no: '11010519491231002X' }, 'birth date disclosed but not recorded');
  assert.deepEqual(d.display, { name_masked: '李*' });
  assert.deepEqual(d.effects, [{ kind: 'collect-details', fields: ['room', 'guests'] }]);
  assert.deepEqual(d.remember.cti, { cti, until: NOW + 180 });
  assert.ok(!JSON.stringify(d.body).includes('李四'));
});

test('a hotel refuses a credential code, even an expired driving licence, instead of registering no identity', () => {
  const licence = valid('credential', { credential: { type: 'driver-license', no: '4401**1234', holder: '张三', valid_until: '2020-03-01' } });
  const d = decideVenue(venue('hotel'), code, licence, look());
  assert.equal(d.accepted, false);
  assert.equal(d.reason, 'type_not_allowed');
  assert.equal(d.personal, null);
  // And a venue that did take credentials still needs the identity it requires.
  const loose = { ...venue('hotel'), inputs: { codes: [{ type: 'credential' as const }] }, scope: undefined };
  const fresh = valid('credential', { credential: { type: 'driver-license', no: '4401**1234', holder: '张三', valid_until: '2099-03-01' } });
  const r = decideVenue(loose, code, fresh, look());
  assert.equal(r.reason, 'identity_required');
  assert.deepEqual(r.body.missing, ['name', 'doc_type', 'doc_no']);
  assert.equal(decideVenue(loose, code, licence, look()).reason, 'document_expired');
});

test('a hotel asks a personal code without the authorization or an attribute to authorize', () => {
  assert.equal(decideVenue(venue('hotel'), code, valid('personal', { ...guest, scope: [] }), look()).reason, 'authorization_required');
  const d = decideVenue(venue('hotel'), code, valid('personal', { ...guest, subject: { name: '李四' } }), look());
  assert.equal(d.reason, 'authorization_required');
  assert.equal(d.words?.reason.en, 'Check-in needs your authorization', 'the hotel\'s own words, not "an appointment or permit"');
  assert.equal(d.personal, null);
});

test('an ID card keeps only the fields the venue names: no address, no photo, anywhere', () => {
  const hotel = decideVenue(venue('hotel'), card(), null, look());
  assert.equal(hotel.accepted, true);
  assert.deepEqual(hotel.personal, { name: '王小五', doc_type: 'CN-RIC', doc_no: '440106199001011234' });
  const hall = decideVenue(venue('hall'), card(), null, look());
  assert.equal(hall.accepted, true);
  assert.equal(hall.personal, null, 'a ticket machine keeps nothing of the card');
  const mrz = decideVenue(venue('homestay'), passport(), null, look());
  assert.deepEqual(mrz.personal, { name: 'SMITH JOHN', doc_type: 'PASSPORT', doc_no: '123456789', nationality: 'GBR', birth_date: '1980-02-02', sex: 'M' });
});

test('inputs apply to ID cards and MRZ too: a venue that does not list them refuses them', () => {
  assert.equal(decideVenue(venue('desk'), card(), null, look()).reason, 'input_not_accepted');
  assert.equal(decideVenue(venue('campus-gate'), passport(), null, look()).reason, 'input_not_accepted');
  assert.equal(decideVenue(venue('campus-gate'), card({ card_type: 'hmt_residence_permit' }), null, look()).reason, 'input_not_accepted');
  assert.equal(decideVenue(venue('hotel'), passport({ document_code: 'V' }), null, look()).reason, 'input_not_accepted');
  assert.equal(decideVenue(venue('hotel'), card({ id_number_valid: false }), null, look()).reason, 'id_number_invalid');
  assert.equal(decideVenue(venue('hotel'), card({ valid_to: '2020-01-01' }), null, look()).reason, 'document_expired');
  assert.equal(decideVenue(venue('hotel'), passport({ valid: false }), null, look()).reason, 'id_number_invalid');
});

test('a health checkpoint passes green from Guangdong and Macau and refuses other statuses, no status and stale ones', () => {
  const hc = venue('health-checkpoint');
  const health = (h: { status?: string; as_of: number }, iss = 'CN-44') => valid('health', { health: h }, iss);
  const green = decideVenue(hc, code, health({ status: 'green', as_of: NOW - 600 }), look());
  assert.equal(green.accepted, true);
  assert.deepEqual(green.effects, [{ kind: 'gate', relay: 'relay-1', pulse_ms: 500 }]);
  assert.equal(green.display.health, 'green');
  assert.equal(decideVenue(hc, code, health({ status: 'green', as_of: NOW - 600 }, 'MO'), look()).accepted, true);
  assert.equal(decideVenue(hc, code, health({ status: 'green', as_of: NOW }, 'CN-11'), look()).reason, 'issuer_not_accepted');
  assert.equal(decideVenue(hc, code, health({ status: 'yellow', as_of: NOW }), look()).reason, 'health_status');
  assert.equal(decideVenue(hc, code, health({ as_of: NOW }), look()).reason, 'health_status_unknown');
  assert.equal(decideVenue(hc, code, valid('health'), look()).reason, 'health_status_unknown', 'a health code with no health map at all');
  assert.equal(decideVenue(hc, code, health({ status: 'green', as_of: NOW - 90_000 }), look()).reason, 'health_status_stale');
  assert.equal(decideVenue(hc, code, valid('personal'), look()).reason, 'type_not_allowed');
  const desk = decideVenue(venue('desk'), code, health({ as_of: NOW }), look());
  assert.equal(desk.reason, 'health_status_unknown', 'even a desk that only shows the colour never shows a missing one as fine');
});

test('replay per person: a second fresh code of the same holder is refused within the window, passes after it', () => {
  const gate: Venue = { ...venue('campus-gate'), access: undefined, replay: { per: 'person', within_s: 60, on_replay: 'refuse' } };
  assert.equal(verifierAllowsReplay(gate), false);
  const first = decideVenue(gate, code, valid('personal', {}, 'CN-44', 'u-9'), look());
  assert.equal(first.accepted, true);
  const key = first.remember.person!.key;
  assert.equal(key, personKey('YSS1', 'CN-44', 'u-9', {}));
  const seen = new Map([[key, NOW]]);
  const again = decideVenue(gate, code, valid('personal', { cti: new Uint8Array(16).fill(9) }, 'CN-44', 'u-9'), look({ now: NOW + 30, lastSeen: (k) => seen.get(k) ?? null }));
  assert.deepEqual([again.accepted, again.reason, again.replayed], [false, 'replayed', true]);
  assert.equal(decideVenue(gate, code, valid('personal', {}, 'CN-44', 'u-10'), look({ now: NOW + 30, lastSeen: (k) => seen.get(k) ?? null })).accepted, true, 'another person passes');
  assert.equal(decideVenue(gate, code, valid('personal', {}, 'CN-44', 'u-9'), look({ now: NOW + 61, lastSeen: (k) => seen.get(k) ?? null })).accepted, true);
  // ID cards: the document number is the person.
  const c1 = decideVenue(gate, card(), null, look());
  const seenCard = new Map([[c1.remember.person!.key, NOW]]);
  assert.equal(decideVenue(gate, card(), null, look({ now: NOW + 5, lastSeen: (k) => seenCard.get(k) ?? null })).reason, 'replayed');
});

test('a desk re-shows a replayed code, flagged, and does not remember it twice', () => {
  const d = decideVenue(venue('hotel'), code, { ...valid('personal', guest), replayed: true }, look());
  assert.deepEqual([d.accepted, d.replayed, d.remember.cti], [true, true, null]);
  assert.equal(verifierAllowsReplay(venue('hotel')), true);
});

test('opening hours, China time, by weekday', () => {
  const museum = venue('museum-gate');
  const at = (iso: string) => Date.parse(iso) / 1000;
  assert.equal(isOpen(museum, at('2026-11-25T09:00:00+08:00')), true);
  assert.equal(isOpen(museum, at('2026-11-25T08:59:59+08:00')), false);
  assert.equal(isOpen(museum, at('2026-11-25T17:00:00+08:00')), false, '`to` is exclusive');
  assert.equal(isOpen(museum, at('2026-11-23T10:00:00+08:00')), false, 'closed on Mondays');
  const r = decideVenue(museum, card(), null, look({ now: at('2026-11-23T10:00:00+08:00') }));
  assert.equal(r.reason, 'outside_hours');
  assert.equal(r.words?.reason.en, 'The museum is closed now');
});

test('a clerk\'s window shows the e-certificate masked, enforces its validity and records the holder\'s authorization', () => {
  const w = venue('window');
  const full: Record<string, string> = { type: 'social-security-card', no: '440106199001011234', holder: '张小明', issuer_name: '广东省人力资源和社会保障厅', valid_from: '2020-01-01', valid_until: '2030-01-01' };
  const cert = (c: Record<string, string | null>) => {
    const credential = Object.fromEntries(Object.entries({ ...full, ...c }).filter((e): e is [string, string] => e[1] !== null));
    return valid('credential', { scope: ['window'], credential });
  };
  const d = decideVenue(w, code, cert({}), look());
  assert.equal(d.accepted, true);
  assert.deepEqual(d.display, { credential_type: 'social-security-card', credential_no_masked: '4401**********1234', holder_masked: '张*明', issuer_name: '广东省人力资源和社会保障厅', valid_until: '2030-01-01' });
  assert.deepEqual(d.personal, { credential_type: 'social-security-card', credential_no: '440106199001011234', holder: '张小明', issuer_name: '广东省人力资源和社会保障厅', valid_from: '2020-01-01', valid_until: '2030-01-01', scope: 'window' });
  assert.equal(decideVenue(w, code, cert({ valid_until: '2025-01-01' }), look()).reason, 'document_expired');
  assert.equal(decideVenue(w, code, cert({ valid_from: '2027-01-01' }), look()).reason, 'not_yet_valid');
  assert.equal(decideVenue(w, code, cert({ no: null }), look()).reason, 'identity_required');
  assert.equal(maskNumber('12345678'), '********');
});

test('a hall prints a ticket; a gate names its relay; nothing is planned on a refusal', () => {
  const person = hallPerson('hall', '2026-11-25', personKey('YSS1', 'CN-44', 'u1', {})!);
  assert.deepEqual(decideVenue(venue('hall'), code, valid('personal'), look()).effects, [{ kind: 'ticket', prefix: 'A', service: '社保业务', numbers: 'hall', daily_cap: 500, service_minutes: 8, person, rules: ['one_active'], labels: ['军人', '残疾人', '孕妇'] }]);
  assert.deepEqual(decideVenue(venue('library'), code, valid('personal'), look()).effects, [{ kind: 'gate', relay: 'relay-1', pulse_ms: 500 }]);
  const refused = decideVenue(venue('library'), code, refusedAs(valid('personal'), 'expired'), look());
  assert.deepEqual([refused.reason, refused.effects, refused.personal], ['expired', [], null]);
  assert.equal(decideVenue(venue('desk'), code, notACode(), look()).reason, 'not_a_code');
  assert.equal(decideVenue({ ...venue('desk'), trust_max_age_s: 600 }, code, valid('personal'), look()).reason, 'trust_list_too_old');
});

test('age from a birth date counts whole years on the local day: a birthday today counts, tomorrow does not', () => {
  // NOW is 2026-11-25 in China time.
  assert.equal(ageOn('1961-11-25', NOW), 65);
  assert.equal(ageOn('1961-11-26', NOW), 64);
  assert.equal(ageOn('1961-12-01', NOW), 64);
  assert.equal(ageOn('1960-02-29', NOW), 66);
  assert.equal(ageOn(undefined, NOW), -1);
  assert.equal(ageOn('19611125', NOW), -1, 'only YYYY-MM-DD');
});

test('a hall ticket is elderly priority from the venue\'s age on, from a card or a code, and the birth date is not kept', () => {
  const base = venue('hall');
  const hall = { ...base, hours: undefined, actions: [{ do: 'print-ticket' as const, prefix: 'A', service: '社保业务', numbers: 'hall' as const, elderly_age: 65, daily_cap: 300 }] };
  const ticket = (d: ReturnType<typeof decideVenue>) => d.effects[0] as { priority?: string; daily_cap?: number };
  const old = decideVenue(hall, card({ birth_date: '1961-11-25' }), null, look());
  assert.equal(old.accepted, true, String(old.reason));
  assert.equal(ticket(old).priority, 'elderly');
  assert.equal(ticket(old).daily_cap, 300);
  assert.equal(old.personal, null, 'nothing personal recorded: the hall keeps no fields');
  assert.equal(ticket(decideVenue(hall, card({ birth_date: '1961-11-26' }), null, look())).priority, undefined, 'one day short of 65');
  assert.equal(ticket(decideVenue(hall, code, valid('personal', { subject: { birth_date: '1950-01-01' } }), look())).priority, 'elderly');
  assert.equal(ticket(decideVenue(hall, code, valid('personal'), look())).priority, undefined, 'no birth date disclosed: normal');
});

test('a card or code whose sex or card type names an Object member (constructor, toString) carries no such attribute', () => {
  assert.deepEqual(cardAttributes({ card_type: 'toString', sex: 'constructor', id_number: '1' }), { doc_no: '1' });
  const d = decideVenue(venue('hotel'), code, valid('personal', { ...guest, subject: { ...guest.subject, sex: '__proto__' } }), look());
  assert.equal(d.accepted, true);
  assert.equal(typeof d.personal?.sex, 'undefined');
});
