// A simulated morning at a service hall (issue 13's proof, docs/hall.md "The morning"), on real
// parts over loopback: the sync-service process (the hall's allocator and queue), two ticket
// machines (terminal daemons, each with its pty scanner, pty ID-card reader and pty printer), two
// window pages and the hall display in Chromium. Visitors arrive at both machines: walk-ins,
// appointment holders (on time and late) from the appointments feed, the elderly (birth date on
// the code or the card), some who need another category (流转 to B) and some who never come (重呼,
// then 过号). Clerks click the pages; the allocator is SIGKILLed mid-morning and restarted. Time is
// compressed by fast service times (seconds, not minutes): the truth (who waited how long) is the
// clock, and the ETA the hall showed for each ticket is compared with it.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { launch, openKiosk } from '../../kiosk-ui/web/test/browser.ts';
import { freePort } from '../../kiosk-ui/web/test/real-stack.ts';
import type { VerdictMessage } from '../../terminal/src/api/index.ts';
import { holderOfCode } from '../../terminal/src/protocol/index.ts';
import type { Venue } from '../../terminal/src/venue/index.ts';
import { mintCode } from '../issuer/mint.ts';
import { IdCardSim, PrinterSim } from '../sim/index.ts';
import type { SimCard } from '../sim/idcard-data.ts';
import { HallMachine } from './hall-machine.ts';
import { aheadForRoom, hhmm, localDate, localMinute } from './local-day.ts';
import { EventFeed, Stack, waitFor } from './stack.ts';
import { loadShippedVenue, venueDevices } from './venue-devices.ts';
import { seededRandom } from './seeded-random.ts';

export interface MorningOptions {
  /** Folder for the stack's state (a fresh temp dir per run). */
  dir: string;
  visitors: number;
  /** Mean real milliseconds between two arrivals (both machines together). */
  arrivalMs: number;
  /** Mean real milliseconds a clerk takes to serve one visitor. */
  serviceMs: number;
  /** The allocator is SIGKILLed when this visitor arrives (0-based), and restarted `downMs` later. */
  killAt: number;
  downMs: number;
  seed?: number;
  /** Where to write the ticket, window page and display screenshots; none when absent. */
  screenshots?: string;
  log?: (line: string) => void;
}

export type Kind = 'walk-in' | 'appointment' | 'late' | 'elderly' | 'card' | 'card-elderly';

export interface Visitor {
  i: number;
  kind: Kind;
  machine: 0 | 1;
  arriveMs: number;
  noShow: boolean;
  needsB: boolean;
  evaluates: boolean;
  serviceMs: number;
  sub: string;
}

interface Issued {
  v: Visitor;
  number: string;
  takenAt: number;
  ahead?: number;
  etaMinutes?: number;
  priority?: string;
  /** The allocator was down when it was taken (no ETA on the ticket then). */
  offline: boolean;
}

export interface MorningReport {
  visitors: number;
  tickets: number;
  refused: Record<string, number>;
  duplicates: number;
  allocated: number;
  held: number;
  skipped: number;
  /** One block per machine for the allocator crash (docs/hall.md). */
  skippedBound: number;
  steps: { call: number; recall: number; miss: number; transfer: number; complete: number; evaluate: number };
  calledTwice: string[];
  leftWaiting: number;
  meanWaitS: { all: number; elderly: number; appointment: number; normal: number };
  /** ETA the hall showed for a normal ticket when it first appeared (once it had learned the day's service time), against the wait it then had (seconds). */
  eta: { tickets: number; meanAbsErrorS: number; meanWaitS: number; resolutionS: number };
  /** The `ahead` on the ticket against how many of its category were actually called before it. */
  ahead: { tickets: number; meanAbsError: number };
  screenshots: string[];
  seconds: number;
}


