// Contract suite for the serial scanner adapter. It runs on a socat pty pair with the scanner
// simulator; with YSS_TEST_SCANNER=/dev/ttyACM0 it also runs the parts a person can drive on a
// real scanner (scan the code shown, unplug and replug when asked).
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import iconv from 'iconv-lite';
import { createDevice, udevMonitor, validateDeviceConfig, type ScannerDevice, type SerialScannerConfig } from '../index.ts';
import { openPtyPair, ScannerSim, type PtyPair } from '../../../../scripts/sim/index.ts';
import { captureLog, nextReading, tempDir, untilState } from './helpers.ts';

const CODE = 'YSS1:6BFOXN*TS0BI$ZDFRH';

describe('serial scanner on a pty pair', () => {
  const dir = tempDir();
  const device = join(dir, 'ttyScanner');
  const peer = join(dir, 'ttySim');
  let pty: PtyPair;
  let sim: ScannerSim;
  const { log, lines } = captureLog();
  const config: SerialScannerConfig = { id: 'scanner-1', role: 'scanner', kind: 'serial-scanner', path: device, baud: 9600, framing: 'any', reconnect_max_ms: 400 };
  const scanner = createDevice(config, log);
  const states: string[] = [];
  scanner.on('status', (h) => states.push(h.state));

  after(async () => {
    await scanner.close();
    await sim?.close();
    await pty?.close();
  });

  test('the config used here is valid', () => {
    assert.deepEqual(validateDeviceConfig(config, 'devices[0]'), []);
  });

  test('a code sent by the scanner arrives as a reading with its AIM symbology', async () => {
    pty = await openPtyPair(device, peer);
    sim = await ScannerSim.open(peer);
    scanner.start();
    await untilState(scanner, 'connected');
    const got = nextReading(scanner);
    await sim.scan(CODE, { aim: ']Q1' });
    assert.deepEqual(await got, { kind: 'code', text: CODE, symbology: 'qr', aim: ']Q1' });
    assert.equal(scanner.health.state, 'connected');
    assert.equal(typeof scanner.health.last_reading_at, 'number');
    assert.deepEqual(states.slice(0, 2), ['connecting', 'connected']);
  });

  test('the same code again within the debounce window is dropped, a different one is not', async () => {
    const got = nextReading(scanner);
    await sim.scan(CODE, { aim: ']Q1' });
    await sim.scan('HC1:second', { suffix: '\r' });
    assert.equal(((await got) as { text: string }).text, 'HC1:second');
  });

  test('a megabyte without a terminator is dropped, logged once, and the next code still arrives', async () => {
    const before = lines.length;
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    for (let i = 0; i < 16; i++) await sim.port.write(chunk);
    await sim.port.write('\r\n');
    const got = nextReading(scanner);
    await sim.scan('after-garbage');
    assert.equal(((await got) as { text: string }).text, 'after-garbage');
    const overflowLines = lines.slice(before).filter((l) => l.includes('too long'));
    assert.equal(overflowLines.length, 1);
  });

  test('killing socat (unplug) is reported, and a new pty at the same path (replug) is reopened', async () => {
    await sim.close();
    await pty.close();
    const down = await untilState(scanner, 'disconnected');
    assert.match(down.detail ?? '', /unplugged|closed|no device|cannot open/);
    const before = states.length;
    await sleep(1200);
    // Several retries happened (backoff 200, 400, 400 ms) without flapping through `connecting`.
    assert.ok(states.length - before <= 1, `states while away: ${states.slice(before).join(', ')}`);
    assert.equal(scanner.health.state, 'disconnected');
    pty = await openPtyPair(device, peer);
    sim = await ScannerSim.open(peer);
    await untilState(scanner, 'connected', 10_000);
    const got = nextReading(scanner);
    await sim.scan('after-replug');
    assert.equal(((await got) as { text: string }).text, 'after-replug');
  });

  test('code text never reaches the log', () => {
    const all = lines.join('');
    assert.ok(all.length > 0);
    assert.ok(!all.includes(CODE) && !all.includes('after-replug'));
  });
});

