// `terminal read` against the simulators, as an installer would run it: a real process, real
// serial bytes over a pty pair, one JSON line per reading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { IdCardSim, MrzSim, openPtyPair, ScannerSim } from '../../../scripts/sim/index.ts';
import { entryArgs } from '../../../scripts/lib/entry.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

const root = join(import.meta.dirname, '..', '..', '..');

function runRead(args: string[]): { done: Promise<{ code: number | null; stdout: string; stderr: string }>; stderr: () => string } {
  const child = spawn(process.execPath, [...entryArgs('terminal/src/cli.ts'), 'read', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b));
  child.stderr.on('data', (b: Buffer) => (stderr += b));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  return { done, stderr: () => stderr };
}

async function until(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(50);
  }
}

test('read scanner prints each code as a JSON line and exits after --count', async () => {
  const dir = tempDir('yss-read-');
  const pty = await openPtyPair(join(dir, 'ttyS'), join(dir, 'ttyP'));
  const sim = await ScannerSim.open(pty.peer);
  try {
    const run = runRead(['scanner', pty.device, '--count', '2', '--timeout', '30']);
    await until(() => run.stderr().includes('connected'));
    await sim.scan('YSS1:ONE', { aim: ']Q1' });
    await sim.scan('YSS1:ONE', { aim: ']Q1' });
    const { code, stdout } = await run.done;
    assert.equal(code, 0);
    assert.deepEqual(
      stdout.trim().split('\n').map((l) => JSON.parse(l)),
      [
        { kind: 'code', text: 'YSS1:ONE', symbology: 'qr', aim: ']Q1' },
        { kind: 'code', text: 'YSS1:ONE', symbology: 'qr', aim: ']Q1' },
      ],
    );
  } finally {
    await sim.close();
    await pty.close();
  }
});

test('read idcard prints the card in the documented shape, without the photo', async () => {
  const dir = tempDir('yss-read-');
  const pty = await openPtyPair(join(dir, 'ttyS'), join(dir, 'ttyP'));
  const sim = await IdCardSim.open(pty.peer);
  try {
    const run = runRead(['idcard', pty.device, '--count', '1', '--timeout', '30']);
    await until(() => run.stderr().includes('connected'));
    sim.place({ name: '赵六', sex: '2', nation: '03', birth: '19851224', address: '广东省深圳市福田区', id_number: '11010519491231002X', authority: '深圳市公安局', valid_from: '20100101', valid_to: '长期' });
    const { code, stdout } = await run.done;
    assert.equal(code, 0);
    const card = JSON.parse(stdout);
    assert.equal(card.kind, 'idcard');
    assert.equal(card.card_type, 'resident');
    assert.equal(card.name, '赵六');
    assert.equal(card.sex, 'female');
    assert.equal(card.nation, '回');
    assert.equal(card.birth_date, '1985-12-24');
    assert.equal(card.valid_to, '长期');
    assert.equal(card.id_number_valid, true);
    assert.ok(!('photo' in card));
  } finally {
    await sim.close();
    await pty.close();
  }
});

test('read mrz prints the lines and fields', async () => {
  const dir = tempDir('yss-read-');
  const pty = await openPtyPair(join(dir, 'ttyS'), join(dir, 'ttyP'));
  const sim = await MrzSim.open(pty.peer);
  try {
    const run = runRead(['mrz', pty.device, '--count', '1', '--timeout', '30']);
    await until(() => run.stderr().includes('connected'));
    await sim.send(['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10']);
    const { code, stdout } = await run.done;
    assert.equal(code, 0);
    const m = JSON.parse(stdout);
    assert.equal(m.kind, 'mrz');
    assert.equal(m.format, 'TD3');
    assert.equal(m.valid, true);
  } finally {
    await sim.close();
    await pty.close();
  }
});

test('read rejects a bad baud rate with the validator message and exit 2', async () => {
  const { code, stderr } = await runRead(['scanner', '/dev/ttyACM9', '--baud', '1234']).done;
  assert.equal(code, 2);
  assert.match(stderr, /read\.baud: expected one of 1200, .*got 1234/);
});

test('read exits 1 when --timeout passes before --count readings', async () => {
  const { code, stderr } = await runRead(['scanner', '/nonexistent/ttyX', '--count', '1', '--timeout', '1']).done;
  assert.equal(code, 1);
  assert.match(stderr, /no device at \/nonexistent\/ttyX/);
  assert.match(stderr, /timed out after 1 s/);
});

test('read idcard usb:vid:pid opens the reader over USB and says why when it cannot (here: no reader, or no USB bus)', async () => {
  const r = runRead(['idcard', 'usb:ffff:fffe', '--timeout', '2']);
  const { code, stderr } = await r.done;
  assert.equal(code, 1);
  assert.match(stderr, /idcard-read: (disconnected|error) USB ffff:fffe \((no device at USB ffff:fffe|.*usb\/devices.*|.*cannot load.*)\)/);
});

test('read rejects a USB link for anything but an ID-card reader, and a bad USB name', async () => {
  assert.equal((await runRead(['scanner', 'usb:0c2e:0b61']).done).code, 2);
  const bad = await runRead(['idcard', 'usb:port:usb1']).done;
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /read\.usb_port: expected a bus and port chain/);
});
