// The USB transfer fixtures (fixtures/usb/, computed from the GA 467 protocol by
// scripts/sim/usb-fixtures.ts) replayed to the real reader adapter over the mock USB backend:
// every OUT transfer it makes is compared byte for byte with the script, and the scripted IN
// transfers (split frames, a stall, timeouts, an unplug mid-reply) are what it gets back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDevice, MockUsbBackend, MockUsbDevice, type Device, type InItem, type Reading } from '../index.ts';
import { openUsbIdCardSim, USB_IDCARD_SPEC, usbFixtureDir, writeUsbFixtures, type UsbFixture, type UsbInFixture } from '../../../../scripts/sim/index.ts';
import { captureLog, nextReading, untilState, withTimeout } from './helpers.ts';

const load = (name: string) => JSON.parse(readFileSync(join(usbFixtureDir(), `${name}.json`), 'utf8')) as UsbFixture;

const item = (f: UsbInFixture): InItem =>
  'in' in f ? { data: Buffer.from(f.in, 'hex') } : 'stall' in f ? { stall: true } : 'timeout' in f ? { timeout: true } : { unplug: true };

interface Replay {
  reader: Device;
  device: MockUsbDevice;
  backend: MockUsbBackend;
  lines: string[];
  /** OUT transfers beyond the script (the reader polling on), left unanswered. */
  extra: string[];
  /** OUT transfers that differ from the script: `i: got, expected`. */
  wrong: string[];
  /** Resolves once every scripted exchange has been answered. */
  done: Promise<void>;
}

/** Plugs a mock reader that answers the fixture's script, then starts the adapter on it. */
function replay(fx: UsbFixture): Replay {
  const backend = new MockUsbBackend();
  const device = new MockUsbDevice(USB_IDCARD_SPEC);
  const extra: string[] = [];
  const wrong: string[] = [];
  let i = 0;
  let finish: () => void = () => {};
  const done = new Promise<void>((r) => (finish = r));
  device.onOut((bytes) => {
    const hex = bytes.toString('hex');
    const ex = fx.exchanges[i];
    if (!ex) {
      extra.push(hex);
      return;
    }
    if (hex !== ex.out) wrong.push(`${i}: ${hex}, expected ${ex.out}`);
    i++;
    device.queueIn(...ex.in.map(item));
    if (i === fx.exchanges.length) finish();
  });
  backend.plug(device);
  const { log, lines } = captureLog();
  const reader = createDevice(
    { id: 'idcard-usb', role: 'idcard', kind: 'ga467-reader', link: 'usb', vid: '0400', pid: 'c35a', poll_ms: 50, reconnect_max_ms: 400 },
    log,
    { usbBackend: async () => backend },
  );
  reader.start();
  return { reader, device, backend, lines, extra, wrong, done };
}

function pick(card: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, card[k] ?? null]));
}

const cardOf = (r: Reading) => (r as { card: Record<string, unknown> }).card;

test('the USB fixtures on disk are what the generator computes', () => {
  assert.deepEqual(writeUsbFixtures(true), []);
});

for (const name of ['ga467-usb-read-split', 'ga467-usb-hmt-permit', 'ga467-usb-foreigner-2023']) {
  test(`${name}: byte-identical requests, and the card it describes`, async () => {
    const fx = load(name);
    const r = replay(fx);
    try {
      const card = cardOf(await nextReading(r.reader));
      await withTimeout(r.done, 2000, 'the whole script');
      assert.deepEqual(r.wrong, []);
      const keys = Object.keys(fx.expected);
      assert.deepEqual(pick(card, keys), fx.expected);
      assert.ok(Buffer.isBuffer((card as { photo?: Buffer }).photo), 'the photo came through the reassembly');
      assert.deepEqual(r.device.calls.slice(0, 2), ['open', 'claim 0']);
    } finally {
      await r.reader.close();
    }
  });
}

test('ga467-usb-stall: a stalled IN endpoint is cleared once and the reply still arrives', async () => {
  const fx = load('ga467-usb-stall');
  const r = replay(fx);
  try {
    const card = cardOf(await nextReading(r.reader));
    await withTimeout(r.done, 2000, 'the whole script');
    assert.deepEqual(r.wrong, []);
    assert.equal(card.id_number, fx.expected.id_number);
    assert.equal(card.address_updates, undefined, '91: no appended address');
    assert.equal(r.device.calls.filter((c) => c === 'clear in 1').length, fx.expected.halts_cleared);
    assert.equal(r.reader.health.state, 'connected');
    assert.ok(r.lines.some((l) => l.includes('IN endpoint stalled')));
  } finally {
    await r.reader.close();
  }
});

