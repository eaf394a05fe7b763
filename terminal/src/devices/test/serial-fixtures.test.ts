// The serial byte fixtures (fixtures/serial/, generated from the protocols by
// scripts/sim/serial-fixtures.ts) through the parsers, split at awkward places, and a GA 467
// exchange replayed byte for byte to the real reader adapter over a pty.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CMD, encodeRequest, Ga467Parser, parseCardText, parseReadReply, statusReason, type Ga467Frame } from '../idcard/index.ts';
import { mrzLines, parseMrz } from '../mrz/index.ts';
import { SsiParser, type SsiPacket } from '../ssi/index.ts';
import { createDevice } from '../index.ts';
import { openPtyPair, serialFixtureDir, SimPort, writeSerialFixtures, type SerialFixture } from '../../../../scripts/sim/index.ts';
import { captureLog, nextReading, tempDir } from './helpers.ts';
import { nth } from '../../../../scripts/lib/nth.ts';

const load = (name: string) => JSON.parse(readFileSync(join(serialFixtureDir(), `${name}.json`), 'utf8')) as SerialFixture;
const bytes = (hex: string[]) => Buffer.concat(hex.map((h) => Buffer.from(h, 'hex')));

/** Feeds a stream in chunks of 1, 2, 3, ... bytes, cycling, to hit every split position. */
function chunked(b: Buffer, push: (c: Buffer) => void): void {
  for (let i = 0, n = 1; i < b.length; i += n, n = (n % 13) + 1) push(b.subarray(i, i + n));
}

test('the serial fixtures on disk are what the generator computes', () => {
  assert.deepEqual(writeSerialFixtures(true), []);
});

test('GA 467 fixture: our requests are byte-identical and the replies parse into the card', () => {
  const fx = load('ga467-resident-read');
  assert.deepEqual(fx.host, [CMD.samStatus, CMD.findCard, CMD.selectCard, CMD.readText].map((c) => encodeRequest(c).toString('hex')));
  const frames: Ga467Frame[] = [];
  const parser = new Ga467Parser((f) => frames.push(f));
  chunked(bytes(fx.device), (c) => parser.push(c));
  assert.deepEqual(
    frames.map((f) => statusReason(f.body.readUInt8(2))),
    ['ok', 'card_found', 'ok', 'ok'],
  );
  assert.equal(Buffer.from(nth(fx.device, 3), 'hex').length, fx.expected.read_reply_bytes);
  const { text, photo } = parseReadReply(nth(frames, 3).body.subarray(3), false);
  assert.equal(photo.length, 1024);
  const card = parseCardText(text);
  for (const k of ['id_number', 'name', 'sex', 'birth_date', 'id_number_valid'] as const) assert.equal(card[k], fx.expected[k], k);
});

test('GA 467 fixture: no card is find_failed', () => {
  const fx = load('ga467-no-card');
  const frames: Ga467Frame[] = [];
  new Ga467Parser((f) => frames.push(f)).push(bytes(fx.device));
  assert.equal(statusReason(nth(frames, 0).body.readUInt8(2)), fx.expected.reason);
});

test('SSI fixture: two packets join into the code', () => {
  const fx = load('ssi-two-packet-decode');
  const packets: SsiPacket[] = [];
  const parser = new SsiParser((p) => packets.push(p), () => assert.fail('no packet is corrupt'));
  chunked(bytes(fx.device), (c) => parser.push(c));
  assert.deepEqual(
    packets.map((p) => p.status & 0x02),
    [2, 0],
  );
  assert.equal(Buffer.concat(packets.map((p) => p.data.subarray(1))).toString(), fx.expected.text);
});

test('MRZ fixture: the 3M frame yields the TD1 lines with valid check digits', () => {
  const fx = load('mrz-3m-td1');
  const lines = mrzLines(bytes(fx.device).toString('latin1'));
  assert.deepEqual(lines, fx.expected.lines);
  assert.equal(parseMrz(lines)?.valid, true);
});

test('GA 467 fixture replayed to the reader adapter over a pty yields the card', async () => {
  const fx = load('ga467-resident-read');
  const dir = tempDir();
  const pty = await openPtyPair(join(dir, 'ttyR'), join(dir, 'ttyP'));
  const peer = await SimPort.open(pty.peer, 115200);
  // Answers each recorded request with the recorded reply; anything else (later polls) is "no card".
  let step = 0;
  let pending = Buffer.alloc(0);
  const noCard = Buffer.from(nth(load('ga467-no-card').device, 0), 'hex');
  peer.onData((c) => {
    pending = Buffer.concat([pending, c]);
    while (pending.length >= 10) {
      const req = pending.subarray(0, 10).toString('hex');
      pending = pending.subarray(10);
      void peer.write(step < fx.host.length && req === fx.host[step] ? Buffer.from(nth(fx.device, step++), 'hex') : noCard);
    }
  });
  const reader = createDevice({ id: 'idcard-r', role: 'idcard', kind: 'ga467-reader', path: pty.device, poll_ms: 50 }, captureLog().log);
  try {
    const got = nextReading(reader);
    reader.start();
    const card = ((await got) as { card: Record<string, unknown> }).card;
    assert.equal(card.id_number, fx.expected.id_number);
    assert.equal(step, 4);
  } finally {
    await reader.close();
    await peer.close();
    await pty.close();
  }
});
