// The daemon built in-process from its parts, with devices injected: real adapters on socat ptys
// fed by the simulators, the real API on a loopback port, a real SQLite file. No sync service:
// what is tested here is the wiring (reading → pipeline → kiosk → effects, health, stop).
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { EventFeed, waitFor } from '../../scripts/lib/stack.ts';
import { openPtyPair, PrinterSim, ScannerSim, type PtyPair } from '../../scripts/sim/index.ts';
import type { Health } from './api/index.ts';
import { makeWorld, NOW, yssCode } from './codes/test/helpers.ts';
import { parseConfig } from './config/index.ts';
import { openDatabase } from './db/index.ts';
import { createDevice, type DeviceConfig } from './devices/index.ts';
import { startTerminal, type Terminal } from './main.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

const silent = pino({ level: 'silent' });
const world = makeWorld();

function config(dir: string, devices: DeviceConfig[], port = 0) {
  writeFileSync(join(dir, 'trust-list.jws'), world.jws);
  return parseConfig(
    {
      data_dir: 'data',
      name: '测试大厅',
      api: { host: '127.0.0.1', port },
      trust: { roots: [`${world.root.root.kid}:${world.root.root.x}`], file: 'trust-list.jws' },
      // A ticket machine for one service, as an installer would write it inline.
      venue: {
        name: 'immigration-hall',
        kind: 'kiosk',
        title: { 'zh-CN': '出入境大厅', 'zh-HK': '出入境大廳', en: 'Exit-entry hall' },
        event: 'ticket',
        inputs: { codes: [{ type: 'personal' }] },
        replay: { per: 'code', on_replay: 'refuse' },
        record: { fields: [] },
        actions: [{ do: 'print-ticket', prefix: 'B', service: '出入境' }],
      },
      devices,
    },
    dir,
  );
}

describe('a ticket machine started in-process with injected devices', () => {
  let dir: string;
  let ptys: PtyPair[];
  let scanner: ScannerSim;
  let printer: PrinterSim;
  let terminal: Terminal;
  let feed: EventFeed;

  before(async () => {
    dir = tempDir('yss-daemon-');
    ptys = [await openPtyPair(join(dir, 'dev/scanner'), join(dir, 'dev/scanner-sim')), await openPtyPair(join(dir, 'dev/printer'), join(dir, 'dev/printer-sim'))];
    const devices: DeviceConfig[] = [
      { id: 'scanner-1', role: 'scanner', kind: 'serial-scanner', path: join(dir, 'dev/scanner'), baud: 9600, framing: 'cr' },
      { id: 'printer-1', role: 'printer', kind: 'escpos-printer', path: join(dir, 'dev/printer'), baud: 9600, status_poll_ms: 0 },
    ];
    const cfg = config(dir, devices);
    scanner = await ScannerSim.open(ptys[0]!.peer);
    printer = await PrinterSim.open(ptys[1]!.peer);
    // The clock's wall reads the time the test keys were made at, so nothing here depends on today.
    const started = performance.now() / 1000;
    terminal = await startTerminal(cfg, {
      log: silent,
      devices: cfg.devices.map((c) => createDevice(c, silent)),
      clock: { wall: () => NOW + (performance.now() / 1000 - started), monotonic: () => performance.now() / 1000 },
    });
    feed = await EventFeed.open(terminal.url);
    await waitFor(() => terminal.health().devices.every((d) => d.state === 'connected'), 10_000, 20, 'both devices to connect');
  });

  after(async () => {
    feed?.close();
    await terminal?.stop();
    await scanner?.close();
    await printer?.port.close();
    for (const p of ptys ?? []) await p.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a scanned code becomes a committed verdict on the kiosk feed and a printed ticket', async () => {
    const ticket = printer.nextTicket();
    await scanner.scan(yssCode(world), { suffix: '\r' });
    const v = await feed.nextVerdict(0);
    assert.equal(v.accepted, true);
    assert.deepEqual(v.effects, [{ kind: 'ticket', number: 'B001', service: '出入境', issued_today: 0 }]);
    const printed = await ticket;
    assert.match(printed, /B001/);
    assert.match(printed, /出入境/);
  });

  test('health names the injected devices and the trust list, with nothing degraded', () => {
    const h: Health = terminal.health();
    assert.deepEqual(h.devices.map((d) => [d.id, d.state]), [['scanner-1', 'connected'], ['printer-1', 'connected']]);
    assert.equal(h.trust.sequence, 1);
    assert.equal(h.sync.state, 'disabled');
    assert.deepEqual(h.degraded, []);
  });
});

test('a start that fails at listening leaves the database closed and no device open', async () => {
  const dir = tempDir('yss-daemon-fail-');
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  const port = (taken.address() as { port: number }).port;
  const pty = await openPtyPair(join(dir, 'dev/scanner'), join(dir, 'dev/scanner-sim'));
  try {
    const cfg = config(dir, [{ id: 'scanner-1', role: 'scanner', kind: 'serial-scanner', path: join(dir, 'dev/scanner'), baud: 9600, framing: 'cr' }], port);
    const devices = cfg.devices.map((c) => createDevice(c, silent));
    await assert.rejects(startTerminal(cfg, { log: silent, devices, clock: { wall: () => NOW } }), /port \d+ on 127\.0\.0\.1 is already in use/);
    assert.equal(devices[0]!.health.state, 'disconnected', 'the scanner was never opened');
    // The file is free: an exclusive lock succeeds at once (it would wait on a connection still open).
    const db = openDatabase(join(dir, 'data'));
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    db.close();
  } finally {
    taken.close();
    await pty.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
