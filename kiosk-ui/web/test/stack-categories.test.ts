// The kiosk's category choice at a hall ticket machine, on the real daemon and service (pty
// scanner, Chromium): the visitor taps a category before showing a code, a closed one is greyed
// with its hours, one active number per person per category, and staff's override (docs/hall.md).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { mintCode } from '../../../scripts/issuer/mint.ts';
import { REPO } from '../../../scripts/lib/stack.ts';
import { loadShippedVenue } from '../../../scripts/lib/venue-devices.ts';
import { axe, pageErrors } from './browser.ts';
import { kioskSuite } from './real-stack.ts';
import { tapKeys } from './screens.ts';

// Today's ISO weekday in China time, from the clock: C is open only tomorrow, so it is closed all
// of today whatever the hour; the hall itself is open all week.
const weekday = ((new Date(Date.now() + 8 * 3600_000).getUTCDay() + 6) % 7) + 1;
const tomorrow = (weekday % 7) + 1;
const shipped = loadShippedVenue('hall') as unknown as { actions: Record<string, unknown>[] } & Record<string, unknown>;
const action = shipped.actions[0] as { categories: Record<string, unknown>[] };
const hall = {
  ...shipped,
  hours: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }],
  // Replay judged per code: one_active is the rule under test, not the two-minute replay.
  replay: { per: 'code', on_replay: 'refuse' },
  actions: [{ ...action, categories: [action.categories[0], { ...action.categories[1], hours: [{ days: [tomorrow], from: '09:00', to: '12:00' }] }] }],
};

