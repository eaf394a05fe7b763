// Contract suite for the ESC/POS printer: pty simulator always; YSS_TEST_PRINTER=/dev/ttyUSB2
// prints one real ticket (check the paper).
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDevice, type PrinterDevice } from '../index.ts';
import { openPtyPair, PrinterSim, type PtyPair } from '../../../../scripts/sim/index.ts';
import { captureLog, tempDir, untilState } from './helpers.ts';

const TICKET = { title: '越秀区政务服务中心', number: 'A023', lines: ['业务: 户政办理', '前面还有 5 人'], qr: 'https://yss.example.cn/q/A023' };

describe('ESC/POS printer on a pty pair', () => {
  const dir = tempDir();
  const device = join(dir, 'ttyPrinter');
  const peer = join(dir, 'ttySim');
  let pty: PtyPair;
  let sim: PrinterSim;
  const printer = createDevice(
    { id: 'printer-1', role: 'printer', kind: 'escpos-printer', path: device, status_poll_ms: 100, reconnect_max_ms: 400 },
    captureLog().log,
  ) as PrinterDevice;

  after(async () => {
    await printer.close();
    await sim?.close();
    await pty?.close();
  });

  test('prints a ticket whose decoded paper shows the title, the big number, Chinese lines, the QR and a cut', async () => {
    pty = await openPtyPair(device, peer);
    sim = await PrinterSim.open(peer);
    printer.start();
    await untilState(printer, 'connected');
    const paper = sim.nextTicket();
    assert.deepEqual(await printer.print(TICKET), { ok: true, reason: null });
    assert.equal(
      await paper,
      ['越秀区政务服务中心 [1x2]', 'A023 [4x4]', '业务: 户政办理', '前面还有 5 人', '[QR https://yss.example.cn/q/A023]', '', '[CUT]'].join('\n'),
    );
  });

  test('paper-out shows in health and print() refuses with paper_out; paper back, it prints', async () => {
    sim.paperOut = true;
    const h = await untilState(printer, 'error', 3000);
    assert.equal(h.detail, 'paper_out');
    assert.deepEqual(await printer.print(TICKET), { ok: false, reason: 'paper_out' });
    sim.paperOut = false;
    await untilState(printer, 'connected', 3000);
    assert.equal((await printer.print(TICKET)).ok, true);
  });

  test('while unplugged print() resolves offline, and after replug it prints again', async () => {
    await sim.close();
    await pty.close();
    await untilState(printer, 'disconnected');
    assert.deepEqual(await printer.print(TICKET), { ok: false, reason: 'offline' });
    pty = await openPtyPair(device, peer);
    sim = await PrinterSim.open(peer);
    await untilState(printer, 'connected', 10_000);
    await sleep(50);
    const paper = sim.nextTicket();
    assert.equal((await printer.print({ number: 'B001' })).ok, true);
    assert.match(await paper, /B001 \[4x4\]/);
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

describe('ESC/POS printer on real hardware', { skip: !process.env.YSS_TEST_PRINTER && 'set YSS_TEST_PRINTER=/dev/ttyUSB2 to run' }, () => {
  test('prints one ticket', async () => {
    const printer = createDevice({ id: 'p-hw', role: 'printer', kind: 'escpos-printer', path: process.env.YSS_TEST_PRINTER ?? '' }, captureLog().log) as PrinterDevice;
    printer.start();
    await untilState(printer, 'connected');
    assert.equal((await printer.print(TICKET)).ok, true);
    await printer.close();
  });
});
