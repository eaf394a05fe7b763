// Feeds held by the terminal (a real SQLite file) and the gate decisions made from them, with the
// shipped museum and campus gates and a pinned clock: on a list or booked for the slot running
// now, validity dates, time segments, anti-passback, slot and day capacity, stale feeds.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, beforeEach, test } from 'node:test';
import { verifiedYss } from '../codes/test/results.ts';
import { openDatabase, type Db } from '../db/index.ts';
import type { Reading } from '../devices/index.ts';
import { chainChanges, diffFeed, holderOfCode, holderOfDocument, type FeedDelta, type FeedKind, type FeedRows } from '../protocol/index.ts';
import { decideVenue, loadVenue, type AccessLookups, type Venue } from '../venue/index.ts';
import { feedHealth } from './health.ts';
import { PassageStore } from './passages.ts';
import { ShareStore, slotReports } from './shares.ts';
import { FeedStore } from './store.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

const venues = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'venues');
const museum = loadVenue(join(venues, 'museum-gate.json'));
const campus = loadVenue(join(venues, 'campus-gate.json'));
// Wednesday 2026-11-25 10:20 China time: the museum is open, the 10:00–11:00 slot is running.
const NOW = Date.parse('2026-11-25T10:20:00+08:00') / 1000;
const DAY = '2026-11-25';
const SALT = 'venue-salt-1';

const dirs: string[] = [];
let db: Db;
let store: FeedStore;
let passages: PassageStore;
beforeEach(() => {
  const dir = tempDir('yss-feeds-');
  dirs.push(dir);
  db = openDatabase(dir);
  store = new FeedStore(db);
  passages = new PassageStore(db);
});
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function snapshot<K extends FeedKind>(kind: K, rows: FeedRows[K][], o: { venue?: string; version?: number } = {}): string {
  return JSON.stringify({ format: 'yss-feed/1', venue: o.venue ?? 'museum-gate', kind, version: o.version ?? 1, published_at: NOW * 1000, salt: SALT, rows });
}
function install<K extends FeedKind>(kind: K, rows: FeedRows[K][], o: { venue?: string; version?: number; at?: number } = {}) {
  return store.install(snapshot(kind, rows, o), { venue: o.venue ?? 'museum-gate', etag: `"v${o.version ?? 1}"`, at: o.at ?? NOW * 1000 });
}

const lookups = (now = NOW): AccessLookups => ({
  feed: (kind) => {
    const m = store.meta(kind);
    return m && { version: m.version, age_s: Math.floor(now - m.checked_at / 1000) };
  },
  salt: () => store.salt(),
  rows: (kind, holder) => store.rows(kind, holder),
  admitted: (day, slot) => passages.admitted(day, slot),
  lastPassage: (holder) => passages.lastPassage(holder),
});

const code: Reading = { kind: 'code', text: 'YSS1:…', symbology: null, aim: null };
const personal = (sub: string) => verifiedYss({ type: 'personal', now: NOW, sub });

/** Decides and, when admitted, commits the admission as the pipeline does. */
function scan(venue: Venue, sub: string, now = NOW) {
  const d = decideVenue(venue, code, personal(sub), { now, skew: 120, trustAge: 60, lastSeen: () => null, access: lookups(now) });
  const a = d.remember.admit;
  if (a) passages.admit(a.holder, a.day, a.slot, a.n, now);
  return d;
}

const h = (sub: string) => holderOfCode('CN-44', sub);
const both = async () => {
  await install('access', [{ holder: h('member') }]);
  await install('bookings', [
    { holder: h('booked'), date: DAY, from: '10:00', to: '11:00', party: 3 },
    { holder: h('later'), date: DAY, from: '14:00', to: '15:00', party: 1 },
  ]);
};

test('a holder booked for the slot running now passes and counts the whole party; the event names the feed versions, not the holder', async () => {
  await both();
  const d = scan(museum, 'booked');
  assert.equal(d.accepted, true, d.reason ?? '');
  assert.deepEqual([d.body.admitted_by, d.body.slot, d.body.party], ['bookings', '10:00-11:00', 3]);
  assert.deepEqual(d.body.feeds, { bookings: 1, access: 1 });
  assert.ok(!JSON.stringify(d.body).includes(h('booked')), 'no holder hash in the event');
  assert.equal(passages.admitted(DAY, '10:00-11:00'), 3);
  assert.equal(passages.admitted(DAY), 3);
});

