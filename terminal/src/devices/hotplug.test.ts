import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUdevLine } from './hotplug.ts';

test('reads add and remove events from udevadm monitor output', () => {
  assert.deepEqual(parseUdevLine('UDEV  [12345.678901] add      /devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/tty/ttyACM0 (tty)'), {
    action: 'add',
    devpath: '/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/tty/ttyACM0',
    subsystem: 'tty',
  });
  assert.equal(parseUdevLine('UDEV  [9.5] remove   /devices/virtual/hidraw/hidraw3 (hidraw)')?.action, 'remove');
  assert.equal(parseUdevLine('monitor will print the received events for:'), null);
  assert.equal(parseUdevLine(''), null);
});
