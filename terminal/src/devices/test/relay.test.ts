// Contract suite for the relay board: pty simulator always; YSS_TEST_RELAY=/dev/ttyUSB3 clicks a
// real board once.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createDevice, type RelayDevice } from '../index.ts';
import { openPtyPair, RelaySim, type PtyPair } from '../../../../scripts/sim/index.ts';
import { captureLog, tempDir, untilState } from './helpers.ts';

describe('relay board on a pty pair', () => {
  const dir = tempDir();
  let pty: PtyPair;
  let sim: RelaySim;
  const relay = createDevice(
    { id: 'gate-1', role: 'relay', kind: 'serial-relay', path: join(dir, 'ttyRelay'), channel: 2, pulse_ms: 150, reconnect_max_ms: 400 },
    captureLog().log,
  ) as RelayDevice;

  after(async () => {
    await relay.close();
    await sim?.close();
    await pty?.close();
  });

  test('pulse() closes the contact for the configured time and opens it again', async () => {
    pty = await openPtyPair(join(dir, 'ttyRelay'), join(dir, 'ttySim'));
    sim = await RelaySim.open(pty.peer);
    relay.start();
    await untilState(relay, 'connected');
    assert.equal(await relay.pulse(), true);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(
      sim.events.map((e) => [e.channel, e.closed]),
      [
        [2, true],
        [2, false],
      ],
    );
    const held = sim.events[1].at - sim.events[0].at;
    assert.ok(held >= 120 && held < 1000, `held ${held} ms`);
    assert.deepEqual(sim.badFrames, []);
  });

  test('closing the device mid-pulse still opens the contact', async () => {
    sim.events.length = 0;
    const p = relay.pulse(10_000);
    await new Promise((r) => setTimeout(r, 50));
    await relay.close();
    assert.equal(await p, true);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(sim.events.map((e) => e.closed), [true, false]);
  });

  test('pulse() while unplugged resolves false instead of throwing', async () => {
    relay.start();
    await untilState(relay, 'connected');
    await sim.close();
    await pty.close();
    await untilState(relay, 'disconnected');
    assert.equal(await relay.pulse(20), false);
  });
});

describe('relay board on real hardware', { skip: !process.env.YSS_TEST_RELAY && 'set YSS_TEST_RELAY=/dev/ttyUSB3 to run' }, () => {
  test('clicks once', async () => {
    const relay = createDevice({ id: 'r-hw', role: 'relay', kind: 'serial-relay', path: process.env.YSS_TEST_RELAY ?? '' }, captureLog().log) as RelayDevice;
    relay.start();
    await untilState(relay, 'connected');
    assert.equal(await relay.pulse(300), true);
    await relay.close();
  });
});
