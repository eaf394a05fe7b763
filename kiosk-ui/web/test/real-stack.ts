// The real system for UI tests: sync service, terminal daemon and a pty scanner (scripts/lib/
// stack.ts), with the daemon on a fixed port so a restarted daemon is at the same URL.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Stack } from '../../../scripts/lib/stack.ts';

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

/** `venue`: a name in fixtures/venues/ (or a venue object). */
/** `police`: the service's police section (docs/police.md), for a desk that shows report states. */
export async function startKioskStack(venue: string | Record<string, unknown>, o: { police?: Record<string, unknown> } = {}): Promise<KioskStack> {
  const dir = mkdtempSync(join(tmpdir(), 'yss-kiosk-ui-'));
  const stack = new Stack({ dir, venue, kioskPort: await freePort(), police: o.police });
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

