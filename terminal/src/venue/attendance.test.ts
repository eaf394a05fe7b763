// The attendance step with a pinned clock: the sign-in window's edges, the late edge (the row's
// own late_after_min before the venue's), the nearest of two meetings, a stale or missing roster,
// and the summary's groups and its day.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { test } from 'node:test';
import { holderOfCode, type RosterRow } from '../protocol/index.ts';
import { attendanceStep, type AttendanceFeeds } from './attendance.ts';
import { AttendanceStore } from './attendance-store.ts';
import type { Venue } from './types.ts';

const venue = { name: 'meeting', attendance: { late_after_min: 5, open_before_min: 60, close_after_min: 240 } } as unknown as Venue;
const at = (iso: string) => Date.parse(iso) / 1000;
const H = holderOfCode('CN-44', 'u1');
const who = { source: 'YSS1' as const, issuer: 'CN-44', sub: 'u1', docNo: undefined };

function feeds(rows: RosterRow[], age_s = 0): AttendanceFeeds {
  return { feed: () => ({ version: 1, age_s }), salt: () => null, rows: (_k, h) => rows.filter((r) => r.holder === h) };
}
const none = { signedIn: () => null };

test('sign-in opens open_before_min before the start and closes close_after_min after it; late from late_after_min', () => {
  const f = feeds([{ holder: H, meeting: 'm', starts_at: '2026-12-01T09:00' }]);
  const step = (iso: string) => {
    const a = attendanceStep(venue, who, at(iso), f, none);
    return 'reason' in a ? a.reason : a.effect.late ? 'late' : 'on time';
  };
  assert.equal(step('2026-12-01T07:59:59+08:00'), 'meeting_not_open');
  assert.equal(step('2026-12-01T08:00:00+08:00'), 'on time');
  assert.equal(step('2026-12-01T09:04:59+08:00'), 'on time');
  assert.equal(step('2026-12-01T09:05:00+08:00'), 'late');
  assert.equal(step('2026-12-01T12:59:59+08:00'), 'late');
  assert.equal(step('2026-12-01T13:00:00+08:00'), 'meeting_not_open');
  const own = feeds([{ holder: H, meeting: 'm', starts_at: '2026-12-01T09:00', late_after_min: 0 }]);
  const a = attendanceStep(venue, who, at('2026-12-01T09:00:00+08:00'), own, none);
  assert.ok(!('reason' in a) && a.effect.late, "the row's own late_after_min wins");
});

test('the nearest open meeting is signed; a second scan answers the time of the first; no roster, a stale one, or not on it refuse', () => {
  const rows = [
    { holder: H, meeting: 'morning', starts_at: '2026-12-01T09:00' },
    { holder: H, meeting: 'late-morning', starts_at: '2026-12-01T10:30' },
  ];
  const a = attendanceStep(venue, who, at('2026-12-01T10:10:00+08:00'), feeds(rows), none);
  assert.ok(!('reason' in a));
  assert.deepEqual([a.effect.meeting, a.effect.status, a.effect.at], ['late-morning', 'signed_in', '10:10']);
  const again = attendanceStep(venue, who, at('2026-12-01T10:20:00+08:00'), feeds(rows), { signedIn: () => ({ at: at('2026-12-01T10:10:00+08:00'), late: false }) });
  assert.ok(!('reason' in again));
  assert.deepEqual([again.effect.status, again.effect.at, again.signIn], ['already', '10:10', null]);
  const r = (f: AttendanceFeeds | undefined, v = venue) => {
    const x = attendanceStep(v, who, at('2026-12-01T09:00:00+08:00'), f, none);
    return 'reason' in x ? x.reason : 'accepted';
  };
  assert.equal(r(undefined), 'feed_too_old');
  assert.equal(r({ ...feeds(rows), feed: () => null }), 'feed_too_old');
  const bounded = { ...venue, attendance: { ...venue.attendance, max_feed_age_s: 3600 } } as Venue;
  assert.equal(r(feeds(rows, 3601), bounded), 'feed_too_old');
  assert.equal(r(feeds(rows, 3600), bounded), 'accepted');
  assert.equal(r(feeds([{ holder: 'f'.repeat(64), meeting: 'm', starts_at: '2026-12-01T09:00' }])), 'not_on_roster');
});

test('the summary groups today\'s meetings into present, late and absent, with masked names and whole counts', () => {
  const db = new Database(':memory:');
  const store = new AttendanceStore(db as never);
  const roster: RosterRow[] = [
    { holder: 'a', meeting: 'm', starts_at: '2026-12-01T09:00', name_masked: '陈*文' },
    { holder: 'b', meeting: 'm', starts_at: '2026-12-01T09:00', name_masked: '李*' },
    { holder: 'c', meeting: 'm', starts_at: '2026-12-01T09:00' },
    { holder: 'a', meeting: 'tomorrow', starts_at: '2026-12-02T09:00' },
  ];
  store.record({ meeting: 'm', holder: 'a', at: at('2026-12-01T08:50:00+08:00'), late: false, name_masked: null });
  store.record({ meeting: 'm', holder: 'b', at: at('2026-12-01T09:20:00+08:00'), late: true, name_masked: null });
  store.record({ meeting: 'm', holder: 'b', at: at('2026-12-01T09:30:00+08:00'), late: false, name_masked: null });
  const s = store.summary(roster, at('2026-12-01T10:00:00+08:00'), { before_s: 3600, after_s: 4 * 3600 });
  assert.deepEqual(s.meetings, [{ meeting: 'm', starts_at: '2026-12-01T09:00', expected: 3, present: 1, late: 1, absent: 1, names: { present: ['陈*文'], late: ['李*'], absent: ['*'] } }]);
  assert.deepEqual(store.signedIn('m', 'b'), { at: at('2026-12-01T09:20:00+08:00'), late: true }, 'the first sign-in stays');
  db.close();
});
