// Contract suite for the ESC/POS printer, one suite for both links: the simulator on a pty opened
// as a serial port, and the same simulator opened as a plain device node (link `usblp`, what a
// USB printer-class /dev/usb/lp0 is) always; a real printer when YSS_TEST_PRINTER=/dev/ttyUSB2 or
// =/dev/usb/lp0 names one (check the paper; open the cover, unplug and replug when asked).
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDevice, type BaudRate, type EscPosPrinterConfig, type PrinterDevice } from '../index.ts';
import { openPtyPair, PrinterSim } from '../../../../scripts/sim/index.ts';
import { captureLog, tempDir, untilState } from './helpers.ts';
import { hardwareTarget, simulatorTarget, suiteOptions, type Target } from './target.ts';

const TICKET = { title: '越秀区政务服务中心', number: 'A023', lines: ['业务: 户政办理', '前面还有 5 人'], qr: 'https://yss.example.cn/q/A023' };

function contract(t: Target<PrinterSim>, link?: 'usblp'): void {
  const config: EscPosPrinterConfig = {
    id: 'printer-1',
    role: 'printer',
    kind: 'escpos-printer',
    path: t.path,
    status_poll_ms: 100,
    reconnect_max_ms: 400,
    ...(link ? { link } : {}),
    ...(t.baud && !link && !/\/lp\d+$/.test(t.path) ? { baud: t.baud as BaudRate } : {}),
  };
  const printer = createDevice(config, captureLog().log) as PrinterDevice;
  const simOnly = { skip: t.where === 'hardware' && 'simulator only' };
  let paper: Promise<string> | null = null;

  before(() => t.plug());
  after(async () => {
    await printer.close();
    await t.close();
  });

  test('prints a ticket: title, big number, Chinese lines, QR and a cut', async () => {
    printer.start();
    await untilState(printer, 'connected');
    await t.act((sim) => void (paper = sim.nextTicket()), '');
    assert.deepEqual(await printer.print(TICKET), { ok: true, reason: null });
    await t.act(
      async () =>
        assert.equal(
          await paper,
          ['越秀区政务服务中心 [1x2]', 'A023 [4x4]', '业务: 户政办理', '前面还有 5 人', '[QR https://yss.example.cn/q/A023]', '', '[CUT]'].join('\n'),
        ),
      'check the ticket: the title, A023 in large type, two Chinese lines, a QR code, and a cut',
    );
  });

  test('paper-out shows in health and print() refuses with paper_out; paper back, it prints', simOnly, async () => {
    await t.act((sim) => void (sim.paperOut = true), '');
    const h = await untilState(printer, 'error', 3000);
    assert.equal(h.detail, 'paper_out');
    assert.deepEqual(await printer.print(TICKET), { ok: false, reason: 'paper_out' });
    await t.act((sim) => void (sim.paperOut = false), '');
    await untilState(printer, 'connected', 3000);
    assert.equal((await printer.print(TICKET)).ok, true);
  });

  test('a status answer lost once does not end the polling: paper-out after it still shows', simOnly, async () => {
    await t.act((sim) => void (sim.skipAnswers = 1), '');
    await t.act(async (sim) => {
      const deadline = Date.now() + 3000;
      while (sim.skipAnswers > 0 && Date.now() < deadline) await sleep(20);
      assert.equal(sim.skipAnswers, 0, 'the printer was asked and left one query unanswered');
    }, '');
    await sleep(700);
    await t.act((sim) => void (sim.paperOut = true), '');
    const h = await untilState(printer, 'error', 3000);
    assert.equal(h.detail, 'paper_out');
    await t.act((sim) => void (sim.paperOut = false), '');
    await untilState(printer, 'connected', 3000);
  });

  test('an open cover shows in health from the real-time status and print() refuses with cover_open', async () => {
    await t.act((sim) => void (sim.coverOpen = true), 'open the printer\'s cover');
    const h = await untilState(printer, 'error', t.humanMs);
    assert.equal(h.detail, 'cover_open');
    assert.deepEqual(await printer.print(TICKET), { ok: false, reason: 'cover_open' });
    await t.act((sim) => void (sim.coverOpen = false), 'close the cover');
    await untilState(printer, 'connected', t.humanMs);
  });

  test('offline shows in health and print() refuses with offline', simOnly, async () => {
    await t.act((sim) => void (sim.offline = true), '');
    const h = await untilState(printer, 'error', 3000);
    assert.equal(h.detail, 'offline');
    assert.deepEqual(await printer.print(TICKET), { ok: false, reason: 'offline' });
    await t.act((sim) => void (sim.offline = false), '');
    await untilState(printer, 'connected', 3000);
  });

  test('while unplugged print() resolves offline, and after replug it prints again', async () => {
    await t.unplug();
    await untilState(printer, 'disconnected', t.humanMs);
    assert.deepEqual(await printer.print(TICKET), { ok: false, reason: 'offline' });
    await t.plug();
    await untilState(printer, 'connected', Math.max(10_000, t.humanMs));
    await sleep(50);
    await t.act((sim) => void (paper = sim.nextTicket()), '');
    assert.equal((await printer.print({ number: 'B001' })).ok, true);
    await t.act(async () => assert.match(await paper!, /B001 \[4x4\]/), 'check that ticket B001 printed');
  });
}

