import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { explainSerialOpenError, resolveSerialPath } from './locate.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

// The enumeration is the USB edge: what serialport's list() returns on Linux (ids lower-case, no 0x).
const ports = [
  { path: '/dev/ttyACM0', vendorId: '0c2e', productId: '0b61', serialNumber: 'A1', manufacturer: 'Honeywell', pnpId: undefined, locationId: undefined },
  { path: '/dev/ttyACM1', vendorId: '0c2e', productId: '0b61', serialNumber: 'B2', manufacturer: 'Honeywell', pnpId: undefined, locationId: undefined },
  { path: '/dev/ttyUSB0', vendorId: '1a86', productId: '7523', serialNumber: undefined, manufacturer: undefined, pnpId: undefined, locationId: undefined },
];
const list = async () => ports;

test('finds a port by VID/PID in any case, and tells identical devices apart by serial number', async () => {
  assert.equal(await resolveSerialPath({ vid: '0C2E', pid: '0B61' }, list), '/dev/ttyACM0');
  assert.equal(await resolveSerialPath({ vid: '0c2e', pid: '0b61', serial_number: 'B2' }, list), '/dev/ttyACM1');
  assert.equal(await resolveSerialPath({ vid: '1a86', pid: '7523' }, list), '/dev/ttyUSB0');
  assert.equal(await resolveSerialPath({ vid: '05e0', pid: '1701' }, list), null);
});

test('a configured path is used once it exists, and is absent until then', async () => {
  const dir = tempDir('yss-locate-');
  const p = join(dir, 'usb-Honeywell-if00');
  assert.equal(await resolveSerialPath({ path: p }, list), null);
  writeFileSync(p, '');
  assert.equal(await resolveSerialPath({ path: p }, list), p);
});

test('an open refused for permission names the group and the udev rules', () => {
  assert.match(explainSerialOpenError('/dev/ttyACM0', new Error('Error: Permission denied, cannot open /dev/ttyACM0')), /dialout.*99-yss-edge\.rules/);
  assert.match(explainSerialOpenError('/dev/ttyACM0', new Error('Error Resource temporarily unavailable Cannot lock port')), /in use/);
});
