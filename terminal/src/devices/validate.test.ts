import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateDeviceConfig } from '../config/index.ts';
import { printerLinkOf } from './config.ts';

const ok = { id: 'scanner-1', role: 'scanner', kind: 'serial-scanner', path: '/dev/ttyACM0', baud: 9600, framing: 'cr' };

test('accepts the minimal serial scanner entry', () => {
  assert.deepEqual(validateDeviceConfig(ok, 'devices[0]'), []);
});

test('names the key, the allowed values and the value given for a bad baud rate', () => {
  assert.deepEqual(validateDeviceConfig({ ...ok, baud: 1234 }, 'devices[0]'), [
    'devices[0].baud: expected one of 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, got 1234',
  ]);
});

test('lists every problem at once, unknown keys included', () => {
  const problems = validateDeviceConfig({ ...ok, baud: '9600', framing: 'nul', colour: 'red' }, 'devices[2]');
  assert.equal(problems.length, 3);
  assert.ok(problems.includes('devices[2].colour: unknown key for kind "serial-scanner"'));
  assert.ok(problems.some((p) => p.startsWith('devices[2].framing: expected one of "cr"')));
});

test('rejects an unknown kind and a missing locator', () => {
  const problems = validateDeviceConfig({ id: 'x', role: 'scanner', kind: 'laser' }, 'd');
  assert.ok(problems.some((p) => p.startsWith('d.kind: expected one of')));
  assert.ok(problems.includes('d: missing path, or vid + pid, to find the device'));
});

test('accepts VID/PID instead of a path but not both, and wants both halves', () => {
  const { path: _p, ...usb } = ok;
  assert.deepEqual(validateDeviceConfig({ ...usb, vid: '0c2e', pid: '0b61' }, 'd'), []);
  assert.deepEqual(validateDeviceConfig({ ...ok, vid: '0c2e', pid: '0b61' }, 'd'), ['d: give either path or vid + pid, not both']);
  assert.deepEqual(validateDeviceConfig({ ...usb, vid: '0c2e' }, 'd'), ['d.pid: required with vid']);
  assert.deepEqual(validateDeviceConfig({ ...usb, vid: 'xyz', pid: '0b61' }, 'd'), ['d.vid: expected 4 hex digits, got "xyz"']);
});

test('rejects a role that does not match the kind', () => {
  assert.deepEqual(validateDeviceConfig({ ...ok, role: 'printer' }, 'd'), ['d.role: expected "scanner" (the role of kind "serial-scanner"), got "printer"']);
});

test('requires a suffix exactly when framing is suffix', () => {
  assert.deepEqual(validateDeviceConfig({ ...ok, framing: 'suffix' }, 'd'), ['d.suffix: required when framing is "suffix"']);
  assert.deepEqual(validateDeviceConfig({ ...ok, framing: 'suffix', suffix: '\u0003' }, 'd'), []);
});

test('rejects something that is not an object', () => {
  assert.deepEqual(validateDeviceConfig(null, 'devices[1]'), ['devices[1]: expected an object, got null']);
});

test('a USB-linked ID-card reader is found by vid + pid or usb_port, never by a path or a baud rate', () => {
  const usb = { id: 'idcard-1', role: 'idcard', kind: 'ga467-reader', link: 'usb' };
  assert.deepEqual(validateDeviceConfig({ ...usb, vid: '0400', pid: 'c35a' }, 'd'), []);
  assert.deepEqual(validateDeviceConfig({ ...usb, usb_port: '1-1.4', endpoint_in: 5, endpoint_out: 6, usb_interface: 0 }, 'd'), []);
  assert.deepEqual(validateDeviceConfig(usb, 'd'), ['d: missing vid + pid, or usb_port, to find the USB reader']);
  assert.deepEqual(validateDeviceConfig({ ...usb, path: '/dev/ttyUSB0', baud: 115200 }, 'd'), [
    'd.path: a USB link is found by vid + pid or usb_port, not by a path',
    'd.baud: a USB link has no baud rate',
    'd: missing vid + pid, or usb_port, to find the USB reader',
  ]);
  assert.deepEqual(validateDeviceConfig({ ...usb, usb_port: 'usb1' }, 'd'), ['d.usb_port: expected a bus and port chain like "1-1.4", got "usb1"']);
  assert.deepEqual(validateDeviceConfig({ ...usb, link: 'serial', path: '/dev/ttyUSB0', usb_port: '1-1' }, 'd'), ['d.usb_port: only used with link "usb"']);
});

test('a printer at a printer-class node is linked as one, with no baud rate, unless told otherwise', () => {
  const p = { id: 'printer-1', role: 'printer', kind: 'escpos-printer' } as const;
  assert.equal(printerLinkOf({ ...p, path: '/dev/usb/lp0' }), 'usblp', 'serialport on /dev/usb/lp0 fails: "Inappropriate ioctl for device setting custom baud rate"');
  assert.equal(printerLinkOf({ ...p, path: '/dev/usblp1' }), 'usblp');
  assert.equal(printerLinkOf({ ...p, path: '/dev/ttyUSB2' }), 'serial');
  assert.equal(printerLinkOf({ ...p, path: '/tmp/sim', link: 'usblp' }), 'usblp');
  assert.deepEqual(validateDeviceConfig({ ...p, path: '/dev/usb/lp0', baud: 9600 }, 'd'), ['d.baud: a printer-class node (link "usblp") has no baud rate']);
  assert.deepEqual(validateDeviceConfig({ ...p, path: '/dev/usb/lp0' }, 'd'), []);
});

test('a camera-scanner needs no locator, and takes none', () => {
  const cam = { id: 'camera-1', role: 'scanner', kind: 'camera-scanner' };
  assert.deepEqual(validateDeviceConfig(cam, 'd'), []);
  assert.deepEqual(validateDeviceConfig({ ...cam, debounce_ms: 3000 }, 'd'), []);
  assert.deepEqual(validateDeviceConfig({ ...cam, path: '/dev/video0' }, 'd'), ['d.path: unknown key for kind "camera-scanner"']);
});
