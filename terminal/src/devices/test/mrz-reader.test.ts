// Contract suite for the MRZ reader adapter: pty simulator always; YSS_TEST_MRZ=/dev/ttyUSB1 for
// a real reader (swipe a passport when asked).
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDevice } from '../index.ts';
import { MrzSim, openPtyPair, type PtyPair } from '../../../../scripts/sim/index.ts';
import { captureLog, nextReading, tempDir, untilState } from './helpers.ts';

const TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
const TD1 = ['I<UTOD231458907<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'];

describe('MRZ reader on a pty pair', () => {
  const dir = tempDir();
  const device = join(dir, 'ttyMrz');
  const peer = join(dir, 'ttySim');
  let pty: PtyPair;
  let sim: MrzSim;
  const { log, lines } = captureLog();
  const reader = createDevice({ id: 'mrz-1', role: 'mrz', kind: 'mrz-reader', path: device, reconnect_max_ms: 400, frame_timeout_ms: 100 }, log);

  after(async () => {
    await reader.close();
    await sim?.close();
    await pty?.close();
  });

  test('a passport (TD3) arrives as one reading with checked fields', async () => {
    pty = await openPtyPair(device, peer);
    sim = await MrzSim.open(peer);
    reader.start();
    await untilState(reader, 'connected');
    const got = nextReading(reader);
    await sim.send(TD3);
    const r = (await got) as { kind: string; lines: string[]; fields: Record<string, unknown> };
    assert.equal(r.kind, 'mrz');
    assert.deepEqual(r.lines, TD3);
    assert.equal(r.fields.document_number, 'L898902C3');
    assert.equal(r.fields.valid, true);
  });

  test('an ID card (TD1) in the 3M frame with underscores arrives too', async () => {
    const got = nextReading(reader);
    await sim.send(TD1, '3m');
    const r = (await got) as { lines: string[]; fields: Record<string, unknown> };
    assert.deepEqual(r.lines, TD1);
    assert.equal(r.fields.format, 'TD1');
    assert.equal(r.fields.valid, true);
  });

  test('a lone first line is dropped after the silence timeout instead of joining the next document', async () => {
    await sim.port.write(`${TD3[0]}\r\n`);
    await sleep(250);
    const got = nextReading(reader);
    await sim.send([TD3[1].replace('ZE184226B', 'ZE184226C')]);
    await sim.send(TD3);
    const r = (await got) as { lines: string[] };
    assert.deepEqual(r.lines, TD3);
    assert.ok(lines.some((l) => l.includes('incomplete MRZ dropped')));
  });

  test('unplug and replug are survived', async () => {
    await sim.close();
    await pty.close();
    await untilState(reader, 'disconnected');
    pty = await openPtyPair(device, peer);
    sim = await MrzSim.open(peer);
    await untilState(reader, 'connected', 10_000);
    const got = nextReading(reader);
    await sim.send(TD1);
    assert.equal(((await got) as { kind: string }).kind, 'mrz');
  });

  test('names and document numbers never reach the log', () => {
    const all = lines.join('');
    assert.ok(all.includes('MRZ read'));
    assert.ok(!all.includes('ERIKSSON') && !all.includes('L898902C3'));
  });
});

describe('MRZ reader on real hardware', { skip: !process.env.YSS_TEST_MRZ && 'set YSS_TEST_MRZ=/dev/ttyUSB1 to run' }, () => {
  const reader = createDevice({ id: 'mrz-hw', role: 'mrz', kind: 'mrz-reader', path: process.env.YSS_TEST_MRZ ?? '' }, captureLog().log);
  after(() => reader.close());

  test('reads a passport swiped within 30 s', async () => {
    reader.start();
    await untilState(reader, 'connected');
    console.log('swipe a passport');
    assert.equal((await nextReading(reader, 30_000)).kind, 'mrz');
  });
});
