// Issue 11's screen numbers over every shipped venue and every orientation, on the real kiosk run
// from the venue file: the verdict's headline at least 6 % of the screen height, its area at
// least 40 %, nothing below the fold, axe clean, for a reading the venue takes and one it refuses.
// Each venue starts its own daemon and devices, enrolled at the venue on one sync service that the
// venues of a file share, as a fleet's terminals do (a service per venue was a tenth of the CPU);
// the venues are shared between two test files (venue-layout-1 and -2.test.ts), each well inside
// the runner's 10-minute bound on a loaded machine.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { Stack } from '../../../scripts/lib/stack.ts';
import { launch } from './browser.ts';
import { OrientationPages, problems, showVenue, VENUE_NAMES } from './venue-kiosk.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

/** The tests for shard `i` (from 0) of `n`: every venue is in exactly one shard. */
export function venueLayoutSuite(i: number, n: number): void {
  let browser: Browser;
  let pages: OrientationPages;
  const names = VENUE_NAMES.filter((_, k) => k % n === i);

  const dir = tempDir('yss-venue-layout-service-');
  const service = new Stack({ dir });
  const serve = async () => {
    await service.startService();
    await service.publishTrustList(1);
  };

  before(async () => {
    const [b, s] = await Promise.allSettled([launch(), serve()]);
    if (b.status === 'fulfilled') browser = b.value;
    if (b.status === 'rejected' || s.status === 'rejected') throw b.status === 'rejected' ? b.reason : (s as PromiseRejectedResult).reason;
    pages = new OrientationPages(browser);
  });
  after(async () => {
    await pages?.close();
    await browser?.close();
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test(`shard ${i + 1} of ${n}: ${names.join(', ')}`, () => {
    assert.equal(VENUE_NAMES.length, 13, 'the shipped venues');
    assert.ok(names.length > 0);
  });

  for (const name of names) {
    test(`${name}: portrait 1080x1920, landscape 1920x1080 and tablet 1280x800, accepted and refused: readable from 1.5 m, axe clean`, async () => {
      const failures: string[] = [];
      let shown = 0;
      const errors = await showVenue(
        pages,
        name,
        async (s) => {
          shown++;
          failures.push(...(await problems(s)));
        },
        service,
      );
      assert.equal(shown, 6, 'three orientations, two verdicts');
      assert.deepEqual(failures, []);
      assert.deepEqual(errors, []);
    });
  }
}
