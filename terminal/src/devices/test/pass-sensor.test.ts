// Contract suite for the pass sensor: pty simulator always; a real I/O module when
// YSS_TEST_SENSOR=/dev/ttyUSB4 names one (walk through the beam, unplug and replug when asked).
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createDevice, type BaudRate, type PassSensorConfig, type PassSensorDevice } from '../index.ts';
import { PassSensorSim } from '../../../../scripts/sim/index.ts';
import { captureLog, eventually, untilState } from './helpers.ts';
import { hardwareTarget, simulatorTarget, suiteOptions, type Target } from './target.ts';

function contract(t: Target<PassSensorSim>): void {
  const config: PassSensorConfig = { id: 'sensor-1', role: 'sensor', kind: 'serial-pass-sensor', path: t.path, channel: t.where === 'hardware' ? 1 : 2, reconnect_max_ms: 400, ...(t.baud ? { baud: t.baud as BaudRate } : {}) };
  const { log, lines } = captureLog();
  const sensor = createDevice(config, log) as PassSensorDevice;
  const passages: number[] = [];
  sensor.on('passage', (at) => passages.push(at));

  before(() => t.plug());
  after(async () => {
    await sensor.close();
    await t.close();
  });

  test('someone walking through is one passage; repeats while the beam is broken are the same person', async () => {
    sensor.start();
    await untilState(sensor, 'connected');
    await t.act(async (sim) => {
      await sim.state(true);
      await sim.state(true);
      await sim.state(false);
    }, 'walk once through the beam');
    await eventually(() => assert.equal(passages.length, 1), t.humanMs);
    await t.act((sim) => sim.pass(), 'walk through the beam again');
    await eventually(() => assert.equal(passages.length, 2), t.humanMs);
    assert.ok(passages.every((at) => Math.abs(at - Date.now()) < 60_000 + t.humanMs), 'stamped with the time');
  });

  test('another input, line noise and a frame with a wrong sum are not passages', async () => {
    if (t.where === 'hardware') return; // fault injection is the simulator's
    const before = passages.length;
    await t.act(async (sim) => {
      await sim.state(true, 1);
      await sim.state(false, 1);
      await sim.raw(Buffer.from([0x55, 0xa1, 0x02, 0x01, 0x00, 0x13]));
    }, '');
    await eventually(() => assert.ok(lines.some((l) => l.includes('not an A1 frame')), 'the dropped bytes are logged'));
    await t.act((sim) => sim.pass(), '');
    await eventually(() => assert.equal(passages.length, before + 1), 5000);
  });

  test('unplugged, it reports disconnected; replugged, it reports passages again', async () => {
    await t.unplug();
    await untilState(sensor, 'disconnected', t.humanMs);
    await t.plug();
    await untilState(sensor, 'connected', Math.max(10_000, t.humanMs));
    const before = passages.length;
    await t.act((sim) => sim.pass(), 'walk through the beam once more');
    await eventually(() => assert.equal(passages.length, before + 1), t.humanMs);
  });
}

const targets: [string, Target<PassSensorSim> | null][] = [
  ['simulator', simulatorTarget((peer) => PassSensorSim.open(peer, { channel: 2 }))],
  ['hardware', hardwareTarget<PassSensorSim>('YSS_TEST_SENSOR')],
];
for (const [where, target] of targets) {
  describe(`pass sensor contract on the ${where}`, suiteOptions(target, 'YSS_TEST_SENSOR'), () => {
    if (target) contract(target);
  });
}
