// The demo as a new user meets it: the daemon runs with its pty scanner (and here an ID-card reader
// on a second pty), /api/health says each is connected, and `terminal devices --config` on the
// same config must agree; after the scanner's cable is pulled, both say it is gone, and devices
// says why. Before the fix, devices reported the pty scanner NOT FOUND while health said connected.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { REPO, Stack, waitFor } from '../../scripts/lib/stack.ts';
import { entryArgs } from '../../scripts/lib/entry.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

type Health = { devices: { id: string; state: string }[] };
type Check = { id: string; presence: string; cause: string | null; fix: string | null };

let dir: string;
let stack: Stack;

const health = async () => (await (await fetch(new URL('/api/health', stack.kioskUrl))).json()) as Health;
function devices(): Check[] {
  const r = spawnSync(process.execPath, [...entryArgs('terminal/src/cli.ts'), 'devices', '--config', stack.terminalConfig, '--json'], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { configured: Check[] }).configured;
}

before(async () => {
  dir = tempDir('yss-devtruth-');
  stack = new Stack({ dir, devices: [{ id: 'idcard-1', role: 'idcard', kind: 'ga467-reader', baud: 115200 }] });
  await stack.start();
});

after(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('devices agrees with /api/health about the demo\'s pty scanner, plugged and unplugged', async () => {
  await waitFor(async () => (await health()).devices.find((d) => d.id === 'scanner-1')?.state === 'connected', 10_000, 50, 'scanner connected');
  const plugged = Object.fromEntries(devices().map((c) => [c.id, c]));
  assert.equal(plugged['scanner-1']?.presence, 'present', JSON.stringify(plugged['scanner-1']));
  // The ID-card reader's pty exists, whatever the SAM said: present on the node level too.
  assert.equal(plugged['idcard-1']?.presence, 'present');

  await stack.unplugScanner();
  await waitFor(async () => (await health()).devices.find((d) => d.id === 'scanner-1')?.state === 'disconnected', 10_000, 50, 'scanner disconnected');
  const unplugged = Object.fromEntries(devices().map((c) => [c.id, c]));
  assert.equal(unplugged['scanner-1']?.presence, 'missing');
  assert.ok(unplugged['scanner-1']?.cause && unplugged['scanner-1']?.fix, 'a cause and a fix');
  assert.equal(unplugged['idcard-1']?.presence, 'present');
});
