// `npm run sim` as an installer uses it: a separate process owning the pty pair, with the
// terminal's adapters on the other end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { createDevice, type PrinterDevice } from '../../terminal/src/devices/index.ts';
import { entryArgs } from '../lib/entry.ts';
import { tempDir } from '../lib/temp-dir.ts';

const root = join(import.meta.dirname, '..', '..');

function startSim(args: string[]): { child: ChildProcess; out: () => string } {
  const child = spawn(process.execPath, [...entryArgs('scripts/sim/cli.ts'), ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b));
  child.stderr!.on('data', (b: Buffer) => (out += b));
  return { child, out: () => out };
}

async function until(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(50);
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await gone;
}

test('the printer simulator prints what the terminal sends as decoded text', async () => {
  const device = join(tempDir('yss-simcli-'), 'printer');
  const sim = startSim(['printer', '--device', device]);
  const printer = createDevice({ id: 'p', role: 'printer', kind: 'escpos-printer', path: device }, pino({ level: 'silent' })) as PrinterDevice;
  try {
    await until(() => existsSync(device) && sim.out().includes('printer simulator on'));
    printer.start();
    await until(() => printer.health.state === 'connected');
    assert.equal((await printer.print({ number: 'Z042', lines: ['请到 3 号窗口'] })).ok, true);
    await until(() => sim.out().includes('[CUT]'));
    assert.match(sim.out(), /Z042 \[4x4\]\n请到 3 号窗口/);
  } finally {
    await printer.close();
    await stop(sim.child);
  }
});

test('the scanner simulator scans each line typed on its stdin', async () => {
  const device = join(tempDir('yss-simcli-'), 'scanner');
  const sim = startSim(['scanner', '--device', device, '--aim', ']Q1']);
  const scanner = createDevice({ id: 's', role: 'scanner', kind: 'serial-scanner', path: device }, pino({ level: 'silent' }));
  try {
    await until(() => existsSync(device) && sim.out().includes('scanner simulator on'));
    const got = new Promise((r) => scanner.once('reading', r));
    scanner.start();
    await until(() => scanner.health.state === 'connected');
    sim.child.stdin!.write('YSS1:FROM-STDIN\n');
    assert.deepEqual(await got, { kind: 'code', text: 'YSS1:FROM-STDIN', symbology: 'qr', aim: ']Q1' });
  } finally {
    await scanner.close();
    await stop(sim.child);
  }
});

test('hid-fixtures --check passes on the committed fixtures', async () => {
  const sim = startSim(['hid-fixtures', '--check']);
  const code = await new Promise((r) => sim.child.once('exit', r));
  assert.equal(code, 0, sim.out());
});