test('someone on neither list is refused not_on_list; a booking for another slot is wrong_slot, and 15 minutes early is let in', async () => {
  await both();
  assert.equal(scan(museum, 'stranger').reason, 'not_on_list');
  assert.equal(scan(museum, 'later').reason, 'wrong_slot');
  const early = Date.parse('2026-11-25T13:46:00+08:00') / 1000;
  assert.equal(scan(museum, 'later', early).accepted, true, 'museum early_s is 900');
});

test('the same holder again within the anti-passback time is refused, and passes after it', async () => {
  await both();
  assert.equal(scan(museum, 'member').accepted, true);
  assert.equal(scan(museum, 'member', NOW + 60).reason, 'anti_passback');
  assert.equal(scan(museum, 'member', NOW + 1801).accepted, true);
});

test('a slot holds its capacity (the smaller of the venue and the booking), counting parties; the day holds per_day', async () => {
  const rows: FeedRows['bookings'][] = Array.from({ length: 12 }, (_, i) => ({ holder: h(`g${i}`), date: DAY, from: '10:00', to: '11:00', party: 3, slot_capacity: 10 }));
  await install('bookings', rows);
  await install('access', []);
  assert.equal(scan(museum, 'g0').accepted, true);
  assert.equal(scan(museum, 'g1').accepted, true);
  assert.equal(scan(museum, 'g2').accepted, true);
  const full = scan(museum, 'g3');
  assert.deepEqual([full.accepted, full.reason], [false, 'slot_full'], '9 of 10 taken: a party of 3 does not fit');
  assert.equal(passages.admitted(DAY, '10:00-11:00'), 9, 'a refusal counts nobody');
  const small = { ...museum, access: { ...museum.access!, capacity: { per_day: 10 } } };
  await install('access', [{ holder: h('m1') }, { holder: h('m2') }], { version: 2 });
  assert.equal(scan(small, 'm1').accepted, true);
  assert.equal(scan(small, 'm2').reason, 'day_full');
});

test('access rows: validity dates, weekdays and up to three segments a day', async () => {
  await install('access', [
    { holder: h('old'), valid_until: '2026-11-24' },
    { holder: h('new'), valid_from: '2026-11-26' },
    { holder: h('dorm'), segments: [{ from: '06:00', to: '08:00' }, { from: '12:00', to: '24:00' }] },
    { holder: h('weekend'), days: [6, 7] },
    { holder: h('renewed'), valid_until: '2026-11-24' },
    { holder: h('renewed'), valid_from: '2026-11-25', valid_until: '2027-06-30' },
  ]);
  assert.equal(scan(campus, 'old').reason, 'access_expired');
  assert.equal(scan(campus, 'new').reason, 'access_not_yet_valid');
  assert.equal(scan(campus, 'dorm').reason, 'outside_hours', '10:20 is between the segments');
  assert.equal(scan(campus, 'dorm', NOW + 2 * 3600).accepted, true, '12:20 is in the second');
  assert.equal(scan(campus, 'weekend').reason, 'outside_hours');
  assert.equal(scan(campus, 'renewed').accepted, true, 'any row of the holder admits');
});

test('an ID card is matched by the venue salt hash of its number', async () => {
  await install('access', [{ holder: holderOfDocument(SALT, '44010619900101123x') }]);
  const card: Reading = { kind: 'idcard', card: { card_type: 'resident', name: '王小五', id_number: '44010619900101123X', id_number_valid: true, valid_to: '长期' } };
  const d = decideVenue(campus, card, null, { now: NOW, skew: 120, trustAge: 60, lastSeen: () => null, access: lookups() });
  assert.equal(d.accepted, true, d.reason ?? '');
});

