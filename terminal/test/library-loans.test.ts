// Library loans end to end (docs/library.md): the real sync service and daemon run from
// fixtures/venues/library-loans.json, the scanner on a pty, and the library system a real SIP2
// server on loopback. A holder's code opens a session, books' barcodes on the same scanner are
// loans the ILS records; a bad check digit, an item the ILS refuses, an unknown reader and an item
// after finish are each answered in words; with the ILS away loans are recorded and queued, and
// reach the ILS when it is back. A return terminal (loans.mode checkin) records returns. A reader
// who owes is told how much; one the ILS blocks is refused with it; books on loan are renewed.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { mintCode } from '../../scripts/issuer/mint.ts';
import { EventFeed, Stack, waitFor } from '../../scripts/lib/stack.ts';
import { acceptedCode, loadShippedVenue } from '../../scripts/lib/venue-devices.ts';
import { Sip2Server, type SimItem } from '../../scripts/sim/index.ts';
import type { Health, LoanRenewal, LoanSessionMessage, VerdictMessage } from '../src/api/index.ts';
import { holderOfCode } from '../src/protocol/index.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

const shipped = loadShippedVenue('library-loans');
const READER = 'u-reader-1';
const BOOK = '9787020002207'; // EAN-13 of an ISBN, check digit 7
const BOOK2 = '9787544253994';
const ATLAS = 'GZ0001234'; // a Code 128 label on a reference copy

function items(): Record<string, SimItem> {
  return { [BOOK]: { title: 'Dream of the Red Chamber', out: null }, [BOOK2]: { title: 'To Live', out: null }, [ATLAS]: { title: 'Atlas', out: null, reference: true } };
}

interface Site {
  dir: string;
  stack: Stack;
  feed: EventFeed;
  ils: Sip2Server;
}

async function site(mode: 'checkout' | 'checkin', shelf: Record<string, SimItem>, patrons: Record<string, { blocked?: boolean; fees?: string }> = { [holderOfCode('CN-44', READER)]: {} }): Promise<Site> {
  const ils = await new Sip2Server({ patrons, items: shelf }).listen();
  const dir = tempDir(`yss-loans-${mode}-`);
  // Hours are widened (the daemon judges them by the real clock); the ILS is the one on loopback.
  const venue = { ...shipped, hours: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }], loans: { ...shipped.loans!, mode, ils: { ...shipped.loans!.ils!, port: ils.port, timeout_ms: 1000, retry_s: 1 } } };
  const stack = await new Stack({ dir, venue }).start();
  return { dir, stack, ils, feed: await EventFeed.open(stack.kioskUrl) };
}

async function close(s: Site | undefined): Promise<void> {
  if (!s) return;
  s.feed.close();
  await s.stack.stop();
  await s.ils.close();
  rmSync(s.dir, { recursive: true, force: true });
}

function scan(s: Site, text: string): Promise<VerdictMessage> {
  const before = s.feed.lastSeq();
  s.stack.scan(text);
  return s.feed.nextVerdict(before, 15_000);
}

const holderCode = (s: Site, sub = READER) => mintCode(acceptedCode(shipped, s.stack.keysDir, Math.floor(Date.now() / 1000), sub)!);
const loans = async (s: Site) => (await (await fetch(new URL('/api/loans', s.stack.kioskUrl))).json()) as LoanSessionMessage & { queued: number };

function events(s: Site, type: string): { seq: number; body: Record<string, unknown>; sealed: string | null }[] {
  const db = new Database(join(s.stack.dir, 'terminal-data', 'terminal.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT seq, body, sealed FROM events WHERE type = ? ORDER BY seq').all(type) as { seq: number; body: string; sealed: string | null }[]).map((r) => ({ ...r, body: JSON.parse(r.body) as Record<string, unknown> }));
  } finally {
    db.close();
  }
}

