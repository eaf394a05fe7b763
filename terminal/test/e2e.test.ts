// The walking skeleton, end to end, as real processes: sync service, terminal daemon, and a
// serial scanner on a pty pair. A code's bytes go into the pty; the verdict must come out of
// /api/events and the event must land in the service's database.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Health } from '../src/api/messages.ts';
import { mintCode } from '../../scripts/issuer/mint.ts';
import { EventFeed, Stack, waitFor } from '../../scripts/lib/stack.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

let dir: string;
let stack: Stack;
let feed: EventFeed;
const nextVerdict = (after: number) => feed.nextVerdict(after);
const lastSeq = () => feed.lastSeq();

before(async () => {
  dir = tempDir('yss-e2e-');
  stack = await new Stack({ dir }).start();
  feed = await EventFeed.open(stack.kioskUrl);
});

after(async () => {
  feed?.close();
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the first message on /api/events is the terminal health, with the scanner connected', async () => {
  const first = await waitFor(() => feed.messages[0], 5000);
  assert.equal(first.type, 'health');
  const health = (first as { health: Health }).health;
  assert.equal(health.trust.sequence, 1);
  const scanner = await waitFor(async () => {
    const h = (await (await fetch(new URL('/api/health', stack.kioskUrl))).json()) as Health;
    return h.devices.find((d) => d.id === 'scanner-1' && d.state === 'connected');
  });
  assert.equal(scanner.path, stack.scannerDevice);
});

test('a genuine code scanned on the serial scanner is accepted, shown, and stored by the service', async () => {
  const before = lastSeq();
  stack.scan(mintCode({ keys: stack.keysDir, name: '张小明', type: 'personal' }));
  const v = await nextVerdict(before);
  assert.equal(v.accepted, true);
  assert.equal(v.reason, null);
  assert.equal(v.source, 'YSS1');
  assert.equal(v.issuer, 'CN-44');
  assert.equal(v.display.name_masked, '张*明');
  const terminalId = ((await stack.admin('GET', '/admin/terminals')) as { terminals: { id: string }[] }).terminals[0]!.id;
  const stored = await waitFor(async () => {
    const r = (await stack.admin('GET', `/admin/terminals/${terminalId}/events?after=0`)) as { events: { seq: number; body: { accepted: boolean } }[] };
    return r.events.find((e) => e.seq === v.seq);
  });
  assert.equal(stored.body.accepted, true);
});

test('a forged code (signed by a key the trust list does not hold) is refused the same way', async () => {
  const before = lastSeq();
  const { keygen } = await import('../../scripts/issuer/keys.ts');
  const forgerKeys = join(dir, 'forger');
  keygen(forgerKeys);
  stack.scan(mintCode({ keys: forgerKeys, type: 'personal' }));
  const v = await nextVerdict(before);
  assert.equal(v.accepted, false);
  assert.equal(v.reason, 'unknown_key');
  const tampered = mintCode({ keys: stack.keysDir, type: 'personal' });
  // Flip one base45 character inside the signature region: genuine kid, broken signature or body.
  const i = tampered.length - 5;
  const flipped = tampered.slice(0, i) + (tampered[i] === '0' ? '1' : '0') + tampered.slice(i + 1);
  stack.scan(flipped);
  const w = await nextVerdict(v.seq);
  assert.equal(w.accepted, false);
  assert.ok(w.reason === 'bad_signature' || w.reason === 'malformed', `reason ${w.reason}`);
  const terminals = (await stack.admin('GET', '/admin/terminals')) as { terminals: { id: string }[] };
  const events = await waitFor(async () => {
    const r = (await stack.admin('GET', `/admin/terminals/${terminals.terminals[0]!.id}/events?after=${before}`)) as { events: { seq: number; body: { accepted: boolean; reason: string } }[] };
    return r.events.some((e) => e.seq === w.seq) ? r.events : undefined;
  });
  assert.equal(events.find((e) => e.seq === v.seq)?.body.reason, 'unknown_key');
});

test('the terminal and the service export Prometheus metrics of what just happened', async () => {
  const metric = (text: string, name: string) => Number(text.split('\n').find((l) => l.startsWith(`${name} `))?.slice(name.length + 1));
  const h = (await (await fetch(new URL('/api/health', stack.kioskUrl))).json()) as Health;
  const terminal = await (await fetch(new URL('/metrics', stack.kioskUrl))).text();
  assert.ok(metric(terminal, 'yss_terminal_verify_seconds_count') >= 3, 'the three codes scanned so far were timed');
  assert.equal(metric(terminal, `yss_terminal_device_up{device="${h.devices[0]!.id}",role="scanner"}`), 1);
  assert.equal(metric(terminal, 'yss_terminal_queue_last_seq'), h.queue.last_seq);
  assert.equal(metric(terminal, 'yss_terminal_trust_list_sequence'), 1);
  const service = await (await fetch(new URL('/metrics', stack.serviceUrl), { headers: { authorization: `Bearer ${stack.adminToken}` } })).text();
  await waitFor(async () => metric(await (await fetch(new URL('/metrics', stack.serviceUrl), { headers: { authorization: `Bearer ${stack.adminToken}` } })).text(), 'yss_sync_ingested_events_total') >= 3);
  assert.equal(metric(service, 'yss_fleet_terminals{status="active"}'), 1);
});

test('the terminal restarts from the same data and continues the sequence', async () => {
  const before = lastSeq();
  await stack.stopTerminal();
  feed.close();
  await stack.startTerminal();
  feed = await EventFeed.open(stack.kioskUrl);
  await waitFor(async () => {
    const h = (await (await fetch(new URL('/api/health', stack.kioskUrl))).json()) as Health;
    return h.devices[0]?.state === 'connected';
  });
  stack.scan(mintCode({ keys: stack.keysDir, type: 'health', health: 'green' }));
  const v = await nextVerdict(before);
  assert.equal(v.accepted, true);
  assert.equal(v.display.health, 'green');
  assert.ok(v.seq > before, `sequence continued: ${v.seq} > ${before}`);
});
