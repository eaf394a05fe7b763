// HID scanners from byte-exact report fixtures (fixtures/hid/, generated from the protocols by
// scripts/sim/hid-fixtures.ts). The fake backend below is the USB edge: enumeration and the
// report stream; everything above it is the real adapter.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HidScanner, MissingBackendError, type HidBackend, type HidHandle, type HidInfo } from '../hid/index.ts';
import { fixtureDir, writeFixtures, type HidFixture } from '../../../../scripts/sim/hid-fixtures.ts';
import { captureLog, untilState } from './helpers.ts';
import type { Reading } from '../types.ts';
import { nth } from '../../../../scripts/lib/nth.ts';

class FakeHandle extends EventEmitter implements HidHandle {
  closed = false;
  written: string[] = [];
  close(): void {
    this.closed = true;
  }
  write(bytes: Buffer): number {
    this.written.push(bytes.toString('hex'));
    return bytes.length;
  }
}

class FakeUsb implements HidBackend {
  devices: HidInfo[] = [];
  handles: FakeHandle[] = [];
  openError: Error | null = null;
  async list() {
    return this.devices;
  }
  async open(_path: string) {
    if (this.openError) throw this.openError;
    const h = new FakeHandle();
    this.handles.push(h);
    return h;
  }
  get current(): FakeHandle {
    return this.handles.at(-1)!;
  }
}

const POS_DEVICE: HidInfo = { path: '/dev/hidraw3', vendorId: 0x0c2e, productId: 0x0b61, usagePage: 0x8c, usage: 0x02 };
const KBD_IFACE: HidInfo = { path: '/dev/hidraw2', vendorId: 0x0c2e, productId: 0x0b61, usagePage: 0x01, usage: 0x06 };

const fixtures = readdirSync(fixtureDir())
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f, JSON.parse(readFileSync(join(fixtureDir(), f), 'utf8')) as HidFixture] as const);

test('the fixtures on disk are what the generator computes from the protocol', () => {
  assert.ok(fixtures.length >= 10);
  assert.deepEqual(writeFixtures(true), []);
});

describe('every HID fixture decodes to its expected scans', () => {
  for (const [file, fx] of fixtures) {
    test(`${file}: ${fx.description}`, async () => {
      const usb = new FakeUsb();
      usb.devices = [KBD_IFACE, POS_DEVICE];
      const config =
        fx.kind === 'hid-pos-scanner'
          ? ({ id: 's', role: 'scanner', kind: fx.kind, vid: '0c2e', pid: '0b61', report_offset: fx.report_offset, debounce_ms: 0 } as const)
          : ({ id: 's', role: 'scanner', kind: fx.kind, vid: '0c2e', pid: '0b61', layout: fx.layout, debounce_ms: 0 } as const);
      const scanner = new HidScanner(config, captureLog().log, async () => usb);
      const got: Reading[] = [];
      scanner.on('reading', (r) => got.push(r));
      scanner.start();
      const h = await untilState(scanner, 'connected');
      assert.equal(h.path, fx.kind === 'hid-pos-scanner' ? '/dev/hidraw3' : '/dev/hidraw2', 'picks the interface for its mode');
      for (const r of fx.reports) usb.current.emit('data', Buffer.from(r, 'hex'));
      await scanner.close();
      assert.deepEqual(
        got.map((r) => (r.kind === 'code' ? r.text : null)),
        fx.expected.map((e) => e.text),
      );
      for (const [i, e] of fx.expected.entries()) {
        const r = got[i] as Reading & { kind: 'code' };
        if (e.aim !== undefined) assert.equal(r.aim, e.aim);
        if (e.symbology !== undefined) assert.equal(r.symbology, e.symbology);
      }
    });
  }
});