describe('a loan kiosk with its library system on SIP2', () => {
  let s: Site;
  const shelf = items();
  before(async () => {
    s = await site('checkout', shelf);
  });
  after(() => close(s));

  test('a holder code opens a session after the patron status; each book is one loan the ILS records, with its due date', async () => {
    const open = await scan(s, holderCode(s));
    assert.deepEqual([open.accepted, open.reason, open.display.name_masked], [true, null, '陈*文']);
    assert.equal(s.ils.requests('23').at(-1)?.fields.AA, holderOfCode('CN-44', READER), 'the patron is the holder hash the feeds use');
    assert.deepEqual((await loans(s)).open, true);

    const v = await scan(s, BOOK);
    assert.deepEqual([v.accepted, v.reason], [true, null]);
    const loan = v.effects[0] as Extract<VerdictMessage['effects'][number], { kind: 'loan' }>;
    assert.deepEqual([loan.kind, loan.op, loan.item, loan.ils, loan.title, loan.count], ['loan', 'checkout', BOOK, 'done', 'Dream of the Red Chamber', 1]);
    assert.match(loan.due ?? '', /^\d{8}$/);
    assert.equal(shelf[BOOK]!.out, holderOfCode('CN-44', READER), 'the ILS lent it to the reader');
    const [event] = events(s, 'loan').filter((e) => e.seq === v.seq);
    assert.ok(event);
    assert.notEqual(event.sealed, null, 'who borrowed is sealed to the service');
    assert.doesNotMatch(JSON.stringify(event.body), new RegExp(holderOfCode('CN-44', READER)), 'and not in the clear');
  });

  test('a wrong EAN-13 check digit, a reference copy the ILS refuses, and an item after finish are answered in words', async () => {
    const bad = await scan(s, '9787020002208');
    assert.deepEqual([bad.accepted, bad.reason], [false, 'item_barcode_invalid']);
    const atlas = await scan(s, ATLAS);
    assert.deepEqual([atlas.accepted, atlas.reason], [false, 'ils_refused']);
    assert.equal(events(s, 'loan').find((e) => e.seq === atlas.seq)?.body.ils_message, 'Not for loan');

    const r = await fetch(new URL('/api/loans/finish', s.stack.kioskUrl), { method: 'POST' });
    const closed = (await r.json()) as LoanSessionMessage;
    assert.deepEqual([closed.open, closed.closed_by], [false, 'finish']);
    const late = await scan(s, BOOK2);
    assert.deepEqual([late.accepted, late.reason], [false, 'loan_no_session']);
    assert.equal(shelf[BOOK2]!.out, null, 'nothing reached the ILS');
    assert.deepEqual(events(s, 'loan_session').at(-1)?.body.closed_by, 'finish');
  });

  test('a reader the library does not know is refused at the code', async () => {
    const v = await scan(s, holderCode(s, 'u-not-a-reader'));
    assert.deepEqual([v.accepted, v.reason], [false, 'patron_unknown']);
    assert.equal((await loans(s)).open, false);
  });

  test('with the ILS away, loans are recorded and queued, the kiosk is told, and they reach the ILS when it is back', async () => {
    const port = s.ils.port;
    await s.ils.close();
    const open = await scan(s, holderCode(s));
    assert.equal(open.accepted, true);
    const v = await scan(s, BOOK2);
    const loan = v.effects[0] as { kind: string; ils: string };
    assert.deepEqual([v.accepted, loan.kind, loan.ils], [true, 'loan', 'queued']);
    const state = await loans(s);
    assert.deepEqual([state.open, state.offline, state.queued], [true, true, 1]);
    assert.ok(s.feed.messages.some((m) => m.type === 'loan-session' && m.offline), 'the kiosk was told the library system is away');
    const health = async () => ((await (await fetch(new URL('/api/health', s.stack.kioskUrl))).json()) as Health).degraded;
    assert.ok((await health()).includes('ils_offline'), 'and the staff panel, through health');

    s.ils = await new Sip2Server({ port, patrons: { [holderOfCode('CN-44', READER)]: {} }, items: shelf }).listen();
    await waitFor(async () => (await loans(s)).queued === 0, 15_000, 100, 'the queued loan sent');
    assert.equal(shelf[BOOK2]!.out, holderOfCode('CN-44', READER));
    assert.equal(s.ils.requests('11').at(-1)?.fixed[1], 'Y', 'sent with no block: it already happened');
    const sent = events(s, 'loan_ils').at(-1);
    assert.deepEqual([sent?.body.item, sent?.body.item_seq, sent?.body.ok], [BOOK2, v.seq, true]);
    await waitFor(async () => !(await health()).includes('ils_offline'), 15_000, 100, 'ils_offline to clear');
  });
});

describe('a return terminal (loans.mode checkin)', () => {
  let s: Site;
  const shelf = items();
  before(async () => {
    shelf[BOOK]!.out = holderOfCode('CN-44', READER);
    s = await site('checkin', shelf);
  });
  after(() => close(s));

  test('each item scanned is a return the ILS records, with no code first', async () => {
    const v = await scan(s, BOOK);
    const ret = v.effects[0] as { kind: string; op: string; ils: string };
    assert.deepEqual([v.accepted, ret.kind, ret.op, ret.ils], [true, 'loan', 'checkin', 'done']);
    assert.equal(shelf[BOOK]!.out, null);
    assert.equal(s.ils.requests('09').at(-1)?.fields.AP, 'floor-1');
    const [event] = events(s, 'return').filter((e) => e.seq === v.seq);
    assert.deepEqual([event?.sealed, event?.body.op], [null, 'checkin'], 'a return names nobody');
  });
});

