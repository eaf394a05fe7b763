// Every shipped venue on the real kiosk in every orientation venues have: the real stack (sync
// service, daemon, the simulated devices the venue file asks for) run from fixtures/venues/<name>,
// one Chromium page per orientation on it, a reading the venue takes and one it refuses. Used by
// venue-layout-suite.ts (the readability numbers and axe) and take-venue-screenshots.ts.
// The three pages are made once and load each venue's kiosk in turn (a fresh document on the
// venue's own daemon each time): a new page is a new browser context and renderer process, which
// cost more CPU than a venue's checks.
import { readdirSync, rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { mintCode } from '../../../scripts/issuer/mint.ts';
import { EventFeed, Stack, waitFor } from '../../../scripts/lib/stack.ts';
import { acceptedCode, drivenVenue, feedsFor, loadShippedVenue, venueDevices, VENUES_DIR } from '../../../scripts/lib/venue-devices.ts';
import { IdCardSim, PrinterSim, RelaySim } from '../../../scripts/sim/index.ts';
import type { Health } from '../../../terminal/src/api/index.ts';
import { axe, kioskPage, loadAxe, loadKiosk, pageErrors } from './browser.ts';
import { measure, VIEWPORTS } from './screens.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

export const VENUE_NAMES = readdirSync(VENUES_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5))
  .sort();

export type Orientation = (typeof VIEWPORTS)[number];

export interface Shown {
  venue: string;
  orientation: Orientation;
  /** `accepted`: a reading the venue takes (its main screen); `refused`: an expired code. */
  verdict: 'accepted' | 'refused';
  page: Page;
  /** The screen drawn (`accepted`, `registration`, `ticket`, `certificate`, `refused`, ...). */
  screen: string;
}



/**
 * One kiosk page per orientation, kept from venue to venue. A page that was closed (or crashed)
 * is made again the next time; a venue always gets three pages with no errors collected yet.
 */
export class OrientationPages {
  private made: Promise<Page>[] = [];

  constructor(private readonly browser: Browser) {}

  /** The three pages, made on first use (or again, a page that closed); each page's error list emptied. */
  async get(): Promise<[Orientation, Page][]> {
    const pages = await Promise.all(
      VIEWPORTS.map(async (o, k) => {
        const old = await this.made[k]?.catch(() => null);
        if (!old || old.isClosed()) this.made[k] = kioskPage(this.browser, { width: o.width, height: o.height });
        const page = await this.made[k]!;
        pageErrors(page).length = 0;
        return [o, page] as [Orientation, Page];
      }),
    );
    return pages;
  }

  /**
   * Leaves the venue: its preferences (the kiosk keeps language and mode in localStorage, per
   * origin, and a later daemon may get the same port) are cleared, and the pages go blank so that
   * none keeps reconnecting to a daemon that is stopping.
   */
  async leave(): Promise<void> {
    await Promise.all(
      this.made.map(async (made) => {
        const page = await made.catch(() => null);
        if (!page || page.isClosed()) return;
        await page.evaluate(() => localStorage.clear()).catch(() => undefined);
        await page.goto('about:blank').catch(() => page.close());
      }),
    );
  }

  async close(): Promise<void> {
    for (const made of this.made) await (await made.catch(() => null))?.close().catch(() => undefined);
    this.made = [];
  }
}

/** Issue 11's numbers for a verdict: headline ≥ 6 % of the screen height, verdict area ≥ 40 %; nothing below the fold; axe clean. */
export async function problems(shown: Shown): Promise<string[]> {
  const at = `${shown.venue} ${shown.orientation.name} ${shown.verdict} (${shown.screen})`;
  const m = await measure(shown.page);
  const out: string[] = [];
  // The registration keypad is a form the guest types on at arm's length, not a verdict read from
  // 1.5 m (layout.test.ts leaves it out too): it is held to the fold and axe only.
  const verdict = shown.screen !== 'registration';
  if (verdict && m.headline < 0.06 * m.height) out.push(`${at}: headline ${m.headline}px < 6 % of ${m.height}px`);
  if (verdict && m.area < 0.4 * m.height) out.push(`${at}: verdict area ${m.area}px < 40 % of ${m.height}px`);
  if (m.overflow > 1) out.push(`${at}: ${m.overflow}px below the fold`);
  for (const v of await axe(shown.page)) out.push(`${at}: axe ${v.id} (${v.help}) at ${v.nodes.join(', ')}`);
  return out;
}

