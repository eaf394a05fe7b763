// Contract suite for the serial scanner adapter: it runs on the pty simulator always, and on a
// real scanner when YSS_TEST_SCANNER=/dev/ttyACM0 names one (YSS_TEST_BAUD for its baud rate;
// the suite shows QR codes to scan and asks for the unplug and the replug).
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import iconv from 'iconv-lite';
import { validateDeviceConfig } from '../../config/index.ts';
import { createDevice, udevMonitor, type BaudRate, type ScannerDevice, type SerialScannerConfig } from '../index.ts';
import { openPtyPair, ScannerSim } from '../../../../scripts/sim/index.ts';
import { captureLog, eventually, nextReading, tempDir, untilState } from './helpers.ts';
import { hardwareTarget, showQr, simulatorTarget, suiteOptions, type Target } from './target.ts';

const CODE = 'YSS1:6BFOXN*TS0BI$ZDFRH';
const SECOND = 'HC1:SECOND-CODE';

function contract(t: Target<ScannerSim>): void {
  const { log, lines } = captureLog();
  const config: SerialScannerConfig = { id: 'scanner-1', role: 'scanner', kind: 'serial-scanner', path: t.path, framing: 'any', reconnect_max_ms: 400, ...(t.baud ? { baud: t.baud as BaudRate } : {}) };
  const scanner = createDevice(config, log);
  const states: string[] = [];
  scanner.on('status', (h) => states.push(h.state));
  const simOnly = { skip: t.where === 'hardware' && 'simulator only' };

  before(() => t.plug());
  after(async () => {
    await scanner.close();
    await t.close();
  });

  test('the config used here is valid', () => {
    assert.deepEqual(validateDeviceConfig(config, 'devices[0]'), []);
  });

  test('connects, and a scanned code arrives as a reading with its symbology', async () => {
    scanner.start();
    await untilState(scanner, 'connected');
    assert.deepEqual(states.slice(0, 2), ['connecting', 'connected']);
    const got = nextReading(scanner, t.humanMs);
    await t.act((sim) => sim.scan(CODE, { aim: ']Q1' }), await showQr(CODE));
    const r = (await got) as { kind: string; text: string; symbology: string | null; aim: string | null };
    assert.equal(r.kind, 'code');
    assert.equal(r.text, CODE);
    if (t.where === 'simulator') assert.deepEqual(r, { kind: 'code', text: CODE, symbology: 'qr', aim: ']Q1' });
    else if (r.aim) assert.equal(r.symbology, 'qr');
    assert.equal(typeof scanner.health.last_reading_at, 'number');
  });

  test('the same code again within the debounce window is dropped, a different one is not', simOnly, async () => {
    const got = nextReading(scanner);
    await t.act(async (sim) => {
      await sim.scan(CODE, { aim: ']Q1' });
      await sim.scan(SECOND, { suffix: '\r' });
    }, '');
    assert.equal(((await got) as { text: string }).text, SECOND);
  });

  test('a megabyte without a terminator is dropped, logged once, and the next code still arrives', simOnly, async () => {
    const before = lines.length;
    await t.act(async (sim) => {
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      for (let i = 0; i < 16; i++) await sim.port.write(chunk);
      await sim.port.write('\r\n');
    }, '');
    const got = nextReading(scanner);
    await t.act((sim) => sim.scan('after-garbage'), '');
    assert.equal(((await got) as { text: string }).text, 'after-garbage');
    assert.equal(lines.slice(before).filter((l) => l.includes('too long')).length, 1);
  });

  test('an unplug is reported and retries do not flap; after the replug codes arrive again', async () => {
    await t.unplug();
    const down = await untilState(scanner, 'disconnected', t.humanMs);
    assert.match(down.detail ?? '', /unplugged|closed|no device|cannot open/);
    if (t.where === 'simulator') {
      const before = states.length;
      await sleep(1200);
      // Several retries happened (backoff 200, 400, 400 ms) without flapping through `connecting`.
      assert.ok(states.length - before <= 1, `states while away: ${states.slice(before).join(', ')}`);
      assert.equal(scanner.health.state, 'disconnected');
    }
    await t.plug();
    await untilState(scanner, 'connected', Math.max(10_000, t.humanMs));
    const got = nextReading(scanner, t.humanMs);
    await t.act((sim) => sim.scan(SECOND), await showQr(SECOND));
    assert.equal(((await got) as { text: string }).text, SECOND);
  });

  test('code text never reaches the log', () => {
    const all = lines.join('');
    assert.ok(all.length > 0);
    assert.ok(!all.includes(CODE) && !all.includes(SECOND));
  });
}

const targets: [string, Target<ScannerSim> | null][] = [
  ['simulator', simulatorTarget((peer) => ScannerSim.open(peer))],
  ['hardware', hardwareTarget<ScannerSim>('YSS_TEST_SCANNER')],
];
for (const [where, target] of targets) {
  describe(`serial scanner contract on the ${where}`, suiteOptions(target, 'YSS_TEST_SCANNER'), () => {
    if (target) contract(target);
  });
}

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
      await eventually(() => {
        const sent = sim.port.all().toString('hex');
        assert.ok(sent.includes('16540d'), 'trigger SYN T CR');
        assert.ok(sent.endsWith('16070d'), 'accept beep bytes');
      });
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
      // Retries at 200, 400, 800, 1600 and 3200 ms (6.2 s in all); the next one is 6.4 s later,
      // so a reconnect within 3 s of the hint can only be the hint's doing, even on a busy machine.
      await sleep(6600);
      pty = await openPtyPair(device, peer);
      udevMonitor().emit('add', { action: 'add', devpath: '/devices/virtual/tty/ttyH', subsystem: 'tty' });
      await untilState(scanner, 'connected', 3000);
    } finally {
      await scanner.close();
      await pty.close();
    }
  });
});

describe('serial scanner and a faulty listener', () => {
  test('a reading listener that throws is logged and the scanner keeps reading', async () => {
    const dir = tempDir();
    const pty = await openPtyPair(join(dir, 'ttyF'), join(dir, 'ttyFP'));
    const sim = await ScannerSim.open(pty.peer);
    const { log, lines } = captureLog();
    const scanner = createDevice({ id: 'scanner-f', role: 'scanner', kind: 'serial-scanner', path: pty.device }, log);
    try {
      scanner.on('reading', () => {
        throw new Error('bug in the daemon');
      });
      scanner.start();
      await untilState(scanner, 'connected');
      await sim.scan('first');
      await sleep(100);
      const got = nextReading(scanner);
      await sim.scan('second');
      assert.equal(((await got) as { text: string }).text, 'second');
      assert.ok(lines.some((l) => l.includes('device listener threw')));
      assert.equal(scanner.health.state, 'connected');
    } finally {
      await scanner.close();
      await sim.close();
      await pty.close();
    }
  });
});
