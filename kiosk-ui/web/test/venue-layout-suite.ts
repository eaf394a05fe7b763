// Issue 11's screen numbers over every shipped venue and every orientation, on the real kiosk run
// from the venue file: the verdict's headline at least 6 % of the screen height, its area at
// least 40 %, nothing below the fold, axe clean, for a reading the venue takes and one it refuses.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launch } from './browser.ts';
import { problems, showVenue, VENUE_NAMES } from './venue-kiosk.ts';

let browser: Browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('every shipped venue is measured', () => {
  assert.equal(VENUE_NAMES.length, 10);
});

for (const name of VENUE_NAMES) {
  test(`${name}: portrait 1080x1920, landscape 1920x1080 and tablet 1280x800, accepted and refused: readable from 1.5 m, axe clean`, async () => {
    const failures: string[] = [];
    let shown = 0;
    const errors = await showVenue(browser, name, async (s) => {
      shown++;
      failures.push(...(await problems(s)));
    });
    assert.equal(shown, 6, 'three orientations, two verdicts');
    assert.deepEqual(failures, []);
    assert.deepEqual(errors, []);
  });
}
