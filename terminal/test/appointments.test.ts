// Appointments end to end (docs/hospital.md): the real sync service and daemon, the day's
// appointments imported through the service's API and pulled by the terminal, codes on a pty
// scanner, an ID card on a pty reader, tickets decoded from the printer's bytes, and the hall's
// calling order read and stepped through the window routes. A service hall that takes bookings
// (fixtures/venues/hall-appointments.json): early refused with the time to come back, on time
// signed in ahead of walk-ins, late placed by the rule, a missed call placed again, a second
// booking the same day refused. Then the hospital (fixtures/venues/hospital.json): a registration
// found from an ID card prints a 到诊单 with the department and the masked name, a paid prescription
// queues at the pharmacy, and someone with no registration is refused in words. The clerk's call
// back (召回) is clicked on the window page in Chromium (run `npx tsx scripts/build-ui.ts` first, as
// npm test does).
// Slots are derived from the clock at the start of the test (minutes around now), never from the hour;
// near local midnight the service and the daemon run with their clocks in the next day (libfaketime).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { mintCode } from '../../scripts/issuer/mint.ts';
import { EventFeed, REPO, Stack, waitFor } from '../../scripts/lib/stack.ts';
import { acceptedCode, drivenVenue, loadShippedVenue, venueDevices } from '../../scripts/lib/venue-devices.ts';
import { IdCardSim, PrinterSim } from '../../scripts/sim/index.ts';
import { axe, launch, openKiosk, pageErrors } from '../../kiosk-ui/web/test/browser.ts';
import type { Health, VerdictMessage } from '../src/api/index.ts';
import { holderOfCode, holderOfDocument } from '../src/protocol/index.ts';
import type { Venue } from '../src/venue/index.ts';
import { aheadForRoom, hhmm, localDate, localMinute } from '../../scripts/lib/local-day.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

const CARD = {
  name: '王小红',
  sex: '2',
  nation: '01',
  birth: '19850612',
  address: '广州市越秀区某街1号',
  id_number: '440104198506120026',
  authority: '广州市公安局越秀分局',
  valid_from: '20200101',
  valid_to: '20400101',
};

const holder = (sub: string) => holderOfCode('CN-44', sub);

interface Site {
  dir: string;
  /** How far the stack's clock runs ahead of the test's (scripts/lib/local-day.ts `aheadForRoom`). */
  ahead: number;
  stack: Stack;
  feed: EventFeed;
  idcard: IdCardSim;
  printer: PrinterSim;
}

async function open(name: string, venue: Venue, ahead: number, rows: (salt: string | null) => Record<string, unknown>[]): Promise<Site> {
  const dir = tempDir(`yss-${name}-`);
  const stack = await new Stack({ dir, venue: venue as unknown as Record<string, unknown>, devices: venueDevices(venue, { statusPollMs: 0 }), feeds: { appointments: rows(null) }, sync: { trust_poll_s: 1, interval_ms: 100 }, clockAheadMs: ahead }).start();
  // The venue's salt exists from the first import: the ID card's registration comes in the second version.
  const version = await stack.importFeed('appointments', rows(await stack.venueSalt()));
  const feed = await EventFeed.open(stack.kioskUrl);
  const idcard = await IdCardSim.open(stack.peers['idcard-1']!);
  const printer = await PrinterSim.open(stack.peers['printer-1']!);
  await waitFor(
    async () => {
      const h = (await (await fetch(new URL('/api/health', stack.kioskUrl))).json()) as Health;
      return h.devices.every((d) => d.state === 'connected') && Object.values(h.hall_numbers?.held ?? {}).every((n) => n > 0) && h.feeds.some((f) => f.kind === 'appointments' && f.version === version);
    },
    30_000,
    50,
    'the devices, the first numbers and the second appointments version',
  );
  return { dir, ahead, stack, feed, idcard, printer };
}

async function close(site: Site | undefined): Promise<void> {
  if (!site) return;
  site.feed.close();
  await site.idcard.port.close();
  await site.printer.port.close();
  await site.stack.stop();
  rmSync(site.dir, { recursive: true, force: true });
}