describe('a loan session left alone', () => {
  let s: Site;
  before(async () => {
    const ils = await new Sip2Server({ patrons: { [holderOfCode('CN-44', READER)]: {} }, items: items() }).listen();
    const dir = tempDir('yss-loans-timeout-');
    // The shortest session the schema allows; the test waits for the daemon's word, not a sleep.
    const venue = { ...shipped, hours: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }], loans: { ...shipped.loans!, session_s: 10, ils: { ...shipped.loans!.ils!, port: ils.port } } };
    const stack = await new Stack({ dir, venue }).start();
    s = { dir, stack, ils, feed: await EventFeed.open(stack.kioskUrl) };
  });
  after(() => close(s));

  test('closes session_s after its last reading, and a book scanned then is refused', async () => {
    await scan(s, holderCode(s));
    const lent = await scan(s, BOOK);
    assert.equal(lent.accepted, true);
    const closed = await waitFor(() => s.feed.messages.find((m): m is LoanSessionMessage => m.type === 'loan-session' && !m.open), 30_000, 100, 'the session to time out');
    assert.deepEqual([closed.closed_by, closed.items], ['timeout', 1]);
    assert.deepEqual([events(s, 'loan_session').at(-1)?.body.closed_by, events(s, 'loan_session').at(-1)?.body.items], ['timeout', 1]);
    const late = await scan(s, BOOK2);
    assert.deepEqual([late.accepted, late.reason], [false, 'loan_no_session']);
  });
});

describe('what a reader owes, and renewing the books they have', () => {
  const OWING = 'u-reader-owing';
  const BLOCKED = 'u-reader-blocked';
  const HELD = '9787020024759';
  let s: Site;
  const shelf: Record<string, SimItem> = { ...items(), [BOOK2]: { title: 'To Live', out: holderOfCode('CN-44', OWING) }, [HELD]: { title: 'Fortress Besieged', out: holderOfCode('CN-44', OWING), onHold: true } };
  before(async () => {
    s = await site('checkout', shelf, { [holderOfCode('CN-44', OWING)]: { fees: '12.5' }, [holderOfCode('CN-44', BLOCKED)]: { blocked: true, fees: '62.00' } });
  });
  after(() => close(s));

  test('a reader the ILS blocks is refused, and told what they owe', async () => {
    const v = await scan(s, holderCode(s, BLOCKED));
    assert.deepEqual([v.accepted, v.reason, v.display.owed], [false, 'ils_refused', '¥62.00']);
    assert.equal((await loans(s)).open, false, 'no session: no checkout');
    assert.equal(s.ils.requests('63').at(-1)?.fields.AA, holderOfCode('CN-44', BLOCKED), 'patron information asked');
  });

  test('a reader who owes opens a session that shows it; renew renews the books they had, and the ILS refuses one on hold', async () => {
    const before = s.feed.messages.length;
    const v = await scan(s, holderCode(s, OWING));
    assert.deepEqual([v.accepted, v.display.owed], [true, '¥12.50']);
    const opened = await waitFor(() => s.feed.messages.slice(before).find((m): m is LoanSessionMessage => m.type === 'loan-session' && m.open), 10_000, 20, 'the session message');
    assert.deepEqual([opened.owed, opened.on_loan], ['¥12.50', 2]);
    const r = await fetch(new URL('/api/loans/renew', s.stack.kioskUrl), { method: 'POST' });
    assert.equal(r.status, 200);
    const renewal = (await r.json()) as LoanRenewal;
    assert.equal(renewal.ils, 'done');
    assert.deepEqual(renewal.renewed.map((b) => [b.item, b.title]), [[BOOK2, 'To Live']]);
    assert.match(renewal.renewed[0]!.due ?? '', /^\d{8}$/);
    assert.deepEqual(renewal.refused, [{ item: HELD, title: 'Fortress Besieged', message: 'Reserved by another reader' }]);
    assert.deepEqual(s.ils.requests('29').map((m) => m.fields.AB), [BOOK2, HELD]);
    const renews = events(s, 'renew');
    assert.deepEqual(renews.map((e) => [e.body.item, e.body.ok]), [[BOOK2, true], [HELD, false]]);
    assert.ok(renews.every((e) => e.sealed !== null && !JSON.stringify(e.body).includes(holderOfCode('CN-44', OWING))), 'who renewed is sealed, not in the clear');
  });

  test('renew with no session open is refused in words', async () => {
    await fetch(new URL('/api/loans/finish', s.stack.kioskUrl), { method: 'POST' });
    const r = await fetch(new URL('/api/loans/renew', s.stack.kioskUrl), { method: 'POST' });
    assert.equal(r.status, 409);
    assert.equal(((await r.json()) as { error: string }).error, 'YSS_API_NO_LOAN_SESSION');
  });
});
