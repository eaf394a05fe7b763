// Contract suite for the Zebra SSI scanner: pty simulator always; YSS_TEST_SSI=/dev/ttyACM0 for
// a real scanner in SSI mode (scan a code when asked).
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDevice, type ScannerDevice } from '../index.ts';
import { openPtyPair, SsiSim, type PtyPair } from '../../../../scripts/sim/index.ts';
import { captureLog, nextReading, tempDir, untilState } from './helpers.ts';

describe('Zebra SSI scanner on a pty pair', () => {
  const dir = tempDir();
  const device = join(dir, 'ttySsi');
  let pty: PtyPair;
  let sim: SsiSim;
  const scanner = createDevice({ id: 'ssi-1', role: 'scanner', kind: 'zebra-ssi-scanner', path: device, reconnect_max_ms: 400 }, captureLog().log) as ScannerDevice;

  after(async () => {
    await scanner.close();
    await sim?.close();
    await pty?.close();
  });

  test('a decode packet becomes a QR reading and is ACKed', async () => {
    pty = await openPtyPair(device, join(dir, 'ttySim'));
    sim = await SsiSim.open(pty.peer);
    scanner.start();
    await untilState(scanner, 'connected');
    const got = nextReading(scanner);
    await sim.decode('YSS1:SSI-CODE');
    assert.deepEqual(await got, { kind: 'code', text: 'YSS1:SSI-CODE', symbology: 'qr', aim: null });
    await sleep(50);
    assert.equal(sim.acks, 1);
  });

  test('a long code in several packets is joined, each packet ACKed', async () => {
    const long = 'HC1:' + 'X'.repeat(500);
    const got = nextReading(scanner);
    await sim.decode(long, 0x1c, 200);
    assert.equal(((await got) as { text: string }).text, long);
    await sleep(50);
    assert.equal(sim.acks, 4);
  });

  test('a corrupted packet is NAKed and the resent one is read', async () => {
    const got = nextReading(scanner);
    await sim.decode('YSS1:RESENT', 0x1c, 200, true);
    assert.equal(((await got) as { text: string }).text, 'YSS1:RESENT');
    assert.ok(sim.naks >= 1);
  });

  test('acknowledge and trigger send SSI beep and start-decode commands', async () => {
    assert.equal(await scanner.acknowledge(true), true);
    assert.equal(await scanner.acknowledge(false), true);
    assert.equal(await scanner.trigger(true), true);
    await sleep(50);
    assert.deepEqual(sim.commands, ['e6:00', 'e6:05', 'e4']);
  });

  test('unplug and replug are survived', async () => {
    await sim.close();
    await pty.close();
    await untilState(scanner, 'disconnected');
    pty = await openPtyPair(device, join(dir, 'ttySim'));
    sim = await SsiSim.open(pty.peer);
    await untilState(scanner, 'connected', 10_000);
    const got = nextReading(scanner);
    await sim.decode('after-replug');
    assert.equal(((await got) as { text: string }).text, 'after-replug');
  });
});

describe('Zebra SSI scanner on real hardware', { skip: !process.env.YSS_TEST_SSI && 'set YSS_TEST_SSI=/dev/ttyACM0 to run' }, () => {
  test('reads a code scanned within 30 s and beeps', async () => {
    const scanner = createDevice({ id: 'ssi-hw', role: 'scanner', kind: 'zebra-ssi-scanner', path: process.env.YSS_TEST_SSI ?? '' }, captureLog().log) as ScannerDevice;
    scanner.start();
    await untilState(scanner, 'connected');
    console.log('scan any code');
    assert.equal((await nextReading(scanner, 30_000)).kind, 'code');
    assert.equal(await scanner.acknowledge(true), true);
    await scanner.close();
  });
});