describe('HID scanner life', () => {
  test('an unplug (read error) is reported, the device is looked for again, and a replug is reopened', async () => {
    const usb = new FakeUsb();
    usb.devices = [POS_DEVICE];
    const scanner = new HidScanner({ id: 's', role: 'scanner', kind: 'hid-pos-scanner', vid: '0c2e', pid: '0b61', reconnect_max_ms: 400 }, captureLog().log, async () => usb);
    scanner.start();
    await untilState(scanner, 'connected');
    const first = usb.current;
    usb.devices = [];
    first.emit('error', new Error('could not read from HID device'));
    const down = await untilState(scanner, 'disconnected');
    assert.equal(first.closed, true);
    assert.match(down.detail ?? '', /unplugged/);
    await sleep(300);
    assert.match(scanner.health.detail ?? '', /no HID device 0c2e:0b61/);
    usb.devices = [POS_DEVICE];
    await untilState(scanner, 'connected', 5000);
    assert.notEqual(usb.current, first);
    const fx = JSON.parse(readFileSync(join(fixtureDir(), 'pos-single.json'), 'utf8')) as HidFixture;
    const got = new Promise<Reading>((r) => scanner.once('reading', r));
    usb.current.emit('data', Buffer.from(nth(fx.reports, 0), 'hex'));
    assert.equal(((await got) as { text: string }).text, 'YSS1:SHORT');
    await scanner.close();
  });

  test('HID POS trigger and acknowledge send the Honeywell output reports; keyboard mode sends nothing', async () => {
    const usb = new FakeUsb();
    usb.devices = [POS_DEVICE, KBD_IFACE];
    const pos = new HidScanner(
      { id: 's', role: 'scanner', kind: 'hid-pos-scanner', path: '/dev/hidraw3', trigger: 'honeywell', accept_hex: 'fd0316070d' },
      captureLog().log,
      async () => usb,
    );
    pos.start();
    await untilState(pos, 'connected');
    assert.equal(await pos.trigger(true), true);
    assert.equal(await pos.acknowledge(true), true);
    assert.equal(await pos.acknowledge(false), false);
    assert.deepEqual(usb.current.written, ['fd0316540d', 'fd0316070d']);
    await pos.close();
    const kbd = new HidScanner({ id: 'k', role: 'scanner', kind: 'hid-keyboard-scanner', path: '/dev/hidraw2' }, captureLog().log, async () => usb);
    kbd.start();
    await untilState(kbd, 'connected');
    assert.equal(await kbd.trigger(true), false);
    assert.deepEqual(usb.current.written, []);
    await kbd.close();
  });

  test('a missing node-hid is a missing_backend state naming the fix, not a crash', async () => {
    const scanner = new HidScanner({ id: 's', role: 'scanner', kind: 'hid-pos-scanner', path: '/dev/hidraw0' }, captureLog().log, async () => {
      throw new MissingBackendError('node-hid cannot load (x); run npm rebuild node-hid');
    });
    scanner.start();
    const h = await untilState(scanner, 'missing_backend');
    assert.match(h.detail ?? '', /npm rebuild node-hid/);
    await scanner.close();
  });

  test('a permission error names the udev rule', async () => {
    const usb = new FakeUsb();
    usb.devices = [POS_DEVICE];
    usb.openError = new Error('cannot open device with path /dev/hidraw3');
    const scanner = new HidScanner({ id: 's', role: 'scanner', kind: 'hid-pos-scanner', path: '/dev/hidraw3' }, captureLog().log, async () => usb);
    scanner.start();
    const h = await untilState(scanner, 'error');
    assert.match(h.detail ?? '', /99-yss-edge\.rules/);
    await scanner.close();
  });

  test('the first report of a split scan followed by silence is dropped, not glued to the next scan', async () => {
    const usb = new FakeUsb();
    usb.devices = [POS_DEVICE];
    const { log, lines } = captureLog();
    const scanner = new HidScanner({ id: 's', role: 'scanner', kind: 'hid-pos-scanner', path: '/dev/hidraw3' }, log, async () => usb);
    const got: Reading[] = [];
    scanner.on('reading', (r) => got.push(r));
    scanner.start();
    await untilState(scanner, 'connected');
    const split = JSON.parse(readFileSync(join(fixtureDir(), 'pos-split-60.json'), 'utf8')) as HidFixture;
    const single = JSON.parse(readFileSync(join(fixtureDir(), 'pos-single.json'), 'utf8')) as HidFixture;
    usb.current.emit('data', Buffer.from(nth(split.reports, 0), 'hex'));
    await sleep(1200);
    usb.current.emit('data', Buffer.from(nth(single.reports, 0), 'hex'));
    assert.deepEqual(
      got.map((r) => (r as { text: string }).text),
      ['YSS1:SHORT'],
    );
    assert.ok(lines.some((l) => l.includes('partial HID scan timed out')));
    await scanner.close();
  });
});
