// The fleet page in Chromium, on a real service process with a real terminal daemon that scans,
// uploads and sends heartbeats: sign-in, what an operator sees, enrollment and revocation from the
// page, and axe. `YSS_SCREENSHOTS=1` also writes docs/screenshots/admin-fleet-*.png.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { mintCode } from '../../scripts/issuer/mint.ts';
import { REPO, Stack, waitFor } from '../../scripts/lib/stack.ts';
import { axe, launch } from '../../kiosk-ui/web/test/browser.ts';
import { ENROLLMENT_CODE } from '../src/enrollment-code.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

const dir = tempDir('yss-admin-page-');
let stack: Stack;
let browser: Browser;
let page: Page;

before(async () => {
  const [b, s] = await Promise.allSettled([launch(), new Stack({ dir, sync: { heartbeat_s: 1, interval_ms: 200, trust_poll_s: 1 } }).start()]);
  if (b.status === 'fulfilled') browser = b.value;
  if (s.status === 'fulfilled') stack = s.value;
  if (b.status === 'rejected') throw b.reason;
  if (s.status === 'rejected') throw s.reason;
  for (let i = 0; i < 3; i++) stack.scan(mintCode({ keys: stack.keysDir, type: 'personal', name: '王小红' }));
  // Uploaded, and a heartbeat since then has told the service the venue.
  await waitFor(async () => {
    const t = (await stack.admin('GET', '/admin/overview')).terminals[0];
    return t?.head_seq >= 3 && t.venue === 'desk' && t.backlog === 0;
  }, 20_000, 200, 'three uploaded events and a heartbeat naming the venue');
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, locale: 'zh-CN' });
});

