// Proof: a day of events queued while the service is unreachable drains completely, exactly
// once, when it comes back.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestService } from '../../sync-service/test/support.ts';
import { assertExactlyOnce, startCore } from './support/harness.ts';

const EVENTS = 30_000;
const DAY_MS = 86_400_000;

test(`a day of events (${EVENTS}) queued with the service down drains when it returns`, async (t) => {
  let svc = await startTestService({ keep: true });
  const url = await svc.listen();
  const port = Number(new URL(url).port);
  const enrollment = await svc.admin('POST', '/admin/terminals', { name: 'offline proof' });
  const serviceDir = svc.dir;
  await svc.close();
  const core = startCore({ url, enrollmentCode: enrollment.json.enrollment_code, sealKey: svc.sealKeys.publicKey, sync: { backoffMaxMs: 300, batchMaxEvents: 1000, batchMaxBytes: 1024 * 1024 } });
  const pushed = new Map<number, string>();
  try {
    core.engine.start();
    const start = Date.now() - DAY_MS;
    const appendDay = (from: number, n: number) =>
      core.queue.commit((tx) => {
        for (let i = from; i < from + n; i++) {
          const at = start + Math.floor((i * DAY_MS) / EVENTS);
          const personal = i % 3 === 0 ? { name: '赵六', doc_no: `4401011990010${String(i % 10000).padStart(5, '0')}` } : null;
          const e = tx.append({ type: i % 10 === 0 ? 'device' : 'registration', at, trusted_at: at, scenario: 'hotel-checkin', body: { accepted: true, i }, sealed: personal ? core.sealer.seal(personal) : null });
          pushed.set(e.seq, e.hash);
        }
      });
    for (let i = 0; i < EVENTS; i += 500) appendDay(i, 500);
    await sleep(500);
    const offline = core.queue.stats();
    assert.equal(offline.backlog, EVENTS);
    assert.ok(offline.oldest_unsent_age_s! >= 86_000, `oldest unsent ${offline.oldest_unsent_age_s} s`);
    assert.ok(['offline', 'unenrolled'].includes(core.engine.health.state), core.engine.health.state);

    svc = await startTestService({ dir: serviceDir });
    await svc.listen(port);
    const began = Date.now();
    const deadline = began + 90_000;
    while (core.queue.ackedThrough < EVENTS && Date.now() < deadline) await sleep(50);
    const seconds = (Date.now() - began) / 1000;
    assert.equal(core.queue.ackedThrough, EVENTS, 'every event acknowledged');
    assert.equal(core.queue.stats().backlog, 0);
    const id = (await svc.storage.listTerminals())[0]!.id;
    assertExactlyOnce(await svc.storage.events(id, 0, EVENTS + 10), EVENTS, pushed);
    t.diagnostic(`${EVENTS} events drained in ${seconds.toFixed(1)} s after the service returned (including the retry backoff)`);
  } finally {
    await core.close();
    await svc.close();
    rmSync(serviceDir, { recursive: true, force: true });
    rmSync(core.dir, { recursive: true, force: true });
  }
});
