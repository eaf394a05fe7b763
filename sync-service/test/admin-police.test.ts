// The fleet page's police deadlines in Chromium, on a real service process, a real hotel terminal
// daemon and the simulated police gateway: with the gateway down a guest's report is due soon at
// once (the hotel's 2 h alert equals its 2 h deadline); with the service's clock 3 h ahead
// (libfaketime, the service only) it is overdue; once the gateway is back and accepts it, the
// alert clears. axe on each view. `YSS_SCREENSHOTS=1` also writes
// docs/screenshots/admin-police-*.png.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { mintCode } from '../../scripts/issuer/mint.ts';
import { restartAhead } from '../../scripts/lib/faketime.ts';
import { policeConfigFor, startPoliceSim, type PoliceSim } from '../../scripts/lib/police-sim.ts';
import { EventFeed, REPO, Stack, waitFor } from '../../scripts/lib/stack.ts';
import { axe, launch } from '../../kiosk-ui/web/test/browser.ts';
import { freePort } from '../../kiosk-ui/web/test/real-stack.ts';
import type { PoliceOverdueReply } from '../src/schemas.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

const dir = tempDir('yss-admin-police-');
let stack: Stack;
let sim: PoliceSim;
let browser: Browser;
let page: Page;

before(async () => {
  sim = await startPoliceSim({ mode: 'down' });
  stack = new Stack({
    dir,
    venue: 'hotel',
    // A fixed port: the service is restarted at the same address with its clock moved.
    servicePort: await freePort(),
    police: policeConfigFor(sim),
  });
  const [b, s] = await Promise.allSettled([launch(), stack.start()]);
  if (b.status === 'fulfilled') browser = b.value;
  if (b.status === 'rejected') throw b.reason;
  if (s.status === 'rejected') throw s.reason;
  const feed = await EventFeed.open(stack.kioskUrl);
  try {
    const seq = feed.lastSeq();
    stack.scan(mintCode({ keys: stack.keysDir, name: '陈小明', scope: ['hotel-checkin'], subject: { doc_type: 'CN-RIC', doc_no: '440106201803070018' } }));
    const v = await feed.nextVerdict(seq);
    assert.equal(v.accepted, true, String(v.reason));
    const r = await fetch(new URL('/api/registration', stack.kioskUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seq: v.seq, room: '502', guests: 1 }) });
    assert.equal(r.status, 200);
  } finally {
    feed.close();
  }
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, locale: 'zh-CN' });
});

after(async () => {
  await browser?.close();
  await stack?.stop();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

const noViolations = async () => assert.deepEqual((await axe(page)).map((v) => `${v.id}: ${v.nodes.join(', ')}`), []);
const overdue = () => stack.admin('GET', '/admin/police/overdue') as Promise<PoliceOverdueReply>;
async function shot(name: string): Promise<void> {
  if (process.env.YSS_SCREENSHOTS !== '1') return;
  mkdirSync(join(REPO, 'docs', 'screenshots'), { recursive: true });
  await page.screenshot({ path: join(REPO, 'docs', 'screenshots', name), fullPage: true });
}

test('a report the gateway has not taken is listed as due soon, with its venue and terminal, and alerted', async () => {
  const o = await waitFor(async () => ((await overdue()).due_soon === 1 ? overdue() : undefined), 30_000, 200, 'the report due soon at the service');
  const id = o.reports[0]!.id;
  await page.goto(new URL('/admin/', stack.serviceUrl).href);
  await page.fill('#token', stack.adminToken);
  await page.click('#signin button[type=submit]');
  const row = page.locator(`[data-police="${id}"]`);
  await row.waitFor();
  assert.equal(await row.getAttribute('data-alert'), 'due_soon');
  const cells = await row.locator('td').allTextContents();
  assert.deepEqual([cells[0], cells[1], cells[5]], ['hotel', 'demo terminal', '临近期限']);
  assert.match(cells[2]!, /^入住 /);
  assert.match(cells[4]!, /后$/, 'the deadline is ahead');
  assert.equal(await page.textContent('#h-police'), '旅业上报期限 (逾期 0,临近期限 1)');
  assert.match((await page.textContent('[data-alert="police_due_soon"]')) ?? '', /旅业上报临近期限1 条/);
  assert.equal(await page.locator('[data-alert="police_overdue"]').count(), 0);
  // Nothing personal: the report is named by its id, never by the guest.
  assert.doesNotMatch((await page.textContent('#police')) ?? '', /陈|440106/);
  await noViolations();
});

test('with the service\'s clock past the deadline the report is overdue, on its row and in the alerts', async () => {
  // Only the service's wall clock moves, 3 h ahead (libfaketime); the daemon and the gateway keep theirs.
  await restartAhead(stack, 'service', 3 * 3600_000);
  const o = await waitFor(async () => {
    const x = await overdue();
    return x.overdue === 1 ? x : undefined;
  }, 30_000, 200, 'the report overdue at the service');
  await page.reload();
  const row = page.locator(`[data-police="${o.reports[0]!.id}"]`);
  await row.waitFor();
  assert.equal(await row.getAttribute('data-alert'), 'overdue');
  assert.equal(await row.locator('td').nth(5).textContent(), '已逾期');
  assert.match((await row.locator('td').nth(4).textContent()) ?? '', /前$/, 'the deadline has passed');
  assert.equal(await page.textContent('#h-police'), '旅业上报期限 (逾期 1,临近期限 0)');
  assert.match((await page.textContent('[data-alert="police_overdue"]')) ?? '', /旅业上报逾期1 条已过期限/);
  await noViolations();
  await shot('admin-police-overdue-zh-CN.png');
  await page.click('#lang');
  await page.waitForFunction(() => document.querySelector('#h-police')?.textContent?.startsWith('Police'));
  assert.equal(await page.textContent('#h-police'), 'Police report deadlines (1 overdue, 0 due soon)');
  assert.equal(await row.locator('td').nth(5).textContent(), 'overdue');
  await noViolations();
  await shot('admin-police-overdue-en.png');
});

test('once the gateway accepts the report, its row and its alert are gone', async () => {
  sim.setMode('accept');
  await waitFor(async () => ((await overdue()).reports.length === 0 ? true : undefined), 30_000, 200, 'the report accepted at the service');
  assert.equal(sim.state().accepted.length, 1);
  await page.reload();
  await page.waitForSelector('#h-police');
  assert.equal(await page.textContent('#h-police'), 'Police report deadlines');
  assert.equal(await page.textContent('#h-police + p'), 'No police report is near its deadline or overdue.');
  assert.equal(await page.locator('[data-police]').count(), 0);
  assert.equal(await page.locator('[data-alert^="police_"]').count(), 0);
  await noViolations();
});
