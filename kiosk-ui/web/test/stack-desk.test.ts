// The kiosk against the real daemon at a service-hall ticket machine: every screen reached by
// writing codes into the scanner's pty, taps on screen, and the daemon restarting.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mintCode } from '../../../scripts/issuer/mint.ts';
import { loadShippedVenue } from '../../../scripts/lib/venue-devices.ts';
import { axe, pageErrors } from './browser.ts';
import { kioskSuite } from './real-stack.ts';
import { tapKeys } from './screens.ts';

let junk = 0;
// Each non-code differs: the scanner adapter drops an identical read repeated within its debounce.
const notACode = () => `HELLO-NOT-A-CODE-${++junk}`;

// The shipped hall ticket machine, open all week (the test must not depend on the hour) and with
// replay judged per code, since every scan here is the same sample person.
const hall = { ...loadShippedVenue('hall'), hours: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }], replay: { per: 'code', on_replay: 'refuse' } };

const kiosk = kioskSuite(hall, { query: 'result_ms=600000' });
const { scan } = kiosk;
const personal = (o: { at?: number; ttl?: number } = {}) => mintCode({ keys: kiosk.ks.stack.keysDir, type: 'personal', name: '王小红', ...o });
/** axe on the real daemon's screens too (the full matrix runs in accessibility.test.ts). */
const noViolations = async (enhanced = false) => assert.deepEqual((await axe(kiosk.page, enhanced)).map((v) => `${v.id}: ${v.nodes.join(', ')}`), []);
/** Waits for `selector`; a timeout says which screen and error the kiosk shows instead. */
const see = async (selector: string, timeout = 30_000) => {
  try {
    await kiosk.page.waitForSelector(selector, { timeout });
  } catch (e) {
    const state = await kiosk.page.evaluate(() => ({
      screen: document.querySelector('main')?.getAttribute('data-screen'),
      section: document.querySelector('section[data-screen]')?.getAttribute('data-screen'),
      error: document.querySelector('[data-error]')?.getAttribute('data-error'),
      text: document.querySelector('main')?.textContent?.slice(0, 200),
    }));
    throw new Error(`${(e as Error).message.split('\n')[0]}; the kiosk shows ${JSON.stringify(state)}`, { cause: e });
  }
};
const home = async () => {
  await kiosk.page.click('[data-action="done"], [data-action="close"], [data-action="cancel"]');
  await kiosk.page.waitForSelector('main[data-screen="idle"]');
};

describe('kiosk on the real daemon (ticket machine)', () => {
  test('a genuine code scanned shows the ticket with its number', async () => {
    assert.equal(await scan(personal()), 'ticket');
    assert.match((await kiosk.page.textContent('.ticket-number')) ?? '', /^A\d+$/);
    assert.match((await kiosk.page.textContent('main')) ?? '', /社保业务/);
    await noViolations();
    await home();
  });

  test('an expired code and a non-code are refused with the reason in words', async () => {
    assert.equal(await scan(personal({ at: Math.floor(Date.now() / 1000) - 3600, ttl: 60 })), 'refused');
    assert.equal(await kiosk.page.textContent('.reason'), '此码已过期');
    assert.equal(await scan(notACode()), 'refused');
    assert.equal(await kiosk.page.getAttribute('.reason', 'data-reason'), 'not_a_code');
    assert.equal(await kiosk.page.textContent('.reason'), '这不是粤省事码');
    await noViolations();
    await home();
  });

  test('the language and elderly switches apply to the next real verdict', async () => {
    await kiosk.page.click('[data-lang="zh-HK"]');
    await kiosk.page.click('[data-action="elderly"]');
    assert.equal(await scan(notACode()), 'refused');
    assert.equal(await kiosk.page.textContent('.reason'), '這不是粵省事碼');
    assert.match((await kiosk.page.getAttribute('main', 'data-prompt')) ?? '', /^核驗未通過/);
    const size = await kiosk.page.$eval('main h1', (e) => parseFloat(getComputedStyle(e).fontSize));
    assert.ok(size >= 40, `h1 is ${size}px`);
    await noViolations(true);
    await kiosk.page.click('[data-lang="en"]');
    assert.equal(await kiosk.page.textContent('.reason'), 'This is not a 粤省事 code');
    await kiosk.page.click('[data-action="elderly"]');
    await kiosk.page.click('[data-lang="zh-CN"]');
    await home();
  });

  test('the staff PIN guards the panel, which shows the real queue, sync and trust list', async () => {
    await kiosk.page.click('[data-action="staff"]');
    await tapKeys(kiosk.page, '9999');
    await kiosk.page.click('[data-action="submit"]');
    await see('[data-error="pin.wrong"]');
    await tapKeys(kiosk.page, kiosk.ks.stack.staffPin);
    await kiosk.page.click('[data-action="submit"]');
    await see('section[data-screen="staff"]');
    assert.equal(await kiosk.page.textContent('[data-field="trust-sequence"]'), '1');
    assert.match((await kiosk.page.textContent('[data-field="backlog"]')) ?? '', /^\d+$/);
    assert.match((await kiosk.page.textContent('main')) ?? '', /scanner-1/);
    assert.match((await kiosk.page.textContent('main')) ?? '', /这不是粤省事码/);
    await kiosk.page.click('[data-action="test-ticket"]');
    await kiosk.page.waitForSelector('[data-notice^="staff.testTicket"]');
    // This stack has no printer: the panel says so instead of pretending.
    assert.match((await kiosk.page.textContent('.notice')) ?? '', /no printer/);
    await noViolations();
    await home();
  });

  test('unplugging the scanner shows out of service, and plugging it back recovers', async () => {
    await kiosk.ks.stack.unplugScanner();
    await see('section[data-screen="out-of-service"]', 15_000);
    await noViolations();
    await kiosk.ks.stack.replugScanner();
    await kiosk.page.waitForSelector('main[data-screen="idle"]', { timeout: 20_000 });
  });

  test('a daemon restart shows reconnecting and the kiosk recovers by itself', async () => {
    await kiosk.ks.stack.stopTerminal();
    await kiosk.page.waitForSelector('[data-badge="reconnecting"]', { timeout: 5000 });
    await kiosk.ks.stack.startTerminal();
    await kiosk.page.waitForSelector('[data-badge="reconnecting"]', { state: 'detached', timeout: 15_000 });
    await kiosk.page.waitForSelector('main[data-screen="idle"]', { timeout: 20_000 });
    assert.equal(await scan(personal()), 'ticket');
    assert.deepEqual(pageErrors(kiosk.page), []);
  });
});
