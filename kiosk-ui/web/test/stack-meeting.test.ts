// The kiosk on the real daemon at a meeting door (fixtures/venues/meeting.json), the roster
// imported through the service: a first scan says when it signed in, a second "already signed in
// at" the same time, and the staff panel shows the organizer's summary with masked names only.
// Meeting times are derived from the test's own start.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { mintCode } from '../../../scripts/issuer/mint.ts';
import { acceptedCode, loadShippedVenue } from '../../../scripts/lib/venue-devices.ts';
import { waitFor } from '../../../scripts/lib/wait.ts';
import type { Health } from '../../../terminal/src/api/messages.ts';
import { holderOfCode } from '../../../terminal/src/protocol/index.ts';
import { axe, launch, openKiosk, pageErrors } from './browser.ts';
import { startKioskStack, type KioskStack } from './real-stack.ts';
import { tapKeys } from './screens.ts';

const venue = loadShippedVenue('meeting');
const NOW = Math.floor(Date.now() / 1000);
const startsAt = new Date((NOW + 8 * 3600) * 1000).toISOString().slice(0, 16);
let browser: Browser;
let ks: KioskStack;
let page: Page;

before(async () => {
  const [b, k] = await Promise.allSettled([launch(), startKioskStack('meeting')]);
  if (b.status === 'fulfilled') browser = b.value;
  if (k.status === 'fulfilled') ks = k.value;
  if (b.status === 'rejected') throw b.reason;
  if (k.status === 'rejected') throw k.reason;
  await ks.stack.importFeed('roster', [
    { holder: holderOfCode('CN-44', 'u-board-1'), meeting: 'board', starts_at: startsAt, name_masked: '陈*文' },
    { holder: holderOfCode('CN-44', 'u-board-2'), meeting: 'board', starts_at: startsAt, name_masked: '王*' },
  ]);
  page = await openKiosk(browser, `${ks.url}?lang=en&result_ms=600000`);
  await page.waitForSelector('main[data-screen="idle"]');
  // The terminal pulls the roster at its next poll: wait for a scan to be answered from it.
  await waitFor(async () => ((await (await fetch(new URL('/api/health', ks.url))).json()) as Health).feeds.some((f) => f.kind === 'roster' && f.version !== null), 30_000, 100, 'the roster pulled');
});
after(async () => {
  await browser?.close();
  await ks?.close();
});

const scan = () => ks.stack.scan(mintCode(acceptedCode(venue, ks.stack.keysDir, Math.floor(Date.now() / 1000), 'u-board-1')!));

test('signed in, then already signed in at the same time; the organizer sees present and absent on the staff panel', async () => {
  scan();
  const first = await page.waitForSelector('[data-note="attendance.signed"]', { timeout: 15_000 });
  const time = /Signed in at (\d{2}:\d{2})/.exec((await first.textContent()) ?? '')?.[1];
  assert.ok(time, 'the time of the sign-in');
  assert.deepEqual(await axe(page), []);
  await page.click('[data-action="done"]');
  scan();
  const again = await page.waitForSelector('[data-note="attendance.already"]', { timeout: 15_000 });
  assert.equal(await again.textContent(), `Already signed in at ${time}`);
  await page.click('[data-action="done"]');

  await page.click('[data-action="staff"]');
  await tapKeys(page, ks.stack.staffPin);
  await page.click('[data-action="submit"]');
  const board = await page.waitForSelector('[data-section="attendance"] [data-meeting="board"]', { timeout: 15_000 });
  const text = (await board.textContent()) ?? '';
  assert.match(text, /board \(starts \d{2}:\d{2}, 2 expected\)/);
  assert.equal(await page.textContent('[data-meeting="board"] [data-group="present"] td:last-child'), '陈*文');
  assert.equal(await page.textContent('[data-meeting="board"] [data-group="absent"] td:last-child'), '王*');
  assert.doesNotMatch((await page.textContent('main')) ?? '', /[0-9a-f]{64}/, 'no holder hash on the page');
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(pageErrors(page), []);
});
