// The homestay's self-service kiosk in Chromium against the real daemon, service and simulated
// police gateway, with a passport on an MRZ reader over a pty: a foreign guest alone at the kiosk
// types the room, then the visa and entry the MRZ does not carry on the kiosk's own screen (large
// inputs, 长辈版 measured), each wrong field told with its own message; once saved, the guest's
// report reaches the police with those details and nothing waits for the clerk. With
// YSS_SCREENSHOTS=1, screenshots go to docs/screenshots/homestay-details-*.png.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startPoliceSim, type PoliceSim } from '../../../scripts/lib/police-sim.ts';
import { MrzSim } from '../../../scripts/sim/index.ts';
import { waitFor } from '../../../scripts/lib/stack.ts';
import { dateIn, passportZone } from '../../../terminal/test/support/documents.ts';
import type { StaysOverview } from '../../../terminal/src/api/index.ts';
import { axe, pageErrors } from './browser.ts';
import { elderlyProblems } from './elderly-checks.ts';
import { openKioskSession, type KioskStack } from './real-stack.ts';
import { tapKeys } from './screens.ts';

const SHOTS = join(import.meta.dirname, '..', '..', '..', 'docs', 'screenshots');
const shot = async (name: string) => {
  if (process.env.YSS_SCREENSHOTS === '1') await page.screenshot({ path: join(SHOTS, name), fullPage: true });
};

let browser: Browser;
let ks: KioskStack;
let page: Page;
let sim: PoliceSim;
let mrz: MrzSim;
/** The reading the guest registered from, as the page sent it with the details. */
let guestSeq = 0;

/** A local day `days` from the test's clock, YYYY-MM-DD (the page checks against its own, the same). */
function day(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

before(async () => {
  sim = await startPoliceSim();
  ({ browser, ks, page } = await openKioskSession('homestay', {
    devices: [{ id: 'mrz-1', role: 'mrz', kind: 'mrz-reader', baud: 9600 }],
    police: { gateway: { kind: 'http', url: sim.reportsUrl, timeout_ms: 2000 }, poll_ms: 200, retry_base_ms: 300, retry_max_ms: 1000 },
  }));
  mrz = await MrzSim.open(ks.stack.peers['mrz-1']!);
});
after(async () => {
  await mrz?.close();
  await browser?.close();
  await ks?.close();
  await sim?.close();
});

const noViolations = async (enhanced = false) => assert.deepEqual((await axe(page, enhanced)).map((v) => `${v.id}: ${v.nodes.join(', ')}`), []);
const errorOf = (field: string) => page.locator(`[data-field="${field}"] [data-error]`);

test('a foreign guest alone at the kiosk enters their visa and entry, told field by field what is wrong, and the police get them', async () => {
  await mrz.send(passportZone(dateIn(5)));
  await page.waitForSelector('section[data-screen="registration"]', { timeout: 15_000 });
  await tapKeys(page, '3');
  await page.click('[data-field="guests"]');
  await tapKeys(page, '1');
  await page.click('[data-action="submit"]');
  await page.waitForSelector('section[data-screen="guest-details"]');
  assert.deepEqual(await page.locator('.gd-field').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.field)), ['visa_type', 'visa_no', 'entry_date', 'entry_port']);
  await noViolations();

  // Nothing typed: every field says what it needs, and the first takes the focus.
  await page.click('[data-action="submit"]');
  await page.waitForSelector('[data-field="visa_type"] [data-error]');
  assert.deepEqual(
    await Promise.all(['visa_type', 'visa_no', 'entry_date', 'entry_port'].map((f) => errorOf(f).getAttribute('data-error'))),
    ['guestDetails.error.visa_type.missing', 'guestDetails.error.visa_no.missing', 'guestDetails.error.entry_date.missing', 'guestDetails.error.entry_port.missing'],
  );
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'gd-visa_type');
  assert.equal(await page.getAttribute('#gd-visa_no', 'aria-describedby'), 'gd-visa_no-error');
  await noViolations();

  // Wrong values: each its own message.
  await page.selectOption('#gd-visa_type', 'L');
  await page.fill('#gd-visa_no', 'V 12');
  await page.fill('#gd-entry_date', day(1));
  await page.fill('#gd-entry_port', '<b>深圳湾</b>');
  await page.click('[data-action="submit"]');
  await page.waitForSelector('[data-field="visa_no"] [data-error="guestDetails.error.visa_no.format"]');
  assert.equal(await errorOf('visa_type').count(), 0, 'the type is right now');
  assert.equal(await errorOf('entry_date').getAttribute('data-error'), 'guestDetails.error.entry_date.future');
  assert.equal(await errorOf('entry_port').getAttribute('data-error'), 'guestDetails.error.entry_port.format');
  assert.match((await errorOf('visa_no').textContent()) ?? '', /5 to 20 letters and digits/);
  await page.fill('#gd-entry_date', '2026-02-30');
  await page.click('[data-action="submit"]');
  await page.waitForSelector('[data-field="entry_date"] [data-error="guestDetails.error.entry_date.format"]');
  assert.equal(await page.inputValue('#gd-visa_no'), 'V 12', 'what was typed stays');

  // 长辈版: the same screen, large enough (MIIT numbers), its inputs too.
  await page.click('[data-action="elderly"]');
  assert.deepEqual(await elderlyProblems(page), []);
  const heights = await page.locator('.gd-input').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
  assert.ok(heights.every((x) => x >= 80), `inputs ${heights.join(', ')} px high`);
  await noViolations(true);
  await shot('homestay-details-errors-elderly-en.png');
  await page.click('[data-action="elderly"]');

  await page.fill('#gd-visa_no', 'v1234567');
  await page.fill('#gd-entry_date', day(-2));
  await page.fill('#gd-entry_port', '深圳湾');
  const sent = page.waitForRequest('**/api/registration/details');
  await page.click('[data-action="submit"]');
  guestSeq = ((await sent).postDataJSON() as { seq: number }).seq;
  await page.waitForSelector('[data-note="guestDetails.saved"]');
  assert.match((await page.textContent('main')) ?? '', /room 3, with your visa and entry/);

  // The daemon holds the guest complete and nothing of the details; the police get them, sealed through the service.
  const got = await waitFor(() => sim.state().accepted.find((r) => r.guest.doc_no === 'L898902C3'), 30_000, 200, 'the foreign guest reported');
  assert.deepEqual([got.guest.category, got.guest.visa_type, got.guest.visa_no, got.guest.entry_date, got.guest.entry_port], ['foreign', 'L', 'V1234567', day(-2), '深圳湾']);
  const login = await fetch(new URL('/api/staff/login', ks.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin: ks.stack.staffPin }) });
  const token = ((await login.json()) as { token: string }).token;
  const o = (await (await fetch(new URL('/api/staff/stays', ks.url), { headers: { authorization: `Bearer ${token}` } })).json()) as StaysOverview;
  const g = o.stays.find((s) => s.room === '3')!.guests[0]!;
  assert.deepEqual([g.category, g.needs_details], ['foreign', false]);
  assert.match(g.name_masked, /^E\*+A$/, 'masked at the desk');
  assert.deepEqual(pageErrors(page), []);
});

