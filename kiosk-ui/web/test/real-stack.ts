// The real system for UI tests: sync service, terminal daemon and a pty scanner (scripts/lib/
// stack.ts), with the daemon on a fixed port so a restarted daemon is at the same URL.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Stack, type StackDevice } from '../../../scripts/lib/stack.ts';
import { launch, openKiosk } from './browser.ts';

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
  const dir = mkdtempSync(join(tmpdir(), 'yss-kiosk-ui-'));
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

