// What visitors and staff do on the kiosk, screen by screen, against the stand-in daemon.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { KioskPages, launch } from './browser.ts';
import { baseHealth, startFakeDaemon, verdict, type FakeDaemon } from './fake-daemon.ts';
import { SCREENS, tapKeys } from './screens.ts';
import { nth } from '../../../scripts/lib/nth.ts';

let browser: Browser;
let daemon: FakeDaemon;
let pages: KioskPages;

before(async () => {
  [browser, daemon] = await Promise.all([launch(), startFakeDaemon()]);
  pages = new KioskPages(browser);
});
after(async () => {
  await browser?.close();
  await daemon?.stop();
});

async function kiosk(query = 'result_ms=600000'): Promise<Page> {
  const page = await pages.open(`${daemon.url}?${query}`);
  await daemon.waitForClients(1);
  return page;
}
const reach = (name: string, page: Page) => SCREENS.find((s) => s.name === name)!.reach(page, daemon);
const text = async (page: Page, sel = 'main') => (await page.textContent(sel)) ?? '';

describe('visitor screens', () => {
  test('a take-a-number verdict shows the ticket number and the count before it', async () => {
    const page = await kiosk('lang=en&result_ms=600000');
    await reach('ticket', page);
    assert.equal(await text(page, '.ticket-number'), 'A027');
    assert.match(await text(page), /Tickets issued before yours today: 26/);
    await pages.release(page);
  });

  test('an elderly holder\'s ticket says it is served first; a normal one says nothing of priority', async () => {
    const page = await kiosk('result_ms=600000');
    await reach('ticket', page);
    assert.equal(await page.locator('.ticket-priority').count(), 0);
    const v = verdict({ scenario: 'hall', effects: [{ kind: 'ticket', number: 'A028', service: '社保业务', priority: 'elderly' }] });
    daemon.push(v);
    await page.waitForSelector(`section[data-screen="ticket"][data-seq="${v.seq}"]`);
    assert.equal(await text(page, '.ticket-priority'), '长者优先');
    assert.doesNotMatch(await text(page), /今日此前已发/, 'a hall number comes with no count of earlier tickets, and none is made up');
    await pages.release(page);
  });

  test('a hall ticket says how many wait ahead and about how long, or that the count is unavailable when the machine has not heard from the hall', async () => {
    const page = await kiosk('result_ms=600000');
    const known = verdict({ scenario: 'hall', effects: [{ kind: 'ticket', number: 'A031', service: '社保业务', ahead: 6, eta_minutes: 48, id: 'hall/2026-12-01/A031' }] });
    daemon.push(known);
    await page.waitForSelector(`section[data-screen="ticket"][data-seq="${known.seq}"]`);
    assert.equal(await text(page, '[data-waiting="6"]'), '前面等候 6 人,预计约 48 分钟');
    const offline = verdict({ scenario: 'hall', effects: [{ kind: 'ticket', number: 'A032', service: '社保业务', id: 'hall/2026-12-01/A032' }] });
    daemon.push(offline);
    await page.waitForSelector(`section[data-screen="ticket"][data-seq="${offline.seq}"]`);
    assert.equal(await text(page, '[data-waiting="unknown"]'), '等候人数暂不可知,请留意叫号屏');
    await pages.release(page);
  });

  test('a credential verdict shows the certificate type and validity, not an ID number', async () => {
    const page = await kiosk();
    await reach('certificate', page);
    const t = await text(page);
    assert.match(t, /居住证/);
    assert.match(t, /有效期至2027-06-30/);
    assert.match(t, /李\*华/);
    await pages.release(page);
  });

  test('a hotel check-in takes room and guests on the keypad and sends them to the daemon', async () => {
    const page = await kiosk();
    await reach('registration', page);
    assert.equal(await text(page, '[data-field="room"] output'), '1208');
    await page.click('[data-action="submit"]');
    await page.waitForSelector('[data-note="registration.done"]');
    assert.match(await text(page), /1208 房,2 人/);
    assert.deepEqual(daemon.registrations.at(-1), { seq: daemon.recent[0]?.seq, room: '1208', guests: 2 });
    await pages.release(page);
  });

  test('a check-in without a guest count is not sent and says what is missing', async () => {
    const page = await kiosk('lang=en&result_ms=600000');
    const before = daemon.registrations.length;
    daemon.push(verdict({ effects: [{ kind: 'registration' }] }));
    await page.waitForSelector('section[data-screen="registration"]');
    await tapKeys(page, '305');
    await page.click('[data-key="delete"]');
    assert.equal(await text(page, '[data-field="room"] output'), '30');
    await page.click('[data-action="submit"]');
    await page.waitForSelector('.error');
    assert.match(await text(page, '.error'), /1 to 9 guests/);
    assert.equal(daemon.registrations.length, before);
    await pages.release(page);
  });

  test('a scan does not interrupt a guest typing a room number', async () => {
    const page = await kiosk();
    await reach('registration', page);
    daemon.push(verdict({ accepted: false, reason: 'expired' }));
    await page.waitForTimeout(300);
    assert.equal(await page.getAttribute('main', 'data-screen'), 'registration');
    await pages.release(page);
  });

  test('an unplugged scanner shows out of service, and plugging it back returns to idle', async () => {
    const page = await kiosk('lang=zh-HK');
    await reach('out-of-service', page);
    assert.match(await text(page), /暫停服務/);
    assert.match(await text(page), /請聯絡工作人員/);
    daemon.push({ type: 'device', device: { ...nth(baseHealth().devices, 0), state: 'connected' } });
    await page.waitForSelector('main[data-screen="idle"]');
    await pages.release(page);
  });
});

