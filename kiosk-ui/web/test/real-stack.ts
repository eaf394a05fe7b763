// The real system for UI tests: sync service, terminal daemon and a pty scanner (scripts/lib/
// stack.ts), with the daemon on a fixed port so a restarted daemon is at the same URL.
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { Stack, type StackDevice } from '../../../scripts/lib/stack.ts';
import { launch, openKiosk } from './browser.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

export interface KioskStack {
  stack: Stack;
  url: string;
  close(): Promise<void>;
}

/**
 * `venue`: a name in fixtures/venues/ (or a venue object). `police`: the service's police section
 * (docs/police.md), for a desk that shows report states. `devices`: more serial devices on ptys (an MRZ reader, …).
 */
export async function startKioskStack(venue: string | Record<string, unknown>, o: { police?: Record<string, unknown>; devices?: StackDevice[] } = {}): Promise<KioskStack> {
  const dir = tempDir('yss-kiosk-ui-');
  const stack = new Stack({ dir, venue, kioskPort: await freePort(), police: o.police, devices: o.devices });
  await stack.start();
  return {
    stack,
    url: stack.kioskUrl,
    async close() {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Chromium and the real stack, started together, with the kiosk page open at its idle screen:
 * what every Chromium test on the real stack begins with. When any part fails to start, the parts
 * that did are stopped before the error is thrown. `query` is the page's (English and verdicts
 * held by default).
 */
export async function openKioskSession(
  venue: string | Record<string, unknown>,
  o: { police?: Record<string, unknown>; devices?: StackDevice[]; query?: string } = {},
): Promise<{ browser: Browser; ks: KioskStack; page: Page }> {
  const [b, k] = await Promise.allSettled([launch(), startKioskStack(venue, { police: o.police, devices: o.devices })]);
  const stop = async () => {
    if (b.status === 'fulfilled') await b.value.close().catch(() => undefined);
    if (k.status === 'fulfilled') await k.value.close().catch(() => undefined);
  };
  if (b.status === 'rejected' || k.status === 'rejected') {
    await stop();
    throw b.status === 'rejected' ? b.reason : (k as PromiseRejectedResult).reason;
  }
  try {
    const page = await openKiosk(b.value, `${k.value.url}?${o.query ?? 'lang=en&result_ms=600000'}`);
    await page.waitForSelector('main[data-screen="idle"]');
    return { browser: b.value, ks: k.value, page };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** A test file's kiosk on the real stack (kioskSuite): what its tests read and do. */
export interface KioskSuite {
  readonly browser: Browser;
  readonly ks: KioskStack;
  readonly page: Page;
  /** The newest verdict's sequence: `scan` waits for one after it (a test that saw a verdict some other way sets it). */
  seq: number;
  /** Writes `code` into the scanner's pty and returns the data-screen of the verdict it led to. */
  scan(code: string): Promise<string>;
}

/**
 * One kiosk session for a whole test file (openKioskSession's arguments): opened before its first
 * test, closed after its last, so every test of the file shares one stack and one Chromium.
 */
export function kioskSuite(venue: string | Record<string, unknown>, o: Parameters<typeof openKioskSession>[1] = {}): KioskSuite {
  let session: Awaited<ReturnType<typeof openKioskSession>> | undefined;
  const open = () => {
    if (!session) throw new Error('the kiosk session is not open: read it inside a test or a hook after kioskSuite()');
    return session;
  };
  before(async () => {
    session = await openKioskSession(venue, o);
  });
  after(async () => {
    await session?.browser.close();
    await session?.ks.close();
  });
  const suite: KioskSuite = {
    get browser() {
      return open().browser;
    },
    get ks() {
      return open().ks;
    },
    get page() {
      return open().page;
    },
    seq: 0,
    async scan(code: string): Promise<string> {
      open().ks.stack.scan(code);
      const r = await nextScreen(open().page, suite.seq);
      suite.seq = r.seq;
      return r.screen;
    },
  };
  return suite;
}

/** Waits for the next verdict painted after `afterSeq` and returns its section's data-screen. */
export async function nextScreen(page: Page, afterSeq: number): Promise<{ seq: number; screen: string }> {
  const handle = await page.waitForFunction(
    (after) => {
      const s = document.querySelector<HTMLElement>('main section[data-seq]');
      const seq = Number(s?.dataset.seq ?? 0);
      return seq > after ? { seq, screen: s!.dataset.screen! } : null;
    },
    afterSeq,
    { timeout: 10_000 },
  );
  return (await handle.jsonValue()) as { seq: number; screen: string };
}

