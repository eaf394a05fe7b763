// Contract suite for the MRZ reader adapter: pty simulator always; a real reader when
// YSS_TEST_MRZ=/dev/ttyUSB1 names one (swipe the documents asked for).
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDevice, type BaudRate, type MrzReaderConfig } from '../index.ts';
import { MrzSim } from '../../../../scripts/sim/index.ts';
import { captureLog, nextReading, untilState } from './helpers.ts';
import { hardwareTarget, simulatorTarget, suiteOptions, type Target } from './target.ts';

const TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'] as const;
const TD1 = ['I<UTOD231458907<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'] as const;

type Mrz = { kind: string; lines: string[]; fields: Record<string, unknown> };

function contract(t: Target<MrzSim>): void {
  const { log, lines } = captureLog();
  const config: MrzReaderConfig = { id: 'mrz-1', role: 'mrz', kind: 'mrz-reader', path: t.path, reconnect_max_ms: 400, frame_timeout_ms: 100, ...(t.baud ? { baud: t.baud as BaudRate } : {}) };
  const reader = createDevice(config, log);
  const simOnly = { skip: t.where === 'hardware' && 'simulator only' };
  const seen: Mrz[] = [];
  reader.on('reading', (r) => seen.push(r as Mrz));

  before(() => t.plug());
  after(async () => {
    await reader.close();
    await t.close();
  });

  test('a passport (TD3) arrives as one reading with checked fields', async () => {
    reader.start();
    await untilState(reader, 'connected');
    const got = nextReading(reader, t.humanMs);
    await t.act((sim) => sim.send(TD3), 'swipe a passport');
    const r = (await got) as Mrz;
    assert.equal(r.kind, 'mrz');
    if (t.where === 'simulator') {
      assert.deepEqual(r.lines, TD3);
      assert.equal(r.fields.document_number, 'L898902C3');
    }
    assert.equal(r.fields.format, 'TD3');
    assert.equal(r.fields.valid, true);
  });

  test('an ID card (TD1) arrives too, here in the 3M frame with underscores', async () => {
    const got = nextReading(reader, t.humanMs);
    await t.act((sim) => sim.send(TD1, '3m'), 'swipe an ID card with a 3-line MRZ (TD1)');
    const r = (await got) as Mrz;
    if (t.where === 'simulator') assert.deepEqual(r.lines, TD1);
    assert.equal(r.fields.format, 'TD1');
    assert.equal(r.fields.valid, true);
  });

  test('a lone first line is dropped after the silence timeout instead of joining the next document', simOnly, async () => {
    await t.act(async (sim) => {
      await sim.port.write(`${TD3[0]}\r\n`);
      await sleep(250);
    }, '');
    const got = nextReading(reader);
    await t.act(async (sim) => {
      await sim.send([TD3[1].replace('ZE184226B', 'ZE184226C')]);
      await sim.send(TD3);
    }, '');
    assert.deepEqual(((await got) as Mrz).lines, TD3);
    assert.ok(lines.some((l) => l.includes('incomplete MRZ dropped')));
  });

  test('unplug and replug are survived', async () => {
    await t.unplug();
    await untilState(reader, 'disconnected', t.humanMs);
    await t.plug();
    await untilState(reader, 'connected', Math.max(10_000, t.humanMs));
    const got = nextReading(reader, t.humanMs);
    await t.act((sim) => sim.send(TD1), 'swipe the ID card again');
    assert.equal(((await got) as Mrz).kind, 'mrz');
  });

  test('names and document numbers never reach the log', () => {
    const all = lines.join('');
    assert.ok(all.includes('MRZ read'));
    for (const r of seen) {
      for (const k of ['surname', 'document_number'] as const) {
        const v = r.fields[k];
        if (typeof v === 'string' && v) assert.ok(!all.includes(v), k);
      }
    }
  });
}

const targets: [string, Target<MrzSim> | null][] = [
  ['simulator', simulatorTarget((peer) => MrzSim.open(peer))],
  ['hardware', hardwareTarget<MrzSim>('YSS_TEST_MRZ')],
];
for (const [where, target] of targets) {
  describe(`MRZ reader contract on the ${where}`, suiteOptions(target, 'YSS_TEST_MRZ'), () => {
    if (target) contract(target);
  });
}
