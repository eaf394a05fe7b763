// Proof on the real daemon (pty scanner → pipeline → queue → uploader → service process): SIGKILL
// it at random moments while codes are scanned, and the service once; every verdict the kiosk was
// shown is stored, nothing twice, no gap, chain intact. crash.test.ts does the same hundreds of
// times on the terminal core, which restarts in 0.2 s instead of the daemon's 2-6 s.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { mintCode } from '../../scripts/issuer/mint.ts';
import { Stack, waitFor } from '../../scripts/lib/stack.ts';
import type { EventMessage, Health } from '../src/api/messages.ts';
import { verifyChain, type WireEvent } from '../src/protocol/index.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

const KILLS = 8;

test(`every verdict the kiosk showed is stored exactly once after ${KILLS} SIGKILLs of the daemon and one of the service`, async (t) => {
  const dir = tempDir('yss-daemon-crash-');
  const stack = new Stack({ dir, sync: { interval_ms: 20, backoff_max_ms: 300, timeout_ms: 2000 } });
  const shown = new Set<number>();
  const health = async () => (await (await fetch(new URL('/api/health', stack.kioskUrl))).json()) as Health;
  try {
    await stack.start();
    for (let k = 1; k <= KILLS + 1; k++) {
      if (k > 1) await stack.startTerminal();
      const ws = new WebSocket(new URL('/api/events', stack.kioskUrl.replace(/^http/, 'ws')));
      ws.on('message', (d) => {
        const m = JSON.parse(String(d)) as EventMessage;
        if (m.type === 'verdict') shown.add(m.seq);
      });
      ws.on('error', () => undefined);
      await new Promise((r) => ws.once('open', r));
      await waitFor(async () => (await health()).devices[0]?.state === 'connected', 20_000, 50, 'scanner connected');
      if (k === KILLS + 1) {
        ws.close();
        break; // the last start only drains
      }
      const until = Date.now() + 300 + Math.random() * 1200;
      while (Date.now() < until) {
        stack.scan(mintCode({ keys: stack.keysDir, type: 'personal', name: '陈七' }));
        await sleep(25);
      }
      if (k === Math.ceil(KILLS / 2)) {
        await stack.stopService('SIGKILL');
        await stack.startService();
      }
      await stack.stopTerminal('SIGKILL');
      ws.close();
    }
    // A restarted service listens on a new port; the terminal config points at it after startTerminal.
    const last = await waitFor(async () => {
      const h = await health();
      return h.queue.backlog === 0 && h.queue.last_seq;
    }, 60_000, 100, 'the queue drained');
    const id = (await stack.admin('GET', '/admin/terminals')).terminals[0].id as string;
    const stored = (await stack.admin('GET', `/admin/terminals/${id}/events?after=0&limit=10000`)).events as WireEvent[];
    assert.equal(stored.length, last, 'stored = committed, 1..last');
    assert.equal(verifyChain(stored), null);
    assert.ok(shown.size >= KILLS * 3, `${shown.size} verdicts shown`);
    const missing = [...shown].filter((s) => stored[s - 1]?.type !== 'verdict');
    assert.deepEqual(missing, [], 'every verdict shown is stored as a verdict event');
    t.diagnostic(`${KILLS} daemon kills, 1 service kill, ${shown.size} verdicts shown, ${last} events committed and stored once`);
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
