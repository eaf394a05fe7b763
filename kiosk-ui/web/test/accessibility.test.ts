// axe-core on every screen, in every language and both modes; the elder numbers measured too.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { axe, KioskPages, launch, pageErrors } from './browser.ts';
import { elderlyProblems } from './elderly-checks.ts';
import { startFakeDaemon, type FakeDaemon } from './fake-daemon.ts';
import { home, MODES, SCREENS, setMode } from './screens.ts';

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

for (const mode of MODES) {
  test(`every screen in ${mode.label} has no axe violations${mode.elderly ? ' and meets the elder-mode numbers' : ''}`, async () => {
    const page = await pages.open(`${daemon.url}?result_ms=600000`);
    await daemon.waitForClients(1);
    await setMode(page, mode);
    const failures: string[] = [];
    for (const s of SCREENS) {
      await home(page, daemon);
      await s.reach(page, daemon);
      await page.waitForSelector(`main[data-screen="${s.screen}"]`);
      for (const v of await axe(page, mode.elderly)) failures.push(`${s.name}: axe ${v.id} (${v.help}) at ${v.nodes.join(', ')}`);
      if (mode.elderly) for (const p of await elderlyProblems(page)) failures.push(`${s.name}: ${p}`);
    }
    await home(page, daemon);
    assert.deepEqual(failures, []);
    assert.deepEqual(pageErrors(page), []);
    await pages.release(page);
  });
}
