// checkConfigured on what a machine with a USB bus shows: the cases the CLI test cannot stage here
// (this project's machine has no /sys/bus/usb).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfigured, type Seen } from './presence.ts';
import type { UsbEntry } from './sysfs-usb.ts';

const entry = (e: Partial<UsbEntry>): UsbEntry => ({ port: '1-1', vid: '0000', pid: '0000', manufacturer: null, product: null, serial_number: null, usbfs: null, nodes: [], drivers: [], ...e });
const seen = (usb: UsbEntry[]): Seen => ({ serial: [], hid: [], printers: [], usb });

test('a USB-linked reader on the bus is present at its port, found by ids or by port', () => {
  const usb = [entry({ port: '1-1.4', vid: '0400', pid: 'c35a', product: 'CVR-100U' })];
  const [byIds, byPort, elsewhere] = checkConfigured(
    [
      { id: 'a', role: 'idcard', kind: 'ga467-reader', link: 'usb', vid: '0400', pid: 'C35A' },
      { id: 'b', role: 'idcard', kind: 'ga467-reader', link: 'usb', usb_port: '1-1.4' },
      { id: 'c', role: 'idcard', kind: 'ga467-reader', link: 'usb', usb_port: '1-2' },
    ],
    seen(usb),
  );
  assert.deepEqual([byIds?.presence, byIds?.node], ['present', 'USB port 1-1.4']);
  assert.equal(byPort?.presence, 'present');
  assert.equal(elsewhere?.presence, 'missing');
  assert.match(elsewhere?.cause ?? '', /not plugged in|serial mode/);
});

test('a serial device on the bus without a tty: another mode, or no driver', () => {
  const [hidMode, noDriver] = checkConfigured(
    [
      { id: 'scanner-1', role: 'scanner', kind: 'serial-scanner', vid: '0c2e', pid: '0b61' },
      { id: 'relay-1', role: 'relay', kind: 'serial-relay', vid: '1a86', pid: '7523' },
    ],
    seen([entry({ port: '1-1', vid: '0c2e', pid: '0b61', nodes: ['/dev/hidraw0'], drivers: ['usbhid'] }), entry({ port: '1-2', vid: '1a86', pid: '7523' })]),
  );
  assert.equal(hidMode?.presence, 'missing');
  assert.match(hidMode?.cause ?? '', /offers \/dev\/hidraw0, not a serial port: it is in another mode/);
  assert.match(hidMode?.fix ?? '', /USB-CDC/);
  assert.match(noDriver?.cause ?? '', /no driver made a tty/);
  assert.match(noDriver?.fix ?? '', /modprobe cdc_acm \(or ch341/);
});

test('a camera-scanner is in the kiosk page, not looked for on the machine', () => {
  const [cam] = checkConfigured([{ id: 'camera-1', role: 'scanner', kind: 'camera-scanner' }], seen([]));
  assert.equal(cam?.presence, 'in_kiosk_page');
});
