// From ticket to window (docs/hall.md, "The calling side"), on real parts: the sync-service process
// (the hall's allocator and queue) on loopback, two ticket machines (terminal daemons, each with its
// pty scanner and SQLite) taking visitors' codes, two window pages and the hall display in Chromium.
// The clerks click; the display shows and speaks the calls; elderly priority, 重呼, 过号, 流转 to
// another window's category, 办理完成 and 好差评 all go through the pages, and axe checks both pages.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Browser, Page, Request } from 'playwright-core';
import { axe, launch } from '../../kiosk-ui/web/test/browser.ts';
import { freePort } from '../../kiosk-ui/web/test/real-stack.ts';
import { mintCode } from '../../scripts/issuer/mint.ts';
import { HallMachine } from '../../scripts/lib/hall-machine.ts';
import { EventFeed, REPO, Stack, waitFor } from '../../scripts/lib/stack.ts';
import { loadShippedVenue } from '../../scripts/lib/venue-devices.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

const SHOTS = process.env.YSS_SCREENSHOTS === '1';

interface HallState {
  totals: { taken: number; waiting: number; done: number; missed: number };
  waiting: { number: string; category: string; priority: string | null; marked: string | null }[];
  windows: { window: number; current: { number: string } | null }[];
}

async function signIn(browser: Browser, url: string, token: string, window: number, serves: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as Page & { errors: string[] }).errors = errors;
  await page.goto(`${url}hall-window/?hall=hall&window=${window}`);
  await page.fill('#token', token);
  await page.fill('#serves', serves);
  await page.click('form#signin button[type=submit]');
  await page.waitForSelector('#current');
  return page;
}

/**
 * Clicks a window page's button and waits for the service's answer to its step: a step the
 * service refused or shed (a 503 under load) fails here, by its answer, not later as something
 * the display never showed. `refused`: the step is expected to be refused (409).
 */
async function click(page: Page, selector: string, refused = false): Promise<void> {
  await page.waitForSelector(`${selector}:not([disabled])`);
  const [answer] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith('/steps')), page.click(selector)]);
  const expected = refused ? 409 : 200;
  assert.equal(answer.status(), expected, `${selector}: the service answered ${answer.status()} ${await answer.text()}`);
}

