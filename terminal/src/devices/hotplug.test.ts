import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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

function children(pid: number): number[] {
  const r = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  return r.stdout.split('\n').map((l) => Number(l.trim())).filter((n) => n > 0);
}

/** Whether the process lives; no pid (a monitor that was never found) is not alive. */
function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('the udevadm monitor dies with the process that started it, even on SIGKILL', { skip: !existsSync('/usr/bin/udevadm') && !existsSync('/bin/udevadm') && 'no udevadm here' }, async () => {
  const code = `import { udevMonitor } from ${JSON.stringify(join(import.meta.dirname, 'hotplug.ts'))}; udevMonitor().acquire(); setInterval(() => {}, 1000);`;
  const node = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: 'ignore' });
  let monitors: number[] = [];
  for (let i = 0; i < 100 && monitors.length === 0; i++) {
    await sleep(100);
    monitors = children(node.pid!).flatMap((sh) => children(sh));
  }
  assert.equal(monitors.length, 1, 'one udevadm under the shell');
  const gone = new Promise((r) => node.once('exit', r));
  node.kill('SIGKILL');
  await gone;
  for (let i = 0; i < 50 && alive(monitors[0]); i++) await sleep(100);
  assert.equal(alive(monitors[0]), false);
});

test('release() stops the monitor in a live process', { skip: !existsSync('/usr/bin/udevadm') && 'no udevadm here' }, async () => {
  const code = `import { udevMonitor } from ${JSON.stringify(join(import.meta.dirname, 'hotplug.ts'))}; const m = udevMonitor(); m.acquire(); process.on('SIGUSR2', () => m.release()); setInterval(() => {}, 1000);`;
  const node = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: 'ignore' });
  try {
    let monitors: number[] = [];
    for (let i = 0; i < 100 && monitors.length === 0; i++) {
      await sleep(50);
      monitors = children(node.pid!).flatMap((sh) => children(sh));
    }
    assert.equal(monitors.length, 1);
    // Released when the test says so, not on a timer that a loaded machine can outrun.
    node.kill('SIGUSR2');
    for (let i = 0; i < 60 && alive(monitors[0]); i++) await sleep(100);
    assert.equal(alive(monitors[0]), false);
  } finally {
    node.kill('SIGKILL');
  }
});