after(async () => {
  await browser?.close();
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const noViolations = async () => assert.deepEqual((await axe(page)).map((v) => `${v.id}: ${v.nodes.join(', ')}`), []);

test('a wrong token is told so, and nothing of the fleet is shown', async () => {
  await page.goto(new URL('/admin/', stack.serviceUrl).href);
  await page.fill('#token', 'not-an-operator-token');
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('#signin-error:not([hidden])');
  assert.equal(await page.textContent('#signin-error'), '令牌无效:不是任何操作员的令牌。');
  assert.equal(await page.locator('[data-terminal]').count(), 0);
  await noViolations();
});

test('signed in, the operator sees the terminal, its venue, the activity plot, the trust list and the audit', async () => {
  await page.fill('#token', stack.adminToken);
  await page.click('#signin button[type=submit]');
  const row = page.locator('[data-terminal]').first();
  await row.waitFor();
  assert.match((await page.textContent('#who')) ?? '', /demo \(fleet, unseal, window, config\)/);
  assert.equal(await row.locator('td').nth(0).textContent(), 'desk');
  assert.equal(await row.locator('td.state').textContent(), '在线');
  assert.match((await row.locator('td').nth(7).textContent()) ?? '', /scanner-1: connected/);
  assert.equal(await page.locator('polyline[data-venue="desk"]').count(), 1, 'one line for the one venue');
  // The legend totals what the service stored for the venue (the three scans and the daemon's own events).
  const stored = (await stack.admin('GET', '/admin/activity?hours=24')).hours.reduce((n: number, h: { count: number }) => n + h.count, 0);
  assert.ok(stored >= 3);
  assert.equal(await page.locator('.legend').textContent(), `desk: ${stored}`);
  assert.match((await page.locator('#h-trust + p').textContent()) ?? '', /当前序号 \d+/);
  assert.equal(await page.textContent('#h-alerts'), '告警 (0)');
  await noViolations();
  if (process.env.YSS_SCREENSHOTS === '1') {
    mkdirSync(join(REPO, 'docs', 'screenshots'), { recursive: true });
    await page.screenshot({ path: join(REPO, 'docs', 'screenshots', 'admin-fleet-zh-CN.png'), fullPage: true });
  }
});

test('the page shows each venue\'s published feeds, and each terminal\'s config version: its file, then the push it applied', async () => {
  const row = page.locator('[data-terminal]').first();
  assert.equal(await row.locator('td.config').textContent(), '本机文件');
  const terminalId = await row.getAttribute('data-terminal');
  await stack.importFeed('access', []);
  await stack.importFeed('access', []);
  await stack.admin('PUT', `/admin/terminals/${terminalId}/config`, { staff_pin: '864213' });
  // The daemon pulls it, restarts with it, and says so in a heartbeat (once its scanner is back: no alert).
  await waitFor(async () => (await stack.admin('GET', `/admin/terminals/${terminalId}/config`)).applied === 1, 30_000, 200, 'the terminal to apply config 1');
  await waitFor(async () => (await stack.admin('GET', '/admin/overview')).alerts.length === 0, 20_000, 200, 'no alert once the restarted daemon is up');
  await page.reload();
  await row.waitFor();
  assert.equal(await row.locator('td.config').textContent(), 'v1');
  const feed = page.locator('[data-feed="desk/access"]');
  assert.deepEqual(await feed.locator('td').allTextContents(), ['desk', 'access', '2', '0', (await feed.locator('td').nth(4).textContent()) ?? '']);
  assert.match((await feed.locator('td').nth(4).textContent()) ?? '', /^\d+ 秒前$/);
  assert.equal(await page.textContent('#h-alerts'), '告警 (0)');
  await noViolations();
  // A push the terminal refuses (a venue its schema does not take) is shown on its row and alerted.
  await stack.admin('PUT', `/admin/terminals/${terminalId}/config`, { venue: { name: 'desk' } });
  await waitFor(async () => (await stack.admin('GET', `/admin/terminals/${terminalId}/config`)).rejected?.version === 2, 30_000, 200, 'the terminal to refuse config 2');
  await page.reload();
  await row.waitFor();
  const cell = (await row.locator('td.config').textContent()) ?? '';
  assert.match(cell, /^v1已推送 v2拒绝 v2: YSS_CONFIG_PUSH_INVALID: config\.venue: must have required property/);
  assert.match((await page.locator('[data-alert="config_rejected"]').textContent()) ?? '', /配置未生效demo terminal: config 2 not applied/);
  await noViolations();
  // One push to the whole venue (its one terminal here) answers it: the venue file back, a trust age bound.
  assert.equal(await page.textContent('#h-venue-configs + p'), '尚未向任何场所推送配置。');
  const pushed = await stack.admin('PUT', '/admin/venues/desk/config', { venue: null, trust_max_age_s: 604_800 });
  assert.deepEqual(pushed.terminals, [{ terminal_id: terminalId, version: 3 }]);
  await waitFor(async () => (await stack.admin('GET', `/admin/terminals/${terminalId}/config`)).applied === 3, 30_000, 200, 'the terminal to apply the venue\'s push as its config 3');
  // Its refusal answered, and the restarted daemon's scanner back: no alert.
  await waitFor(async () => (await stack.admin('GET', '/admin/overview')).alerts.length === 0, 20_000, 200, 'no alert once the venue\'s push runs');
  await page.reload();
  const venueRow = page.locator('[data-venue-config="desk"]');
  await venueRow.waitFor();
  const cells = await venueRow.locator('td').allTextContents();
  assert.deepEqual([cells[0], cells[1], cells[2], cells[3], cells[5], cells[6]], ['desk', 'v1', 'trust_max_age_s, venue', 'demo', '1 / 1', '0']);
  assert.match((await row.locator('td.config').textContent()) ?? '', /^v3拒绝 v2: /, 'running 3; the refusal of 2 stays as the last one');
  await noViolations();
});

test('enrolling from the page shows the one-time code; the new terminal can be revoked there', async () => {
  await page.fill('#enroll-name', '二号窗口');
  await page.click('#h-enroll ~ form button[type=submit]');
  const code = (await page.waitForSelector('#enrollment-code')).textContent();
  assert.match((await code) ?? '', ENROLLMENT_CODE);
  const listed = (await stack.admin('GET', '/admin/terminals')).terminals.find((t: { name: string }) => t.name === '二号窗口');
  assert.equal(listed.status, 'pending');

  await page.reload();
  const row = page.locator(`[data-terminal="${listed.id}"]`);
  await row.waitFor();
  assert.equal(await row.locator('td.state').textContent(), '待登记');
  page.once('dialog', (d) => void d.accept());
  await row.locator('button.danger').click();
  await waitFor(async () => (await row.locator('td.state').textContent()) === '已吊销', 10_000);
  assert.equal((await stack.admin('GET', `/admin/terminals/${listed.id}`)).status, 'revoked');
});

test('switched to English, the page keeps its data and stays axe-clean', async () => {
  await page.click('#lang');
  // The switch redraws when the page has read the routes again: wait for the English heading.
  await page.waitForFunction(() => document.querySelector('#h-alerts')?.textContent?.startsWith('Alerts'));
  assert.match((await page.textContent('#h-alerts')) ?? '', /^Alerts \(\d+\)$/);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await noViolations();
  if (process.env.YSS_SCREENSHOTS === '1') await page.screenshot({ path: join(REPO, 'docs', 'screenshots', 'admin-fleet-en.png'), fullPage: true });
});

test('the page is served with a content security policy that allows only its own origin', async () => {
  const res = await fetch(new URL('/admin/', stack.serviceUrl));
  assert.equal(res.status, 200);
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self';/);
  assert.doesNotMatch(csp, /unsafe/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal((await fetch(new URL('/admin', stack.serviceUrl), { redirect: 'manual' })).headers.get('location'), '/admin/');
});
