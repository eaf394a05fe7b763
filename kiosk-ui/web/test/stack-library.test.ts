// The kiosk on the real daemon at a library loan kiosk (fixtures/venues/library-loans.json) with
// the library system a real SIP2 server on loopback: the reader's code opens the session screen,
// each book shows its title and due date and the count, the library system away is said in words,
// and the finish button ends the session; a reader who owes is told how much and renews the books
// they have. Axe clean on the session screen.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { mintCode } from '../../../scripts/issuer/mint.ts';
import { acceptedCode, loadShippedVenue } from '../../../scripts/lib/venue-devices.ts';
import { Sip2Server } from '../../../scripts/sim/index.ts';
import { holderOfCode } from '../../../terminal/src/protocol/index.ts';
import { axe, pageErrors } from './browser.ts';
import { openKioskSession, type KioskStack } from './real-stack.ts';

const shipped = loadShippedVenue('library-loans');
let browser: Browser;
let ks: KioskStack;
let ils: Sip2Server;
let page: Page;

before(async () => {
  ils = await new Sip2Server({
    patrons: { [holderOfCode('CN-44', 'u-reader-2')]: {}, [holderOfCode('CN-44', 'u-reader-3')]: { fees: '8' } },
    items: {
      '9787020002207': { title: 'Dream of the Red Chamber', out: null },
      '9787544253994': { title: 'To Live', out: null },
      '9787020024759': { title: 'Fortress Besieged', out: holderOfCode('CN-44', 'u-reader-3') },
    },
  }).listen();
  const venue = { ...shipped, hours: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }], loans: { ...shipped.loans!, ils: { ...shipped.loans!.ils!, port: ils.port, timeout_ms: 1000 } } };
  ({ browser, ks, page } = await openKioskSession(venue));
});
after(async () => {
  await browser?.close();
  await ks?.close();
  await ils?.close();
});

const text = async () => (await page.textContent('main')) ?? '';

test('a reader who owes sees how much, renews the book they have with one button, and finishes', async () => {
  ks.stack.scan(mintCode(acceptedCode(shipped, ks.stack.keysDir, Math.floor(Date.now() / 1000), 'u-reader-3')!));
  await page.waitForSelector('section[data-screen="loans"] [data-owed="¥8.00"]', { timeout: 15_000 });
  assert.match(await text(), /You owe the library ¥8\.00: please pay at the service desk/);
  assert.equal((await page.textContent('[data-action="loans-renew"]'))?.trim(), 'Renew the 1 books you have');
  assert.deepEqual(await axe(page), [], 'axe clean');
  await page.click('[data-action="loans-renew"]');
  await page.waitForSelector('[data-renewal="done"] [data-renewed="1"]', { timeout: 15_000 });
  assert.match(await text(), /Fortress Besieged: renewed, due \d{4}-\d{2}-\d{2}/);
  assert.equal(await page.$('[data-action="loans-renew"]'), null, 'renewed once: the button is gone');
  await page.click('[data-action="loans-finish"]');
  await page.waitForSelector('main[data-screen="idle"]', { timeout: 10_000 });
});

test('a loan session on screen: the code, two books (one while the library system is away), then finish', async () => {
  ks.stack.scan(mintCode(acceptedCode(shipped, ks.stack.keysDir, Math.floor(Date.now() / 1000), 'u-reader-2')!));
  await page.waitForSelector('section[data-screen="loans"] [data-items="0"]', { timeout: 15_000 });
  assert.match(await text(), /Scan your books one by one[\s\S]*0 borrowed this time \(at most 30\)/);
  assert.deepEqual(await axe(page), [], 'axe clean');

  ks.stack.scan('9787020002207');
  await page.waitForSelector('section[data-screen="loans"] [data-items="1"]', { timeout: 15_000 });
  assert.match(await text(), /Borrowed[\s\S]*Dream of the Red Chamber[\s\S]*Due\d{4}-\d{2}-\d{2}[\s\S]*1 borrowed this time/);
  assert.equal(await page.$('[data-offline]'), null, 'the library system answered');

  await ils.close();
  ks.stack.scan('9787544253994');
  await page.waitForSelector('section[data-screen="loans"] [data-items="2"]', { timeout: 15_000 });
  await page.waitForSelector('[data-offline]');
  assert.match(await text(), /cannot be reached: your loans are recorded/);

  await page.click('[data-action="loans-finish"]');
  await page.waitForSelector('main[data-screen="idle"]', { timeout: 10_000 });
  assert.deepEqual(pageErrors(page), []);
});