test('a feed missing, or last confirmed longer ago than the venue allows, refuses feed_too_old and shows in health', async () => {
  await install('access', [{ holder: h('member') }]);
  assert.equal(scan(museum, 'member').reason, 'feed_too_old', 'bookings never arrived');
  await install('bookings', []);
  assert.equal(scan(museum, 'member').accepted, true);
  const later = NOW + 86_401;
  assert.equal(scan(museum, 'member', later).reason, 'feed_too_old');
  assert.deepEqual(feedHealth(store, museum, later * 1000).map((f) => [f.kind, f.version, f.stale]), [['access', 1, true], ['bookings', 1, true]]);
  store.checked('access', 1, later * 1000);
  store.checked('bookings', 1, later * 1000);
  assert.equal(scan(museum, 'member', later + 3600).accepted, true, 'a 304 from the service makes the same version current again');
  assert.equal(decideVenue(museum, code, personal('member'), { now: NOW, skew: 120, trustAge: 60, lastSeen: () => null }).reason, 'feed_too_old', 'no feed machinery at all');
});

test('a snapshot is checked as a stranger\'s: another venue, an older version, a bad row, not JSON', async () => {
  assert.equal((await install('access', [{ holder: h('a') }], { version: 2 })).status, 'installed');
  const other = await store.install(snapshot('access', [], { venue: 'campus-gate', version: 3 }), { venue: 'museum-gate', etag: null, at: 0 });
  assert.match((other as { reason: string }).reason, /feed of venue "campus-gate", not museum-gate/);
  assert.match(((await install('access', [], { version: 1 })) as { reason: string }).reason, /older than the held 2/);
  assert.equal((await install('access', [{ holder: h('a') }], { version: 2 })).status, 'unchanged');
  const bad = await store.install(snapshot('access', [{ holder: '440106199003071231' }], { version: 3 }), { venue: 'museum-gate', etag: null, at: 0 });
  assert.equal(bad.status, 'refused');
  assert.equal((await store.install('{', { venue: 'museum-gate', etag: null, at: 0 })).status, 'refused');
  assert.equal(store.meta('access')!.version, 2, 'the held version stays');
  assert.equal(store.rows('access', h('a')).length, 1);
});

test('a new version is written beside the current one, a chunk at a time: readings in between see the old whole, then the new whole', async () => {
  store = new FeedStore(db, 2);
  await install('access', [{ holder: h('a') }, { holder: h('b') }]);
  const next = Array.from({ length: 9 }, (_, i) => ({ holder: h(`n${i}`) }));
  let done = false;
  const installing = install('access', next, { version: 2 }).then((r) => ((done = true), r));
  const seen: string[] = [];
  while (!done) {
    // What a reading decided now would see: either all of v1 and none of v2, or the reverse.
    const v = store.meta('access')!.version;
    const old = store.rows('access', h('a')).length + store.rows('access', h('b')).length;
    const fresh = next.filter((r) => store.rows('access', r.holder).length).length;
    assert.ok((v === 1 && old === 2 && fresh === 0) || (v === 2 && old === 0 && fresh === 9), `v${v}: ${old} old and ${fresh} new rows visible`);
    seen.push(`v${v}`);
    await new Promise((r) => setImmediate(r));
  }
  assert.equal((await installing).status, 'installed');
  assert.ok(seen.filter((x) => x === 'v1').length >= 3, `readings ran between the chunks (${seen.join(' ')})`);
  assert.equal(db.prepare('SELECT count(*) FROM feed_rows WHERE version = 1').pluck().get(), 0, 'the old rows are gone');
});

