// Regenerates docs/screenshots/skeleton-verdict.png, the README's first picture: the demo stack
// (real sync service, daemon and pty scanner), one code written into the scanner, and the kiosk
// page in headless Chromium. `npx tsx scripts/demo-screenshot.ts`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { mintCode } from './issuer/mint.ts';
import { EventFeed, REPO, Stack } from './lib/stack.ts';

const dir = mkdtempSync(join(tmpdir(), 'yss-shot-'));
const stack = await new Stack({ dir }).start();
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(stack.kioskUrl);
  const feed = await EventFeed.open(stack.kioskUrl);
  stack.scan(mintCode({ keys: stack.keysDir, name: '张小明' }));
  const v = await feed.nextVerdict(0);
  await page.waitForSelector(`main section[data-seq="${v.seq}"]`);
  await page.screenshot({ path: join(REPO, 'docs', 'screenshots', 'skeleton-verdict.png') });
  feed.close();
} finally {
  await browser.close();
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
}
