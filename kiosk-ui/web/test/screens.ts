// How to bring the kiosk to each of its screens through the stand-in daemon and on-screen taps:
// shared by the accessibility suite and the screenshot script.
import type { Page } from 'playwright-core';
import type { Lang } from '../src/i18n.ts';
import { baseHealth, STAFF_PIN, verdict, type FakeDaemon } from './fake-daemon.ts';
import { nth } from '../../../scripts/lib/nth.ts';

export interface ScreenCase {
  name: string;
  /** `data-screen` of the screen once reached. */
  screen: string;
  reach(page: Page, d: FakeDaemon): Promise<void>;
}

export async function tapKeys(page: Page, digits: string): Promise<void> {
  for (const k of digits) await page.click(`[data-key="${k}"]`);
}

/** Back to idle from wherever the kiosk is, by its own buttons. */
export async function home(page: Page, d: FakeDaemon): Promise<void> {
  if (d.health.status !== 'ok' || d.health.devices.some((x) => x.state !== 'connected')) d.push({ type: 'health', health: baseHealth() });
  const back = await page.$('[data-action="done"], [data-action="cancel"], [data-action="close"]');
  await back?.click();
  await page.waitForSelector('main[data-screen="idle"]');
}

const pushAndWait = async (page: Page, d: FakeDaemon, v: ReturnType<typeof verdict>, screen: string) => {
  d.push(v);
  await page.waitForSelector(`section[data-screen="${screen}"][data-seq="${v.seq}"]`);
};

export const SCREENS: ScreenCase[] = [
  { name: 'idle', screen: 'idle', reach: async () => undefined },
  {
    name: 'offline',
    screen: 'idle',
    reach: async (page, d) => {
      d.push({ type: 'health', health: baseHealth({ status: 'degraded', sync: { state: 'offline', last_success_at: Date.now() - 600_000, last_error: 'ECONNREFUSED', acked_seq: 90 } }) });
      await page.waitForSelector('[data-badge="offline"]');
    },
  },
  { name: 'accepted', screen: 'accepted', reach: (page, d) => pushAndWait(page, d, verdict({ effects: [{ kind: 'gate', relay: 'relay-1', pulse_ms: 500 }] }), 'accepted') },
  {
    name: 'refused',
    screen: 'refused',
    reach: (page, d) => pushAndWait(page, d, verdict({ accepted: false, reason: 'expired', display: {} }), 'refused'),
  },
  {
    name: 'ticket',
    screen: 'ticket',
    reach: (page, d) =>
      pushAndWait(page, d, verdict({ scenario: 'take-a-number', effects: [{ kind: 'ticket', number: 'A027', service: '社保 / Social insurance', issued_today: 26 }] }), 'ticket'),
  },
  {
    name: 'certificate',
    screen: 'certificate',
    reach: (page, d) =>
      pushAndWait(page, d, verdict({ code_type: 'credential', display: { credential_type: '居住证 / Residence permit', credential_no_masked: '4401**********1234', holder_masked: '李*华', issuer_name: '广州市公安局', valid_until: '2027-06-30' } }), 'certificate'),
  },
  {
    name: 'registration',
    screen: 'registration',
    reach: async (page, d) => {
      d.push(verdict({ scenario: 'hotel', effects: [{ kind: 'registration' }] }));
      await page.waitForSelector('section[data-screen="registration"]');
      await tapKeys(page, '1208');
      await page.click('[data-field="guests"]');
      await tapKeys(page, '2');
    },
  },
  {
    name: 'out-of-service',
    screen: 'out-of-service',
    reach: async (page, d) => {
      const h = baseHealth({ status: 'degraded', degraded: ['device_scanner-1'] });
      h.devices[0] = { ...nth(h.devices, 0), state: 'disconnected', detail: 'unplugged' };
      d.push({ type: 'health', health: h });
      await page.waitForSelector('section[data-screen="out-of-service"]');
    },
  },
  {
    name: 'staff-pin',
    screen: 'pin',
    reach: async (page) => {
      await page.click('[data-action="staff"]');
      await page.waitForSelector('section[data-screen="pin"]');
      await tapKeys(page, '24');
    },
  },
  {
    name: 'staff-panel',
    screen: 'staff',
    reach: async (page, d) => {
      d.push(verdict({ accepted: false, reason: 'replayed' }));
      await page.click('[data-action="staff"]');
      await page.waitForSelector('section[data-screen="pin"]');
      await tapKeys(page, STAFF_PIN);
      await page.click('[data-action="submit"]');
      await page.waitForSelector('section[data-screen="staff"]');
    },
  },
];

export interface Mode {
  lang: Lang;
  elderly: boolean;
  label: string;
}

export const MODES: Mode[] = [
  { lang: 'zh-CN', elderly: false, label: 'zh-CN' },
  { lang: 'zh-HK', elderly: false, label: 'zh-HK' },
  { lang: 'en', elderly: false, label: 'en' },
  { lang: 'zh-CN', elderly: true, label: 'zh-CN-elderly' },
  { lang: 'zh-HK', elderly: true, label: 'zh-HK-elderly' },
  { lang: 'en', elderly: true, label: 'en-elderly' },
];

/** Switches language and mode the way a visitor does: by tapping the top bar. */
export async function setMode(page: Page, m: Mode): Promise<void> {
  await page.click(`[data-lang="${m.lang}"]`);
  await page.waitForSelector(`html[lang="${m.lang}"]`);
  const pressed = (await page.getAttribute('[data-action="elderly"]', 'aria-pressed')) === 'true';
  if (pressed !== m.elderly) await page.click('[data-action="elderly"]');
  await page.waitForSelector(m.elderly ? 'body.elderly' : 'body:not(.elderly)');
}

/** The displays venues have: portrait kiosks (hospitals, halls), landscape gates and desks, tablets. */
export const VIEWPORTS = [
  { name: 'portrait', width: 1080, height: 1920 },
  { name: 'landscape', width: 1920, height: 1080 },
  { name: 'tablet', width: 1280, height: 800 },
] as const;

export interface Measure {
  headline: number;
  area: number;
  overflow: number;
  height: number;
}

/** The verdict's headline size, its area's height and what is scrolled away, in CSS px. */
export async function measure(page: Page): Promise<Measure> {
  return page.evaluate(() => {
    const section = document.querySelector('main > section')!;
    const h1 = section.querySelector('h1')!;
    return {
      headline: parseFloat(getComputedStyle(h1).fontSize),
      area: section.getBoundingClientRect().height,
      overflow: document.documentElement.scrollHeight - window.innerHeight,
      height: window.innerHeight,
    };
  });
}
