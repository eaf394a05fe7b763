// Loans by resident ID card (docs/library.md#readers-by-code-or-id-card), on real processes: the
// sync service and the daemon from the library-loans venue file taking ID cards and naming readers
// by the venue's `patrons` feed, the ID-card reader and the scanner on ptys, the library system a
// real SIP2 server on loopback. A card is its holder's salted hash, looked up in the feed; the ILS
// hears the library's own card number, never the ID number; a holder the feed does not list is
// refused before anything reaches the ILS.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { mintCode } from '../../scripts/issuer/mint.ts';
import { EventFeed, Stack, waitFor } from '../../scripts/lib/stack.ts';
import { acceptedCode, loadShippedVenue, venueDevices } from '../../scripts/lib/venue-devices.ts';
import { IdCardSim, Sip2Server } from '../../scripts/sim/index.ts';
import type { Health, LoanSessionMessage, VerdictMessage } from '../src/api/index.ts';
import { holderOfCode, holderOfDocument } from '../src/protocol/index.ts';
import type { Venue } from '../src/venue/index.ts';
import { dateIn, HER, HIM } from './support/documents.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

const shipped = loadShippedVenue('library-loans');
let dir: string;
let stack: Stack;
let feed: EventFeed;
let ils: Sip2Server;
let idcard: IdCardSim;
let venue: Venue;

before(async () => {
  ils = await new Sip2Server({ patrons: { 'GZR-0001': {}, 'GZR-0002': {} }, items: { '9787020002207': { title: 'Dream of the Red Chamber', out: null } } }).listen();
  venue = {
    ...shipped,
    hours: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }],
    inputs: { ...shipped.inputs, idcard: { card_types: ['resident'] } },
    loans: { ...shipped.loans!, patron_id: 'feed', ils: { ...shipped.loans!.ils!, port: ils.port, timeout_ms: 1000 } },
  };
  dir = tempDir('yss-library-card-');
  stack = await new Stack({ dir, venue, devices: venueDevices(venue), feeds: { patrons: [{ holder: holderOfCode('CN-44', 'u-card-1'), patron: 'GZR-0001' }] }, sync: { trust_poll_s: 1, heartbeat_s: 1 } }).start();
  // The card's holder is salted with the venue's salt, made at its first import.
  const salt = await stack.venueSalt();
  await stack.importFeed('patrons', [
    { holder: holderOfCode('CN-44', 'u-card-1'), patron: 'GZR-0001' },
    { holder: holderOfDocument(salt, HIM.id_number), patron: 'GZR-0002' },
  ]);
  feed = await EventFeed.open(stack.kioskUrl);
  idcard = await IdCardSim.open(stack.peers['idcard-1']!);
  await waitFor(async () => {
    const h = (await (await fetch(new URL('/api/health', stack.kioskUrl))).json()) as Health;
    return h.feeds.some((f) => f.kind === 'patrons' && f.version === 2) && h.devices.every((d) => d.state === 'connected');
  }, 30_000, 100, 'the second patrons feed and every device');
});

after(async () => {
  feed?.close();
  await idcard?.close();
  await stack?.stop();
  await ils?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function next(act: () => void): Promise<VerdictMessage> {
  const before = feed.lastSeq();
  act();
  return feed.nextVerdict(before, 15_000);
}

test('a resident ID card opens a loan session under the library card number the feed gives; the ILS never hears the ID number', async () => {
  const v = await next(() => idcard.place({ ...HIM, valid_to: dateIn(5, true) }));
  assert.deepEqual([v.accepted, v.reason, v.source], [true, null, 'idcard']);
  assert.equal(ils.requests('23').at(-1)?.fields.AA, 'GZR-0002');
  assert.ok(!ils.seen.some((m) => JSON.stringify(m).includes(HIM.id_number)), 'no ID number reaches the library system');
  assert.equal(((await (await fetch(new URL('/api/loans', stack.kioskUrl))).json()) as LoanSessionMessage).open, true);
  const loan = await next(() => stack.scan('9787020002207'));
  assert.equal(loan.accepted, true, `refused as ${loan.reason}`);
  assert.equal(ils.items['9787020002207']!.out, 'GZR-0002');
  idcard.remove();
});

test('a code is looked up in the same feed, and a holder it does not list is refused before the ILS is asked', async () => {
  const code = await next(() => stack.scan(mintCode(acceptedCode(venue, stack.keysDir, Math.floor(Date.now() / 1000), 'u-card-1')!)));
  assert.equal(code.accepted, true, `refused as ${code.reason}`);
  assert.equal(ils.requests('23').at(-1)?.fields.AA, 'GZR-0001');
  const asked = ils.requests('23').length;
  const stranger = await next(() => idcard.place({ ...HER, valid_to: dateIn(5, true) }));
  assert.deepEqual([stranger.accepted, stranger.reason], [false, 'patron_unknown']);
  assert.equal(ils.requests('23').length, asked, 'the ILS was not asked about a reader the library never registered');
});
