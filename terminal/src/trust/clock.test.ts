import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { openDatabase } from '../db/index.ts';
import { TrustedClock, TrustStore, wallClock } from './index.ts';
import { makeWorld, NOW } from '../codes/test/helpers.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

/** A hand-settable wall clock and a monotonic clock that only moves when told. */
function fakeClocks(wall: number) {
  const c = { wall, mono: 1000 };
  return {
    c,
    opts: { wall: () => c.wall, monotonic: () => c.mono },
    elapse(s: number) {
      c.wall += s;
      c.mono += s;
    },
  };
}
const dataDir = () => tempDir('yss-clock-');

test('follows the wall clock when nothing contradicts it', () => {
  const f = fakeClocks(NOW);
  const clock = TrustedClock.open(openDatabase(dataDir()), f.opts);
  f.elapse(30);
  const s = clock.status();
  assert.equal(s.now, NOW + 30);
  assert.equal(s.untrusted, false);
  assert.equal(s.jumps, 0);
  assert.equal(s.source, 'boot', 'nothing but the wall clock heard since start');
});

test('never goes below the newest trusted time, across a restart', () => {
  const dir = dataDir();
  const f = fakeClocks(NOW);
  const db = openDatabase(dir);
  TrustedClock.open(db, f.opts).observe(NOW + 86_400, 'trust-list');
  db.close();
  // Restarted with the wall clock a year behind (dead RTC battery, or someone set it back).
  const g = fakeClocks(NOW - 365 * 86_400);
  const clock = TrustedClock.open(openDatabase(dir), g.opts);
  const s = clock.status();
  assert.equal(s.now, NOW + 86_400);
  assert.equal(s.floor, NOW + 86_400);
  assert.equal(s.untrusted, true);
  g.elapse(10);
  assert.equal(clock.now(), NOW + 86_400 + 10);
});

test('reports a wall clock set back by hand and keeps time from before the jump', () => {
  const f = fakeClocks(NOW);
  const clock = TrustedClock.open(openDatabase(dataDir()), f.opts);
  f.elapse(5);
  f.c.wall -= 3600;
  const s = clock.status();
  assert.equal(s.now, NOW + 5);
  assert.deepEqual(s.lastJump, { at: NOW + 5, by: -3600 });
  assert.equal(s.untrusted, true);
  assert.ok(s.drift < -3000);
});

test('reports a wall clock set forward by hand and does not expire codes with it', () => {
  const f = fakeClocks(NOW);
  const clock = TrustedClock.open(openDatabase(dataDir()), f.opts);
  f.c.wall += 365 * 86_400;
  const s = clock.status();
  assert.equal(s.now, NOW);
  assert.equal(s.jumps, 1);
  assert.equal(s.lastJump?.by, 365 * 86_400);
});

test('re-anchors on the sync service time and reports drift from it', () => {
  const f = fakeClocks(NOW);
  const clock = TrustedClock.open(openDatabase(dataDir()), f.opts);
  clock.observe(NOW + 600, 'server');
  const s = clock.status();
  assert.equal(s.now, NOW + 600);
  assert.equal(s.source, 'server');
  assert.equal(Math.round(s.drift), -600);
  f.elapse(20);
  assert.equal(clock.now(), NOW + 620);
});

test('tolerates slew within the tolerance and follows the wall clock', () => {
  const f = fakeClocks(NOW);
  const clock = TrustedClock.open(openDatabase(dataDir()), { ...f.opts, tolerance: 60 });
  f.c.wall += 2;
  const s = clock.status();
  assert.equal(s.now, NOW + 2);
  assert.equal(s.untrusted, false);
  assert.equal(s.jumps, 0);
});

test('raises its floor from each trust list installed', () => {
  const w = makeWorld();
  const db = openDatabase(dataDir());
  const f = fakeClocks(NOW - 100_000);
  const clock = TrustedClock.open(db, f.opts);
  TrustStore.open(db, [w.root.root], { clock }).install(w.jws);
  assert.equal(clock.status().floor, w.index.issuedAt);
  assert.equal(clock.now(), w.index.issuedAt);
});

