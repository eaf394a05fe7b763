import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openPtyPair } from '../../../scripts/sim/index.ts';
import { entryArgs } from '../../../scripts/lib/entry.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const run = (args: string[]) => spawnSync(process.execPath, [...entryArgs('terminal/src/cli.ts'), 'devices', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

test('devices runs here and reports every backend, with a fix for each missing one', () => {
  const r = run(['--json']);
  assert.equal(r.status, 0, r.stderr);
  const inv = JSON.parse(r.stdout) as { serial: unknown[]; hid: unknown[]; backends: { name: string; ok: boolean; fix: string | null }[] };
  assert.deepEqual(
    inv.backends.map((b) => b.name).slice(0, 5),
    ['serialport', 'node-hid', 'libusb', 'udevadm', 'udev rules'],
  );
  for (const b of inv.backends) if (!b.ok) assert.ok(b.fix && b.fix.length > 10, `${b.name} says how to fix it`);
});

test('devices --config lists configured devices and says which are not found', () => {
  const dir = tempDir('yss-devices-');
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ devices: [{ id: 'scanner-1', role: 'scanner', kind: 'hid-pos-scanner', vid: '0c2e', pid: '0b61' }] }));
  const r = run(['--config', file]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /scanner-1 \(scanner, hid-pos-scanner, 0c2e:0b61\): NOT FOUND/);
  assert.match(r.stdout, /Backends:/);
});

test('devices --config with a bad entry lists its problems and exits 1', () => {
  const dir = tempDir('yss-devices-');
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ devices: [{ id: 'scanner-1', role: 'scanner', kind: 'serial-scanner', path: '/dev/ttyACM0', baud: 1234 }] }));
  const r = run(['--config', file]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /devices\[0\]\.baud: expected one of/);
});

type Check = { id: string; presence: string; node: string | null; detail: string; cause: string | null; fix: string | null };
const checks = (args: string[]): Check[] => {
  const r = run([...args, '--json']);
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { configured: Check[] }).configured;
};

test('devices --config finds a device on a pseudo-terminal, as the daemon does, and says what is wrong with each missing one', async () => {
  const dir = tempDir('yss-devices-');
  const pty = await openPtyPair(join(dir, 'scanner'), join(dir, 'scanner-sim'));
  symlinkSync('/dev/pts/9999', join(dir, 'stale'));
  writeFileSync(join(dir, 'plain-file'), '');
  const file = join(dir, 'config.json');
  const scanner = (id: string, path: string) => ({ id, role: 'scanner', kind: 'serial-scanner', path });
  writeFileSync(
    file,
    JSON.stringify({
      devices: [
        scanner('on-pty', join(dir, 'scanner')),
        scanner('stale-link', join(dir, 'stale')),
        scanner('renumbered', '/dev/ttyACM97'),
        scanner('not-a-node', join(dir, 'plain-file')),
        scanner('by-id', '/dev/serial/by-id/usb-Honeywell_N3680-if00'),
        { id: 'sim-not-running', role: 'mrz', kind: 'mrz-reader', path: join(dir, 'nothing') },
        { id: 'printer-1', role: 'printer', kind: 'escpos-printer', path: '/dev/usb/lp7' },
      ],
    }),
  );
  try {
    const got = Object.fromEntries(checks(['--config', file]).map((c) => [c.id, c]));
    assert.equal(got['on-pty']?.presence, 'present', JSON.stringify(got['on-pty']));
    assert.match(got['on-pty']?.node ?? '', /^\/dev\/pts\/\d+$/);
    assert.match(got['on-pty']?.detail, /pseudo-terminal/);
    assert.equal(got['stale-link']?.presence, 'missing');
    assert.match(got['stale-link']?.detail, /a link to \/dev\/pts\/9999, which is gone/);
    assert.match(got['stale-link']?.fix ?? '', /start it again/);
    assert.match(got.renumbered?.cause ?? '', /not plugged in, or it came back under another number|no driver made a node/);
    assert.match(got.renumbered?.fix ?? '', /by-id/);
    assert.equal(got['not-a-node']?.presence, 'wrong_node');
    assert.match(got['not-a-node']?.cause ?? '', /not a device node/);
    assert.match(got['by-id']?.cause ?? '', /not plugged in/);
    assert.match(got['sim-not-running']?.cause ?? '', /simulator/);
    assert.match(got['printer-1']?.cause ?? '', /usblp|another number/);
    for (const c of Object.values(got)) if (c.presence !== 'present') assert.ok(c.cause && c.fix, `${c.id} has a cause and a fix`);
    const text = run(['--config', file]);
    assert.match(text.stdout, /on-pty \(scanner, serial-scanner, .*\): present {2}.* -> \/dev\/pts\/\d+: a pseudo-terminal/);
    assert.match(text.stdout, /stale-link .*: NOT FOUND[\s\S]*?cause: the program that made this pseudo-terminal/);
  } finally {
    await pty.close();
  }
});

test('devices --config on a machine without a USB bus says so for USB-found devices', () => {
  const dir = tempDir('yss-devices-');
  const file = join(dir, 'config.json');
  writeFileSync(
    file,
    JSON.stringify([
      { id: 'idcard-usb', role: 'idcard', kind: 'ga467-reader', link: 'usb', vid: '0400', pid: 'c35a' },
      { id: 'scanner-1', role: 'scanner', kind: 'hid-pos-scanner', vid: '0c2e', pid: '0b61' },
    ]),
  );
  const got = checks(['--config', file]);
  assert.deepEqual(got.map((c) => [c.id, c.presence]), [['idcard-usb', 'missing'], ['scanner-1', 'missing']]);
  if (!existsSync('/sys/bus/usb/devices')) for (const c of got) assert.match(c.cause!, /no USB bus/);
  else for (const c of got) assert.match(c.cause!, /not plugged in/);
});