const kiosk = kioskSuite(hall, { query: 'lang=zh-CN&result_ms=600000' });
const { scan } = kiosk;
const person = (sub: string) => mintCode({ keys: kiosk.ks.stack.keysDir, type: 'personal', name: '王小红', sub });
const home = async () => {
  await kiosk.page.click('[data-action="done"], [data-action="close"], [data-action="cancel"]');
  await kiosk.page.waitForSelector('main[data-screen="idle"]');
};
/** The ticket effects the daemon committed, from its own SQLite (read-only, beside the running daemon). */
function committedTickets(): Record<string, unknown>[] {
  const db = new Database(join(kiosk.ks.stack.dir, 'terminal-data', 'terminal.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare<[], { body: string }>("SELECT body FROM events WHERE type = 'ticket' ORDER BY seq").all();
    return rows.flatMap((r) => (JSON.parse(r.body) as { effects?: Record<string, unknown>[] }).effects ?? []).filter((e) => e.kind === 'ticket');
  } finally {
    db.close();
  }
}

describe('kiosk categories on the real daemon (hall ticket machine)', () => {
  test('the idle screen offers each category as a large button; a closed one is greyed with its hours', async () => {
    await kiosk.page.waitForSelector('[data-category="C"]');
    const buttons = await kiosk.page.$$eval('[data-category]', (els) =>
      els.map((e) => ({ prefix: (e as HTMLElement).dataset.category, disabled: (e as HTMLButtonElement).disabled, text: e.textContent, h: e.getBoundingClientRect().height, w: e.getBoundingClientRect().width })),
    );
    assert.deepEqual(buttons.map((b) => [b.prefix, b.disabled]), [['A', false], ['B', false], ['C', true]]);
    assert.match(buttons[2]!.text!, /不动产登记办理时间 周.+ 09:00–12:00/);
    assert.match(buttons[0]!.text!, /社保业务可取号/);
    for (const b of buttons) assert.ok(b.h >= 60 && b.w >= 60, `${b.prefix} is ${b.w}×${b.h}px`);
    assert.equal(await kiosk.page.getAttribute('.hint', 'data-hint'), 'categories');
    assert.deepEqual((await axe(kiosk.page)).map((v) => v.id), []);
    await kiosk.page.click('[data-action="elderly"]');
    // Measured once 长辈版 is on; a CI run once read 0 px here, so a short one says what it saw.
    await kiosk.page.waitForSelector('body.elderly [data-category="A"]');
    const tall = await kiosk.page
      .waitForFunction(() => (document.querySelector('[data-category="A"]')?.getBoundingClientRect().height ?? 0) >= 72, null, { timeout: 5000 })
      .then(() => null)
      .catch(() =>
        kiosk.page.$eval('[data-category="A"]', (e) => {
          const chain: string[] = [];
          for (let n: Element | null = e; n; n = n.parentElement) chain.push(`${n.tagName.toLowerCase()}.${n.className}:${getComputedStyle(n).display}:${Math.round(n.getBoundingClientRect().height)}`);
          return `${e.getBoundingClientRect().height}px high; connected ${e.isConnected}; ${chain.join(' < ')}`;
        }),
      );
    assert.equal(tall, null, `elderly category button is ${tall}`);
    assert.deepEqual((await axe(kiosk.page, true)).map((v) => v.id), []);
    await kiosk.page.click('[data-action="elderly"]');
  });

  test('a tapped category takes the next reading: its prefix and service on the ticket', async () => {
    await kiosk.page.click('[data-category="B"]');
    await kiosk.page.waitForSelector('[data-category="B"][aria-pressed="true"]');
    assert.match((await kiosk.page.textContent('.hint')) ?? '', /已选择:医保业务/);
    if (process.env.YSS_SCREENSHOTS === '1') await kiosk.page.screenshot({ path: join(REPO, 'docs', 'screenshots', 'hall-categories.png') });
    assert.equal(await scan(person('visitor-1')), 'ticket');
    assert.match((await kiosk.page.textContent('.ticket-number')) ?? '', /^B\d+$/);
    assert.match((await kiosk.page.textContent('main')) ?? '', /医保业务/);
    await home();
    assert.equal(await kiosk.page.getAttribute('[data-category="B"]', 'aria-pressed'), 'false', 'the pick held for one reading only');
    assert.equal(await scan(person('visitor-2')), 'ticket');
    assert.match((await kiosk.page.textContent('.ticket-number')) ?? '', /^A\d+$/, 'nothing picked: the default category');
    await home();
  });

  test('the same person again in the same category is refused in words; another category is free', async () => {
    await kiosk.page.click('[data-category="B"]');
    await kiosk.page.waitForSelector('[data-category="B"][aria-pressed="true"]');
    assert.equal(await scan(person('visitor-1')), 'refused');
    assert.equal(await kiosk.page.getAttribute('.reason', 'data-reason'), 'already_in_queue');
    assert.equal(await kiosk.page.textContent('.reason'), '您已有该业务的号,尚未办理');
    await home();
    assert.equal(await scan(person('visitor-1')), 'ticket', 'A is another category');
    await home();
  });

  test('staff signed in with the PIN let the next reading take another number, and the event records it', async () => {
    await kiosk.page.click('[data-action="staff"]');
    await tapKeys(kiosk.page, kiosk.ks.stack.staffPin);
    await kiosk.page.click('[data-action="submit"]');
    await kiosk.page.waitForSelector('section[data-screen="staff"]');
    await kiosk.page.click('[data-action="ticket-override"]');
    await kiosk.page.waitForSelector('[data-notice="staff.override_done"]');
    await home();
    await kiosk.page.click('[data-category="B"]');
    await kiosk.page.waitForSelector('[data-category="B"][aria-pressed="true"]');
    assert.equal(await scan(person('visitor-1')), 'ticket');
    await home();
    const tickets = committedTickets();
    assert.deepEqual(tickets.map((t) => [String(t.number).charAt(0), t.override ?? null]), [['B', null], ['A', null], ['A', null], ['B', 'one_active']]);
    // Once only: the same person once more is refused again.
    await kiosk.page.click('[data-category="B"]');
    await kiosk.page.waitForSelector('[data-category="B"][aria-pressed="true"]');
    assert.equal(await scan(person('visitor-1')), 'refused');
    await home();
  });

  test('a closed category cannot be picked: the daemon refuses it with its hours', async () => {
    const r = await kiosk.page.evaluate(async () => {
      const res = await fetch('/api/category', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prefix: 'C' }) });
      return { status: res.status, body: (await res.json()) as { error: string; message: string } };
    });
    assert.equal(r.status, 409);
    assert.equal(r.body.error, 'YSS_API_CATEGORY_CLOSED');
    assert.match(r.body.message, /09:00–12:00/);
    const bad = await kiosk.page.evaluate(async () => (await fetch('/api/category', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prefix: 'Q' }) })).json());
    assert.match((bad as { message: string }).message, /expected one of A, B, C/);
    assert.deepEqual(pageErrors(kiosk.page), []);
  });
});