describe('serial scanner on real hardware', { skip: !process.env.YSS_TEST_SCANNER && 'set YSS_TEST_SCANNER=/dev/ttyACM0 to run' }, () => {
  const path = process.env.YSS_TEST_SCANNER ?? '';
  const scanner = createDevice(
    { id: 'scanner-hw', role: 'scanner', kind: 'serial-scanner', path, baud: Number(process.env.YSS_TEST_BAUD ?? 9600) as 9600 },
    captureLog().log,
  );
  after(() => scanner.close());

  test('a scanned code arrives (scan any code within 30 s)', async () => {
    scanner.start();
    await untilState(scanner, 'connected');
    console.log('scan any code now');
    const r = await nextReading(scanner, 30_000);
    assert.equal(r.kind, 'code');
  });

  test('unplug and replug are survived (unplug, then replug within 30 s)', async () => {
    console.log('unplug the scanner now');
    await untilState(scanner, 'disconnected', 30_000);
    console.log('plug it back in');
    await untilState(scanner, 'connected', 30_000);
  });
});

describe('serial scanner options on a pty pair', () => {
  test('suffix framing, a configured prefix, GB18030 text, Honeywell trigger and acknowledge bytes', async () => {
    const dir = tempDir();
    const pty = await openPtyPair(join(dir, 'ttyA'), join(dir, 'ttyB'));
    const sim = await ScannerSim.open(pty.peer);
    const scanner = createDevice(
      {
        id: 'scanner-2',
        role: 'scanner',
        kind: 'serial-scanner',
        path: pty.device,
        framing: 'suffix',
        suffix: '\u0003',
        prefix: '\u0002',
        encoding: 'gb18030',
        trigger: 'honeywell',
        accept_hex: '16070d',
        aim: 'off',
      },
      captureLog().log,
    ) as ScannerDevice;
    try {
      scanner.start();
      await untilState(scanner, 'connected');
      let got = nextReading(scanner);
      await sim.scan(iconv.encode('粤省事]Q1', 'gb18030'), { prefix: '\u0002', suffix: '\u0003' });
      assert.deepEqual(await got, { kind: 'code', text: '粤省事]Q1', symbology: null, aim: null });
      sim.queue('TRIGGERED', { suffix: '\u0003' });
      got = nextReading(scanner);
      assert.equal(await scanner.trigger(true), true);
      assert.equal(((await got) as { text: string }).text, 'TRIGGERED');
      assert.equal(await scanner.acknowledge(true), true);
      assert.equal(await scanner.acknowledge(false), false, 'no reject bytes configured');
      await sleep(50);
      const sent = sim.port.all().toString('hex');
      assert.ok(sent.includes('16540d'), 'trigger SYN T CR');
      assert.ok(sent.endsWith('16070d'), 'accept beep bytes');
    } finally {
      await scanner.close();
      await sim.close();
      await pty.close();
    }
  });
});

describe('serial scanner and udev arrival hints', () => {
  test('an add event from udev makes a backed-off scanner retry at once', async () => {
    const dir = tempDir();
    const device = join(dir, 'ttyH');
    const peer = join(dir, 'ttyHP');
    let pty = await openPtyPair(device, peer);
    const scanner = createDevice({ id: 'scanner-h', role: 'scanner', kind: 'serial-scanner', path: device, reconnect_max_ms: 600_000 }, captureLog().log);
    try {
      scanner.start();
      await untilState(scanner, 'connected');
      await pty.close();
      await untilState(scanner, 'disconnected');
      // Retries at 200, 400, 800 and 1600 ms; the next one is 3.2 s away.
      await sleep(3300);
      pty = await openPtyPair(device, peer);
      udevMonitor().emit('add', { action: 'add', devpath: '/devices/virtual/tty/ttyH', subsystem: 'tty' });
      await untilState(scanner, 'connected', 1500);
    } finally {
      await scanner.close();
      await pty.close();
    }
  });
});
