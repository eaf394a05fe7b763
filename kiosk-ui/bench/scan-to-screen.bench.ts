// Scan to screen: from the last byte written into the scanner's pty to the verdict painted in
// Chromium (a requestAnimationFrame after the DOM update), over real processes. The floor beside
// it is the daemon alone on the same scans: pty to the verdict arriving on /api/events.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { mintCode } from '../../scripts/issuer/mint.ts';
import { Stack } from '../../scripts/lib/stack.ts';
import { percentile } from '../../scripts/lib/stats.ts';
import type { EventMessage } from '../../terminal/src/api/messages.ts';
import { launch } from '../web/test/browser.ts';

const SCANS = 300;
const WARMUP = 20;
const root = join(import.meta.dirname, '..', '..');
const nodeNow = () => performance.timeOrigin + performance.now();

export async function run(): Promise<Record<string, number>> {
  const b = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build-ui.ts'], { cwd: root, stdio: 'ignore' });
  if (b.status !== 0) throw new Error('kiosk UI build failed');
  const dir = mkdtempSync(join(tmpdir(), 'yss-bench-s2s-'));
  const stack = await new Stack({ dir, venue: 'desk' }).start();
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${stack.kioskUrl}?bench=1&result_ms=600000`);
    await page.waitForSelector('main[data-screen="idle"]');

    // The page's clock against ours: the sample with the shortest round trip bounds the error.
    let offset = 0;
    let best = Infinity;
    for (let i = 0; i < 30; i++) {
      const t1 = nodeNow();
      const p = await page.evaluate('performance.timeOrigin + performance.now()');
      const t2 = nodeNow();
      if (t2 - t1 < best) {
        best = t2 - t1;
        offset = (p as number) - (t1 + t2) / 2;
      }
    }

    const ws = new WebSocket(new URL('/api/events', stack.kioskUrl.replace(/^http/, 'ws')));
    let onVerdict: ((at: number) => void) | null = null;
    ws.on('message', (d) => {
      const at = nodeNow();
      if ((JSON.parse(String(d)) as EventMessage).type === 'verdict') onVerdict?.(at);
    });
    await new Promise((r) => ws.once('open', r));

    const codes = Array.from({ length: SCANS + WARMUP }, () => mintCode({ keys: stack.keysDir, type: 'personal', ttl: 600 }));
    const screen: number[] = [];
    const daemon: number[] = [];
    for (const [i, code] of codes.entries()) {
      const event = new Promise<number>((r) => (onVerdict = r));
      const t0 = nodeNow();
      stack.scan(code);
      const tEvent = await event;
      const painted = await page.waitForFunction((n) => (window.yssPaints?.length ?? 0) > n && window.yssPaints![n]!.at, i, { polling: 'raf' });
      const tPaint = ((await painted.jsonValue()) as number) - offset;
      if (i < WARMUP) continue; // JIT, first layout of each screen
      daemon.push(tEvent - t0);
      screen.push(tPaint - t0);
    }
    ws.close();
    const p50 = percentile(screen, 50);
    const d50 = percentile(daemon, 50);
    return {
      scan_to_screen_p50_ms: p50,
      scan_to_screen_p99_ms: percentile(screen, 99),
      scan_to_screen_daemon_only_p50_ms: d50,
      scan_to_screen_daemon_only_p99_ms: percentile(daemon, 99),
      scan_to_screen_vs_daemon_p50_ratio: Math.round((p50 / d50) * 100) / 100,
      scan_to_screen_clock_error_ms: Math.round((best / 2) * 1000) / 1000,
    };
  } finally {
    await browser.close();
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