test('a failure half way leaves the old version in use, and the next install clears what it left', async () => {
  store = new FeedStore(db, 1);
  await install('access', [{ holder: h('a') }, { holder: h('b') }]);
  // A trigger failing the 3rd row of version 2 stands for a crash or a full disk mid-way.
  db.exec(`CREATE TEMP TRIGGER fail_third BEFORE INSERT ON feed_rows WHEN NEW.holder = '${h('z')}' BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
  await assert.rejects(install('access', [{ holder: h('x') }, { holder: h('y') }, { holder: h('z') }], { version: 2 }), /disk full/);
  assert.equal(store.meta('access')!.version, 1);
  assert.deepEqual([h('a'), h('b'), h('x')].map((x) => store.rows('access', x).length), [1, 1, 0], 'v2 rows written before the failure are not visible');
  db.exec('DROP TRIGGER fail_third');
  assert.equal((await install('access', [{ holder: h('x') }], { version: 3 })).status, 'installed');
  assert.deepEqual(db.prepare('SELECT version, count(*) AS n FROM feed_rows GROUP BY version').all(), [{ version: 3, n: 1 }], 'the half-written v2 and the old v1 are cleared');
});

// ---- Deltas (docs/feeds.md#deltas) -----------------------------------------------------------

function delta(o: Partial<FeedDelta> & Pick<FeedDelta, 'from' | 'version' | 'holders' | 'rows' | 'rows_total'>): string {
  return JSON.stringify({ format: 'yss-feed-delta/1', venue: 'museum-gate', kind: 'access', published_at: NOW * 1000, salt: SALT, ...o });
}
const applyDelta = (text: string, at = NOW * 1000) => store.install(text, { venue: 'museum-gate', etag: '"d"', at });
const visible = (...subs: string[]) => subs.map((s) => store.rows('access', h(s)).length);

test('a delta replaces the rows of the holders it names, in place, and moves the version on', async () => {
  await install('access', [{ holder: h('a') }, { holder: h('b') }, { holder: h('c'), valid_until: '2026-11-24' }]);
  assert.equal(scan(campus, 'c').reason, 'access_expired');
  const change = diffFeed(
    [{ holder: h('a') }, { holder: h('b') }, { holder: h('c'), valid_until: '2026-11-24' }],
    [{ holder: h('a') }, { holder: h('c'), valid_until: '2027-06-30' }, { holder: h('d') }, { holder: h('d'), days: [6] }],
  )!;
  assert.deepEqual(new Set(change.holders), new Set([h('b'), h('c'), h('d')]), 'a is unchanged and not named');
  const r = await applyDelta(delta({ from: 1, version: 2, rows_total: 4, ...change }), (NOW + 5) * 1000);
  assert.deepEqual(r, { status: 'installed', kind: 'access', version: 2, rows: 4, via: 'delta' });
  assert.deepEqual(visible('a', 'b', 'c', 'd'), [1, 0, 1, 2]);
  assert.equal(scan(campus, 'c').accepted, true, 'the renewed row decides');
  assert.deepEqual(scan(campus, 'd').body.feeds, { access: 2 }, 'a decision names the version the delta made');
  const m = store.meta('access')!;
  assert.deepEqual([m.version, m.rows, m.checked_at, m.etag], [2, 4, (NOW + 5) * 1000, '"d"']);
  // A chain of two changes as the service sends it to a terminal two versions behind, and a snapshot after it.
  const chained = chainChanges([diffFeed([{ holder: h('a') }], [])!, diffFeed([], [{ holder: h('a') }, { holder: h('e') }])!])!;
  assert.equal((await applyDelta(delta({ from: 2, version: 4, rows_total: 5, ...chained }))).status, 'installed');
  assert.deepEqual(visible('a', 'e'), [1, 1], 'the later change of a wins');
  assert.equal((await install('access', [{ holder: h('z') }], { version: 5 })).status, 'installed');
  assert.deepEqual(visible('a', 'z'), [0, 1]);
  assert.deepEqual(db.prepare('SELECT DISTINCT version FROM feed_rows').pluck().all(), [5], 'rows a delta left under the old version are swept with it');
});

test('a delta from another version, corrupt or out of order, is refused and the held version is left exactly as it was', async () => {
  await install('access', [{ holder: h('a') }, { holder: h('b') }], { version: 3 });
  const held = () => [store.meta('access')!.version, store.meta('access')!.rows, ...visible('a', 'b', 'c')];
  const before = held();
  const refused = async (text: string, why: RegExp) => {
    const r = await applyDelta(text);
    assert.equal(r.status, 'refused');
    assert.match((r as { reason: string }).reason, why);
    assert.deepEqual(held(), before, `held version untouched after: ${(r as { reason: string }).reason}`);
  };
  const add = { holders: [h('c')], rows: [{ holder: h('c') }] };
  await refused(delta({ from: 4, version: 5, rows_total: 3, ...add }), /a delta from version 4, but version 3 is held/);
  await refused(delta({ from: 2, version: 3, rows_total: 3, ...add }), /a delta from version 2, but version 3 is held/);
  await refused(delta({ from: 3, version: 3, rows_total: 3, ...add }), /does not move on/);
  // Made from something else than what is held: the count does not add up, and the transaction is rolled back.
  await refused(delta({ from: 3, version: 4, rows_total: 2, holders: [h('a'), h('c')], rows: [{ holder: h('c') }] }).replace('"rows_total":2', '"rows_total":5'), /leaves 2 rows, not the 5/);
  await refused(delta({ from: 3, version: 4, rows_total: 3, holders: [h('a')], rows: [{ holder: h('a') }, { holder: h('c') }] }), /row 2 names a holder the delta does not list/);
  await refused(delta({ from: 3, version: 4, rows_total: 3, holders: [h('c')], rows: [{ holder: '440106199003071231' }] }), /row 1 holder: is a plain ID number/);
  await refused(delta({ from: 3, version: 4, rows_total: 3, holders: ['not-a-hash'], rows: [] }), /distinct SHA-256 hashes/);
  await refused(delta({ from: 3, version: 4, rows_total: 3, ...add, salt: 'another' }), /salt differs/);
  await refused(delta({ from: 3, version: 4, rows_total: 3, ...add, venue: 'campus-gate' }), /delta of venue "campus-gate"/);
  await refused(delta({ from: 3, version: 4, rows_total: 3, ...add, kind: 'bookings' }), /no bookings feed is held/);
  assert.equal((await applyDelta(delta({ from: 3, version: 4, rows_total: 3, ...add }))).status, 'installed', 'the good one still applies');
  assert.deepEqual(visible('a', 'b', 'c'), [1, 1, 1]);
});

test('a database from before deltas keeps its feeds: its rows are filed under the version they are', async () => {
  const dir = tempDir('yss-feeds-old-');
  dirs.push(dir);
  const old = openDatabase(dir);
  old.exec(`CREATE TABLE feed_meta (kind TEXT PRIMARY KEY, venue TEXT NOT NULL, version INTEGER NOT NULL, rows INTEGER NOT NULL, published_at INTEGER NOT NULL, checked_at INTEGER NOT NULL, salt TEXT NOT NULL, etag TEXT);
    CREATE TABLE feed_rows (kind TEXT NOT NULL, version INTEGER NOT NULL, holder TEXT NOT NULL, n INTEGER NOT NULL, row TEXT NOT NULL, PRIMARY KEY (kind, version, holder, n)) WITHOUT ROWID;
    INSERT INTO feed_meta VALUES ('access', 'museum-gate', 7, 1, 0, 0, '${SALT}', NULL);
    INSERT INTO feed_rows VALUES ('access', 7, '${h('a')}', 0, '{"holder":"${h('a')}"}');`);
  const s = new FeedStore(old);
  assert.equal(s.rows('access', h('a')).length, 1);
  assert.equal((await s.install(delta({ from: 7, version: 8, rows_total: 2, holders: [h('b')], rows: [{ holder: h('b') }] }), { venue: 'museum-gate', etag: null, at: 0 })).status, 'installed');
  assert.deepEqual([s.rows('access', h('a')).length, s.rows('access', h('b')).length, s.meta('access')!.version], [1, 1, 8]);
});

// ---- Capacity shares (docs/feeds.md#capacity-shares) -----------------------------------------

test('a shared slot admits within the share the service granted plus this terminal\'s slack, and nobody without a share', async () => {
  const shared: Venue = { ...museum, access: { ...museum.access!, capacity: { per_slot: 10, per_day: 500, shares: { slack: 2 } } } };
  const shares = new ShareStore(db);
  const look = { ...lookups(), share: (day: string, slot: string) => shares.limit(day, slot) };
  const go = (sub: string) => {
    const d = decideVenue(shared, code, personal(sub), { now: NOW, skew: 120, trustAge: 60, lastSeen: () => null, access: look });
    if (d.remember.admit) passages.admit(d.remember.admit.holder, d.remember.admit.day, d.remember.admit.slot, d.remember.admit.n, NOW);
    return d;
  };
  await install('access', []);
  await install('bookings', Array.from({ length: 8 }, (_, i) => ({ holder: h(`p${i}`), date: DAY, from: '10:00', to: '11:00', party: 1 })));
  assert.equal(go('p0').reason, 'slot_full', 'no share of the slot yet');
  const report = () => slotReports({ venue: shared, feeds: store, passages, shares, now: NOW });
  const first = report();
  assert.deepEqual(first, [{ day: DAY, slot: '10:00-11:00', capacity: 10, slack: 2, admitted: 0, keep: 0 }]);
  shares.answered([{ day: DAY, slot: '10:00-11:00', share: 3, slack: 1 }]);
  assert.deepEqual(['p0', 'p1', 'p2', 'p3', 'p4'].map((s) => go(s).accepted), [true, true, true, true, false], 'share 3 and slack 1');
  assert.equal(passages.admitted(DAY, '10:00-11:00'), 4);

  shares.answered([{ day: DAY, slot: '10:00-11:00', share: 9, slack: 1 }]);
  const [r] = report();
  assert.deepEqual([r!.admitted, r!.keep], [4, 7], 'keeps its count and half its unused share (4 + ceil(5 / 2))');
  assert.equal(shares.limit(DAY, '10:00-11:00'), 8, 'while the report is in flight it decides within what it keeps');
  shares.unanswered();
  assert.equal(shares.limit(DAY, '10:00-11:00'), 8, 'no answer: what it kept is its share now (the service may have granted the rest)');
  assert.equal(report()[0]!.keep, 7, 'after an unanswered report it keeps its whole share: offline, it does not shrink further');
  shares.unanswered();
  assert.equal(shares.limit(DAY, '10:00-11:00'), 8);
});

// ---- Entry and exit readers (docs/feeds.md#entry-and-exit-readers) ---------------------------

test('with an exit reader, an entry needs the holder outside and an exit inside; the party goes in and out together and occupancy follows', async () => {
  const paired: Venue = { ...museum, access: { ...museum.access!, exit_readers: ['scanner-2'] } };
  await install('access', [{ holder: h('member') }]);
  await install('bookings', [{ holder: h('booked'), date: DAY, from: '10:00', to: '11:00', party: 3 }]);
  const look = { ...lookups(), inside: (x: string) => passages.inside(x), occupancy: () => passages.occupancy() };
  let t = NOW;
  const pass = (sub: string, device: string) => {
    const d = decideVenue(paired, code, personal(sub), { now: (t += 1), skew: 120, trustAge: 60, lastSeen: () => null, access: look, device });
    const a = d.remember.admit;
    if (a) passages.admit(a.holder, a.day, a.slot, a.n, t, a.direction);
    return d;
  };
  const out = pass('booked', 'scanner-2');
  assert.deepEqual([out.accepted, out.reason, out.body.direction], [false, 'anti_passback', 'exit'], 'never entered: cannot leave');
  const family = pass('booked', 'scanner-1');
  assert.deepEqual([family.accepted, family.body.direction, family.body.party, family.body.occupancy], [true, 'entry', 3, 3]);
  assert.equal(pass('booked', 'scanner-1').reason, 'anti_passback', 'inside already: a second entry is refused whatever the time');
  assert.deepEqual([pass('member', 'scanner-1').body.occupancy, passages.occupancy()], [4, 4]);
  const left = pass('booked', 'scanner-2');
  assert.deepEqual([left.accepted, left.body.direction, left.body.party, left.body.occupancy], [true, 'exit', 3, 1], 'the party leaves together');
  assert.equal(passages.admitted(DAY, '10:00-11:00'), 3, 'an exit is not an admission');
  const back = pass('booked', 'scanner-1');
  assert.deepEqual([back.accepted, back.body.occupancy], [true, 4], 'out, then in again');
  assert.equal(passages.admitted(DAY, '10:00-11:00'), 6, 'each entry is an admission');
});