test('two ticket machines, two window pages and the hall display: calls in priority order, shown and spoken, with recall, miss, transfer, completion and evaluation', { timeout: 300_000 }, async () => {
  const dir = tempDir('yss-window-');
  const hall = loadShippedVenue('hall');
  // Hours widened: the calling side is tested at any hour the suite runs.
  const venue = { ...hall, hours: undefined };
  const stack = new Stack({ dir, venue, servicePort: await freePort(), sync: { interval_ms: 100, backoff_max_ms: 300 } });
  let second: HallMachine | null = null;
  let browser: Browser | null = null;
  try {
    await stack.start();
    second = await HallMachine.add(stack, 2);
    const feeds = [await EventFeed.open(stack.kioskUrl), await EventFeed.open(second.url)];
    const scans = [(x: string) => stack.scan(x), (x: string) => second!.scan(x)];
    // Each machine holds a block of numbers before the first visitor (docs/hall.md).
    for (const url of [stack.kioskUrl, second.url]) {
      await waitFor(
        async () => {
          const h = (await (await fetch(new URL('/api/health', url))).json()) as { hall_numbers?: { held: Record<string, number> } };
          return (h.hall_numbers?.held.A ?? 0) > 0;
        },
        30_000,
        100,
        `${url} to hold numbers`,
      );
    }
    // Six visitors, alternating machines; the fourth is 76 (长者优先).
    const numbers: string[] = [];
    for (let i = 0; i < 6; i++) {
      const m = i % 2;
      const before = feeds[m]!.lastSeq();
      scans[m]!(mintCode({ keys: stack.keysDir, subject: { birth_date: i === 3 ? '1950-03-01' : '1990-01-01' } }));
      const v = await feeds[m]!.nextVerdict(before, 30_000);
      assert.equal(v.accepted, true, `visitor ${i + 1}: ${v.reason}`);
      numbers.push((v.effects.find((e) => e.kind === 'ticket') as { number: string }).number);
    }
    for (const f of feeds) f.close();
    const state = async () => (await stack.admin('GET', '/hall/hall/state')) as HallState;
    await waitFor(async () => (await state()).totals.taken === 6, 60_000, 100, 'the machines to upload the six tickets');
    const elderly = numbers[3]!;
    assert.equal((await state()).waiting[0]!.number, elderly, 'the elderly visitor is first in the calling order');
    // The machine learns who waits from the hall: once it asked after all six were in, a seventh
    // visitor's ticket says six are ahead, and the ETA from the venue's 8 minutes (no window open yet).
    const allIn = Date.now();
    await waitFor(
      async () => {
        const h = (await (await fetch(new URL('/api/health', stack.kioskUrl))).json()) as { hall_numbers?: { waiting_age_ms: number | null } };
        const age = h.hall_numbers?.waiting_age_ms;
        return age !== null && age !== undefined && Date.now() - age > allIn;
      },
      30_000,
      100,
      'machine 1 to ask the hall who waits',
    );
    const feed1 = await EventFeed.open(stack.kioskUrl);
    const before7 = feed1.lastSeq();
    stack.scan(mintCode({ keys: stack.keysDir }));
    const seventh = (await feed1.nextVerdict(before7, 30_000)).effects.find((e) => e.kind === 'ticket') as { number: string; ahead?: number; eta_minutes?: number };
    feed1.close();
    assert.deepEqual([seventh.ahead, seventh.eta_minutes], [6, 48]);
    await waitFor(async () => (await state()).totals.taken === 7, 60_000, 100, 'the seventh ticket in the hall');

    browser = await launch();
    const display = await browser.newPage({ viewport: { width: 1920, height: 1080 }, reducedMotion: 'reduce' });
    const displayErrors: string[] = [];
    display.on('pageerror', (e) => displayErrors.push(e.message));
    await display.goto(`${stack.serviceUrl}hall-display/?hall=hall`);
    await display.waitForSelector('body[data-seq]');
    const w3 = await signIn(browser, stack.serviceUrl, stack.adminToken, 3, 'A');
    const w5 = await signIn(browser, stack.serviceUrl, stack.adminToken, 5, 'B');

    // Window 3 calls: the elderly visitor first, on the page, on the wall and in speech.
    await click(w3, '#call');
    await w3.waitForFunction((n) => document.querySelector('#current')?.textContent === n, elderly);
    assert.match((await w3.textContent('.tags')) ?? '', /长者优先/);
    await display.waitForFunction((n) => document.querySelector('#now .number')?.textContent === n, elderly);
    assert.equal(await display.textContent('#now .window'), '请到 3 号窗口');
    await display.waitForFunction((n) => document.querySelector('#spoken')?.textContent === `请 ${n} 号到 3 号窗口`, elderly);
    // 重呼: the wall speaks it again (a new call on the display, the same number).
    // The clerk presses it as the page polls the hall: the button released on is the one pressed
    // (a page redrawn under the pointer lost this click, and the display never called again).
    const seqBefore = Number(await display.getAttribute('body', 'data-seq'));
    const recall = (await (await w3.waitForSelector('#recall:not([disabled])')).boundingBox())!;
    await w3.mouse.move(recall.x + recall.width / 2, recall.y + recall.height / 2);
    await w3.mouse.down();
    // Two polls sent while it is held: the first one's answer has been drawn when the second goes.
    const polled = (r: Request) => new URL(r.url()).pathname === '/hall/hall/state';
    await w3.waitForRequest(polled);
    await w3.waitForRequest(polled);
    const step = w3.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith('/steps'), { timeout: 10_000 }).catch(() => {
      throw new Error('重呼, pressed while the page polled, never reached the service: the page redrew the button under the pointer');
    });
    const [recalled] = await Promise.all([step, w3.mouse.up()]);
    assert.equal(recalled.status(), 200, await recalled.text());
    await display.waitForFunction((s) => Number(document.body.dataset.seq) > s, seqBefore);
    assert.equal(await display.textContent('#spoken'), `请 ${elderly} 号到 3 号窗口`);
    // 办理完成, then the visitor's 好差评: five faces, one pressed.
    await click(w3, '#complete');
    await w3.waitForSelector('.faces button[data-rating="5"]');
    assert.equal(await w3.locator('.faces button').count(), 5);
    await w3.click('.faces button[data-rating="5"]');
    await w3.waitForSelector('.faces', { state: 'detached' });

    // Every later call takes the head of the service's calling order (priority, then the second
    // the ticket was taken; numbers break ties within a second), whichever machine issued it.
    const head = async (category: string) => (await state()).waiting.find((w) => w.category === category)!.number;
    const missed = await head('A');
    await click(w3, '#call');
    await w3.waitForFunction((n) => document.querySelector('#current')?.textContent === n, missed);
    // Nobody comes: 过号.
    await click(w3, '#miss');
    await w3.waitForFunction(() => document.querySelector('#current')?.textContent === '空闲');
    // Next: a visitor who needs category B: 流转 to B, where window 5 calls them.
    const moved = await head('A');
    await click(w3, '#call');
    await w3.waitForFunction((n) => document.querySelector('#current')?.textContent === n, moved);
    await w3.fill('#to-other', 'B');
    await click(w3, '#transfer');
    await w3.waitForFunction(() => document.querySelector('#current')?.textContent === '空闲');
    await w5.waitForFunction((n) => [...document.querySelectorAll('#waiting td')].some((td) => td.textContent === n), moved);
    await click(w5, '#call');
    await w5.waitForFunction((n) => document.querySelector('#current')?.textContent === n, moved);
    await display.waitForFunction((n) => document.querySelector('#spoken')?.textContent === `请 ${n} 号到 5 号窗口`, moved);
    // 标记优先: the clerk marks the last A visitor in line 孕妇; she is called next, ahead of those who came earlier.
    const tail = (await state()).waiting.filter((w) => w.category === 'A').at(-1)!.number;
    assert.notEqual(await head('A'), tail);
    await w3.selectOption('#mark-label', '孕妇');
    // Not click(): the marked row's button is gone once the page redraws, which is the point.
    await w3.click(`[data-mark="${tail}"]:not([disabled])`);
    await w3.waitForFunction(() => [...document.querySelectorAll('#waiting td')].some((td) => td.textContent === '孕妇优先'));
    assert.deepEqual((await state()).waiting.filter((w) => w.marked).map((w) => [w.number, w.marked]), [[tail, '孕妇']]);
    // Window 3 takes the next A visitor, the marked one; window 5 finishes.
    const third = await head('A');
    assert.equal(third, tail);
    await click(w3, '#call');
    await w3.waitForFunction((n) => document.querySelector('#current')?.textContent === n, third);
    await click(w5, '#complete');
    // A refused step names why: window 5 serves B and nobody else waits in B.
    await click(w5, '#call', true);
    await w5.waitForFunction(() => /nobody is waiting in B/.test(document.querySelector('#error')?.textContent ?? ''));

    const s = await state();
    assert.deepEqual(s.totals, { taken: 7, waiting: 3, called: 1, done: 2, missed: 1 });
    assert.deepEqual(s.windows.map((w) => [w.window, w.current?.number ?? null]), [[3, third], [5, null]]);
    // The recent calls on the wall, the newest first.
    await display.waitForFunction((n) => document.querySelector('#now .number')?.textContent === n, third);
    assert.match((await display.textContent('#waiting')) ?? '', /A 类 等候 3 人/);

    for (const [name, page] of [['window page', w3], ['hall display', display]] as const) {
      const violations = await axe(page);
      assert.deepEqual(violations, [], `${name}: ${JSON.stringify(violations)}`);
    }
    assert.deepEqual([...displayErrors, ...(w3 as Page & { errors: string[] }).errors, ...(w5 as Page & { errors: string[] }).errors], []);
    if (SHOTS) {
      await w3.screenshot({ path: join(REPO, 'docs', 'screenshots', 'hall-window.png'), fullPage: true });
      await display.screenshot({ path: join(REPO, 'docs', 'screenshots', 'hall-display.png') });
    }
  } finally {
    await browser?.close();
    await second?.stop();
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
