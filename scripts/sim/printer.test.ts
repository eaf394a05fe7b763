import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openPtyPair } from '../lib/pty.ts';
import { PrinterSim } from './printer.ts';
import { SimPort } from './sim-port.ts';
import { tempDir } from '../lib/temp-dir.ts';

test('the printer simulator answers a DLE EOT query split between two reads, once', async () => {
  const dir = tempDir('yss-printer-sim-');
  const pty = await openPtyPair(join(dir, 'host'), join(dir, 'sim'));
  const sim = await PrinterSim.open(pty.peer);
  const host = await SimPort.open(pty.device, 9600);
  const got: number[] = [];
  host.onData((chunk) => got.push(...chunk));
  const answer = async (count: number) => {
    for (const end = Date.now() + 5000; got.length < count && Date.now() < end; ) await sleep(10);
    return got.slice(count - 1);
  };
  try {
    sim.paperOut = true;
    await host.write(Buffer.from([0x10]));
    await sleep(100);
    await host.write(Buffer.from([0x04, 0x04]));
    assert.deepEqual(await answer(1), [0x72], 'paper end: bits 5 and 6 beside the fixed bits');
    await host.write(Buffer.from([0x10, 0x04]));
    await sleep(100);
    sim.paperOut = false;
    await host.write(Buffer.from([0x04]));
    assert.deepEqual(await answer(2), [0x12]);
    await sleep(200);
    assert.equal(got.length, 2, 'each query answered once');
  } finally {
    await host.close();
    await sim.close();
    await pty.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
