// Contract suite for the relay board: pty simulator always; a real LCUS board when
// YSS_TEST_RELAY=/dev/ttyUSB3 names one (listen for the clicks; unplug and replug when asked).
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDevice, type BaudRate, type RelayConfig, type RelayDevice } from '../index.ts';
import { RelaySim } from '../../../../scripts/sim/index.ts';
import { captureLog, eventually, untilState } from './helpers.ts';
import { hardwareTarget, simulatorTarget, suiteOptions, type Target } from './target.ts';
import { nth } from '../../../../scripts/lib/nth.ts';

function contract(t: Target<RelaySim>): void {
  const config: RelayConfig = { id: 'gate-1', role: 'relay', kind: 'serial-relay', path: t.path, channel: t.where === 'hardware' ? 1 : 2, pulse_ms: 150, reconnect_max_ms: 400, ...(t.baud ? { baud: t.baud as BaudRate } : {}) };
  const relay = createDevice(config, captureLog().log) as RelayDevice;

  before(() => t.plug());
  after(async () => {
    await relay.close();
    await t.close();
  });

  test('pulse() closes the contact for the configured time and opens it again', async () => {
    relay.start();
    await untilState(relay, 'connected');
    assert.equal(await relay.pulse(), true);
    await eventually(() => t.act((sim) => {
      assert.deepEqual(
        sim.events.map((e) => [e.channel, e.closed]),
        [
          [2, true],
          [2, false],
        ],
      );
      const held = nth(sim.events, 1).at - nth(sim.events, 0).at;
      assert.ok(held >= 120 && held < 1000, `held ${held} ms`);
      assert.deepEqual(sim.badFrames, []);
    }, 'the relay should have clicked on and off'));
  });

  test('closing the device mid-pulse still opens the contact', async () => {
    await t.act((sim) => void (sim.events.length = 0), '');
    const p = relay.pulse(10_000);
    await sleep(50);
    await relay.close();
    assert.equal(await p, true);
    await eventually(() => t.act((sim) => assert.deepEqual(sim.events.map((e) => e.closed), [true, false]), 'the relay should have clicked off at once'));
  });

  test('pulse() while unplugged resolves false instead of throwing, and after replug it pulses', async () => {
    relay.start();
    await untilState(relay, 'connected');
    await t.unplug();
    await untilState(relay, 'disconnected', t.humanMs);
    assert.equal(await relay.pulse(20), false);
    await t.plug();
    await untilState(relay, 'connected', Math.max(10_000, t.humanMs));
    assert.equal(await relay.pulse(50), true);
  });
}

const targets: [string, Target<RelaySim> | null][] = [
  ['simulator', simulatorTarget((peer) => RelaySim.open(peer))],
  ['hardware', hardwareTarget<RelaySim>('YSS_TEST_RELAY')],
];
for (const [where, target] of targets) {
  describe(`relay board contract on the ${where}`, suiteOptions(target, 'YSS_TEST_RELAY'), () => {
    if (target) contract(target);
  });
}
