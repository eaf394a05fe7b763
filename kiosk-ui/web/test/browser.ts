// Debian's Chromium through playwright-core, and the checks every UI test shares.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The browser's environment: the tests' own, without libfaketime. A suite run under `faketime`
 * (to prove no test depends on today's date) fakes the clock of the processes under test; Chromium
 * stalls its page loads under libfaketime, and its clock is not what is being tested.
 */
export function browserEnv(): Record<string, string> {
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  if (env.LD_PRELOAD?.includes('faketime')) delete env.LD_PRELOAD;
  return env;
}

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, env: browserEnv() });
}

/** A kiosk-sized page (1280×800) on `url`, waiting until the first screen is drawn and the events socket is open. */
export async function openKiosk(browser: Browser, url: string): Promise<Page> {
  return loadKiosk(await kioskPage(browser), url);
}

/** A blank page that collects the kiosk's errors, at `viewport` (a kiosk's 1280×800 by default). */
export async function kioskPage(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const page = await browser.newPage({ viewport, reducedMotion: 'reduce' });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(m.text())) errors.push(m.text());
  });
  (page as Page & { kioskErrors: string[] }).kioskErrors = errors;
  return page;
}

/** Opens the kiosk at `url` in `page` (from kioskPage) and waits until its first screen is drawn and its events socket is open. */
export async function loadKiosk(page: Page, url: string): Promise<Page> {
  await page.goto(url);
  await page.waitForSelector('main[data-screen]');
  // Connected: the daemon holds this page's socket, so a message pushed now reaches it.
  await page.waitForSelector('[data-badge="reconnecting"]', { state: 'detached' });
  return page;
}

/**
 * Kiosk pages for the tests of one file, a page kept for the next test once a test is done with
 * it: a new page is a new browser context and renderer process, about as much as the test's own
 * work on a loaded machine, where a kept page only loads the next kiosk document (a fresh one, from
 * the daemon). `release` leaves nothing for the next test: the kiosk's localStorage and
 * sessionStorage (language, elder mode) and the cookies are cleared and the page goes blank;
 * `open` empties its error list. A test that adds routes, listeners or scripts to its page closes
 * it rather than releasing it; a test that fails leaves its page out of the pool.
 */
export class KioskPages {
  private readonly idle: Page[] = [];

  constructor(private readonly browser: Browser) {}

  /** openKiosk's page, at `viewport` (a kiosk's 1280×800 by default), a kept one when there is one of that size. */
  async open(url: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
    const i = this.idle.findIndex((p) => p.viewportSize()?.width === viewport.width && p.viewportSize()?.height === viewport.height);
    const page = i >= 0 ? this.idle.splice(i, 1)[0]! : await kioskPage(this.browser, viewport);
    pageErrors(page).length = 0;
    return loadKiosk(page, url);
  }

  /** Done with `page`: cleared, blank, and kept for the next `open`; closed instead if it cannot be cleared. */
  async release(page: Page): Promise<void> {
    if (page.isClosed()) return;
    try {
      await page.evaluate(() => {
        localStorage.clear();
        sessionStorage.clear();
      });
      await page.context().clearCookies();
      await page.goto('about:blank');
      this.idle.push(page);
    } catch {
      await page.close().catch(() => undefined);
    }
  }
}

export function pageErrors(page: Page): string[] {
  return (page as Page & { kioskErrors?: string[] }).kioskErrors ?? [];
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  help: string;
  nodes: string[];
}

/** Puts axe-core into the page's document, once per document: half a megabyte of script, which a caller may load while it waits for something else. */
export async function loadAxe(page: Page): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
}

/** Runs axe-core (WCAG 2.x A/AA + best practice; AAA contrast too when `enhanced`). */
export async function axe(page: Page, enhanced = false): Promise<AxeViolation[]> {
  await loadAxe(page);
  return page.evaluate(async (enh) => {
    const w = window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> } };
    const r = await w.axe.run(document, { rules: { 'color-contrast-enhanced': { enabled: enh } }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  }, enhanced);
}
