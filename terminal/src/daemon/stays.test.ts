// A hotel's stays on a real SQLite file, through the real pipeline and desk: a couple with a child
// in one room, a foreign guest by passport whose details the clerk adds, the same guest again
// flagged, head count confirmation, deadlines by an injected clock, check-out, and a restart.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import nacl from 'tweetnacl';
import pino from 'pino';
import type { StayView } from '../api/index.ts';
import { makeWorld, NOW, yssCode, type World } from '../codes/test/helpers.ts';
import { openDatabase, type Db } from '../db/index.ts';
import type { DeviceHealth, Reading } from '../devices/index.ts';
import { openSealed, Sealer } from '../protocol/index.ts';
import { Queue, TicketCounter } from '../queue/index.ts';
import { ReplayStore, TrustedClock, TrustStore } from '../trust/index.ts';
import { loadVenue, PendingDetailsStore, PersonSeenStore, StayStore, type Venue } from '../venue/index.ts';
import type { PoliceReportState } from '../sync/index.ts';
import { Pipeline } from './pipeline.ts';
import { StayDesk, type DeskRefusal } from './stays.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

const hotel = loadVenue(join(import.meta.dirname, '..', '..', '..', 'fixtures', 'venues', 'hotel.json'));
const homestay = loadVenue(join(import.meta.dirname, '..', '..', '..', 'fixtures', 'venues', 'homestay.json'));
const reader: DeviceHealth = { id: 'idcard-1', role: 'idcard', kind: 'ga467-reader', state: 'connected', path: null, detail: null, last_reading_at: null };

const card = (name: string, id: string, fields: Record<string, unknown> = {}): Reading => ({
  kind: 'idcard',
  card: { card_type: 'resident', name, id_number: id, id_number_valid: true, address: '广州市天河区某路1号', birth_date: '1990-01-01', sex: 'male', nation: '汉', valid_to: '长期', ...fields },
});
const passport = (fields: Record<string, unknown> = {}): Reading => ({
  kind: 'mrz',
  lines: [],
  fields: { format: 'TD3', document_code: 'P', issuing_state: 'GBR', surname: 'SMITH', given_names: 'JOHN', document_number: '123456789', nationality: 'GBR', birth_date: '1980-02-02', sex: 'male', expiry_date: '2031-01-01', valid: true, ...fields },
});

let dir: string;
let db: Db;
let world: World;
let wall: number;
const service = nacl.box.keyPair();