describe('language and elderly mode', () => {
  test('the language switch changes every string and survives a reload', async () => {
    const page = await kiosk();
    assert.equal(await text(page, 'h1'), '请出示粤省事码');
    await page.click('[data-lang="zh-HK"]');
    assert.equal(await text(page, 'h1'), '請出示粵省事碼');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-HK');
    await page.click('[data-lang="en"]');
    assert.equal(await text(page, 'h1'), 'Please show your code');
    assert.equal(await page.getAttribute('[data-lang="en"]', 'aria-pressed'), 'true');
    await page.reload();
    await page.waitForSelector('main[data-screen="idle"]');
    assert.equal(await text(page, 'h1'), 'Please show your code');
    await pages.release(page);
  });

  test('elderly mode is one tap away, enlarges the text and speaks the verdict', async () => {
    const page = await kiosk();
    const size = () => page.$eval('main h1', (e) => parseFloat(getComputedStyle(e).fontSize));
    const standard = await size();
    await page.click('[data-action="elderly"]');
    await page.waitForSelector('body.elderly');
    assert.ok((await size()) >= 40 && (await size()) > standard, `h1 ${await size()}px`);
    const v = verdict({ accepted: false, reason: 'not_a_code', display: {} });
    daemon.push(v);
    await page.waitForSelector(`section[data-seq="${v.seq}"]`);
    assert.equal(await page.getAttribute('main', 'data-prompt'), '核验未通过。这不是粤省事码。请打开粤省事应用,出示个人码。');
    // Headless Chromium has no speech voice: the shipped clip is played instead.
    const voice = await page.getAttribute('main', 'data-voice');
    assert.equal(voice, 'clip:speak.refused.short');
    const clip = await fetch(`${daemon.url}audio/voice/zh-CN/speak.refused.short.wav`);
    assert.equal(clip.status, 200);
    assert.equal(Buffer.from(await clip.arrayBuffer()).subarray(8, 12).toString(), 'WAVE');
    await page.reload();
    await page.waitForSelector('body.elderly');
    await pages.release(page);
  });

  test('the accept and refuse tones are shipped as different WAV files', async () => {
    const [a, r] = await Promise.all([fetch(`${daemon.url}audio/accept.wav`), fetch(`${daemon.url}audio/refuse.wav`)]);
    assert.equal(a.headers.get('content-type'), 'audio/wav');
    const [ab, rb] = await Promise.all([a.arrayBuffer(), r.arrayBuffer()]);
    assert.equal(Buffer.from(ab).subarray(0, 4).toString(), 'RIFF');
    assert.notDeepEqual(Buffer.from(ab), Buffer.from(rb));
  });
});

describe('staff panel', () => {
  test('a wrong PIN is refused on screen and the panel stays closed', async () => {
    const page = await kiosk('lang=en');
    await page.click('[data-action="staff"]');
    await tapKeys(page, '1111');
    await page.click('[data-action="submit"]');
    await page.waitForSelector('[data-error="pin.wrong"]');
    assert.equal(await page.getAttribute('main', 'data-screen'), 'pin');
    assert.equal(await page.getAttribute('.pin-dots', 'data-digits'), '0');
    await pages.release(page);
  });

  test('the right PIN opens the panel with devices, backlog, sync and trust list, and prints a test ticket', async () => {
    // Ages are relative to when the health was made: made now, not when the daemon started a minute of tests ago.
    daemon.health = { ...daemon.health, trust: baseHealth().trust, sync: baseHealth().sync };
    const page = await kiosk('lang=en');
    await reach('staff-panel', page);
    assert.equal(await text(page, '[data-field="backlog"]'), '3');
    assert.equal(await text(page, '[data-field="oldest"]'), '95 s');
    assert.equal(await text(page, '[data-field="trust-sequence"]'), '42');
    assert.match(await text(page, '[data-field="trust-age"]'), /60 min ago/);
    assert.match(await text(page, '[data-field="last-sync"]'), /^\d+ s ago$/);
    const t = await text(page);
    assert.match(t, /scanner-1/);
    assert.match(t, /This code was already used/);
    assert.doesNotMatch(t, /张/);
    const before = daemon.testTickets;
    await page.click('[data-action="test-ticket"]');
    await page.waitForSelector('[data-notice="staff.testTicket.ok"]');
    assert.equal(daemon.testTickets, before + 1);
    await page.click('[data-action="close"]');
    await page.waitForSelector('main[data-screen="idle"]');
    await pages.release(page);
  });
});
