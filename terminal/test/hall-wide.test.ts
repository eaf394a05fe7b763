// One active number per person per category across the whole hall (docs/hall.md, "One active
// number per person"), on real parts: the sync-service process (the hall's allocator and queue,
// its SQLite) on loopback and two ticket machines (terminal daemons, each with its own pty scanner
// and SQLite). A person who took a number at machine 1 is refused at machine 2; once a window
// completes it they may take one again there. With the allocator down, each machine falls back on
// its own check: the same person takes a number at both, and when the hall is back the second
// ticket is in the queue, kept and flagged for the clerk. One booking per person per day holds
// across the machines too (docs/hospital.md). The window page's priority labels are the venue file's.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { axe, launch } from '../../kiosk-ui/web/test/browser.ts';
import { freePort } from '../../kiosk-ui/web/test/real-stack.ts';
import { mintCode } from '../../scripts/issuer/mint.ts';
import { HallMachine } from '../../scripts/lib/hall-machine.ts';
import { EventFeed, REPO, Stack, waitFor } from '../../scripts/lib/stack.ts';
import { loadShippedVenue } from '../../scripts/lib/venue-devices.ts';
import type { Health, VerdictMessage } from '../src/api/index.ts';
import { holderOfCode } from '../src/protocol/index.ts';
import { aheadForRoom, hhmm, localDate, localMinute } from '../../scripts/lib/local-day.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

interface Waiting {
  number: string;
  taken_at: number;
  duplicate_of: { number: string; rule: string } | null;
}
interface HallState {
  labels: string[] | null;
  totals: { taken: number };
  waiting: Waiting[];
}


const ticketOf = (v: VerdictMessage) => (v.effects.find((e) => e.kind === 'ticket') as { number: string } | undefined)?.number;

