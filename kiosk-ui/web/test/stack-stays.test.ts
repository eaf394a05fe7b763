// The desk's guests today in Chromium against the real daemon and service: two guests check in on
// the keypad, the clerk confirms a head count that differs and adds a passport guest's visa and
// entry on the staff panel, a rescan offers check-out; then the daemon restarts with its wall
// clock a day ahead (libfaketime, the daemon only) and the unfinished registration shows overdue.
// With YSS_SCREENSHOTS=1, screenshots of the panel go to docs/screenshots/desk-stays-*.png (a
// plain run leaves the tracked files alone).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { mintCode } from '../../../scripts/issuer/mint.ts';
import { restartAhead } from '../../../scripts/lib/faketime.ts';
import { axe, pageErrors } from './browser.ts';
import { openKioskSession, type KioskStack } from './real-stack.ts';
import { tapKeys } from './screens.ts';

const SHOTS = join(import.meta.dirname, '..', '..', '..', 'docs', 'screenshots');
const shot = async (page: Page, name: string) => {
  if (process.env.YSS_SCREENSHOTS === '1') await page.screenshot({ path: join(SHOTS, name), fullPage: true });
};

let browser: Browser;
let ks: KioskStack;
let page: Page;

before(async () => {
  ({ browser, ks, page } = await openKioskSession('hotel'));
});
after(async () => {
  await browser?.close();
  await ks?.close();
});

const CHEN = { name: '陈大文', scope: ['hotel-checkin'], subject: { doc_type: 'CN-RIC', doc_no: '11010519491231002X' } };
const ANNA = { name: 'ANNA ERIKSSON', scope: ['hotel-checkin'], subject: { doc_type: 'PASSPORT', doc_no: 'L898902C3', nationality: 'GBR' } };

const noViolations = async () => assert.deepEqual((await axe(page)).map((v) => `${v.id}: ${v.nodes.join(', ')}`), []);

async function checkIn(who: typeof CHEN, room: string, guests: string): Promise<void> {
  ks.stack.scan(mintCode({ keys: ks.stack.keysDir, type: 'personal', ...who }));
  await page.waitForSelector('section[data-screen="registration"]', { timeout: 10_000 });
  await tapKeys(page, room);
  await page.click('[data-field="guests"]');
  await tapKeys(page, guests);
  await page.click('[data-action="submit"]');
  await page.waitForSelector('[data-note="registration.done"]');
  await page.click('[data-action="done"]');
  await page.waitForSelector('main[data-screen="idle"]');
}

async function openStaff(): Promise<void> {
  await page.click('[data-action="staff"]');
  await tapKeys(page, ks.stack.staffPin);
  await page.click('[data-action="submit"]');
  await page.waitForSelector('section[data-section="stays"]');
}