test('ga467-usb-timeout: a reply that never comes times the request out, and the next poll reads the card', async () => {
  const fx = load('ga467-usb-timeout');
  const r = replay(fx);
  try {
    const card = cardOf(await nextReading(r.reader, 8000));
    await withTimeout(r.done, 2000, 'the whole script');
    assert.deepEqual(r.wrong, []);
    assert.equal(card.id_number, fx.expected.id_number);
    // Between the two reads: the same find and select, byte for byte (asserted in onOut).
    assert.equal(r.reader.health.state, 'connected');
  } finally {
    await r.reader.close();
  }
});

test('ga467-usb-unplug-mid-read: disconnected, no card from the half reply, and after replug a fresh read works', async () => {
  const fx = load('ga467-usb-unplug-mid-read');
  const r = replay(fx);
  const cards: Reading[] = [];
  r.reader.on('reading', (x) => cards.push(x));
  try {
    await withTimeout(r.done, 3000, 'the whole script');
    assert.deepEqual(r.wrong, []);
    const h = await untilState(r.reader, 'disconnected', 3000);
    assert.match(h.detail ?? '', /unplugged/);
    assert.equal(cards.length, fx.expected.cards);
    await sleep(100);
    // Plugged back in: the simulator plays the reader now; the half frame must not poison the parser.
    const sim = openUsbIdCardSim(r.device);
    r.backend.plug(r.device);
    await untilState(r.reader, 'connected', 3000);
    const got = nextReading(r.reader);
    sim.place({ id_number: '11010519491231002X', name: '赵六', birth: '19491231' });
    assert.equal(cardOf(await got).id_number, '11010519491231002X');
  } finally {
    await r.reader.close();
  }
});

test('a USB reader that cannot be opened says why, and keeps trying', async () => {
  const backend = new MockUsbBackend();
  const device = new MockUsbDevice(USB_IDCARD_SPEC);
  device.failNextOpen(new Error('LIBUSB_ERROR_ACCESS: Access denied (insufficient permissions)'));
  backend.plug(device);
  const sim = openUsbIdCardSim(device);
  const { log } = captureLog();
  const reader = createDevice({ id: 'idcard-usb', role: 'idcard', kind: 'ga467-reader', link: 'usb', usb_port: '1-1.4', poll_ms: 50 }, log, { usbBackend: async () => backend });
  try {
    const states: string[] = [];
    reader.on('status', (h) => states.push(`${h.state}: ${h.detail}`));
    reader.start();
    await untilState(reader, 'connected', 3000);
    assert.ok(states.some((s) => /^error: .*no permission.*udev/.test(s)), states.join('\n'));
    const got = nextReading(reader);
    sim.place({ id_number: '11010519491231002X' });
    assert.equal(cardOf(await got).id_number, '11010519491231002X');
  } finally {
    await reader.close();
  }
});

test('a USB device without bulk endpoints is reported, not opened', async () => {
  const backend = new MockUsbBackend();
  const device = new MockUsbDevice({ ...USB_IDCARD_SPEC, interfaces: [{ interfaceNumber: 0, interfaceClass: 3, endpoints: [{ endpointNumber: 1, direction: 'in', type: 'interrupt', packetSize: 8 }] }] });
  backend.plug(device);
  const { log } = captureLog();
  const reader = createDevice({ id: 'idcard-usb', role: 'idcard', kind: 'ga467-reader', link: 'usb', vid: '0400', pid: 'c35a' }, log, { usbBackend: async () => backend });
  try {
    reader.start();
    const h = await untilState(reader, 'error', 3000);
    assert.match(h.detail ?? '', /0400:c35a at 1-1\.4 has no interface with bulk IN and bulk OUT endpoints/);
    assert.ok(!device.calls.includes('open'));
  } finally {
    await reader.close();
  }
});

test('on the real usb package, a reader that is not here is a state with a reason, never a crash', async () => {
  const { log } = captureLog();
  // No usbBackend given: the `usb` package itself. On a machine without a USB bus (a container)
  // enumeration fails; elsewhere the device is simply absent. Either way: a status, and retries.
  const reader = createDevice({ id: 'idcard-usb', role: 'idcard', kind: 'ga467-reader', link: 'usb', vid: 'ffff', pid: 'fffe' }, log);
  const seen: string[] = [];
  reader.on('status', (h) => seen.push(`${h.state}: ${h.detail}`));
  try {
    reader.start();
    await withTimeout(
      new Promise<void>((resolve) => {
        const check = () => (seen.some((s) => /^(error|disconnected): /.test(s)) ? resolve() : setTimeout(check, 20));
        check();
      }),
      5000,
      'a reason',
    );
    assert.ok(seen.some((s) => /no device at USB ffff:fffe|usb\/devices|cannot load/.test(s)), seen.join('\n'));
    await sleep(600); // a retry or two, with hot-plug registered, and still nothing thrown
  } finally {
    await reader.close();
  }
});