test('one active number per person and one booking a day across two ticket machines: refused at the other machine while active, free once completed; issued at both while the allocator is down, then kept and flagged', { timeout: 240_000 }, async () => {
  const dir = tempDir('yss-hallwide-');
  // The hall that takes bookings (walk-ins get normal tickets), with one active number per person.
  // Hours widened: the rules are tested at any hour the suite runs. Replay per code: the per-person
  // replay rule (您刚刚已取号, two minutes at one machine) would answer a person's second scan first.
  const hall = loadShippedVenue('hall-appointments');
  const venue = { ...hall, hours: undefined, replay: { per: 'code', on_replay: 'refuse' }, actions: hall.actions.map((a) => ({ ...a, one_active: true })) };
  // B booked a slot running now. Near local midnight the service's and the machines' clocks run
  // ahead into the next day (libfaketime), and the codes are minted on their clock.
  const ahead = aheadForRoom(5, 20);
  const now = localMinute(Date.now() + ahead);
  const booking = { holder: holderOfCode('CN-44', 'u-hallwide-b'), date: localDate(Date.now() + ahead), from: hhmm(now - 4), to: hhmm(now + 16), service: '社保业务' };
  const stack = new Stack({ dir, venue, feeds: { appointments: [booking] }, servicePort: await freePort(), sync: { interval_ms: 100, backoff_max_ms: 300, timeout_ms: 2000 }, clockAheadMs: ahead });
  const code = (sub: string) => mintCode({ keys: stack.keysDir, sub, at: Math.floor((Date.now() + ahead) / 1000) });
  let second: HallMachine | null = null;
  const feeds: EventFeed[] = [];
  try {
    await stack.start();
    second = await HallMachine.add(stack, 2, { venue: true });
    const machines = [
      { url: stack.kioskUrl, scan: (x: string) => stack.scan(x) },
      { url: second.url, scan: (x: string) => second!.scan(x) },
    ];
    for (const m of machines) feeds.push(await EventFeed.open(m.url));
    const health = async (i: number) => (await (await fetch(new URL('/api/health', machines[i]!.url))).json()) as Health;
    for (const i of [0, 1]) {
      await waitFor(async () => {
        const h = await health(i);
        return (h.hall_numbers?.held.A ?? 0) > 0 && h.feeds.some((f) => f.kind === 'appointments');
      }, 60_000, 100, `machine ${i + 1} to hold numbers and the day's appointments`);
    }
    /** Scans at machine i and returns what its kiosk showed. */
    const present = async (i: number, code: string): Promise<VerdictMessage> => {
      const before = feeds[i]!.lastSeq();
      machines[i]!.scan(code);
      return feeds[i]!.nextVerdict(before, 30_000);
    };
    /** Waits until machine i asked the hall who waits after `since` (wall ms): its lists are then at least that fresh. */
    const askedSince = (i: number, since: number) =>
      waitFor(
        async () => {
          const age = (await health(i)).hall_numbers?.waiting_age_ms;
          return age !== null && age !== undefined && Date.now() - age > since;
        },
        30_000,
        100,
        `machine ${i + 1} to ask the hall after ${since}`,
      );
    const state = async () => (await stack.admin('GET', `/hall/${stack.venueName}/state`)) as HallState;
    const taken = (n: number) => waitFor(async () => (await state()).totals.taken === n, 60_000, 100, `${n} tickets in the hall`);

    // X takes a number at machine 1; once the hall has it and machine 2 has asked, machine 2 refuses X.
    const x = code('u-hallwide-x');
    const first = await present(0, x);
    assert.equal(first.accepted, true, `X at machine 1: ${first.reason}`);
    const xNumber = ticketOf(first)!;
    await taken(1);
    await askedSince(1, Date.now());
    const refused = await present(1, code('u-hallwide-x'));
    assert.deepEqual([refused.accepted, refused.reason], [false, 'already_in_queue'], `X at machine 2 holds ${xNumber} from machine 1`);
    assert.equal(ticketOf(refused), undefined);
    const other = await present(1, code('u-hallwide-z'));
    assert.equal(other.accepted, true, 'someone else takes a number at machine 2');
    await taken(2);

    // A window calls and completes X's number (办理完成): X is no longer active anywhere in the hall.
    const called = (await stack.admin('POST', `/hall/${stack.venueName}/steps`, { kind: 'call', window: 1, categories: ['A'] })) as { step: { number: string } };
    assert.equal(called.step.number, xNumber);
    await stack.admin('POST', `/hall/${stack.venueName}/steps`, { kind: 'complete', window: 1 });
    await askedSince(1, Date.now());
    const again = await present(1, code('u-hallwide-x'));
    assert.equal(again.accepted, true, `X at machine 2 after ${xNumber} was completed: ${again.reason}`);
    await taken(3);
    // The venue file's priority labels reached the hall with the tickets: what the window page offers.
    assert.deepEqual((await state()).labels, ['军人', '残疾人', '孕妇']);

    // B signs in for the booking at machine 1; machine 2 then refuses a second sign-in, naming the first.
    const signIn = await present(0, code('u-hallwide-b'));
    assert.equal(signIn.accepted, true, `B signs in at machine 1: ${signIn.reason}`);
    const bNumber = ticketOf(signIn)!;
    await taken(4);
    await askedSince(1, Date.now());
    const twice = await present(1, code('u-hallwide-b'));
    assert.deepEqual([twice.accepted, twice.reason], [false, 'already_signed_in']);
    assert.match(twice.words?.reason['zh-CN'] ?? '', new RegExp(`号码 ${bNumber}$`), 'the refusal names the number of the sign-in at machine 1');

    // The allocator is down: each machine issues from its block on its own check, so Y gets a number at both.
    await stack.stopService();
    const y = await present(0, code('u-hallwide-y'));
    const y2 = await present(1, code('u-hallwide-y'));
    assert.deepEqual([y.accepted, y2.accepted], [true, true], `offline, each machine checks only its own tickets: ${y.reason} ${y2.reason}`);
    const yNumbers = [ticketOf(y)!, ticketOf(y2)!];

    // Back: both tickets reach the queue; the one taken later is flagged as Y's second, and neither is lost.
    await stack.startService();
    await taken(6);
    const waiting = (await state()).waiting;
    const ys = yNumbers.map((n) => waiting.find((w) => w.number === n));
    assert.ok(ys.every(Boolean), `both of Y's tickets wait: ${yNumbers.join(', ')}`);
    const [earlier, later] = [...ys].sort((a, b) => a!.taken_at - b!.taken_at || a!.number.localeCompare(b!.number));
    assert.equal(earlier!.duplicate_of, null);
    assert.deepEqual(later!.duplicate_of, { number: earlier!.number, rule: 'one_active' });
    assert.equal(waiting.filter((w) => w.duplicate_of).length, 1, 'nobody else is flagged');

    // The clerk sees it: the window page (Chromium) marks the later ticket as Y's second, and offers the venue's labels.
    const browser = await launch();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${stack.serviceUrl}hall-window/?hall=${stack.venueName}&window=2`);
      await page.fill('#token', stack.adminToken);
      await page.fill('#serves', 'A');
      await page.click('form#signin button[type=submit]');
      const flag = await page.waitForSelector(`#waiting tr.duplicate[data-duplicate="${earlier!.number}"]`);
      assert.equal(await flag.$eval('td', (td) => td.textContent), `${later!.number} 重复取号(已有 ${earlier!.number})`);
      assert.deepEqual(await page.$$eval('#mark-label option', (os) => os.map((o) => o.textContent)), ['军人', '残疾人', '孕妇']);
      assert.deepEqual(await axe(page), []);
      assert.deepEqual(errors, []);
      if (process.env.YSS_SCREENSHOTS === '1') await page.screenshot({ path: join(REPO, 'docs', 'screenshots', 'hall-duplicate.png'), fullPage: true });
    } finally {
      await browser.close();
    }

    // And the machines hear of it: machine 1 refuses Y now, whichever machine Y's tickets came from.
    await askedSince(0, Date.now());
    const third = await present(0, code('u-hallwide-y'));
    assert.deepEqual([third.accepted, third.reason], [false, 'already_in_queue']);
  } finally {
    for (const f of feeds) f.close();
    await second?.stop();
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
