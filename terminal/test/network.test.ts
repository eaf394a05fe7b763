// Proof: through a proxy that drops, resets mid-body, delays, answers 500, swallows requests and
// loses replies, every committed event reaches the service exactly once, chain intact.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestService } from '../../sync-service/test/support.ts';
import type { WireEvent } from '../src/protocol/index.ts';
import { FAULTS, FaultProxy } from './support/fault-proxy.ts';
import { assertExactlyOnce, startCore } from './support/harness.ts';

test('through a faulty network every committed event is stored exactly once, chain intact', async (t) => {
  const svc = await startTestService();
  const url = new URL(await svc.listen());
  const proxy = new FaultProxy({
    target: { host: url.hostname, port: Number(url.port) },
    rates: { drop: 0.05, reset_mid_body: 0.06, http500: 0.06, timeout: 0.03, delay: 0.15, lose_reply: 0.08 },
    // Each fault once whatever the dice say (a loaded machine sends fewer chunks in the 12 s).
    script: { 10: 'drop', 15: 'reset_mid_body', 20: 'http500', 25: 'timeout', 30: 'delay', 35: 'lose_reply' },
  });
  const proxyUrl = await proxy.listen();
  let duplicates = 0;
  const ingest = svc.storage.ingest.bind(svc.storage);
  svc.storage.ingest = async (id: string, events: WireEvent[], now: number) => {
    const r = await ingest(id, events, now);
    duplicates += r.duplicates;
    return r;
  };
  const enrollment = await svc.admin('POST', '/admin/terminals', { name: 'network proof' });
  const core = startCore({
    url: proxyUrl,
    enrollmentCode: enrollment.json.enrollment_code,
    sealKey: svc.sealKeys.publicKey,
    // Each commit goes up at once, as many requests as the scans make: the proof needs every fault
    // to fly, and with the daemon's wait for a pause (about one upload a second) some rarely did.
    sync: { batchMaxEvents: 25, timeoutMs: 400, backoffMaxMs: 100, uploadQuietMs: 0, uploadMaxWaitMs: 0 },
  });
  core.engine.start();
  const pushed = new Map<number, string>();
  try {
    // About 12 s of scans in bursts, while the faults fly.
    const end = Date.now() + 12_000;
    let i = 0;
    while (Date.now() < end) {
      const burst = 1 + (i++ % 7);
      for (let k = 0; k < burst; k++) {
        const e = core.commit(i % 3 === 0 ? { name: '李四', doc_no: '440101198001010012' } : undefined, i % 5 === 0 ? 'device' : 'registration');
        pushed.set(e.seq, e.hash);
      }
      await sleep(15);
    }
    for (const f of FAULTS) assert.ok(proxy.counts[f] > 0, `fault ${f} happened (${JSON.stringify(proxy.counts)})`);
    // The network heals; the queue must drain completely.
    proxy.rates = {};
    const last = core.queue.lastSequence;
    const deadline = Date.now() + 60_000;
    while (core.queue.ackedThrough < last && Date.now() < deadline) await sleep(50);
    assert.equal(core.queue.ackedThrough, last, 'the terminal saw every event acknowledged');
    const id = (await svc.storage.listTerminals())[0]!.id;
    const stored = await svc.storage.events(id, 0, 1_000_000);
    assertExactlyOnce(stored, last, pushed);
    assert.ok(pushed.size > 300, `${pushed.size} events committed`);
    assert.ok(duplicates > 0, 'lost replies made the terminal resend, and the service deduplicated');
    t.diagnostic(`${pushed.size} events; faults ${JSON.stringify(proxy.counts)}; ${duplicates} duplicates deduplicated`);
  } finally {
    await core.close();
    await proxy.close();
    await svc.close();
    rmSync(core.dir, { recursive: true, force: true });
  }
});
