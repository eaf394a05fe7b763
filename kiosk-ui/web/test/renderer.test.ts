// The renderer against a stand-in daemon that pushes exact messages: screens, words, reconnect.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { KioskPages, launch, pageErrors } from './browser.ts';
import { baseHealth, startFakeDaemon, verdict, type FakeDaemon } from './fake-daemon.ts';

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

describe('kiosk renderer', () => {
  test('shows the idle prompt in Simplified Chinese once the daemon has sent its health', async () => {
    const page = await pages.open(daemon.url);
    await page.waitForSelector('main[data-screen="idle"]');
    assert.equal(await page.textContent('main h1'), '请出示粤省事码');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    await page.waitForSelector('[data-badge="reconnecting"]', { state: 'detached' });
    assert.deepEqual(pageErrors(page), []);
    await pages.release(page);
  });

  test('shows an accepted verdict with the masked name and health in words', async () => {
    const page = await pages.open(`${daemon.url}?lang=en`);
    await daemon.waitForClients(1);
    const v = verdict();
    daemon.push(v);
    await page.waitForSelector(`section[data-screen="accepted"][data-seq="${v.seq}"]`);
    const text = await page.textContent('main');
    assert.match(text ?? '', /Accepted/);
    assert.match(text ?? '', /张\*明/);
    assert.match(text ?? '', /Green/);
    assert.equal(await page.getAttribute('main', 'data-tone'), 'accept');
    await pages.release(page);
  });

  test('shows a refused verdict with the reason and what to do next, then returns to idle', async () => {
    // Long enough to read the screen on a loaded machine, short enough to see it go.
    const page = await pages.open(`${daemon.url}?result_ms=2500`);
    await daemon.waitForClients(1);
    const v = verdict({ accepted: false, reason: 'expired', display: {} });
    daemon.push(v);
    await page.waitForSelector('section[data-screen="refused"]');
    assert.equal(await page.textContent('.reason'), '此码已过期');
    assert.match((await page.textContent('.next')) ?? '', /刷新/);
    assert.equal(await page.getAttribute('main', 'data-tone'), 'refuse');
    await page.waitForSelector('main[data-screen="idle"]', { timeout: 10_000 });
    await pages.release(page);
  });

  test('says it is reconnecting while the daemon is down and recovers by itself', async () => {
    const page = await pages.open(daemon.url);
    await page.waitForSelector('[data-badge="reconnecting"]', { state: 'detached' });
    await daemon.stop();
    await page.waitForSelector('[data-badge="reconnecting"]', { timeout: 5000 });
    await daemon.start();
    await page.waitForSelector('[data-badge="reconnecting"]', { state: 'detached', timeout: 10_000 });
    const v = verdict({ accepted: false, reason: 'bad_signature' });
    daemon.push(v);
    await page.waitForSelector(`section[data-seq="${v.seq}"]`);
    await pages.release(page);
  });

  test('shows the offline badge while the terminal cannot reach the sync service', async () => {
    const page = await pages.open(`${daemon.url}?lang=en`);
    await daemon.waitForClients(1);
    daemon.push({ type: 'health', health: baseHealth({ sync: { state: 'offline', last_success_at: null, last_error: 'ECONNREFUSED', acked_seq: 0 } }) });
    await page.waitForSelector('[data-badge="offline"]');
    assert.match((await page.textContent('[data-badge="offline"]')) ?? '', /still checked/);
    daemon.push({ type: 'health', health: baseHealth() });
    await page.waitForSelector('[data-badge="offline"]', { state: 'detached' });
    await pages.release(page);
  });

  test('a health push leaves a verdict on show as it is (the button under a finger stays the same element) and changes only what it shows', async () => {
    const page = await pages.open(`${daemon.url}?lang=en`);
    await daemon.waitForClients(1);
    const v = verdict();
    daemon.push(v);
    await page.waitForSelector(`section[data-screen="accepted"][data-seq="${v.seq}"]`);
    const kept = () => page.evaluate(() => (window as unknown as { kept: Element[] }).kept.map((e) => e.isConnected));
    await page.evaluate(() => ((window as unknown as { kept: Element[] }).kept = [document.querySelector('[data-action="done"]')!, document.querySelector('[data-action="staff"]')!]));
    // Health that changes nothing on screen (an age, a backlog), then health the top bar shows.
    daemon.push({ type: 'health', health: baseHealth({ queue: { ...baseHealth().queue, backlog: 9 } }) });
    daemon.push({ type: 'health', health: baseHealth({ sync: { ...baseHealth().sync, state: 'offline' } }) });
    await page.waitForSelector('[data-badge="offline"]');
    assert.deepEqual(await kept(), [true, false], 'the verdict kept, the top bar rebuilt for its new badge');
    await page.click('[data-action="done"]');
    await page.waitForSelector('main[data-screen="idle"]');

    // The idle screen: kept while health leaves it as it is, rebuilt when it must say something else.
    await page.evaluate(() => ((window as unknown as { kept: Element[] }).kept = [document.querySelector('main > *')!, document.querySelector('[data-action="staff"]')!]));
    daemon.push({ type: 'health', health: baseHealth({ sync: { ...baseHealth().sync, state: 'offline' }, queue: { ...baseHealth().queue, backlog: 10 } }) });
    daemon.push({ type: 'health', health: baseHealth({ sync: { ...baseHealth().sync, state: 'offline' }, devices: [{ ...baseHealth().devices[0]!, state: 'disconnected' }] }) });
    await page.waitForSelector('main[data-screen="out-of-service"]');
    const [idleKept, staffKept] = await kept();
    assert.equal(idleKept, false, 'out of service replaced the idle screen');
    assert.equal(staffKept, true, 'the top bar did not change, so it was not rebuilt');
    daemon.push({ type: 'health', health: baseHealth() });
    await page.waitForSelector('main[data-screen="idle"]');
    assert.deepEqual(pageErrors(page), []);
    await pages.release(page);
  });
});