/** A resident ID number with its GB 11643 check character (ISO 7064 MOD 11-2), written from the standard. */
export function idNumber(region: string, birth: string, serial: number): string {
  const body = `${region}${birth}${String(serial).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, c, k) => s + Number(c) * weights[k]!, 0);
  return body + '10X98765432'[sum % 11]!;
}

function card(v: Visitor): SimCard {
  const birth = v.kind === 'card-elderly' ? '19500301' : '19880514';
  return {
    name: '李小明',
    sex: '1',
    nation: '01',
    birth,
    address: '广州市天河区某路2号',
    id_number: idNumber('440106', birth, 100 + v.i),
    authority: '广州市公安局天河分局',
    valid_from: '20200101',
    valid_to: '20400101',
  };
}


/** The hall of the morning: the shipped hall that takes bookings, open all day, with a second category to transfer to. */
export function morningVenue(): Venue {
  const shipped = loadShippedVenue('hall-appointments') as Venue;
  const action = shipped.actions[0] as Extract<Venue['actions'][number], { do: 'print-ticket' }>;
  return {
    ...shipped,
    hours: undefined,
    // Replay judged per code: each visitor comes once; the two-minute per-person rule is not under test.
    replay: { per: 'code', on_replay: 'refuse' },
    actions: [{ ...action, categories: [{ prefix: 'B', service: '医保业务', service_minutes: 6 }] }],
    // Late after the slot with no grace; a late sign-in goes after 2 waiting (the shipped rule).
    appointments: { ...shipped.appointments, late_grace_min: 0 },
  } as Venue;
}

/** The seeded morning: who arrives when, at which machine, and what each needs. */
export function morningVisitors(o: Pick<MorningOptions, 'visitors' | 'arrivalMs' | 'serviceMs' | 'seed'>): Visitor[] {
  const r = seededRandom(o.seed ?? 13);
  let at = 0;
  const out: Visitor[] = [];
  for (let i = 0; i < o.visitors; i++) {
    at += o.arrivalMs * (0.4 + 1.2 * r());
    const p = r();
    const kind: Kind = p < 0.12 ? 'elderly' : p < 0.24 ? 'appointment' : p < 0.28 ? 'late' : p < 0.34 ? 'card' : p < 0.36 ? 'card-elderly' : 'walk-in';
    out.push({
      i,
      kind,
      machine: (i % 2) as 0 | 1,
      arriveMs: at,
      noShow: r() < 0.04,
      needsB: r() < 0.05,
      evaluates: r() < 0.5,
      serviceMs: o.serviceMs * (0.5 + r()),
      sub: `morning-${i}`,
    });
  }
  return out;
}

/** The day's appointments: on-time holders' slots run around the morning; late holders' slot ended before it. */
function appointmentRows(vs: Visitor[], now: number): Record<string, unknown>[] {
  const m = localMinute(now);
  const day = localDate(now);
  return vs
    .filter((v) => v.kind === 'appointment' || v.kind === 'late')
    .map((v) => ({
      holder: holderOfCode('CN-44', v.sub),
      date: day,
      ...(v.kind === 'late' ? { from: hhmm(m - 4), to: hhmm(m - 2) } : { from: hhmm(m - 1), to: hhmm(Math.min(m + 60, 1440)) }),
      service: '社保业务',
    }));
}

interface MachineRig {
  n: number;
  url: string;
  feed: EventFeed;
  scan(text: string): void;
  idcard: IdCardSim;
  printer: PrinterSim;
  dataDir: string;
}

function committed(dataDir: string): string[] {
  const db = new Database(join(dataDir, 'terminal.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT body FROM events WHERE type = 'ticket' ORDER BY seq").all() as { body: string }[];
    return rows.flatMap((x) => {
      const body = JSON.parse(x.body) as { accepted: boolean; effects: { kind: string; number?: string }[] };
      const t = body.effects.find((e) => e.kind === 'ticket');
      return body.accepted && t?.number ? [t.number] : [];
    });
  } finally {
    db.close();
  }
}

function held(dataDir: string): number {
  const db = new Database(join(dataDir, 'terminal.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT coalesce(sum(last - first + 1), 0) FROM hall_number_blocks WHERE prefix = 'A'").pluck().get() as number) ?? 0;
  } finally {
    db.close();
  }
}

interface StateReply {
  waiting: { number: string; category: string; priority: string | null; taken_at: number; eta_minutes: number; transferred_from: string | null }[];
  windows: { window: number; current: { number: string } | null }[];
  totals: { taken: number; waiting: number; called: number; done: number; missed: number };
  categories: { category: string; learned_from: number }[];
}

async function signIn(browser: Browser, url: string, token: string, window: number, serves: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
  await page.goto(`${url}hall-window/?hall=hall-appointments&window=${window}`);
  await page.fill('#token', token);
  await page.fill('#serves', serves);
  await page.click('form#signin button[type=submit]');
  await page.waitForSelector('#current');
  return page;
}

/**
 * Clicks a window page's button and returns the service's answer to the step it posted (status 0:
 * the request failed, the allocator being down), once the page has drawn it.
 */
async function press(page: Page, selector: string): Promise<{ status: number; number: string | null }> {
  const steps = (r: { url(): string; method(): string }) => r.url().includes('/steps') && r.method() === 'POST';
  const answered = page.waitForResponse((r) => steps(r.request()), { timeout: 20_000 }).then(async (res) => {
    const body = (await res.json().catch(() => ({}))) as { step?: { number?: string } };
    return { status: res.status(), number: body.step?.number ?? null };
  });
  const failed = page.waitForEvent('requestfailed', { predicate: steps, timeout: 20_000 }).then(() => ({ status: 0, number: null }));
  answered.catch(() => undefined);
  failed.catch(() => undefined);
  await page.click(`${selector}:not([disabled])`, { timeout: 20_000 });
  const r = await Promise.race([answered, failed]);
  // The page redraws from the answer; the next read of #current must see it.
  await page.waitForFunction(() => !document.querySelector('.actions button[disabled]') || document.querySelector('#current'), undefined, { timeout: 20_000 });
  return r;
}

/** The number at the window, as its page shows it, or null (空闲, 暂停服务). */
async function current(page: Page): Promise<string | null> {
  const t = ((await page.textContent('#current')) ?? '').trim();
  return /^[A-Z]{1,3}\d+$/.test(t) ? t : null;
}

export async function runMorning(o: MorningOptions): Promise<MorningReport> {
  const log = o.log ?? (() => undefined);
  const started = Date.now();
  const venue = morningVenue();
  const vs = morningVisitors(o);
  // The morning's slots and numbers belong to one local day (its length: the arrivals, the windows'
  // work after them, and the stack's start): near midnight, the service's and the machines' clocks
  // run in the next one (libfaketime), and the codes are minted on their clock.
  const ahead = aheadForRoom(5, Math.ceil((o.visitors * (o.arrivalMs + o.serviceMs)) / 60_000) + 5);
  const stack = new Stack({
    clockAheadMs: ahead,
    dir: o.dir,
    venue: venue as unknown as Record<string, unknown>,
    servicePort: await freePort(),
    devices: venueDevices(venue, { statusPollMs: 0 }),
    feeds: { appointments: appointmentRows(vs, Date.now() + ahead) },
    sync: { interval_ms: 100, backoff_max_ms: 300, timeout_ms: 2000, trust_poll_s: 1 },
  });
  let second: HallMachine | null = null;
  let browser: Browser | null = null;
  const rigs: MachineRig[] = [];
  let serviceUp = true;
  let running = true;
  try {
    await stack.start();
    second = await HallMachine.add(stack, 2, { venue: true });
    const m2 = second;
    rigs.push(
      { n: 1, url: stack.kioskUrl, feed: await EventFeed.open(stack.kioskUrl), scan: (x) => stack.scan(x), idcard: await IdCardSim.open(stack.peers['idcard-1']!), printer: await PrinterSim.open(stack.peers['printer-1']!), dataDir: join(stack.dir, 'terminal-data') },
      { n: 2, url: m2.url, feed: await EventFeed.open(m2.url), scan: (x) => m2.scan(x), idcard: await IdCardSim.open(m2.peers['idcard-1']!), printer: await PrinterSim.open(m2.peers['printer-1']!), dataDir: m2.dataDir },
    );
    for (const m of rigs) {
      await waitFor(
        async () => {
          const h = (await (await fetch(new URL('/api/health', m.url))).json()) as { hall_numbers?: { held: Record<string, number> }; feeds: { kind: string; version: number | null }[]; devices: { state: string }[] };
          return (h.hall_numbers?.held.A ?? 0) > 0 && h.feeds.some((f) => f.kind === 'appointments' && f.version !== null) && h.devices.every((d) => d.state === 'connected');
        },
        60_000,
        100,
        `machine ${m.n}: numbers in hand, the appointments and its devices`,
      );
    }
    browser = await launch();
    const kiosk = await openKiosk(browser, `${stack.kioskUrl}?lang=zh-CN&result_ms=600000`);
    const display = await browser.newPage({ viewport: { width: 1920, height: 1080 }, reducedMotion: 'reduce' });
    await display.goto(`${stack.serviceUrl}hall-display/?hall=hall-appointments`);
    const windows = [await signIn(browser, stack.serviceUrl, stack.adminToken, 1, 'A'), await signIn(browser, stack.serviceUrl, stack.adminToken, 2, 'A,B')];
    log(`stack up in ${((Date.now() - started) / 1000).toFixed(1)} s; ${vs.length} visitors`);

    const issued = new Map<string, Issued>();
    const refused: Record<string, number> = {};
    const firstEta = new Map<string, { at: number; eta: number; learned: boolean }>();
    const calls: { number: string; at: number; window: number }[] = [];
    const shots: string[] = [];
    const t0 = Date.now();

    // The wall and the window pages read the hall's state; this reads it too, for the ETA each ticket was first shown with.
    const state = async (): Promise<StateReply> => (await stack.admin('GET', '/hall/hall-appointments/state')) as StateReply;
    const monitor = (async () => {
      while (running) {
        if (serviceUp) {
          try {
            const s = await state();
            const at = Date.now();
            // Learned: the hall's service time is today's mean (3 completed), not the venue's configured 8 minutes.
            const learned = (s.categories.find((c) => c.category === 'A')?.learned_from ?? 0) > 0;
            for (const w of s.waiting) if (!firstEta.has(w.number) && !w.transferred_from) firstEta.set(w.number, { at, eta: w.eta_minutes, learned });
          } catch {
            // the allocator is being killed: the next read answers
          }
        }
        await sleep(250);
      }
    })();

    const present = async (m: MachineRig, v: Visitor): Promise<VerdictMessage> => {
      const before = m.feed.lastSeq();
      if (v.kind === 'card' || v.kind === 'card-elderly') {
        m.idcard.place(card(v));
        try {
          return await m.feed.nextVerdict(before, 20_000);
        } finally {
          m.idcard.remove();
        }
      }
      m.scan(mintCode({ keys: stack.keysDir, at: Math.floor((Date.now() + ahead) / 1000), sub: v.sub, subject: { birth_date: v.kind === 'elderly' ? '1950-03-01' : '1990-01-01' } }));
      return m.feed.nextVerdict(before, 20_000);
    };

    let killed = false;
    let restart: Promise<void> = Promise.resolve();
    const machineLoop = async (m: MachineRig) => {
      for (const v of vs.filter((x) => x.machine === m.n - 1)) {
        const wait = t0 + v.arriveMs - Date.now();
        if (wait > 0) await sleep(wait);
        if (v.i >= o.killAt && !killed) {
          killed = true;
          serviceUp = false;
          log(`visitor ${v.i}: the allocator is SIGKILLed`);
          await stack.stopService('SIGKILL');
          const killedAt = Date.now();
          // Back after downMs, however long a start takes on a loaded machine (a start that times out is tried again).
          restart = (async () => {
            await sleep(o.downMs);
            for (let tries = 1; ; tries++) {
              try {
                await stack.startService();
                break;
              } catch (e) {
                if (tries >= 5) throw e;
                log(`the allocator did not start (${(e as Error).message.split('\n')[0]}); again`);
              }
            }
            serviceUp = true;
            log(`the allocator is back after ${((Date.now() - killedAt) / 1000).toFixed(1)} s`);
          })();
        }
        const verdict = await present(m, v);
        const t = verdict.effects.find((e) => e.kind === 'ticket') as { number: string; ahead?: number; eta_minutes?: number; priority?: string } | undefined;
        if (!verdict.accepted || !t) {
          refused[verdict.reason ?? 'none'] = (refused[verdict.reason ?? 'none'] ?? 0) + 1;
          continue;
        }
        issued.set(t.number, { v, number: t.number, takenAt: Date.now(), ...(t.ahead !== undefined ? { ahead: t.ahead } : {}), ...(t.eta_minutes !== undefined ? { etaMinutes: t.eta_minutes } : {}), ...(t.priority ? { priority: t.priority } : {}), offline: !serviceUp });
        if (o.screenshots && m.n === 1 && v.kind === 'elderly' && serviceUp && !killed && !shots.some((s) => s.endsWith('morning-ticket.png')) && t.ahead !== undefined) {
          await kiosk.waitForFunction((n) => document.querySelector('.ticket-number')?.textContent === n, t.number);
          const path = join(o.screenshots, 'morning-ticket.png');
          await kiosk.screenshot({ path });
          shots.push(path);
        }
        // The window page and the wall at three quarters of the morning, with people waiting.
        if (o.screenshots && m.n === 1 && v.i >= (vs.length * 3) / 4 && serviceUp && !shots.some((s) => s.endsWith('morning-window.png'))) {
          for (const [name, page] of [['morning-window.png', windows[1]!], ['morning-display.png', display]] as const) {
            const path = join(o.screenshots, name);
            await page.screenshot({ path, fullPage: name === 'morning-window.png' });
            shots.push(path);
          }
        }
      }
    };

    const transferred = new Set<string>();
    const called = new Set<string>();
    // A clerk: what the page shows at the window decides the next click, so a step lost to the
    // allocator's death is simply taken again once it is back.
    const clerk = async (page: Page, window: number) => {
      let idle = 0;
      while (running) {
        if (!serviceUp) {
          await sleep(200);
          continue;
        }
        try {
          const number = await current(page);
          if (!number) {
            const r = await press(page, '#call');
            if (r.status !== 200 || !r.number) {
              idle++;
              await sleep(Math.min(1000, 100 * idle));
              continue;
            }
            idle = 0;
            calls.push({ number: r.number, at: Date.now(), window });
            await page.waitForFunction((n) => document.querySelector('#current')?.textContent === n, r.number, { timeout: 20_000 });
            continue;
          }
          const who = issued.get(number);
          if (who?.v.noShow) {
            if (!called.has(number)) {
              called.add(number);
              await sleep(300);
              await press(page, '#recall');
              await sleep(300);
            }
            await press(page, '#miss');
          } else if (who?.v.needsB && !transferred.has(number)) {
            await page.fill('#to-other', 'B');
            if ((await press(page, '#transfer')).status === 200) transferred.add(number);
          } else {
            await sleep(who?.v.serviceMs ?? o.serviceMs);
            if ((await press(page, '#complete')).status === 200 && who?.v.evaluates) await press(page, `.faces button[data-rating="${3 + (who.v.i % 3)}"]`);
          }
          await page.waitForFunction((n) => document.querySelector('#current')?.textContent !== n, number, { timeout: 20_000 }).catch(() => undefined);
        } catch (e) {
          if (!running) return;
          log(`window ${window}: ${(e as Error).message.split('\n')[0]}; trying again`);
          await sleep(200);
        }
      }
    };

    const clerks = windows.map((p, k) => clerk(p, k + 1));
    await Promise.all(rigs.map((m) => machineLoop(m)));
    await restart;
    log(`every visitor arrived after ${((Date.now() - t0) / 1000).toFixed(1)} s; waiting for the windows to empty the queue`);
    await waitFor(
      async () => {
        if (!serviceUp) return false;
        const s = await state();
        return s.totals.taken === issued.size && s.totals.waiting === 0 && s.windows.every((w) => w.current === null);
      },
      Math.max(120_000, o.visitors * o.serviceMs * 2),
      250,
      'the windows to serve everyone',
    );
    running = false;
    await Promise.all([...clerks, monitor]);

    // The numbers: what both machines committed, against the allocator's counter and what they still hold.
    const numbers = rigs.flatMap((m) => committed(m.dataDir));
    const duplicates = numbers.length - new Set(numbers).size;
    const svc = new Database(join(stack.dir, 'service-data', 'sync-service.db'), { readonly: true, fileMustExist: true });
    const allocated = (svc.prepare("SELECT next - 1 FROM hall_counters WHERE hall = 'hall-appointments' AND category = 'A'").pluck().get() as number) ?? 0;
    // The steps as the hall recorded them, not as the clerks counted their clicks: a click whose
    // answer died with the allocator (after its commit) took effect all the same.
    const steps = { call: 0, recall: 0, miss: 0, transfer: 0, complete: 0, evaluate: 0 };
    for (const json of svc.prepare("SELECT step FROM hall_steps WHERE hall = 'hall-appointments'").pluck().all() as string[]) {
      const step = JSON.parse(json) as { kind: string; number?: string };
      if (step.kind in steps) steps[step.kind as keyof typeof steps]++;
      if (step.kind === 'transfer' && step.number) transferred.add(step.number);
    }
    svc.close();
    const inHand = rigs.reduce((s, m) => s + held(m.dataDir), 0);

    // Waits: from the ticket to its first call (the truth of this morning).
    const firstCall = new Map<string, number>();
    for (const c of calls) if (!firstCall.has(c.number)) firstCall.set(c.number, c.at);
    const calledTwice = [...new Set(calls.map((c) => c.number))].filter((n) => calls.filter((c) => c.number === n).length > (transferred.has(n) ? 2 : 1));
    const waits = [...issued.values()].flatMap((x) => (firstCall.has(x.number) ? [{ x, s: (firstCall.get(x.number)! - x.takenAt) / 1000 }] : []));
    const mean = (a: number[]) => (a.length ? a.reduce((s, b) => s + b, 0) / a.length : 0);
    const normal = waits.filter((w) => !w.x.priority && !w.x.v.needsB && w.x.v.kind !== 'late');
    const etaRows = normal.flatMap((w) => {
      const e = firstEta.get(w.x.number);
      // Only tickets the hall showed within a second of their taking, while the allocator was up.
      return e && e.learned && !w.x.offline && e.at - w.x.takenAt < 1500 ? [{ err: Math.abs(e.eta * 60 - w.s), wait: w.s }] : [];
    });
    // Who of its category was actually called between its taking and its own first call.
    const aheadRows = normal.flatMap((w) => {
      if (w.x.ahead === undefined) return [];
      const mine = firstCall.get(w.x.number)!;
      const before = [...firstCall.entries()].filter(([n, at]) => n !== w.x.number && n.startsWith('A') && at > w.x.takenAt && at < mine && !transferred.has(n)).length;
      return [Math.abs(before - w.x.ahead)];
    });
    const leftWaiting = (await state()).totals.waiting;
    return {
      visitors: vs.length,
      tickets: issued.size,
      refused,
      duplicates,
      allocated,
      held: inHand,
      skipped: allocated - numbers.length - inHand,
      skippedBound: rigs.length * 20,
      steps,
      calledTwice,
      leftWaiting,
      meanWaitS: {
        all: mean(waits.map((w) => w.s)),
        elderly: mean(waits.filter((w) => w.x.priority === 'elderly').map((w) => w.s)),
        appointment: mean(waits.filter((w) => w.x.priority === 'appointment').map((w) => w.s)),
        normal: mean(normal.map((w) => w.s)),
      },
      eta: { tickets: etaRows.length, meanAbsErrorS: mean(etaRows.map((r) => r.err)), meanWaitS: mean(etaRows.map((r) => r.wait)), resolutionS: 6 },
      ahead: { tickets: aheadRows.length, meanAbsError: mean(aheadRows) },
      screenshots: shots,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    running = false;
    await browser?.close().catch(() => undefined);
    for (const m of rigs) {
      m.feed.close();
      await m.idcard.port.close().catch(() => undefined);
      await m.printer.port.close().catch(() => undefined);
    }
    await second?.stop().catch(() => undefined);
    await stack.stop();
  }
}

/** The report as lines for the docs and the test's diagnostics. */
export function morningLines(r: MorningReport): string[] {
  const f = (n: number) => n.toFixed(1);
  return [
    `visitors ${r.visitors}, tickets ${r.tickets}, refused ${JSON.stringify(r.refused)}; duplicates ${r.duplicates}; allocated ${r.allocated}, held ${r.held}, skipped ${r.skipped} (bound ${r.skippedBound})`,
    `steps ${JSON.stringify(r.steps)}; called twice ${r.calledTwice.length}; left waiting ${r.leftWaiting}`,
    `mean wait ${f(r.meanWaitS.all)} s (elderly ${f(r.meanWaitS.elderly)}, appointments ${f(r.meanWaitS.appointment)}, normal ${f(r.meanWaitS.normal)})`,
    `ETA mean absolute error ${f(r.eta.meanAbsErrorS)} s against a mean wait of ${f(r.eta.meanWaitS)} s over ${r.eta.tickets} normal tickets taken once the hall had learned the service time (it shows ETAs to ${r.eta.resolutionS} s); ticket's "ahead" off by ${r.ahead.meanAbsError.toFixed(2)} people on average over ${r.ahead.tickets}`,
    `${f(r.seconds)} s in all`,
  ];
}
