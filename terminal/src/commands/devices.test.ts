import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..', '..');
const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'terminal/src/cli.ts', 'devices', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

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
  const dir = mkdtempSync(join(tmpdir(), 'yss-devices-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ devices: [{ id: 'scanner-1', role: 'scanner', kind: 'hid-pos-scanner', vid: '0c2e', pid: '0b61' }] }));
  const r = run(['--config', file]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /scanner-1 \(scanner, hid-pos-scanner, 0c2e:0b61\): NOT FOUND/);
  assert.match(r.stdout, /Backends:/);
});

test('devices --config with a bad entry lists its problems and exits 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yss-devices-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ devices: [{ id: 'scanner-1', role: 'scanner', kind: 'serial-scanner', path: '/dev/ttyACM0', baud: 1234 }] }));
  const r = run(['--config', file]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /devices\[0\]\.baud: expected one of/);
});
