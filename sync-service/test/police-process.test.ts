// The police outbox across a real kill: a sync-service process sending to the simulated gateway
// is SIGKILLed while a send is in flight, restarted on the same data, and the gateway's answers
// are then lost once more (it records, then drops the connection). Every report ends accepted,
// each guest recorded by the gateway once, none lost.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import nacl from 'tweetnacl';
import { startPoliceSim } from '../../scripts/lib/police-sim.ts';
import { spawnListening, stopChild, type Child } from '../../scripts/lib/processes.ts';
import { waitFor } from '../../scripts/lib/wait.ts';
import { ed25519PrivateKey, eventHash, GENESIS_HASH, Sealer, signRequest, type WireEvent } from '../../terminal/src/protocol/index.ts';
import { PROCESS_TOKEN } from './process.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

const RICS = ['440106199003071231', '11010519491231002X', '440304198001010017'];

test('a service killed mid-send loses no police report and the gateway records none twice', async () => {
  const dir = tempDir('yss-police-proc-');
  const sim = await startPoliceSim({ mode: 'stall' });
  const config = join(dir, 'service.json');
  const operators = [{ name: 'ops', token_sha256: createHash('sha256').update(PROCESS_TOKEN).digest('hex'), roles: ['fleet'] }];
  const police = { gateway: { kind: 'http', url: sim.reportsUrl, timeout_ms: 60_000 }, poll_ms: 100, lease_ms: 1500, retry_base_ms: 200, retry_max_ms: 400 };
  writeFileSync(config, JSON.stringify({ data_dir: join(dir, 'data'), host: '127.0.0.1', port: 0, operators, log_level: 'info', limits: { max_event_loop_delay_ms: 0 }, police }), { mode: 0o600 });
  let svc: Child | null = null;
  const logs: string[] = [];
  try {
    svc = await spawnListening('sync-service/src/cli.ts', ['serve', '--config', config], 'service');
    const admin = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(new URL(path, svc!.url), { method, headers: { authorization: `Bearer ${PROCESS_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
      assert.equal(res.status, 200, `${method} ${path}`);
      return res.json() as Promise<Record<string, unknown> & { reports: { state: string; id: string }[] }>;
    };
    const t = (await admin('POST', '/admin/terminals', { name: 'desk' })) as unknown as { enrollment_code: string; seal_key: string };
    const seed = nacl.randomBytes(32);
    const enrolled = await fetch(new URL('/v1/enroll', svc.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enrollment_code: t.enrollment_code, public_key: Buffer.from(nacl.sign.keyPair.fromSeed(seed).publicKey).toString('base64url') }),
    });
    const id = ((await enrolled.json()) as { terminal_id: string }).terminal_id;
    const sealer = new Sealer(new Uint8Array(Buffer.from(t.seal_key, 'base64url')));
    const at = Date.now() - 1000;
    let prev = GENESIS_HASH;
    const events: WireEvent[] = [];
    const add = (type: string, body: Record<string, unknown>, personal?: unknown) => {
      const e = { seq: events.length + 1, type, at, trusted_at: at, scenario: 'hotel', droppable: false, body, sealed: personal ? sealer.seal(personal) : null, prev_hash: prev };
      prev = eventHash(e);
      events.push({ ...e, hash: prev });
    };
    RICS.forEach((doc_no, i) => {
      add('registration', { accepted: true }, { name: `客人${i}`, doc_type: 'CN-RIC', doc_no });
      add('guest_in', { stay_id: 1, guest_id: i + 1, of_seq: events.length, room: '301', main: i === 0, category: 'domestic', needs_details: false, deadline_at: at + 7_200_000, alert_at: at });
    });
    const body = JSON.stringify({ events });
    const up = await fetch(new URL('/v1/events', svc.url), { method: 'POST', headers: { 'content-type': 'application/json', ...signRequest(ed25519PrivateKey(seed), id, 'POST', '/v1/events', body, Date.now()) }, body });
    assert.equal(up.status, 200);

    await waitFor(() => sim.state().posts >= 1, 15_000, 20, 'the first send, stalled at the gateway');
    await stopChild(svc, 'SIGKILL');
    sim.setMode('lose_answer');
    svc = await spawnListening('sync-service/src/cli.ts', ['serve', '--config', config], 'service', (_s, line) => logs.push(line.slice(0, 300)));
    // The gateway records each report but its answers are lost: the service keeps resending.
    await waitFor(() => sim.state().accepted.length === RICS.length, 30_000, 50, 'the gateway to record every report').catch((e: Error) => {
      throw new Error(`${e.message}: ${JSON.stringify({ ...sim.state(), accepted: sim.state().accepted.map((r) => r.id) })}\n${logs.join('\n')}`);
    });
    const posts = sim.state().posts;
    await waitFor(() => sim.state().posts > posts + RICS.length, 30_000, 50, 'resends after the lost answers');
    sim.setMode('accept');
    const done = await waitFor(async () => {
      const o = await admin('GET', '/admin/police/overdue');
      return o.reports.length === 0 && o;
    }, 30_000, 100, 'every report accepted');
    assert.equal(done.overdue, 0);
    const got = sim.state();
    assert.deepEqual(got.accepted.map((r) => r.guest.doc_no).sort(), [...RICS].sort(), 'each guest recorded once, none lost');
    assert.deepEqual(got.rejected, [], 'no resend was taken for a second registration');
    assert.deepEqual(got.accepted.map((r) => r.id).sort(), [2, 4, 6].map((s) => `${id}/${s}`).sort());
    assert.ok(got.posts > RICS.length + 1, `resent after the kill and the lost answers (${got.posts} posts)`);
  } finally {
    await stopChild(svc, 'SIGTERM');
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
