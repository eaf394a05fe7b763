// Contract suite for the Zebra SSI scanner: pty simulator always; a real scanner in SSI mode
// when YSS_TEST_SSI=/dev/ttyACM0 names one (scan the codes shown; unplug and replug when asked).
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createDevice, type BaudRate, type ScannerDevice, type SsiScannerConfig } from '../index.ts';
import { SsiSim } from '../../../../scripts/sim/index.ts';
import { captureLog, eventually, nextReading, untilState } from './helpers.ts';
import { hardwareTarget, showQr, simulatorTarget, suiteOptions, type Target } from './target.ts';

function contract(t: Target<SsiSim>): void {
  const config: SsiScannerConfig = { id: 'ssi-1', role: 'scanner', kind: 'zebra-ssi-scanner', path: t.path, reconnect_max_ms: 400, ...(t.baud ? { baud: t.baud as BaudRate } : {}) };
  const scanner = createDevice(config, captureLog().log) as ScannerDevice;
  const simOnly = { skip: t.where === 'hardware' && 'simulator only' };

  before(() => t.plug());
  after(async () => {
    await scanner.close();
    await t.close();
  });

  test('a decode becomes a QR reading and is ACKed', async () => {
    scanner.start();
    await untilState(scanner, 'connected');
    const got = nextReading(scanner, t.humanMs);
    await t.act((sim) => sim.decode('YSS1:SSI-CODE'), await showQr('YSS1:SSI-CODE'));
    assert.deepEqual(await got, { kind: 'code', text: 'YSS1:SSI-CODE', symbology: 'qr', aim: null });
    await eventually(() => t.act((sim) => assert.equal(sim.acks, 1), ''));
  });

  test('a long code in several packets is joined, each packet ACKed', async () => {
    const long = 'HC1:' + 'X'.repeat(500);
    const got = nextReading(scanner, t.humanMs);
    await t.act((sim) => sim.decode(long, 0x1c, 200), await showQr(long));
    assert.equal(((await got) as { text: string }).text, long);
    await eventually(() => t.act((sim) => assert.equal(sim.acks, 4), ''));
  });

  test('a corrupted packet is NAKed and the resent one is read', simOnly, async () => {
    const got = nextReading(scanner);
    await t.act((sim) => sim.decode('YSS1:RESENT', 0x1c, 200, true), '');
    assert.equal(((await got) as { text: string }).text, 'YSS1:RESENT');
    await t.act((sim) => assert.ok(sim.naks >= 1), '');
  });

  test('acknowledge and trigger send SSI beep and start-decode commands', async () => {
    assert.equal(await scanner.acknowledge(true), true);
    assert.equal(await scanner.acknowledge(false), true);
    assert.equal(await scanner.trigger(true), true);
    assert.equal(await scanner.trigger(false), true);
    await eventually(() => t.act((sim) => assert.deepEqual(sim.commands, ['e6:00', 'e6:05', 'e4', 'e5']), 'you should have heard a high beep, a low beep, and seen the aimer on and off'));
  });

  test('unplug and replug are survived', async () => {
    await t.unplug();
    await untilState(scanner, 'disconnected', t.humanMs);
    await t.plug();
    await untilState(scanner, 'connected', Math.max(10_000, t.humanMs));
    const got = nextReading(scanner, t.humanMs);
    await t.act((sim) => sim.decode('after-replug'), await showQr('after-replug'));
    assert.equal(((await got) as { text: string }).text, 'after-replug');
  });
}

const targets: [string, Target<SsiSim> | null][] = [
  ['simulator', simulatorTarget((peer) => SsiSim.open(peer))],
  ['hardware', hardwareTarget<SsiSim>('YSS_TEST_SSI')],
];
for (const [where, target] of targets) {
  describe(`Zebra SSI scanner contract on the ${where}`, suiteOptions(target, 'YSS_TEST_SSI'), () => {
    if (target) contract(target);
  });
}