test('learns the installed list issued_at again when the store opens', () => {
  const w = makeWorld();
  const dir = dataDir();
  const db = openDatabase(dir);
  TrustStore.open(db, [w.root.root]).install(w.jws);
  db.close();
  const db2 = openDatabase(dir);
  const clock = TrustedClock.open(db2, fakeClocks(NOW - 100_000).opts);
  assert.equal(clock.status().floor, null);
  TrustStore.open(db2, [w.root.root], { clock });
  assert.equal(clock.status().floor, w.index.issuedAt);
});

test('the plain wall clock reads the machine clock: milliseconds as they are, seconds whole', () => {
  const before = Date.now();
  const ms = wallClock.wallMs();
  const s = wallClock.now();
  const after = Date.now();
  assert.ok(ms >= before && ms <= after, `wallMs ${ms} within [${before}, ${after}]`);
  assert.ok(Number.isInteger(s) && s >= Math.floor(before / 1000) && s <= Math.floor(after / 1000), `now ${s} is whole seconds of [${before}, ${after}] ms`);
});

test('a clock without injected sources reads the machine wall clock, in seconds', async () => {
  const before = Date.now() / 1000;
  const clock = TrustedClock.open(openDatabase(dataDir()));
  // Some time between the two readings, so that a monotonic clock in other units would drift.
  await delay(100);
  const s = clock.status();
  const after = Date.now() / 1000;
  assert.ok(s.wall >= before && s.wall <= after, `wall ${s.wall} within [${before}, ${after}]`);
  assert.ok(s.now >= Math.floor(before) && s.now <= Math.floor(after));
  assert.equal(s.untrusted, false, 'the monotonic default runs in seconds too: no drift between the two');
  assert.ok(Number.isFinite(s.drift) && Math.abs(s.drift) < 1, `drift ${s.drift} s between the default wall and monotonic clocks`);
  assert.ok(Math.abs(clock.wallMs() - Date.now()) < 5_000);
});

test('the service is the default source: it re-anchors; a trust list only raises the floor', () => {
  const f = fakeClocks(NOW);
  const clock = TrustedClock.open(openDatabase(dataDir()), f.opts);
  clock.observe(NOW - 50, 'trust-list');
  let s = clock.status();
  assert.deepEqual([s.now, s.source, s.floor], [NOW, 'boot', NOW - 50], 'a list issued 50 s ago does not re-anchor');
  clock.observe(NOW + 100, 'trust-list');
  s = clock.status();
  assert.deepEqual([s.now, s.source, s.floor], [NOW + 100, 'floor', NOW + 100], 'a list from 100 s ahead: the wall is trusted but below the floor');
  clock.observe(NOW + 600);
  s = clock.status();
  assert.deepEqual([s.now, s.source, s.floor], [NOW + 600, 'server', NOW + 600]);
});

test('the floor only rises, and what it holds survives a restart', () => {
  const dir = dataDir();
  const f = fakeClocks(NOW);
  const db = openDatabase(dir);
  const clock = TrustedClock.open(db, f.opts);
  clock.observe(NOW + 100, 'trust-list');
  clock.observe(NOW + 50, 'trust-list');
  assert.equal(clock.status().floor, NOW + 100, 'an older list does not lower it');
  clock.observe(NOW + 100.9, 'trust-list');
  assert.equal(clock.status().floor, NOW + 100, 'whole seconds, rounded down');
  db.close();
  assert.equal(TrustedClock.open(openDatabase(dir), f.opts).status().floor, NOW + 100);
});

test('a time that is no number is ignored', () => {
  const f = fakeClocks(NOW);
  const clock = TrustedClock.open(openDatabase(dataDir()), f.opts);
  for (const t of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) clock.observe(t);
  const s = clock.status();
  assert.deepEqual([s.now, s.source, s.floor, s.drift], [NOW, 'boot', null, 0]);
});

test('a step or drift of exactly the tolerance is still slew, one beyond it is not', () => {
  const f = fakeClocks(NOW);
  const clock = TrustedClock.open(openDatabase(dataDir()), { ...f.opts, tolerance: 60 });
  f.c.wall += 60;
  let s = clock.status();
  assert.deepEqual([s.now, s.untrusted, s.jumps], [NOW + 60, false, 0]);
  f.c.wall += 1;
  s = clock.status();
  assert.deepEqual([s.now, s.untrusted, s.jumps], [NOW, true, 0], 'drift 61 s: untrusted, though the step was 1 s');
  f.c.wall += 61;
  assert.equal(clock.status().jumps, 1);
});
