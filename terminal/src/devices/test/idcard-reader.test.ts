// Contract suite for the GA 467 reader adapter: on the pty simulator always, and on a real
// reader when YSS_TEST_IDCARD=/dev/ttyUSB0 names one (place a card when asked).
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDevice } from '../index.ts';
import { IdCardSim, openPtyPair, type PtyPair, type SimCard } from '../../../../scripts/sim/index.ts';
import { captureLog, nextReading, tempDir, untilState } from './helpers.ts';

const CARD: SimCard = {
  name: '王小明',
  sex: '1',
  nation: '01',
  birth: '19900307',
  address: '广东省广州市天河区体育西路1号',
  id_number: '440106199003071231',
  authority: '广州市公安局天河分局',
  valid_from: '20200101',
  valid_to: '20400101',
};

describe('GA 467 reader on a pty pair', () => {
  const dir = tempDir();
  const device = join(dir, 'ttyIdcard');
  const peer = join(dir, 'ttySim');
  let pty: PtyPair;
  let sim: IdCardSim;
  const { log, lines } = captureLog();
  const reader = createDevice({ id: 'idcard-1', role: 'idcard', kind: 'ga467-reader', path: device, poll_ms: 50, reconnect_max_ms: 400 }, log);

  after(async () => {
    await reader.close();
    await sim?.close();
    await pty?.close();
  });

  test('checks the SAM, then reads a presented card into the documented record', async () => {
    pty = await openPtyPair(device, peer);
    sim = await IdCardSim.open(peer);
    reader.start();
    await untilState(reader, 'connected');
    assert.equal(sim.commands[0], '11ff');
    const got = nextReading(reader);
    sim.place(CARD);
    const r = await got;
    assert.equal(r.kind, 'idcard');
    const card = (r as { card: Record<string, unknown> }).card;
    assert.deepEqual(JSON.parse(JSON.stringify(card)), {
      kind: 'idcard',
      card_type: 'resident',
      name: '王小明',
      name_en: null,
      id_number: '440106199003071231',
      id_number_valid: true,
      sex: 'male',
      nation: '汉',
      nation_code: '01',
      nationality: 'CHN',
      birth_date: '1990-03-07',
      address: '广东省广州市天河区体育西路1号',
      authority: '广州市公安局天河分局',
      valid_from: '2020-01-01',
      valid_to: '2040-01-01',
    });
    const photo = (card as { photo?: Buffer }).photo;
    assert.ok(Buffer.isBuffer(photo) && photo.length === 1024, 'the photo bytes are kept');
    assert.ok(!Object.keys(card).includes('photo'), 'but not enumerable');
  });

  test('a card left on the reader is read once; presented again, it is read again', async () => {
    const seen: unknown[] = [];
    reader.on('reading', (r) => seen.push(r));
    await sleep(400);
    assert.equal(seen.length, 0);
    sim.remove();
    await sleep(150);
    sim.place(CARD);
    await sleep(400);
    assert.equal(seen.length, 1);
  });

  test('a refused read (status 41) is logged by reason and polling goes on', async () => {
    sim.fail = { cmd: '3001', sw3: 0x41 };
    sim.place({ ...CARD, id_number: '11010519491231002X' });
    await sleep(300);
    assert.ok(lines.some((l) => l.includes('read_failed')));
    sim.fail = null;
    const got = nextReading(reader);
    sim.place({ ...CARD, id_number: '11010519491231002X' });
    assert.equal(((await got) as { card: Record<string, unknown> }).card.id_number, '11010519491231002X');
  });

  test('unplug is reported and after replug cards are read again', async () => {
    await sim.close();
    await pty.close();
    await untilState(reader, 'disconnected');
    pty = await openPtyPair(device, peer);
    sim = await IdCardSim.open(peer);
    await untilState(reader, 'connected', 10_000);
    const got = nextReading(reader);
    sim.place(CARD);
    assert.equal(((await got) as { card: Record<string, unknown> }).card.name, '王小明');
  });

  test('names, numbers and photo bytes never reach the log', () => {
    const all = lines.join('');
    assert.ok(all.includes('ID card read'));
    for (const secret of ['王小明', '440106199003071231', '体育西路', 'WLTPHOTO']) assert.ok(!all.includes(secret), secret);
  });
});

describe('GA 467 reader on real hardware', { skip: !process.env.YSS_TEST_IDCARD && 'set YSS_TEST_IDCARD=/dev/ttyUSB0 to run' }, () => {
  const reader = createDevice(
    { id: 'idcard-hw', role: 'idcard', kind: 'ga467-reader', path: process.env.YSS_TEST_IDCARD ?? '', baud: Number(process.env.YSS_TEST_BAUD ?? 115200) as 115200 },
    captureLog().log,
  );
  after(() => reader.close());

  test('answers SAM status and reads a card placed within 30 s', async () => {
    reader.start();
    await untilState(reader, 'connected');
    console.log('place an ID card on the reader');
    const r = await nextReading(reader, 30_000);
    assert.equal(r.kind, 'idcard');
  });

  test('unplug and replug are survived (unplug, then replug within 30 s)', async () => {
    console.log('unplug the reader now');
    await untilState(reader, 'disconnected', 30_000);
    console.log('plug it back in');
    await untilState(reader, 'connected', 30_000);
  });
});
