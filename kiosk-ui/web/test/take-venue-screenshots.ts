// Writes docs/screenshots/venues/<venue>-<orientation>.png: every shipped venue (or those named on
// the command line) on the real kiosk, run from its file by the real stack, showing a reading it
// takes, in portrait 1080x1920, landscape 1920x1080 and tablet 1280x800. Each page is checked as
// it is taken (headline, verdict area, overflow, axe); any problem fails the run and writes no
// file for that page. Run: npm run screenshots (after npm run build), or
// npx tsx kiosk-ui/web/test/take-venue-screenshots.ts hotel library
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launch } from './browser.ts';
import { OrientationPages, problems, showVenue, VENUE_NAMES } from './venue-kiosk.ts';

const out = join(import.meta.dirname, '..', '..', '..', 'docs', 'screenshots', 'venues');
mkdirSync(out, { recursive: true });
const names = process.argv.length > 2 ? process.argv.slice(2) : VENUE_NAMES;
const unknown = names.filter((n) => !VENUE_NAMES.includes(n));
if (unknown.length) {
  console.error(`no such venue: ${unknown.join(', ')} (fixtures/venues/ has ${VENUE_NAMES.join(', ')})`);
  process.exit(2);
}
const browser = await launch();
const pages = new OrientationPages(browser);
const failures: string[] = [];
let written = 0;
try {
  for (const name of names) {
    failures.push(
      ...(await showVenue(pages, name, async (s) => {
        const found = await problems(s);
        failures.push(...found);
        if (s.verdict !== 'accepted' || found.length) return;
        await s.page.screenshot({ path: join(out, `${s.venue}-${s.orientation.name}.png`) });
        written++;
      })),
    );
    console.log(`${name}: done`);
  }
} finally {
  await browser.close();
}
console.log(`wrote ${written} screenshots to ${out}`);
if (failures.length) {
  console.error(failures.join('\n'));
  process.exitCode = 1;
}