describe('the desk\'s guests today on the real daemon', () => {
  test('the clerk sees masked guests, confirms a head count and adds a foreign guest\'s details', async () => {
    await checkIn(CHEN, '815', '2');
    await checkIn(ANNA, '1203', '1');
    await openStaff();
    const text = (await page.textContent('[data-section="stays"]')) ?? '';
    assert.match(text, /陈\*文 \(main\)/);
    assert.ok(!text.includes('陈大文') && !text.includes('L898902C3'), 'no full name or document on the panel');
    // A domestic guest is due within 2 h and alerted 2 h before (hotel.json): an open head count alerts at once.
    assert.equal(await page.getAttribute('[data-section="stays"]', 'data-alerts'), 'due_soon');
    assert.equal(await page.locator('[data-room="815"] tr[data-guest]').getAttribute('data-alert'), 'due_soon');
    assert.match((await page.textContent('[data-room="815"] [data-field="count"]')) ?? '', /⚠ 1 of 2 guests registered/);
    const anna = page.locator('[data-room="1203"] tr[data-guest]');
    assert.equal(await anna.getAttribute('data-alert'), 'incomplete');
    assert.match((await anna.locator('[data-field="deadline"]').textContent()) ?? '', /^\d{2}-\d{2} \d{2}:\d{2}$/, 'a deadline tomorrow names its day');
    await noViolations();
    await shot(page, 'desk-stays-incomplete-en.png');

    await page.selectOption('[data-room="815"] [data-field="reason"]', 'child_without_document');
    await page.click('[data-room="815"] [data-action="confirm-count"]');
    await page.waitForSelector('[data-room="815"] .stay-count', { state: 'detached' });
    assert.match((await page.textContent('[data-room="815"] [data-field="count"]')) ?? '', /^1 of 2/);
    assert.equal(await page.getAttribute('[data-section="stays"]', 'data-alerts'), 'none', 'the alert clears once the count is confirmed');

    await anna.locator('[data-action="details"]').click();
    await page.fill('input[name="visa_type"]', 'L');
    await page.fill('input[name="visa_no"]', 'V1234567');
    await page.fill('input[name="entry_date"]', '28/11/2026');
    await page.fill('input[name="entry_port"]', '深圳湾');
    await page.click('[data-action="details-save"]');
    await page.waitForSelector('[data-notice="stays.failed"]');
    await noViolations();
    assert.match((await page.textContent('.notice')) ?? '', /wrong: entry_date/, 'the daemon\'s reason is shown, and the form keeps what was typed');
    assert.equal(await page.inputValue('input[name="visa_no"]'), 'V1234567');
    await page.fill('input[name="entry_date"]', '2026-11-28');
    await page.click('[data-action="details-save"]');
    await page.waitForSelector('[data-notice="staff.saved"]');
    assert.equal(await page.locator('[data-room="1203"] tr[data-guest]').getAttribute('data-alert'), 'complete');
    await shot(page, 'desk-stays-complete-en.png');
    await page.click('[data-action="close"]');
    await page.waitForSelector('main[data-screen="idle"]');
  });

  test('a guest in house scanned again is offered check-out, and the room shows it', async () => {
    ks.stack.scan(mintCode({ keys: ks.stack.keysDir, type: 'personal', ...ANNA }));
    await page.waitForSelector('[data-in-house="1203"]', { timeout: 10_000 });
    await page.click('[data-action="checkout"]');
    await page.waitForSelector('[data-note="registration.checkedOut"]');
    await page.click('[data-action="done"]');
    await openStaff();
    assert.equal(await page.getAttribute('[data-room="1203"]', 'data-closed'), 'true');
    assert.equal(await page.locator('[data-room="1203"] tr[data-guest]').getAttribute('data-alert'), 'out');
    await page.click('[data-action="close"]');
  });

  test('a day later by the daemon\'s clock, a registration left incomplete is overdue on the panel', async () => {
    await checkIn({ ...ANNA, subject: { ...ANNA.subject, doc_no: 'X1234567' }, name: 'JOHN SMITH' }, '901', '1');
    // Only the daemon's wall clock moves, 25 h ahead (libfaketime); the test's and the service's stay.
    await restartAhead(ks.stack, 'terminal', 25 * 3600_000);
    await page.waitForSelector('[data-badge="reconnecting"]', { state: 'detached', timeout: 15_000 });
    await openStaff();
    assert.equal(await page.getAttribute('[data-section="stays"]', 'data-alerts'), 'overdue');
    assert.equal(await page.locator('[data-room="901"] tr[data-guest]').getAttribute('data-alert'), 'overdue');
    assert.match((await page.textContent('[data-field="alerts"]')) ?? '', /1 overdue/);
    await shot(page, 'desk-stays-overdue-en.png');
    await page.click('[data-lang="zh-CN"]');
    assert.match((await page.textContent('[data-field="alerts"]')) ?? '', /已超时 1 人/);
    await noViolations();
    await shot(page, 'desk-stays-overdue-zh-CN.png');
    assert.deepEqual(pageErrors(page), []);
  });
});
