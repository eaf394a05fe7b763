// Regenerates docs/screenshots/hall-machine-1.png and hall-machine-2.png (docs/hall.md): the shipped
// hall on real processes (sync service as the allocator, two ticket-machine daemons with pty
// scanners), an elderly visitor's code scanned into machine 1 and another visitor's into machine 2,
// and each machine's kiosk page in headless Chromium: one queue, two machines, one block each.
// `npx tsx scripts/hall-screenshot.ts`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Health } from '../terminal/src/api/index.ts';
import { mintCode } from './issuer/mint.ts';
import { HallMachine } from './lib/hall-machine.ts';
import { EventFeed, REPO, Stack, waitFor } from './lib/stack.ts';
import { loadShippedVenue } from './lib/venue-devices.ts';

const dir = mkdtempSync(join(tmpdir(), 'yss-hall-shot-'));
// Hours widened so that the picture can be taken at any hour.
const stack = await new Stack({ dir, venue: { ...loadShippedVenue('hall'), hours: undefined } }).start();
const second = await HallMachine.add(stack, 2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const machines = [
    { url: stack.kioskUrl, scan: (t: string) => stack.scan(t), code: mintCode({ keys: stack.keysDir, name: '王小红', subject: { birth_date: '1952-04-18' } }) },
    { url: second.url, scan: (t: string) => second.scan(t), code: mintCode({ keys: stack.keysDir, name: '陈大文', subject: { birth_date: '1990-01-01' } }) },
  ];
  let since = 0;
  for (const [i, m] of machines.entries()) {
    await waitFor(async () => {
      const h = (await (await fetch(new URL('/api/health', m.url))).json()) as Health;
      // Numbers in hand, and an answer from the hall about who waits since the previous machine's ticket.
      const asked = h.hall_numbers?.waiting_age_ms;
      return Object.values(h.hall_numbers?.held ?? {}).every((n) => n > 0) && asked != null && Date.now() - asked > since;
    }, 30_000, 100, 'the first block of numbers and the hall\'s waiting count');
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${m.url}?result_ms=600000`);
    const feed = await EventFeed.open(m.url);
    m.scan(m.code);
    const v = await feed.nextVerdict(0);
    await page.waitForSelector(`main section[data-seq="${v.seq}"]`);
    await page.screenshot({ path: join(REPO, 'docs', 'screenshots', `hall-machine-${i + 1}.png`) });
    console.log(`machine ${i + 1}: ${JSON.stringify(v.effects)}`);
    // Machine 2's screen counts machine 1's visitor once the hall has their upload.
    await waitFor(async () => ((await stack.admin('GET', '/hall/hall/state')) as { totals: { taken: number } }).totals.taken === i + 1, 30_000, 100, 'the ticket in the hall');
    since = Date.now();
    feed.close();
    await page.close();
  }
} finally {
  await browser.close();
  await second.stop();
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
}