test('the kiosk\'s details route takes only the guest of a reading just registered, once, with every field checked', async () => {
  const post = async (body: unknown) => {
    const r = await fetch(new URL('/api/registration/details', ks.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as { error: string; message: string } };
  };
  const ok = { visa_type: 'L', visa_no: 'V1234567', entry_date: day(-2), entry_port: '深圳湾' };
  const bad = await post({ seq: 'x', ...ok });
  assert.deepEqual([bad.status, bad.body.error], [400, 'YSS_API_BAD_REQUEST']);
  const extra = await post({ seq: 1, ...ok, address: 'x' });
  assert.deepEqual([extra.status, extra.body.error], [400, 'YSS_API_BAD_REQUEST']);
  const stranger = await post({ seq: 999_999, ...ok });
  assert.deepEqual([stranger.status, stranger.body.error], [409, 'YSS_API_STAY_CONFLICT']);
  assert.match(stranger.body.message, /not a guest registered here in the last 30 minutes/);
  assert.ok(guestSeq > 0, 'the first test registered a guest');
  const wrong = await post({ seq: guestSeq, ...ok, entry_date: '2026-13-45' });
  assert.deepEqual([wrong.status, wrong.body.error], [400, 'YSS_API_BAD_REQUEST']);
  assert.match(wrong.body.message, /wrong: entry_date/);
  const twice = await post({ seq: guestSeq, ...ok });
  assert.deepEqual([twice.status, twice.body.error], [409, 'YSS_API_STAY_CONFLICT'], 'the details are in: not taken again');
  const foreignOrigin = await fetch(new URL('/api/registration/details', ks.url), { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://evil.example' }, body: JSON.stringify({ seq: guestSeq, ...ok }) });
  assert.equal(foreignOrigin.status, 403);
});
