// The desk's police report states in Chromium against the real daemon, service and simulated
// police gateway: one guest accepted, one rejected with the gateway's reason and corrected on the
// panel, one pending while the gateway is down (alerting: the venue's 2 h alert for a 2 h
// deadline), then accepted when it is back; and a report left pending past its deadline, overdue
// with the daemon's clock 3 h ahead (libfaketime, the daemon only). With YSS_SCREENSHOTS=1,
// screenshots of the panel go to docs/screenshots/desk-police-*.png.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { mintCode } from '../../../scripts/issuer/mint.ts';
import { restartAhead } from '../../../scripts/lib/faketime.ts';
import { policeConfigFor, startPoliceSim, type PoliceSim } from '../../../scripts/lib/police-sim.ts';
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
let sim: PoliceSim;

before(async () => {
  sim = await startPoliceSim();
  ({ browser, ks, page } = await openKioskSession('hotel', { police: policeConfigFor(sim) }));
});
after(async () => {
  await browser?.close();
  await ks?.close();
  await sim?.close();
});

const guest = (name: string, doc_no: string) => ({ name, scope: ['hotel-checkin'], subject: { doc_type: 'CN-RIC', doc_no } });

async function checkIn(who: ReturnType<typeof guest>, room: string): Promise<void> {
  ks.stack.scan(mintCode({ keys: ks.stack.keysDir, type: 'personal', ...who }));
  await page.waitForSelector('section[data-screen="registration"]', { timeout: 10_000 });
  await tapKeys(page, room);
  await page.click('[data-field="guests"]');
  await tapKeys(page, '1');
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

/** The police cell of a room's guest, once it reads `state` (the panel refreshes every 5 s). */
const policeOf = (room: string, state: string) => page.waitForSelector(`[data-room="${room}"] [data-police="${state}"]`, { timeout: 30_000 });

describe('the desk shows each guest\'s police report', () => {
  test('accepted, rejected with its reason then corrected, and pending with an alert while the gateway is down', async () => {
    sim.reject('440106199003071231', 'doc_no_not_found');
    await checkIn(guest('陈大文', '11010519491231002X'), '815');
    await checkIn(guest('李小红', '440106199003071231'), '816');
    await page.click('[data-action="staff"]');
    await tapKeys(page, ks.stack.staffPin);
    await page.click('[data-action="submit"]');
    await page.waitForSelector('section[data-section="stays"]');
    await policeOf('815', 'accepted');
    const rejected = await policeOf('816', 'rejected');
    assert.match((await rejected.textContent()) ?? '', /Rejected \(doc_no_not_found\)/);
    assert.match((await page.textContent('[data-field="police-alerts"]')) ?? '', /1 rejected/);
    await page.click('[data-action="close"]');
    await page.waitForSelector('main[data-screen="idle"]');

    sim.setMode('down');
    await checkIn(guest('周大福', '440106199202020015'), '817');
    await page.click('[data-action="staff"]');
    await tapKeys(page, ks.stack.staffPin);
    await page.click('[data-action="submit"]');
    const pending = await policeOf('817', 'pending');
    assert.match((await pending.textContent()) ?? '', /Waiting to send · Due soon/);
    assert.deepEqual((await axe(page)).map((v) => `${v.id}: ${v.nodes.join(', ')}`), []);
    await shot(page, 'desk-police-pending-rejected-en.png');

    await page.click('[data-room="816"] [data-action="correct"]');
    await page.fill('[data-form="correct"] input[name="doc_no"]', '440106201803070018');
    await page.click('[data-action="details-save"]');
    await page.waitForSelector('[data-notice="staff.saved"]');
    sim.setMode('accept');
    await policeOf('816', 'accepted');
    await policeOf('817', 'accepted');
    await page.waitForSelector('[data-field="police-alerts"]', { state: 'detached', timeout: 10_000 });
    assert.deepEqual(sim.state().accepted.map((r) => r.guest.doc_no).sort(), ['11010519491231002X', '440106199202020015', '440106201803070018'].sort());
    await shot(page, 'desk-police-accepted-en.png');
    await page.click('[data-lang="zh-CN"]');
    assert.match((await page.textContent('[data-room="816"] [data-field="police"]')) ?? '', /已受理/);
    assert.deepEqual(pageErrors(page), []);
  });

  test('a report still pending past its deadline is overdue at the desk beside the accepted ones, and clears once accepted', async () => {
    await page.click('[data-action="close"]');
    await page.waitForSelector('main[data-screen="idle"]');
    sim.setMode('down');
    await checkIn(guest('吴小莉', '440106199505050019'), '818');
    // Only the daemon's wall clock moves, 3 h ahead (past the hotel's 2 h domestic deadline); the
    // service and the gateway keep theirs.
    await restartAhead(ks.stack, 'terminal', 3 * 3600_000);
    await page.waitForSelector('[data-badge="reconnecting"]', { state: 'detached', timeout: 15_000 });
    await openStaff();
    await page.click('[data-lang="en"]');
    const overdue = await page.waitForSelector('[data-room="818"] [data-police="pending"], [data-room="818"] [data-police="sent"]', { timeout: 30_000 });
    assert.match((await overdue.textContent()) ?? '', /· Overdue/);
    await policeOf('815', 'accepted');
    assert.match((await page.textContent('[data-field="police-alerts"]')) ?? '', /1 overdue/);
    assert.deepEqual((await axe(page)).map((v) => `${v.id}: ${v.nodes.join(', ')}`), []);
    await shot(page, 'desk-police-overdue-en.png');
    await page.click('[data-lang="zh-CN"]');
    assert.match((await page.textContent('[data-room="818"] [data-field="police"]')) ?? '', /已超时/);
    await shot(page, 'desk-police-overdue-zh-CN.png');
    sim.setMode('accept');
    await policeOf('818', 'accepted');
    await page.waitForSelector('[data-field="police-alerts"]', { state: 'detached', timeout: 10_000 });
    assert.deepEqual(pageErrors(page), []);
  });
});