/**
 * Runs `name` on the real stack (its own sync service, or `service`'s: StackOptions.serviceOf) and calls `each` for every orientation, once with a reading the
 * venue takes and once with one it refuses. Hours are widened (the daemon judges them by the real
 * clock; the shipped hours are tested in terminal/test/library.test.ts and policy.test.ts).
 *
 * Nothing waits but on what it needs: the three pages (from `pages`, made while the stack starts
 * the first time) load the kiosk and axe while the devices connect, and each verdict is checked on
 * the three pages at once (three renderers; a page's checks read only that page), so `each` may
 * run for several at once.
 */
export async function showVenue(orientationPages: OrientationPages, name: string, each: (shown: Shown) => Promise<void>, service?: Stack): Promise<string[]> {
  const venue = loadShippedVenue(name);
  const dir = tempDir(`yss-venue-kiosk-${name}-`);
  const driven = venue.hours || venue.loans ? drivenVenue(venue) : name;
  const stack = new Stack({ dir, venue: driven, devices: venueDevices(venue, { statusPollMs: 0 }), feeds: feedsFor(venue), serviceOf: service });
  const closers: (() => Promise<unknown>)[] = [];
  const errors: string[] = [];
  // Settled before any step can fail, so that the finally below leaves every page made.
  const making = orientationPages.get();
  making.catch(() => undefined);
  try {
    await stack.start();
    const pages = await making;
    // The kiosk's first screen, and axe for the checks, while the devices connect.
    const loading = Promise.all(pages.map(async ([, page]) => loadAxe(await loadKiosk(page, `${stack.kioskUrl}?result_ms=600000`))));
    // Not left unhandled while the devices are waited for; awaited below.
    loading.catch(() => undefined);
    const feed = await EventFeed.open(stack.kioskUrl);
    closers.push(async () => feed.close());
    const idcard = stack.peers['idcard-1'] ? await IdCardSim.open(stack.peers['idcard-1']) : null;
    if (idcard) closers.push(() => idcard.port.close());
    if (stack.peers['printer-1']) {
      const printer = await PrinterSim.open(stack.peers['printer-1']);
      closers.push(() => printer.port.close());
    }
    for (const [id, peer] of Object.entries(stack.peers)) {
      if (!id.startsWith('relay')) continue;
      const relay = await RelaySim.open(peer);
      closers.push(() => relay.port.close());
    }
    await waitFor(async () => {
      const h = (await (await fetch(new URL('/api/health', stack.kioskUrl))).json()) as Health;
      // A hall machine also waits for its first numbers, a venue deciding from feeds for its feeds.
      return h.devices.every((d) => d.state === 'connected') && Object.values(h.hall_numbers?.held ?? {}).every((n) => n > 0) && h.feeds.every((f) => f.version !== null);
    }, 20_000, 50, 'every device to connect (and the first numbers, and the feeds)');
    await loading;

    const show = async (verdict: Shown['verdict'], present: () => void) => {
      const before = feed.lastSeq();
      present();
      const v = await feed.nextVerdict(before, 15_000);
      if ((verdict === 'accepted') !== v.accepted) throw new Error(`${name}: expected ${verdict}, got ${v.accepted ? 'accepted' : v.reason}`);
      await Promise.all(
        pages.map(async ([orientation, page]) => {
          // A verdict's section carries its seq; the registration keypad (a desk's collect-details) does not.
          const section = await page.waitForSelector(`main section[data-seq="${v.seq}"], main section[data-screen="registration"]`);
          const screen = (await section.getAttribute('data-screen')) ?? '?';
          await each({ venue: name, orientation, verdict, page, screen });
          // The keypad holds the screen against the next scan (a guest typing): leave it.
          if (screen === 'registration') await page.click('[data-action="cancel"]');
        }),
      );
    };
    const now = Math.floor(Date.now() / 1000);
    const mint = acceptedCode(venue, stack.keysDir, now);
    await show('accepted', () => {
      if (mint) stack.scan(mintCode(mint));
      else idcard?.place({ name: '王小红', sex: '2', nation: '01', birth: '19491231', address: '北京市东城区某街1号', id_number: '11010519491231002X', authority: '北京市公安局东城分局', valid_from: '20200101', valid_to: '20400101' });
    });
    // Expired a day ago: every venue refuses it, in its own words where its file gives them.
    await show('refused', () => stack.scan(mintCode({ ...(mint ?? { keys: stack.keysDir }), at: now - 2 * 86400, ttl: 3600 })));
    for (const [o, page] of pages) errors.push(...pageErrors(page).map((e) => `${name} ${o.name}: page error ${e}`));
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await making.catch(() => undefined);
    await orientationPages.leave();
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return errors;
}
