import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CMD, encodeFrame, encodeRequest, Ga467Parser, statusReason, type Ga467Frame } from './ga467-frame.ts';
import { nth } from '../../../../scripts/lib/nth.ts';

const hex = (b: Buffer) => b.toString('hex').replace(/(..)/g, '$1 ').trim();

test('builds the request frames with XOR checksums over everything after the preamble', () => {
  assert.equal(hex(encodeRequest(CMD.findCard)), 'aa aa aa 96 69 00 03 20 01 22');
  assert.equal(hex(encodeRequest(CMD.selectCard)), 'aa aa aa 96 69 00 03 20 02 21');
  assert.equal(hex(encodeRequest(CMD.readText)), 'aa aa aa 96 69 00 03 30 01 32');
  assert.equal(hex(encodeRequest(CMD.readWithFingerprint)), 'aa aa aa 96 69 00 03 30 10 23');
  assert.equal(hex(encodeRequest(CMD.resetSam)), 'aa aa aa 96 69 00 03 10 ff ec');
  assert.equal(hex(encodeRequest(CMD.samStatus)), 'aa aa aa 96 69 00 03 11 ff ed');
  assert.equal(hex(encodeRequest([0x61, 0xff], Buffer.from([0x50]))), 'aa aa aa 96 69 00 04 61 ff 50 ca');
});

function parseAll(chunks: Buffer[]) {
  const frames: Ga467Frame[] = [];
  const junk: string[] = [];
  const p = new Ga467Parser((f) => frames.push(f), (why) => junk.push(why));
  for (const c of chunks) p.push(c);
  return { frames, junk };
}

test('parses the replies observed from real readers, split at any byte', () => {
  const replies = ['aaaaaa9669000400009094', 'aaaaaa966900080000 9f0000000097', 'aaaaaa9669000400008084'].map((h) => Buffer.from(h.replace(/ /g, ''), 'hex'));
  const all = Buffer.concat(replies);
  for (let cut = 1; cut < all.length; cut += 3) {
    const { frames, junk } = parseAll([all.subarray(0, cut), all.subarray(cut)]);
    assert.deepEqual(
      frames.map((f) => f.body[2]),
      [0x90, 0x9f, 0x80],
    );
    assert.deepEqual(junk, []);
  }
});

test('reads the length big-endian, so a 1288-byte read reply is one frame', () => {
  const body = Buffer.alloc(1287, 0x20);
  body[2] = 0x90;
  const f = encodeFrame(body);
  assert.equal(f.length, 1295);
  assert.equal(f.readUInt16BE(5), 0x0508);
  const { frames } = parseAll([f.subarray(0, 600), f.subarray(600)]);
  assert.equal(frames.length, 1);
  assert.equal(frames[0]?.body.length, 1287);
});

test('skips a frame with a wrong checksum (the public libusb test sends 20 01 21) and resynchronises', () => {
  const bad = Buffer.from('aaaaaa966900032001 21'.replace(/ /g, ''), 'hex');
  const good = encodeRequest(CMD.findCard);
  const { frames, junk } = parseAll([Buffer.from([0x00, 0x13]), bad, good]);
  assert.equal(frames.length, 1);
  assert.deepEqual([...nth(frames, 0).body], [0x20, 0x01]);
  assert.ok(junk.includes('checksum') && junk.includes('noise'));
});

test('maps every documented status word to a reason, and unknown ones to a named fallback', () => {
  assert.equal(statusReason(0x90), 'ok');
  assert.equal(statusReason(0x9f), 'card_found');
  assert.equal(statusReason(0x80), 'find_failed');
  assert.equal(statusReason(0x81), 'select_failed');
  assert.equal(statusReason(0x41), 'read_failed');
  assert.equal(statusReason(0x10), 'checksum_error');
  assert.equal(statusReason(0x60), 'sam_self_test_failed');
  assert.equal(statusReason(0x07), 'unknown_status_07');
});
