// One reading's path on a real SQLite file with the real verifier and trust store: the verdict is
// pushed only once its event is durable, a failed commit pushes nothing and leaves no gap.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import pino from 'pino';
import type { VerdictMessage } from '../api/index.ts';
import { makeWorld, NOW, yssCode, type World } from '../codes/test/helpers.ts';
import { DB_FILE, openDatabase, type Db } from '../db/index.ts';
import type { DeviceHealth, Reading } from '../devices/index.ts';
import { HallNumbers, Queue, TicketCounter } from '../queue/index.ts';
import { localDay } from '../scenarios/index.ts';
import { ReplayStore, TrustedClock, TrustStore } from '../trust/index.ts';
import { FeedStore, PassageStore } from '../feeds/index.ts';
import { holderOfCode } from '../protocol/index.ts';
import { hallPerson, loadVenue, PendingDetailsStore, personKey, PersonSeenStore, type Venue } from '../venue/index.ts';
import { Pipeline } from './pipeline.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

const venue = (name: string) => loadVenue(join(import.meta.dirname, '..', '..', '..', 'fixtures', 'venues', `${name}.json`));
/** The campus gate without its access list: a gate that takes every valid code. */
const openGate = (): Venue => ({ ...venue('campus-gate'), access: undefined });

const scanner: DeviceHealth = { id: 'scanner-1', role: 'scanner', kind: 'serial-scanner', state: 'connected', path: null, detail: null, last_reading_at: null };
const code = (text: string): Reading => ({ kind: 'code', text, symbology: null, aim: null });

let dir: string;
let db: Db;
let world: World;