function scanner(site: Site, venue: Venue) {
  return (sub: string): Promise<VerdictMessage> => {
    const before = site.feed.lastSeq();
    site.stack.scan(mintCode(acceptedCode(venue, site.stack.keysDir, Math.floor((Date.now() + site.ahead) / 1000), sub)!));
    return site.feed.nextVerdict(before, 15_000);
  };
}

async function card(site: Site): Promise<VerdictMessage> {
  const before = site.feed.lastSeq();
  site.idcard.place(CARD);
  const v = await site.feed.nextVerdict(before, 15_000);
  site.idcard.remove();
  return v;
}

const ticketOf = (v: VerdictMessage) => v.effects.find((e) => e.kind === 'ticket');

interface HallReply {
  step?: { number: string };
  waiting?: { number: string }[];
  message?: string;
}

async function hall(site: Site, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: HallReply }> {
  const res = await fetch(new URL(`/hall/${site.stack.venueName}${path}`, site.stack.serviceUrl), {
    method,
    headers: { authorization: `Bearer ${site.stack.adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as HallReply };
}

describe('a service hall that takes bookings, on the real daemon and service', () => {
  const shipped = loadShippedVenue('hall-appointments');
  // Rules scaled to minutes so every case fits around now: sign-in from 2 minutes before the slot, late right after it.
  const venue: Venue = { ...drivenVenue(shipped), appointments: { ...shipped.appointments, early_min: 2, late_grace_min: 0, late: { place: 'insert_after', n: 1 }, missed: { place: 'insert_after', n: 1 } } };
  let site: Site;
  let now: number;

  before(async () => {
    const ahead = aheadForRoom(5, 20);
    now = localMinute(Date.now() + ahead);
    const d = localDate(Date.now() + ahead);
    const row = (h: string, from: number, to: number, service = '社保业务') => ({ holder: h, date: d, from: hhmm(from), to: hhmm(to), service });
    site = await open('hall-appointments', venue, ahead, (salt) => [
      row(holder('u-early'), now + 5, now + 15),
      row(holder('u-on-time'), now - 1, now + 15),
      row(holder('u-on-time'), now, now + 16, '出入境'), // a second booking the same day
      row(holder('u-late'), now - 4, now - 2),
      ...(salt ? [row(holderOfDocument(salt, CARD.id_number), now - 1, now + 15)] : []),
    ]);
  });
  after(() => close(site));

  test('early refused with the time to come back; on time ahead of walk-ins; late placed by the rule; a missed call placed again; a second booking refused', async () => {
    const scan = scanner(site, venue);
    const walk1 = await scan('u-walk-in-1');
    const walk2 = await scan('u-walk-in-2');
    assert.deepEqual([walk1.accepted, ticketOf(walk1)?.priority, ticketOf(walk1)?.appointment], [true, undefined, undefined], 'no booking: a normal ticket');

    const early = await scan('u-early');
    assert.deepEqual([early.accepted, early.reason], [false, 'too_early']);
    assert.equal(early.words?.next['zh-CN'], `请于 ${hhmm(now + 3)} 后再来签到`);
    assert.deepEqual(early.effects, []);

    const onTime = await scan('u-on-time');
    assert.equal(onTime.accepted, true, `refused as ${onTime.reason}`);
    assert.deepEqual([ticketOf(onTime)?.priority, ticketOf(onTime)?.appointment?.slot, ticketOf(onTime)?.appointment?.late], ['appointment', `${hhmm(now - 1)}-${hhmm(now + 15)}`, false]);
    const paper = await waitFor(() => site.printer.tickets.find((x) => x.includes(ticketOf(onTime)!.number)), 10_000, 20, 'the sign-in on paper');
    assert.ok(paper.includes(`预约签到 ${hhmm(now - 1)}-${hhmm(now + 15)}`), paper);

    const byCard = await card(site);
    assert.equal(byCard.accepted, true, `refused as ${byCard.reason}`);
    assert.equal(ticketOf(byCard)?.priority, 'appointment', 'the ID card found its salted registration');

    const late = await scan('u-late');
    assert.deepEqual([late.accepted, ticketOf(late)?.priority, ticketOf(late)?.appointment?.late], [true, undefined, true]);

    const second = await scan('u-on-time');
    assert.deepEqual([second.accepted, second.reason], [false, 'already_signed_in']);
    assert.match(second.words?.reason['zh-CN'] ?? '', new RegExp(`号码 ${ticketOf(onTime)!.number}$`), 'one booking a day: told the number already given');

    // The hall's calling order, once every ticket is uploaded: appointments first (by sign-in),
    // the late arrival after 1 of those waiting when it came, then walk-ins by time.
    const [a, c, l, w1, w2] = [onTime, byCard, late, walk1, walk2].map((v) => ticketOf(v)!.number);
    const order = async () => ((await hall(site, 'GET', '/state')).json.waiting ?? []).map((w) => w.number);
    await waitFor(async () => (await order()).length === 5, 20_000, 100, 'five tickets in the hall queue');
    assert.deepEqual(await order(), [a, l, c, w1, w2]);

    // The window calls the first appointment, who does not come (过号); called back (召回), they go after 1 waiting.
    const call = await hall(site, 'POST', '/steps', { kind: 'call', window: 1 });
    assert.equal(call.json.step?.number, a);
    assert.equal((await hall(site, 'POST', '/steps', { kind: 'miss', window: 1 })).status, 200);
    assert.deepEqual(await order(), [l, c, w1, w2]);
    // The clerk calls them back on the window page, in Chromium: the missed list's 召回.
    const browser = await launch();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(new URL(`/hall-window/?hall=${site.stack.venueName}&window=1`, site.stack.serviceUrl).href);
      await page.fill('#token', site.stack.adminToken);
      await page.click('form#signin button[type=submit]');
      await page.click(`[data-requeue="${a}"]:not([disabled])`);
      await page.waitForSelector('#missed', { state: 'detached' });
      // The waiting list says how each was placed.
      const rows = await page.$$eval('#waiting tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
      assert.deepEqual(rows.slice(0, 3).map((r) => [r[0], r[2]]), [[l, '迟到 · 插入第 1 位后'], [a, '召回 · 插入第 1 位后'], [c, '预约优先']]);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
    assert.deepEqual(await order(), [l, a, c, w1, w2]);
    const again = await hall(site, 'POST', '/steps', { kind: 'requeue', window: 1, number: a });
    assert.equal(again.status, 409, 'a ticket waiting again is not called back twice');
    assert.equal((await hall(site, 'POST', '/steps', { kind: 'call', window: 1 })).json.step?.number, l);
  });
});

describe('a hospital sign-in kiosk, on the real daemon and service', () => {
  const shipped = loadShippedVenue('hospital') as Venue;
  let venue: Venue;
  let site: Site;
  let now: number;

  before(async () => {
    const ahead = aheadForRoom(5, 20);
    // 儿科 opens only on tomorrow's weekday (from the stack's clock): closed all of today whatever the hour, so the kiosk greys it.
    const tomorrow = ((new Date(Date.now() + ahead + 8 * 3600_000).getUTCDay() + 6) % 7) + 2;
    venue = { ...shipped, actions: shipped.actions.map((a) => (a.do === 'print-ticket' && a.service === '儿科' ? { ...a, hours: [{ days: [tomorrow > 7 ? 1 : tomorrow], from: '08:00', to: '12:00' }] } : a)) };
    now = localMinute(Date.now() + ahead);
    const d = localDate(Date.now() + ahead);
    site = await open('hospital', venue, ahead, (salt) =>
      salt
        ? [
            { holder: holderOfDocument(salt, CARD.id_number), date: d, from: hhmm(now - 1), to: hhmm(now + 15), service: '儿科', number: '7' },
            { holder: holder('u-patient'), date: d, from: hhmm(now - 1), to: hhmm(now + 15), service: '取药' },
            { holder: holder('u-internal'), date: d, from: hhmm(now - 1), to: hhmm(now + 15), service: '内科', number: '3' },
          ]
        : [],
    );
  });
  after(() => close(site));

  test('a registration found from the ID card prints a 到诊单 with the masked name; a paid prescription queues at the pharmacy; no registration picks a department on the kiosk', async () => {
    const v = await card(site);
    assert.equal(v.accepted, true, `refused as ${v.reason}`);
    const t = ticketOf(v)!;
    assert.match(t.number, /^E\d{3}$/, 'the 儿科 queue');
    assert.equal(t.service, '儿科');
    assert.equal(v.display.name_masked, '王*红');
    const slip = await waitFor(() => site.printer.tickets.find((x) => x.includes(t.number)), 10_000, 20, 'the 到诊单 on paper');
    for (const line of ['到诊单', '儿科', '姓名 王*红', `预约签到 ${hhmm(now - 1)}-${hhmm(now + 15)}`]) assert.ok(slip.includes(line), `${line} in ${slip}`);
    assert.ok(!slip.includes('王小红') && !slip.includes(CARD.id_number), 'never the full name or number on paper');

    const scan = scanner(site, venue);
    const pharmacy = await scan('u-patient');
    assert.equal(pharmacy.accepted, true, `refused as ${pharmacy.reason}`);
    assert.match(ticketOf(pharmacy)!.number, /^Y\d{3}$/, 'the pharmacy queue, at its own windows');

    // No registration: the kiosk (Chromium) offers the departments; 儿科 is greyed with its hours.
    const browser = await launch();
    let walkIn: VerdictMessage;
    try {
      const page = await openKiosk(browser, `${site.stack.kioskUrl}?lang=zh-CN&result_ms=600000`);
      await page.waitForSelector('main[data-screen="idle"]');
      assert.equal(await page.$('[data-category]'), null, 'no department asked before a reading');
      const stranger = await scan('u-no-registration');
      assert.deepEqual([stranger.accepted, stranger.reason, stranger.words?.reason['zh-CN']], [false, 'department_needed', '今天没有找到您的挂号']);
      assert.deepEqual(stranger.effects, []);
      await page.waitForSelector('[data-category="N"]');
      const buttons = await page.$$eval('[data-category]', (els) => els.map((e) => [(e as HTMLElement).dataset.category, (e as HTMLButtonElement).disabled, e.textContent]));
      assert.deepEqual(buttons.map((b) => b.slice(0, 2)), [['N', false], ['E', true]], 'the departments of the venue file, the pharmacy not among them');
      assert.match(String(buttons[1]![2]), /儿科办理时间 周.+ 08:00–12:00/);
      assert.equal(await page.getAttribute('.hint', 'data-hint'), 'departments');
      assert.deepEqual((await axe(page)).map((x) => x.id), []);
      await page.click('[data-category="N"]');
      await page.waitForSelector('[data-category="N"][aria-pressed="true"]');
      assert.match((await page.textContent('.hint')) ?? '', /已选择:内科。请再出示一次/);
      if (process.env.YSS_SCREENSHOTS === '1') await page.screenshot({ path: join(REPO, 'docs', 'screenshots', 'hospital-departments.png') });
      walkIn = await scan('u-no-registration');
      assert.equal(walkIn.accepted, true, `refused as ${walkIn.reason}`);
      await page.waitForSelector('main[data-screen="ticket"]');
      assert.equal(await page.textContent('.ticket-number'), ticketOf(walkIn)!.number);
      assert.deepEqual(pageErrors(page), []);
    } finally {
      await browser.close();
    }
    assert.deepEqual([ticketOf(walkIn)!.service, ticketOf(walkIn)!.priority, ticketOf(walkIn)!.appointment], ['内科', undefined, undefined]);
    assert.match(ticketOf(walkIn)!.number, /^N\d{3}$/);
    // A registration signing in after the walk-in is called before it (appointments first).
    const internal = await scan('u-internal');
    assert.equal(ticketOf(internal)?.priority, 'appointment');

    // The hall's state for the hospital: each department a category; the display shows numbers only.
    await waitFor(async () => (await hall(site, 'GET', '/state')).json.waiting?.length === 4, 20_000, 100, 'the four tickets in the queue');
    const inN = ((await hall(site, 'GET', '/state')).json.waiting ?? []).map((w) => w.number).filter((n) => n.startsWith('N'));
    assert.deepEqual(inN, [ticketOf(internal)!.number, ticketOf(walkIn)!.number]);
    const display = await (await fetch(new URL(`/hall/${site.stack.venueName}/display`, site.stack.serviceUrl))).text();
    assert.ok(!display.includes('王'), 'no name on the public display');
  });
});
