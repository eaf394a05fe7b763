// The kiosk against the real daemon at a hotel desk (registration on the keypad), then the
// same daemon restarted as a plain verifier (accepted and certificate screens).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mintCode } from '../../../scripts/issuer/mint.ts';
import { kioskSuite } from './real-stack.ts';
import { tapKeys } from './screens.ts';

const kiosk = kioskSuite('hotel');
const { scan } = kiosk;

describe('kiosk on the real daemon (hotel desk, then verifier)', () => {
  test('a check-in scan opens the keypad, and room and guests are recorded by the daemon', async () => {
    // A hotel needs the holder's authorization (scope) and the document fields (fixtures/venues/hotel.json).
    const subject = { doc_type: 'resident-id', doc_no: '440105199001011234' };
    kiosk.ks.stack.scan(mintCode({ keys: kiosk.ks.stack.keysDir, type: 'personal', name: '陈大文', scope: ['hotel-checkin'], subject }));
    await kiosk.page.waitForSelector('section[data-screen="registration"]', { timeout: 10_000 });
    await tapKeys(kiosk.page, '815');
    await kiosk.page.click('[data-field="guests"]');
    await tapKeys(kiosk.page, '3');
    await kiosk.page.click('[data-action="submit"]');
    await kiosk.page.waitForSelector('[data-note="registration.done"]');
    assert.match((await kiosk.page.textContent('main')) ?? '', /Checked in: room 815, 3 guest/);
    kiosk.seq = Number(await kiosk.page.getAttribute('section[data-seq]', 'data-seq'));
    const h = (await (await fetch(new URL('/api/health', kiosk.ks.url))).json()) as { queue: { last_seq: number } };
    assert.ok(h.queue.last_seq > kiosk.seq, 'the registration detail is a committed event after the check-in');
    await kiosk.page.click('[data-action="done"]');
  });

  test('restarted as a verifier, a personal code shows accepted and a credential shows the certificate', async () => {
    kiosk.ks.stack.opts.venue = 'desk';
    await kiosk.ks.stack.stopTerminal();
    await kiosk.ks.stack.startTerminal();
    await kiosk.page.waitForSelector('[data-badge="reconnecting"]', { state: 'detached', timeout: 15_000 });
    assert.equal(await scan(mintCode({ keys: kiosk.ks.stack.keysDir, type: 'personal', name: '陈大文' })), 'accepted');
    assert.match((await kiosk.page.textContent('main')) ?? '', /陈\*文/);
    assert.equal(await scan(mintCode({ keys: kiosk.ks.stack.keysDir, type: 'credential', name: '陈大文' })), 'certificate');
    assert.match((await kiosk.page.textContent('main')) ?? '', /Issuer\s*CN-44/);
  });
});
