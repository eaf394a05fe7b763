// Meeting attendance end to end (docs/meetings.md): the real sync service and daemon run from
// fixtures/venues/meeting.json, the roster imported through the service's API and pulled by the
// terminal, codes scanned on a pty. The first scan signs in (late flagged), a later one is told the
// time of the first, a holder not on the roster and a meeting not open yet are refused in words,
// and the organizer's summary (staff session) counts present, late and absent with masked names.
// Meeting times are derived from the clock at the start of the test, never from the hour.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { mintCode } from '../../scripts/issuer/mint.ts';
import { EventFeed, Stack, waitFor } from '../../scripts/lib/stack.ts';
import { acceptedCode, loadShippedVenue } from '../../scripts/lib/venue-devices.ts';
import type { AttendanceSummary, Health, VerdictMessage } from '../src/api/index.ts';
import { holderOfCode } from '../src/protocol/index.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

const venue = loadShippedVenue('meeting');
const NOW = Math.floor(Date.now() / 1000);
/** `YYYY-MM-DDTHH:MM` in China time, `min` minutes from the test's start. */
const at = (min: number) => new Date((NOW + min * 60 + 8 * 3600) * 1000).toISOString().slice(0, 16);
const holder = (sub: string) => holderOfCode('CN-44', sub);
const ROSTER = [
  { holder: holder('u-on-time'), meeting: 'board', starts_at: at(0), name_masked: '陈*文' },
  { holder: holder('u-absent'), meeting: 'board', starts_at: at(0), name_masked: '王*' },
  { holder: holder('u-late'), meeting: 'budget', starts_at: at(-10), late_after_min: 5, name_masked: '李*红' },
  { holder: holder('u-tonight'), meeting: 'dinner', starts_at: at(180) },
];

describe('meeting attendance on the real daemon and service', () => {
  let dir: string;
  let stack: Stack;
  let feed: EventFeed;

  before(async () => {
    dir = tempDir('yss-meeting-');
    stack = await new Stack({ dir, venue: 'meeting', feeds: { roster: ROSTER } }).start();
    feed = await EventFeed.open(stack.kioskUrl);
    await waitFor(async () => ((await (await fetch(new URL('/api/health', stack.kioskUrl))).json()) as Health).feeds.some((f) => f.kind === 'roster' && f.version !== null), 20_000, 50, 'the roster pulled');
  });
  after(async () => {
    feed?.close();
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const scan = (sub: string): Promise<VerdictMessage> => {
    const before = feed.lastSeq();
    stack.scan(mintCode(acceptedCode(venue, stack.keysDir, Math.floor(Date.now() / 1000), sub)!));
    return feed.nextVerdict(before, 15_000);
  };
  const attendance = (v: VerdictMessage) => v.effects.find((e) => e.kind === 'attendance');

  test('the first scan signs in, a later one is told the time of the first, and a late arrival is flagged', async () => {
    const first = await scan('u-on-time');
    assert.deepEqual([first.accepted, attendance(first)?.status, attendance(first)?.late], [true, 'signed_in', false]);
    const again = await scan('u-on-time');
    assert.deepEqual([again.accepted, attendance(again)?.status, attendance(again)?.at], [true, 'already', attendance(first)?.at], 'already signed in at the first time');
    const late = await scan('u-late');
    assert.deepEqual([late.accepted, attendance(late)?.meeting, attendance(late)?.late], [true, 'budget', true]);

    const db = new Database(join(stack.dir, 'terminal-data', 'terminal.db'), { readonly: true, fileMustExist: true });
    try {
      const bodies = (db.prepare("SELECT body FROM events WHERE type = 'attendance' ORDER BY seq").all() as { body: string }[]).map((r) => JSON.parse(r.body) as Record<string, unknown>);
      assert.deepEqual(bodies.map((b) => [b.meeting, b.first, b.late]), [['board', true, false], ['board', false, false], ['budget', true, true]]);
      assert.doesNotMatch(JSON.stringify(bodies), new RegExp(holder('u-on-time')), 'events name no holder');
    } finally {
      db.close();
    }
  });

  test('a holder not on the roster, and a meeting whose sign-in is not open yet, are refused in words', async () => {
    const stranger = await scan('u-stranger');
    assert.deepEqual([stranger.accepted, stranger.reason], [false, 'not_on_roster']);
    const early = await scan('u-tonight');
    assert.deepEqual([early.accepted, early.reason], [false, 'meeting_not_open']);
  });

  test('the organizer\'s summary counts present, late and absent, with masked names, behind the staff PIN', async () => {
    const url = new URL('/api/staff/attendance', stack.kioskUrl);
    assert.equal((await fetch(url)).status, 401, 'staff only');
    const login = (await (await fetch(new URL('/api/staff/login', stack.kioskUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin: stack.staffPin }) })).json()) as { token: string };
    const s = (await (await fetch(url, { headers: { authorization: `Bearer ${login.token}` } })).json()) as AttendanceSummary;
    const board = s.meetings.find((m) => m.meeting === 'board');
    const budget = s.meetings.find((m) => m.meeting === 'budget');
    assert.deepEqual([board?.expected, board?.present, board?.late, board?.absent, board?.names], [2, 1, 0, 1, { present: ['陈*文'], late: [], absent: ['王*'] }]);
    assert.deepEqual([budget?.present, budget?.late, budget?.names.late], [0, 1, ['李*红']]);
    assert.doesNotMatch(JSON.stringify(s), /[0-9a-f]{64}/, 'no holder hash leaves the terminal');
  });
});
