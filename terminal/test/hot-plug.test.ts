// Unplugging the scanner while the daemon runs: staff see it within seconds (health, a device
// message on /api/events, a device event for the service), and scanning works again once it is
// plugged back in, with no restart.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { DeviceMessage, Health } from '../src/api/messages.ts';
import { mintCode } from '../../scripts/issuer/mint.ts';
import { EventFeed, Stack, waitFor } from '../../scripts/lib/stack.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

let dir: string;
let stack: Stack;
let feed: EventFeed;
const health = async () => (await (await fetch(new URL('/api/health', stack.kioskUrl))).json()) as Health;

before(async () => {
  dir = tempDir('yss-hotplug-');
  stack = await new Stack({ dir }).start();
  feed = await EventFeed.open(stack.kioskUrl);
  await waitFor(async () => (await health()).devices[0]?.state === 'connected');
});

after(async () => {
  feed?.close();
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('an unplugged scanner is reported within seconds and recovers by itself when plugged back in', async () => {
  const t0 = Date.now();
  await stack.unplugScanner();
  const down = await waitFor(async () => {
    const h = await health();
    return h.devices[0]?.state !== 'connected' ? h : undefined;
  }, 5000);
  assert.equal(down.status, 'degraded');
  assert.ok(down.degraded.includes('device_scanner-1'), down.degraded.join(','));
  const pushed = feed.messages.find((m): m is DeviceMessage => m.type === 'device' && m.device.id === 'scanner-1' && m.device.state !== 'connected');
  assert.ok(pushed, 'a device message was pushed to the kiosk');
  assert.ok(Date.now() - t0 < 5000);

  const terminals = (await stack.admin('GET', '/admin/terminals')) as { terminals: { id: string }[] };
  const id = terminals.terminals[0]!.id;
  await waitFor(async () => {
    const r = (await stack.admin('GET', `/admin/terminals/${id}/events?after=0`)) as { events: { type: string; body: { device?: { state: string } } }[] };
    return r.events.some((e) => e.type === 'device' && e.body.device?.state !== 'connected');
  }, 10_000, 50, 'the service to hold the device event');

  await stack.replugScanner();
  await waitFor(async () => (await health()).devices[0]?.state === 'connected', 15_000, 50, 'the scanner to reconnect');
  const before = feed.lastSeq();
  stack.scan(mintCode({ keys: stack.keysDir }));
  const v = await feed.nextVerdict(before, 5000);
  assert.equal(v.accepted, true);
});
