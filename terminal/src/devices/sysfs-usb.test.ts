import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sysfsUsb } from './sysfs-usb.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

/** A /sys/bus/usb/devices tree laid out as the kernel lays it out, for three devices. */
function tree(): string {
  // The devices and the drivers their `driver` links point at, side by side in one scratch folder.
  const scratch = tempDir('yss-sysfs-');
  const root = join(scratch, 'devices');
  const drivers = join(scratch, 'drivers');
  const dev = (port: string, attrs: Record<string, string>) => {
    mkdirSync(join(root, port), { recursive: true });
    for (const [k, v] of Object.entries(attrs)) writeFileSync(join(root, port, k), `${v}\n`);
  };
  const iface = (port: string, n: number, driver: string | null, sub: string[]) => {
    const dir = join(root, port, `${port}:1.${n}`);
    mkdirSync(dir, { recursive: true });
    if (driver) {
      mkdirSync(join(drivers, driver), { recursive: true });
      symlinkSync(join(drivers, driver), join(dir, 'driver'));
    }
    for (const s of sub) mkdirSync(join(dir, s), { recursive: true });
  };
  dev('usb1', { idVendor: '1d6b', idProduct: '0002' }); // root hub: skipped
  dev('1-1', { idVendor: '0C2E', idProduct: '0b61', manufacturer: 'Honeywell', product: 'N3680', serial: 'ABC' });
  iface('1-1', 0, 'usbhid', ['0003:0C2E:0B61.0001/hidraw/hidraw2']);
  dev('1-2', { idVendor: '1a86', idProduct: '7523' });
  iface('1-2', 0, 'ch341', ['ttyUSB0']);
  dev('1-3.1', { idVendor: '0416', idProduct: '5011', product: 'POS58 Printer' });
  iface('1-3.1', 0, 'usblp', ['usbmisc/lp0']);
  dev('1-4', { idVendor: '0400', idProduct: 'c35a', busnum: '1', devnum: '7' });
  iface('1-4', 0, null, []);
  return root;
}

test('lists each USB device with its port, ids, the nodes its drivers made and the drivers', () => {
  const got = sysfsUsb(tree());
  assert.deepEqual(
    got?.map((u) => [u.port, `${u.vid}:${u.pid}`, u.nodes.join(' '), u.drivers.join(' ')]),
    [
      ['1-1', '0c2e:0b61', '/dev/hidraw2', 'usbhid'],
      ['1-2', '1a86:7523', '/dev/ttyUSB0', 'ch341'],
      ['1-3.1', '0416:5011', '/dev/usb/lp0', 'usblp'],
      ['1-4', '0400:c35a', '', ''],
    ],
  );
  assert.equal(got?.[0]?.serial_number, 'ABC');
  assert.equal(got?.[2]?.product, 'POS58 Printer');
  assert.equal(got?.[3]?.usbfs, '/dev/bus/usb/001/007');
  assert.equal(got?.[0].usbfs, null);
});

test('is null where there is no USB bus', () => {
  assert.equal(sysfsUsb(join(tmpdir(), 'no-such-sysfs-dir')), null);
});
