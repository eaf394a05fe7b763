// The kiosk against the real daemon at a hotel desk (registration on the keypad), then the
// same daemon restarted as a plain verifier (accepted and certificate screens).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { mintCode } from '../../../scripts/issuer/mint.ts';
import { nextScreen, openKioskSession, type KioskStack } from './real-stack.ts';
import { tapKeys } from './screens.ts';

let browser: Browser;
let ks: KioskStack;
let page: Page;
let seq = 0;

before(async () => {
  ({ browser, ks, page } = await openKioskSession('hotel'));
});
after(async () => {
  await browser?.close();
  await ks?.close();
});

async function scan(code: string): Promise<string> {
  ks.stack.scan(code);
  const r = await nextScreen(page, seq);
  seq = r.seq;
  return r.screen;
}

describe('kiosk on the real daemon (hotel desk, then verifier)', () => {
  test('a check-in scan opens the keypad, and room and guests are recorded by the daemon', async () => {
    // A hotel needs the holder's authorization (scope) and the document fields (fixtures/venues/hotel.json).
    const subject = { doc_type: 'resident-id', doc_no: '440105199001011234' };
    ks.stack.scan(mintCode({ keys: ks.stack.keysDir, type: 'personal', name: '陈大文', scope: ['hotel-checkin'], subject }));
    await page.waitForSelector('section[data-screen="registration"]', { timeout: 10_000 });
    await tapKeys(page, '815');
    await page.click('[data-field="guests"]');
    await tapKeys(page, '3');
    await page.click('[data-action="submit"]');
    await page.waitForSelector('[data-note="registration.done"]');
    assert.match((await page.textContent('main')) ?? '', /Checked in: room 815, 3 guest/);
    seq = Number(await page.getAttribute('section[data-seq]', 'data-seq'));
    const h = (await (await fetch(new URL('/api/health', ks.url))).json()) as { queue: { last_seq: number } };
    assert.ok(h.queue.last_seq > seq, 'the registration detail is a committed event after the check-in');
    await page.click('[data-action="done"]');
  });

  test('restarted as a verifier, a personal code shows accepted and a credential shows the certificate', async () => {
    ks.stack.opts.venue = 'desk';
    await ks.stack.stopTerminal();
    await ks.stack.startTerminal();
    await page.waitForSelector('[data-badge="reconnecting"]', { state: 'detached', timeout: 15_000 });
    assert.equal(await scan(mintCode({ keys: ks.stack.keysDir, type: 'personal', name: '陈大文' })), 'accepted');
    assert.match((await page.textContent('main')) ?? '', /陈\*文/);
    assert.equal(await scan(mintCode({ keys: ks.stack.keysDir, type: 'credential', name: '陈大文' })), 'certificate');
    assert.match((await page.textContent('main')) ?? '', /Issuer\s*CN-44/);
  });
});