beforeEach(() => {
  dir = tempDir('yss-stays-');
  db = openDatabase(dir);
  world = makeWorld();
  wall = NOW;
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What the service last said about the guests' police reports (the read itself is tested end to end in terminal/test/hotel-police.test.ts). */
let reports: PoliceReportState[] = [];
const police = {
  of: (stay: number, guest: number) => ({ check_in: reports.find((r) => r.stay_id === stay && r.guest_id === guest && r.kind === 'check_in') ?? null, check_out: null }),
  readAt: null,
};

function build(venue: Readonly<Venue> = hotel) {
  const clock = TrustedClock.open(db, { wall: () => wall, monotonic: () => wall - NOW });
  const trust = TrustStore.open(db, [world.root.root], { clock });
  assert.match(trust.install(world.jws).status, /^(already_)?installed$/);
  const queue = new Queue(db);
  const pending = new PendingDetailsStore(db);
  const stays = new StayStore(db);
  const sealer = new Sealer(service.publicKey);
  const pipeline = new Pipeline({
    venue,
    persons: new PersonSeenStore(db),
    pending,
    stays,
    trust,
    replay: new ReplayStore(db),
    queue,
    tickets: new TicketCounter(db),
    sealer,
    clock,
    skew: 30,
    log: pino({ level: 'silent' }),
    publish: () => undefined,
    afterCommit: () => undefined,
  });
  const desk = new StayDesk({ venue, stays, pending, queue, clock, sealer, committed: () => undefined, police });
  const read = (r: Reading) => pipeline.handle(r, reader);
  return { pipeline, desk, queue, stays, read };
}

const view = (r: StayView | DeskRefusal): StayView => {
  if ('error' in r) throw new Error(`${r.error}: ${r.message}`);
  return r;
};

function events(queue: Queue) {
  return queue.after(0, 1000);
}

test('a couple with a child: two ID cards and a personal code make one stay, the first the main guest, masked names only', () => {
  const { desk, read } = build();
  const him = read(card('陈大文', '440106199001011234'));
  assert.equal(him.accepted, true);
  const first = desk.register({ seq: him.seq, room: '815', guests: 3 });
  assert.equal(first.ok, true, first.detail);
  const her = read(card('李小红', '440106199202022345', { sex: 'female' }));
  assert.equal(desk.register({ seq: her.seq, room: '815', guests: 3 }).ok, true);
  const childCode = yssCode(world, { scope: ['hotel-checkin'], subject: { name: '陈小明', doc_type: 'CN-RIC', doc_no: '440106201803033456' } });
  const child = read({ kind: 'code', text: childCode, symbology: null, aim: null });
  assert.equal(child.accepted, true, String(child.reason));
  const r = desk.register({ seq: child.seq, room: '815', guests: 3 });
  assert.equal(r.ok, true, r.detail);
  const stay = r.stay!;
  assert.equal(stay.registered, 3);
  assert.equal(stay.count_settled, true);
  assert.deepEqual(stay.guests.map((g) => [g.name_masked, g.main, g.category]), [
    ['陈*文', true, 'domestic'],
    ['李*红', false, 'domestic'],
    ['陈*明', false, 'domestic'],
  ]);
  assert.equal(stay.arrival < stay.departure, true, 'one night by default');
  const overview = JSON.stringify(desk.overview());
  for (const secret of ['陈大文', '李小红', '440106199001011234']) assert.ok(!overview.includes(secret), `the desk overview shows ${secret}`);
});

test('the same guest scanned again in the same room is flagged, not registered twice; a differing head count needs a reason', () => {
  const { desk, read, queue } = build();
  const a = read(card('陈大文', '440106199001011234'));
  assert.equal(desk.register({ seq: a.seq, room: '301', guests: 2 }).ok, true);
  const again = read(card('陈大文', '440106199001011234'));
  const r = desk.register({ seq: again.seq, room: '301', guests: 2 });
  assert.equal(r.ok, true);
  assert.equal(r.duplicate, true);
  assert.equal(r.stay!.registered, 1);
  assert.equal(events(queue).filter((e) => e.type === 'guest_in').length, 1, 'one guest_in for one guest');
  assert.equal(r.stay!.count_settled, false, '2 announced, 1 registered');
  const confirmed = view(desk.confirmCount(r.stay!.id, { reason: 'child_without_document' }));
  assert.equal(confirmed.count_settled, true);
  assert.equal(confirmed.count_reason, 'child_without_document');
  const e = events(queue).find((x) => x.type === 'stay_count')!;
  assert.deepEqual(e.body, { stay_id: r.stay!.id, head_count: 2, registered: 1, reason: 'child_without_document' });
  const refused = desk.confirmCount(999, { reason: 'guest_left' });
  assert.equal('error' in refused && refused.error, 'YSS_API_STAY_NOT_FOUND');
});

test('a foreign guest by passport waits for the clerk\'s details; alerts rise before and after the deadline by the clock, and clear once complete', () => {
  const { desk, read, queue } = build();
  const v = read(passport());
  assert.equal(v.accepted, true);
  const r = desk.register({ seq: v.seq, room: '1203', guests: 1 });
  const g = r.stay!.guests[0]!;
  assert.equal(g.category, 'foreign');
  assert.equal(g.needs_details, true);
  assert.equal(g.alert, 'incomplete');
  assert.equal(g.deadline_at, g.in_at + 24 * 3600 * 1000, '24 h for a foreign guest (hotel.json)');
  wall = NOW + 22 * 3600 + 1;
  assert.equal(desk.overview().stays[0]!.guests[0]!.alert, 'due_soon', 'within 2 h of the deadline');
  assert.deepEqual(desk.overview().alerts, { due_soon: 1, overdue: 0 });
  wall = NOW + 24 * 3600 + 1;
  assert.equal(desk.overview().stays[0]!.guests[0]!.alert, 'overdue');
  const bad = desk.foreignDetails(g.id, { visa_type: 'L', visa_no: '', entry_date: '2026-13-45', entry_port: '深圳湾' });
  assert.equal('error' in bad && bad.error, 'YSS_API_BAD_REQUEST');
  const extra = desk.foreignDetails(g.id, { visa_type: 'L', visa_no: 'V1234567', entry_date: '2026-11-28', entry_port: '深圳湾', home: 'x' } as never);
  assert.match('error' in extra ? extra.message : '', /not asked: home/);
  const done = view(desk.foreignDetails(g.id, { visa_type: 'L', visa_no: 'V1234567', entry_date: '2026-11-28', entry_port: '深圳湾' }));
  assert.equal(done.guests[0]!.alert, 'complete');
  assert.deepEqual(desk.overview().alerts, { due_soon: 0, overdue: 0 });
  const detail = events(queue).find((e) => e.type === 'guest_detail')!;
  assert.deepEqual(openSealed(detail.sealed as never, service.secretKey), { visa_type: 'L', visa_no: 'V1234567', entry_date: '2026-11-28', entry_port: '深圳湾' });
  assert.ok(!JSON.stringify(detail.body).includes('V1234567'), 'the visa number travels sealed only');
  const twice = desk.foreignDetails(g.id, { visa_type: 'L', visa_no: 'V1234567', entry_date: '2026-11-28', entry_port: '深圳湾' });
  assert.equal('error' in twice && twice.error, 'YSS_API_STAY_CONFLICT');
});

test('at a self-service homestay the guest of a reading just registered adds their own details; only that guest, only within 30 min, and never at the hotel', () => {
  const details = { visa_type: 'L', visa_no: 'V1234567', entry_date: '2026-11-28', entry_port: '深圳湾' };
  const atHotel = build();
  const h = atHotel.read(passport());
  const hr = atHotel.desk.register({ seq: h.seq, room: '1203', guests: 1 });
  assert.equal(hr.details_here, undefined, 'the hotel\'s clerk adds them');
  const refused = atHotel.desk.selfDetails(h.seq, details);
  assert.match('error' in refused ? refused.message : '', /stay\.self_details is not set/);
  db.close();
  rmSync(dir, { recursive: true, force: true });
  dir = tempDir('yss-stays-');
  db = openDatabase(dir);

  const { desk, read, queue } = build(homestay);
  const domestic = read(card('陈大文', '11010519491231002X'));
  assert.equal(desk.register({ seq: domestic.seq, room: '2', guests: 1 }).details_here, undefined, 'a resident card needs no details');
  const v = read(passport());
  const r = desk.register({ seq: v.seq, room: '3', guests: 1 });
  assert.deepEqual(r.details_here, ['visa_type', 'visa_no', 'entry_date', 'entry_port']);
  const other = desk.selfDetails(domestic.seq, details);
  assert.equal('error' in other && other.error, 'YSS_API_STAY_CONFLICT', 'another guest\'s reading adds nothing');
  const wrong = desk.selfDetails(v.seq, { ...details, visa_no: 'V 1<' });
  assert.match('error' in wrong ? wrong.message : '', /wrong: visa_no/);
  wall = NOW + 31 * 60;
  const late = desk.selfDetails(v.seq, details);
  assert.match('error' in late ? late.message : '', /not a guest registered here in the last 30 minutes/);
  wall = NOW + 29 * 60;
  const done = view(desk.selfDetails(v.seq, details));
  assert.equal(done.guests[0]!.needs_details, false);
  const detail = events(queue).find((e) => e.type === 'guest_detail')!;
  assert.deepEqual(openSealed(detail.sealed as never, service.secretKey), details);
  const twice = desk.selfDetails(v.seq, details);
  assert.equal('error' in twice && twice.error, 'YSS_API_STAY_CONFLICT');
});

test('categories come from the document: an HK/Macau/Taiwan permit and a Chinese passport, with their deadlines', () => {
  const { desk, read } = build();
  const hk = read(card('黄志明', '810000199001011238', { card_type: 'hmt_residence_permit' }));
  const cn = read(passport({ nationality: 'CHN', issuing_state: 'CHN', document_number: 'E12345678' }));
  const a = desk.register({ seq: hk.seq, room: '501', guests: 1 }).stay!.guests[0]!;
  const b = desk.register({ seq: cn.seq, room: '502', guests: 1 }).stay!.guests[0]!;
  assert.deepEqual([a.category, a.needs_details, a.deadline_at - a.in_at], ['hmt', false, 86_400_000]);
  assert.deepEqual([b.category, b.needs_details, b.deadline_at - b.in_at], ['domestic', false, 7_200_000]);
});

test('check-out: by a scan of the guest, then one tap for the rest of the room; the stay closes with its last guest, and is forgotten later', () => {
  const { desk, read, queue, stays } = build();
  const a = read(card('陈大文', '440106199001011234'));
  const b = read(card('李小红', '440106199202022345'));
  desk.register({ seq: a.seq, room: '815', guests: 2 });
  const stay = desk.register({ seq: b.seq, room: '815', guests: 2 }).stay!;
  const scan = read(card('李小红', '440106199202022345'));
  assert.deepEqual(scan.effects, [{ kind: 'registration', in_house: { room: '815', guest_id: stay.guests[1]!.id } }], 'the scan tells the kiosk the guest is in house');
  const out = view(desk.checkOut({ seq: scan.seq }));
  assert.equal(out.guests[1]!.out_at !== null, true);
  assert.equal(out.closed, false);
  const stranger = read(card('王小五', '440106198001015678'));
  const no = desk.checkOut({ seq: stranger.seq });
  assert.equal('error' in no && no.error, 'YSS_API_STAY_CONFLICT');
  const room = view(desk.checkOut({ stay: stay.id }));
  assert.equal(room.closed, true);
  assert.deepEqual(events(queue).filter((e) => e.type === 'guest_out').map((e) => e.body.guest_id), [stay.guests[1]!.id, stay.guests[0]!.id]);
  const again = desk.checkOut({ guest: stay.guests[0]!.id });
  assert.equal('error' in again && again.error, 'YSS_API_STAY_CONFLICT');
  assert.equal(stays.prune(NOW), 0, 'a stay closed today is kept for the desk');
  assert.ok(stays.prune(NOW + 3 * 86_400) >= 3, 'two days after it closed, it is forgotten');
  assert.equal(stays.stay(stay.id), null);
  // The room is free: the next guest opens a new stay as its main guest.
  const next = read(card('王小五', '440106198001015678'));
  const s2 = desk.register({ seq: next.seq, room: '815', guests: 1 }).stay!;
  assert.notEqual(s2.id, stay.id);
  assert.equal(s2.guests[0]!.main, true);
});

test('stays survive a restart: a reading scanned before it is registered after it, and the terminal files hold no name or number', () => {
  let t = build();
  const a = t.read(card('陈大文', '440106199001011234'));
  t.desk.register({ seq: a.seq, room: '815', guests: 2 });
  const b = t.read(card('李小红', '440106199202022345'));
  db.close();
  db = openDatabase(dir);
  t = build();
  const r = t.desk.register({ seq: b.seq, room: '815', guests: 2 });
  assert.equal(r.ok, true, r.detail);
  assert.equal(r.stay!.registered, 2);
  assert.deepEqual(t.desk.overview().stays.map((s) => s.guests.map((g) => g.name_masked)), [['陈*文', '李*红']]);
  db.close();
  for (const f of readdirSync(dir)) {
    const bytes = readFileSync(join(dir, f));
    for (const secret of ['陈大文', '440106199001011234', '李小红']) assert.ok(!bytes.includes(Buffer.from(secret)), `${f} holds ${secret}`);
  }
  db = openDatabase(dir);
});

test('a registration without the head count the keypad asks for, or for a reading never made, is refused and changes nothing', () => {
  const { desk, read, queue } = build();
  const a = read(card('陈大文', '440106199001011234'));
  const before = queue.stats().last_seq;
  assert.match(desk.register({ seq: a.seq, room: '815' }).detail, /guests/);
  assert.equal(desk.register({ seq: 9999, room: '815', guests: 1 }).ok, false);
  assert.equal(queue.stats().last_seq, before);
  assert.equal(desk.register({ seq: a.seq, room: '815', guests: 1 }).ok, true, 'still waiting after the refusal');
});

test('the desk shows each guest\'s police report by the clock, and corrects a rejected one as a sealed guest_fix', () => {
  const { desk, read, queue } = build();
  const v = read(card('陈大文', '440106199001011234'));
  const stay = desk.register({ seq: v.seq, room: '815', guests: 1 }).stay!;
  const gin = events(queue).find((e) => e.type === 'guest_in')!;
  const b = gin.body as { deadline_at: number; alert_at: number };
  assert.equal(b.alert_at, gin.at, 'the hotel alerts 2 h before a 2 h deadline: at once');
  const g = stay.guests[0]!;
  assert.equal(desk.overview().stays[0]!.guests[0]!.police, null, 'not known at the service yet');
  reports = [{ seq: gin.seq, kind: 'check_in', stay_id: stay.id, guest_id: g.id, state: 'pending', reason: null, deadline_at: b.deadline_at, alert_at: b.alert_at, superseded_by: null }];
  assert.deepEqual(desk.overview().police, { due_soon: 1, overdue: 0, rejected: 0, read_at: null });
  wall = b.deadline_at;
  assert.equal(desk.overview().stays[0]!.guests[0]!.police!.alert, 'overdue');
  assert.match((desk.correct(g.id, { doc_no: '440106199001011235' }) as DeskRefusal).message, /report is pending: only a rejected report is corrected/);
  reports = [{ ...reports[0]!, state: 'rejected', reason: 'doc_no_not_found' }];
  const o = desk.overview();
  assert.deepEqual([o.stays[0]!.guests[0]!.police!.state, o.stays[0]!.guests[0]!.police!.reason, o.police.rejected], ['rejected', 'doc_no_not_found', 1]);
  assert.match((desk.correct(g.id, { address: 'x' } as never) as DeskRefusal).message, /wrong or not asked: address/);
  view(desk.correct(g.id, { doc_no: '440106199001011235' }));
  const fix = events(queue).find((e) => e.type === 'guest_fix')!;
  assert.deepEqual(fix.body, { stay_id: stay.id, guest_id: g.id, of_seq: v.seq, corrects: gin.seq, room: '815', arrival: stay.arrival, departure: stay.departure, head_count: 1, main: true, category: 'domestic', deadline_at: b.deadline_at, alert_at: b.alert_at });
  assert.deepEqual(openSealed(fix.sealed!, service.secretKey), { doc_no: '440106199001011235' }, 'only what the clerk typed, sealed');
  reports = [{ ...reports[0]!, seq: fix.seq, state: 'accepted', reason: null }];
  assert.deepEqual(desk.overview().police, { due_soon: 0, overdue: 0, rejected: 0, read_at: null }, 'the alert clears once accepted');
  reports = [];
});