describe('ESC/POS printer contract on the simulator, as a serial port', () => contract(simulatorTarget((peer) => PrinterSim.open(peer))));
describe('ESC/POS printer contract on the simulator, as a printer-class node', () => contract(simulatorTarget((peer) => PrinterSim.open(peer)), 'usblp'));
const hardware = hardwareTarget<PrinterSim>('YSS_TEST_PRINTER');
describe('ESC/POS printer contract on the hardware', suiteOptions(hardware, 'YSS_TEST_PRINTER'), () => {
  if (hardware) contract(hardware);
});

describe('ESC/POS printer whose first status answers are lost', () => {
  test('is not taken for one that never answers: its paper-out still shows', async () => {
    const dir = tempDir();
    const pty = await openPtyPair(join(dir, 'ttyP'), join(dir, 'ttyS'));
    const sim = await PrinterSim.open(pty.peer);
    // A printer warming up, or a machine too busy to read its answer in time, at the first two asks.
    sim.skipAnswers = 2;
    const printer = createDevice({ id: 'p', role: 'printer', kind: 'escpos-printer', path: pty.device, status_poll_ms: 100 }, captureLog().log) as PrinterDevice;
    try {
      printer.start();
      await untilState(printer, 'connected');
      const deadline = Date.now() + 5000;
      while (sim.skipAnswers > 0 && Date.now() < deadline) await sleep(20);
      assert.equal(sim.skipAnswers, 0, 'the first two queries went unanswered');
      sim.paperOut = true;
      assert.equal((await untilState(printer, 'error', 5000)).detail, 'paper_out');
    } finally {
      await printer.close();
      await sim.close();
      await pty.close();
    }
  });

  test('one that does not answer is assumed ready after three misses, asked again a minute later, and heard when it answers', async () => {
    const dir = tempDir();
    const pty = await openPtyPair(join(dir, 'ttyP'), join(dir, 'ttyS'));
    const sim = await PrinterSim.open(pty.peer);
    sim.silent = true;
    let clock = 1_000_000;
    const { log, lines } = captureLog();
    const printer = createDevice({ id: 'p', role: 'printer', kind: 'escpos-printer', path: pty.device, status_poll_ms: 50 }, log, { now: () => clock }) as PrinterDevice;
    const said = (text: string) => lines.filter((l) => l.includes(text)).length;
    try {
      printer.start();
      await untilState(printer, 'connected');
      for (const end = Date.now() + 10_000; said('does not answer status queries') === 0 && Date.now() < end; ) await sleep(20);
      assert.equal(said('does not answer status queries'), 1, 'written off once');
      sim.silent = false;
      sim.paperOut = true;
      await sleep(600);
      assert.equal(printer.health.state, 'connected', 'not asked again within the minute');
      clock += 60_000;
      assert.equal((await untilState(printer, 'error', 5000)).detail, 'paper_out');
      assert.equal(said('printer answers status queries now'), 1);
    } finally {
      await printer.close();
      await sim.close();
      await pty.close();
    }
  });
});

describe('ESC/POS printer that never answers status queries', () => {
  test('is assumed ready and prints', async () => {
    const dir = tempDir();
    const pty = await openPtyPair(join(dir, 'ttyP'), join(dir, 'ttyS'));
    const sim = await PrinterSim.open(pty.peer);
    sim.silent = true;
    const printer = createDevice({ id: 'p', role: 'printer', kind: 'escpos-printer', path: pty.device, status_poll_ms: 0 }, captureLog().log) as PrinterDevice;
    try {
      printer.start();
      await untilState(printer, 'connected');
      const paper = sim.nextTicket();
      assert.equal((await printer.print({ number: 'C9' })).ok, true);
      assert.match(await paper, /C9/);
      assert.equal(printer.health.state, 'connected');
    } finally {
      await printer.close();
      await sim.close();
      await pty.close();
    }
  });
});
