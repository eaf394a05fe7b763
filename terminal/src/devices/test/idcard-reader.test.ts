// Contract suite for the GA 467 reader adapter, one suite for both links: on the pty simulator and
// on the simulator behind the mock USB backend always, and on a real reader when
// YSS_TEST_IDCARD=/dev/ttyUSB0 (serial) or YSS_TEST_IDCARD_USB=0400:c35a or =port:1-1.4 (USB)
// names one (place a card, unplug and replug when asked).
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDevice, MockUsbBackend, MockUsbDevice, type BaudRate, type DeviceOptions, type IdCardReaderConfig } from '../index.ts';
import { IdCardSim, openUsbIdCardSim, USB_IDCARD_SPEC, type SimCard } from '../../../../scripts/sim/index.ts';
import { captureLog, nextReading, untilState } from './helpers.ts';
import { hardwareTarget, simulatorTarget, suiteOptions, usbSimulatorTarget, type Target } from './target.ts';

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

const EXPECTED = {
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
};

type Card = Record<string, unknown> & { photo?: Buffer };

type Link = Pick<IdCardReaderConfig, 'link' | 'path' | 'vid' | 'pid' | 'usb_port' | 'baud'>;

function contract(t: Target<IdCardSim>, link: Link, options: DeviceOptions = {}): void {
  const { log, lines } = captureLog();
  const config: IdCardReaderConfig = { id: 'idcard-1', role: 'idcard', kind: 'ga467-reader', ...link, poll_ms: 50, reconnect_max_ms: 400 };
  const reader = createDevice(config, log, options);
  const simOnly = { skip: t.where === 'hardware' && 'simulator only' };
  const seenCards: Card[] = [];
  reader.on('reading', (r) => r.kind === 'idcard' && seenCards.push(r.card as Card));

  before(() => t.plug());
  after(async () => {
    await reader.close();
    await t.close();
  });

  test('checks the SAM, then reads a presented card into the documented record', async () => {
    reader.start();
    await untilState(reader, 'connected');
    await t.act((sim) => assert.equal(sim.commands[0], '11ff', 'SAM status first'), '');
    const got = nextReading(reader, t.humanMs);
    await t.act((sim) => sim.place(CARD), 'place an ID card on the reader');
    const r = await got;
    assert.equal(r.kind, 'idcard');
    const card = (r as { card: Card }).card;
    if (t.where === 'simulator') assert.deepEqual(JSON.parse(JSON.stringify(card)), EXPECTED);
    else {
      assert.ok(['resident', 'hmt_residence_permit', 'foreign_permanent_resident', 'foreign_permanent_resident_2023'].includes(card.card_type as string));
      assert.equal(typeof card.id_number, 'string');
    }
    assert.ok(Buffer.isBuffer(card.photo) && card.photo.length === 1024, 'the photo bytes are kept');
    assert.ok(!Object.keys(card).includes('photo'), 'but not enumerable');
  });

  test('a card left on the reader is read once; presented again, it is read again', simOnly, async () => {
    const before = seenCards.length;
    await sleep(400);
    assert.equal(seenCards.length, before);
    await t.act(async (sim) => {
      sim.remove();
      await sleep(150);
      sim.place(CARD);
    }, '');
    await sleep(400);
    assert.equal(seenCards.length, before + 1);
  });

  test('a refused read (status 41) is logged by reason and polling goes on', simOnly, async () => {
    const other = { ...CARD, id_number: '11010519491231002X' };
    await t.act((sim) => {
      sim.fail = { cmd: '3001', sw3: 0x41 };
      sim.place(other);
    }, '');
    await sleep(300);
    assert.ok(lines.some((l) => l.includes('read_failed')));
    const got = nextReading(reader);
    await t.act((sim) => {
      sim.fail = null;
      sim.place(other);
    }, '');
    assert.equal(((await got) as { card: Card }).card.id_number, '11010519491231002X');
  });

  test('reads the appended-address record and a residence permit\'s own fields', simOnly, async () => {
    const permit: SimCard = { ...CARD, type: 'J', id_number: '810000199201010021', permit_number: 'H60123456', issue_count: '02', address_updates: ['广东省广州市海珠区新港中路3号'] };
    const got = nextReading(reader);
    await t.act((sim) => {
      sim.remove();
      sim.place(permit);
    }, '');
    const card = ((await got) as { card: Card }).card;
    assert.deepEqual(
      [card.card_type, card.permit_number, card.issue_count, card.address_updates],
      ['hmt_residence_permit', 'H60123456', '02', ['广东省广州市海珠区新港中路3号']],
    );
    await t.act((sim) => assert.equal(sim.commands.at(-1), '3003', 'the appended address is asked for after the read'), '');
  });

  test('unplug is reported and after replug cards are read again', async () => {
    await t.unplug();
    await untilState(reader, 'disconnected', t.humanMs);
    await t.plug();
    await untilState(reader, 'connected', Math.max(10_000, t.humanMs));
    const got = nextReading(reader, t.humanMs);
    await t.act((sim) => sim.place(CARD), 'lift the card and place it again');
    assert.equal(((await got) as { card: Card }).card.kind, 'idcard');
  });

  test('names, numbers and photo bytes never reach the log', () => {
    const all = lines.join('');
    assert.ok(all.includes('ID card read'));
    assert.ok(seenCards.length > 0);
    for (const card of seenCards) {
      for (const secret of [card.name, card.id_number, card.address].filter((x): x is string => typeof x === 'string' && x.length > 0)) {
        assert.ok(!all.includes(secret), 'personal data in the log');
      }
      assert.ok(!all.includes(card.photo!.subarray(0, 16).toString('latin1')));
    }
  });
}

/** `0400:c35a` or `port:1-1.4`, as YSS_TEST_IDCARD_USB gives it. */
function usbLink(spec: string): Link {
  const port = /^port:(.+)$/.exec(spec);
  if (port) return { link: 'usb', usb_port: port[1] };
  const [vid, pid] = spec.split(':');
  return { link: 'usb', vid, pid };
}

const serialSim = simulatorTarget((peer) => IdCardSim.open(peer));
const serialHw = hardwareTarget<IdCardSim>('YSS_TEST_IDCARD');
const usbBackend = new MockUsbBackend();
const usbSim = usbSimulatorTarget(usbBackend, new MockUsbDevice(USB_IDCARD_SPEC), (d) => openUsbIdCardSim(d));
const usbHw = hardwareTarget<IdCardSim>('YSS_TEST_IDCARD_USB');

describe('GA 467 reader contract on the serial simulator', () => contract(serialSim, { path: serialSim.path }));
describe('GA 467 reader contract on the USB simulator', () =>
  contract(usbSim, { link: 'usb', vid: '0400', pid: 'c35a' }, { usbBackend: async () => usbBackend }));
describe('GA 467 reader contract on a serial reader', suiteOptions(serialHw, 'YSS_TEST_IDCARD'), () => {
  if (serialHw) contract(serialHw, { path: serialHw.path, ...(serialHw.baud ? { baud: serialHw.baud as BaudRate } : {}) });
});
describe('GA 467 reader contract on a USB reader', { skip: usbHw ? false : 'set YSS_TEST_IDCARD_USB=vid:pid or port:1-1.4 to run on a real USB reader' }, () => {
  if (usbHw) contract(usbHw, usbLink(usbHw.path));
});