beforeEach(() => {
  dir = tempDir('yss-pipeline-');
  db = openDatabase(dir);
  world = makeWorld();
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function build(venue: Readonly<Venue>, hallNumbers: HallNumbers | null = null) {
  const clock = TrustedClock.open(db, { wall: () => NOW, monotonic: () => 0 });
  const trust = TrustStore.open(db, [world.root.root], { clock });
  assert.equal(trust.install(world.jws).status, 'installed');
  const queue = new Queue(db);
  const tickets = new TicketCounter(db);
  const feeds = new FeedStore(db);
  const published: VerdictMessage[] = [];
  const after: VerdictMessage[] = [];
  const onPublish: ((m: VerdictMessage) => void)[] = [];
  const pipeline = new Pipeline({
    venue,
    persons: new PersonSeenStore(db),
    pending: new PendingDetailsStore(db),
    trust,
    replay: new ReplayStore(db),
    queue,
    tickets,
    hallNumbers,
    feeds: { store: feeds, passages: new PassageStore(db) },
    sealer: null,
    clock,
    skew: 30,
    log: pino({ level: 'silent' }),
    publish: (m) => {
      for (const f of onPublish) f(m);
      published.push(m);
    },
    afterCommit: (m) => after.push(m),
  });
  return { pipeline, queue, published, after, onPublish, feeds, clock };
}

test('the verdict is pushed only after its event is committed, as another connection sees it', () => {
  const p = build(venue('desk'));
  const reader = new Database(join(dir, DB_FILE), { readonly: true });
  try {
    p.onPublish.push((m) => {
      const row = reader.prepare('SELECT seq, type FROM events WHERE seq = ?').get(m.seq) as { seq: number; type: string } | undefined;
      assert.deepEqual(row, { seq: m.seq, type: 'verdict' }, 'the event is durable when the verdict is pushed');
    });
    const m = p.pipeline.handle(code(yssCode(world)), scanner);
    assert.equal(m.accepted, true);
    assert.equal(m.seq, 1);
    assert.deepEqual(p.published, [m]);
    assert.deepEqual(p.after, [m], 'effects run after the push');
  } finally {
    reader.close();
  }
});

test('a gate refuses a code shown twice: the replay key committed with the first event', () => {
  const p = build(openGate());
  const text = yssCode(world, { type: 'personal' });
  assert.equal(p.pipeline.handle(code(text), scanner).accepted, true);
  const second = p.pipeline.handle(code(text), scanner);
  assert.equal(second.accepted, false);
  assert.equal(second.reason, 'replayed');
  assert.equal(second.seq, 2, 'a refusal is an event too');
});

test('a commit that fails pushes nothing, and the next reading takes the same sequence', () => {
  // The hall without its opening hours and per-person rule: this is about the commit, at any hour,
  // of the same test holder's codes.
  const { hours: _hours, ...hall } = venue('hall');
  const actions = [{ do: 'print-ticket' as const, prefix: 'A', service: '社保业务', numbers: 'machine' as const }];
  const p = build({ ...hall, actions, replay: { per: 'code', on_replay: 'refuse' } });
  assert.equal(p.pipeline.handle(code(yssCode(world)), scanner).seq, 1);
  db.exec('ALTER TABLE ticket_counters RENAME TO ticket_counters_gone');
  assert.throws(() => p.pipeline.handle(code(yssCode(world)), scanner), /ticket_counters/);
  assert.equal(p.published.length, 1, 'no verdict for the failed commit');
  assert.equal(p.queue.after(0, 10).length, 1, 'no event either');
  db.exec('ALTER TABLE ticket_counters_gone RENAME TO ticket_counters');
  const next = p.pipeline.handle(code(yssCode(world)), scanner);
  assert.equal(next.seq, 2);
  assert.deepEqual(next.effects, [{ kind: 'ticket', number: 'A002', service: '社保业务', issued_today: 1 }]);
});

test('a reading that is no code gets its own refusal, committed like any other', () => {
  const p = build(venue('desk'));
  const m = p.pipeline.handle(code('hello'), scanner);
  assert.equal(m.accepted, false);
  assert.equal(m.reason, 'not_a_code');
  assert.equal(p.queue.lastSequence, 1);
});

test('the campus gate admits from its access list and refuses a second fresh code of the same person, from the committed passage', async () => {
  const p = build(venue('campus-gate'));
  const rows = ['u-student', 'u-other'].map((sub) => ({ holder: holderOfCode('CN-44', sub) }));
  const snap = { format: 'yss-feed/1', venue: 'campus-gate', kind: 'access', version: 1, published_at: 0, salt: 's', rows };
  assert.equal((await p.feeds.install(JSON.stringify(snap), { venue: 'campus-gate', etag: null, at: p.clock.wallMs() })).status, 'installed');
  assert.equal(p.pipeline.handle(code(yssCode(world, { sub: 'u-student' })), scanner).accepted, true);
  const again = p.pipeline.handle(code(yssCode(world, { sub: 'u-student' })), scanner);
  assert.deepEqual([again.accepted, again.reason], [false, 'anti_passback']);
  assert.equal(p.pipeline.handle(code(yssCode(world, { sub: 'u-other' })), scanner).accepted, true);
  assert.equal(p.pipeline.handle(code(yssCode(world, { sub: 'u-nobody' })), scanner).reason, 'not_on_list');
  const counted = db.prepare("SELECT n FROM access_admitted WHERE slot = ''").pluck().get();
  assert.equal(counted, 2, 'two admitted, counted in their readings\' transactions');
});

test('a gate verdict names its relay and does not claim the gate opened', () => {
  const p = build(openGate());
  const m = p.pipeline.handle(code(yssCode(world)), scanner);
  assert.deepEqual(m.effects, [{ kind: 'gate', relay: 'relay-1', pulse_ms: 800 }]);
});

test('a hotel check-in commits its waiting-for-room entry with the event, in the database', () => {
  const first = build(venue('hotel'));
  const m = first.pipeline.handle(code(yssCode(world, { scope: ['hotel-checkin'], subject: { name: '李四', doc_type: 'CN-RIC', doc_no: '11010519491231002X' } })), scanner);
  assert.equal(m.accepted, true, String(m.reason));
  assert.deepEqual(m.effects, [{ kind: 'registration' }]);
  assert.deepEqual(new PendingDetailsStore(db).get(m.seq, NOW), { seq: m.seq, fields: ['room', 'guests'] });
});

test('a hall ticket takes its number from the blocks in hand, and with none in hand is refused with nothing kept', () => {
  const { hours: _hours, ...hall } = venue('hall');
  const numbers = new HallNumbers(db, { hall: 'hall', categories: [{ prefix: 'A', block: 20 }], today: () => localDay(NOW), log: pino({ level: 'silent' }) });
  const p = build(hall, numbers);
  const person = () => code(yssCode(world, { sub: 'u-visitor' }));
  const none = p.pipeline.handle(person(), scanner);
  assert.deepEqual([none.accepted, none.reason, none.effects], [false, 'numbers_unavailable', []]);
  // What the allocator handed out earlier (the background loop's write), here by hand.
  db.prepare('INSERT INTO hall_number_blocks (day, prefix, first, last) VALUES (?, ?, ?, ?), (?, ?, ?, ?)').run(localDay(NOW), 'A', 41, 42, localDay(NOW), 'A', 81, 100);
  const first = p.pipeline.handle(person(), scanner);
  assert.equal(first.accepted, true, 'the refusal remembered nobody: the same person takes a number');
  assert.deepEqual(first.effects, [{ kind: 'ticket', number: 'A041', service: '社保业务', service_minutes: 8, id: `hall/${localDay(NOW)}/A041` }], 'no count of earlier tickets: other machines hold the numbers below');
  const others = [1, 2].map((i) => p.pipeline.handle(code(yssCode(world, { sub: `u-other-${i}` })), scanner).effects[0]);
  assert.deepEqual(others.map((e) => (e as { number: string }).number), ['A042', 'A081'], 'one block after the other, in order');
  assert.equal(numbers.held('A', localDay(NOW)), 19);
  assert.equal(numbers.health().held.A, 19);
});

test("one active number per person, hall-wide: the hall's list refuses whom another machine gave a number; the event carries the person's token and the labels to the hall, the kiosk sees neither", async () => {
  const { hours: _hours, ...hall } = venue('hall');
  const day = localDay(NOW);
  const numbers = new HallNumbers(db, { hall: 'hall', categories: [{ prefix: 'A', block: 20 }], today: () => day, log: pino({ level: 'silent' }), idleMs: 10 });
  const p = build(hall, numbers);
  db.prepare('INSERT INTO hall_number_blocks (day, prefix, first, last) VALUES (?, ?, ?, ?)').run(day, 'A', 41, 60);
  const token = (sub: string) => hallPerson('hall', day, personKey('YSS1', 'CN-44', sub, {})!);
  // The hall says machine 2's A021 is u-elsewhere's, active (GET /v1/queue/waiting, here in process).
  const source = {
    numbers: () => Promise.reject(new Error('not asked: numbers are in hand')),
    waiting: () => Promise.resolve(new Map([['A', { waiting: 1, minutes_per_person: 8, finished: [], active: [{ person: token('u-elsewhere'), number: 'A021' }] }]])),
  };
  numbers.start(source);
  try {
    for (let i = 0; i < 500 && numbers.hallActive(day, 'A', token('u-elsewhere')) === null; i++) await new Promise((r) => setTimeout(r, 10));
    const refused = p.pipeline.handle(code(yssCode(world, { sub: 'u-elsewhere' })), scanner);
    assert.deepEqual([refused.accepted, refused.reason, refused.effects], [false, 'already_in_queue', []]);
    const stored = db.prepare('SELECT body FROM events WHERE seq = ?').pluck().get(refused.seq) as string;
    assert.equal((JSON.parse(stored) as { active: string }).active, 'A021', 'the refusal names the number held at the other machine');

    const taken = p.pipeline.handle(code(yssCode(world, { sub: 'u-here' })), scanner);
    assert.equal(taken.accepted, true);
    const shown = taken.effects[0] as Record<string, unknown>;
    assert.deepEqual([shown.number, shown.person, shown.rules, shown.labels], ['A041', undefined, undefined, undefined], 'the kiosk gets no token');
    const event = JSON.parse(db.prepare('SELECT body FROM events WHERE seq = ?').pluck().get(taken.seq) as string) as { effects: Record<string, unknown>[] };
    assert.deepEqual(
      [event.effects[0]!.number, event.effects[0]!.person, event.effects[0]!.rules, event.effects[0]!.labels],
      ['A041', token('u-here'), ['one_active'], ['军人', '残疾人', '孕妇']],
      "the hall's copy: the token of the day (never the subject), the rule, the venue's labels",
    );
    assert.ok(!JSON.stringify(event).includes('u-here'));
  } finally {
    await numbers.stop();
  }
});

test('a daily cap holds for the hall: a number past it is never issued, by this machine or any', () => {
  const { hours: _hours, ...hall } = venue('hall');
  const actions = [{ do: 'print-ticket' as const, prefix: 'A', service: '社保业务', numbers: 'hall' as const, daily_cap: 22 }];
  const numbers = new HallNumbers(db, { hall: 'hall', categories: [{ prefix: 'A', block: 20, cap: 22 }], today: () => localDay(NOW), log: pino({ level: 'silent' }) });
  const p = build({ ...hall, actions }, numbers);
  // This machine was handed 21-40; another machine holds 1-20.
  db.prepare('INSERT INTO hall_number_blocks (day, prefix, first, last) VALUES (?, ?, ?, ?)').run(localDay(NOW), 'A', 21, 40);
  const got = [1, 2, 3].map((i) => p.pipeline.handle(code(yssCode(world, { sub: `u-cap-${i}` })), scanner));
  assert.deepEqual(got.map((v) => [v.accepted, v.reason]), [[true, null], [true, null], [false, 'daily_cap_reached']]);
  assert.deepEqual(got.map((v) => (v.effects[0] as { number?: string } | undefined)?.number), ['A021', 'A022', undefined]);
  assert.equal(numbers.peek('A', localDay(NOW)), 23, 'the number past the cap stays unissued');
});

test('a machine-numbered ticket has its daily cap too, and an elderly holder\'s ticket says so', () => {
  const { hours: _hours, ...hall } = venue('hall');
  const actions = [{ do: 'print-ticket' as const, prefix: 'B', service: '出入境', numbers: 'machine' as const, daily_cap: 1, elderly_age: 60 }];
  const p = build({ ...hall, actions });
  const first = p.pipeline.handle(code(yssCode(world, { sub: 'u-old', subject: { birth_date: '1950-06-01' } })), scanner);
  assert.deepEqual(first.effects, [{ kind: 'ticket', number: 'B001', service: '出入境', issued_today: 0, priority: 'elderly' }]);
  const second = p.pipeline.handle(code(yssCode(world, { sub: 'u-young', subject: { birth_date: '1990-06-01' } })), scanner);
  assert.deepEqual([second.accepted, second.reason], [false, 'daily_cap_reached']);
  const event = p.queue.after(0, 10)[0]!;
  assert.equal(JSON.stringify(event.body).includes('1950'), false, 'the birth date is not in the event');
});
