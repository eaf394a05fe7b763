// The kiosk fills the display in each orientation venues have: portrait 1080x1920 (hospital and
// hall kiosks), landscape 1920x1080 (gates, desks) and 1280x800 (tablets). A verdict is readable
// from 1.5 m: its headline at least 6 % of the screen height, its area at least 40 %, nothing
// scrolled away; axe-clean. Personal data clears itself after 15 s and at the next reading.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { axe, KioskPages, launch, pageErrors } from './browser.ts';
import { elderlyProblems } from './elderly-checks.ts';
import { startFakeDaemon, verdict, type FakeDaemon } from './fake-daemon.ts';
import { home, measure, setMode, SCREENS, VIEWPORTS } from './screens.ts';

const VERDICT_SCREENS = SCREENS.filter((s) => ['accepted', 'refused', 'ticket', 'certificate'].includes(s.name));

let browser: Browser;
let daemon: FakeDaemon;
let pages: KioskPages;

before(async () => {
  [browser, daemon] = await Promise.all([launch(), startFakeDaemon()]);
  pages = new KioskPages(browser);
});
after(async () => {
  await browser?.close();
  await daemon?.stop();
});


for (const vp of VIEWPORTS) {
  for (const elderly of [false, true]) {
    test(`${vp.name} ${vp.width}x${vp.height}${elderly ? ', elderly mode' : ''}: every verdict fills the screen, readable from 1.5 m, axe clean`, async () => {
      const page = await pages.open(`${daemon.url}?result_ms=600000`, { width: vp.width, height: vp.height });
      await daemon.waitForClients(1);
      await setMode(page, { lang: 'zh-CN', elderly, label: '' });
      const failures: string[] = [];
      for (const s of VERDICT_SCREENS) {
        await home(page, daemon);
        await s.reach(page, daemon);
        await page.waitForSelector(`main[data-screen="${s.screen}"]`);
        const m = await measure(page);
        if (m.headline < 0.06 * m.height) failures.push(`${s.name}: headline ${m.headline}px < 6 % of ${m.height}px`);
        if (m.area < 0.4 * m.height) failures.push(`${s.name}: verdict area ${m.area}px < 40 % of ${m.height}px`);
        if (m.overflow > 1) failures.push(`${s.name}: ${m.overflow}px below the fold`);
        for (const v of await axe(page, elderly)) failures.push(`${s.name}: axe ${v.id} (${v.help}) at ${v.nodes.join(', ')}`);
        if (elderly) for (const p of await elderlyProblems(page)) failures.push(`${s.name}: ${p}`);
      }
      assert.deepEqual(failures, []);
      assert.deepEqual(pageErrors(page), []);
      await pages.release(page);
    });
  }
}

test('a result with personal data clears itself after 15 s by default, and at once at the next reading', async () => {
  const page = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
  // A paused clock: only runFor moves the page's time, however loaded the machine is.
  const t0 = Date.now();
  await page.clock.install({ time: t0 });
  await page.clock.pauseAt(t0 + 1000);
  await page.goto(daemon.url);
  await page.waitForSelector('[data-badge="reconnecting"]', { state: 'detached' });
  await daemon.waitForClients(1);
  const first = verdict({ display: { name_masked: '张*明' } });
  daemon.push(first);
  await page.waitForSelector(`section[data-seq="${first.seq}"]`);
  await page.clock.runFor(14_000);
  assert.equal(await page.locator('main').getAttribute('data-screen'), 'accepted', `still shown at 14 s: ${await page.locator('main').innerText()}`);
  await page.clock.runFor(1_500);
  await page.waitForSelector('main[data-screen="idle"]');
  assert.doesNotMatch(await page.locator('main').innerText(), /张\*明/);

  const a = verdict({ display: { name_masked: '李*' } });
  const b = verdict({ accepted: false, reason: 'expired', display: {} });
  daemon.push(a);
  await page.waitForSelector(`section[data-seq="${a.seq}"]`);
  daemon.push(b);
  await page.waitForSelector(`section[data-seq="${b.seq}"]`);
  assert.doesNotMatch(await page.locator('main').innerText(), /李\*/, 'the next reading replaces the previous person at once');
  await page.close();
});
