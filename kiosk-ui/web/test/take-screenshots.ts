// Writes docs/screenshots/<screen>-<mode>.png: every screen in zh-CN, zh-HK, en and elderly
// mode, reached the same way as in the accessibility suite. Run: npx tsx kiosk-ui/web/test/take-screenshots.ts
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launch, openKiosk } from './browser.ts';
import { startFakeDaemon } from './fake-daemon.ts';
import { home, MODES, SCREENS, setMode } from './screens.ts';

const out = join(import.meta.dirname, '..', '..', '..', 'docs', 'screenshots');
mkdirSync(out, { recursive: true });
const modes = MODES.filter((m) => !m.elderly || m.lang === 'zh-CN');
const [browser, daemon] = await Promise.all([launch(), startFakeDaemon()]);
try {
  for (const mode of modes) {
    const page = await openKiosk(browser, `${daemon.url}?result_ms=600000`);
    await daemon.waitForClients(1);
    await setMode(page, mode);
    for (const s of SCREENS) {
      await home(page, daemon);
      await s.reach(page, daemon);
      await page.waitForSelector(`main[data-screen="${s.screen}"]`);
      await page.screenshot({ path: join(out, `${s.name}-${mode.label}.png`) });
    }
    await page.close();
  }
  console.log(`wrote ${modes.length * SCREENS.length} screenshots to ${out}`);
} finally {
  await browser.close();
  await daemon.stop();
}
