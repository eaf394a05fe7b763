import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checksum, encodePacket, OP, SsiParser, type SsiPacket } from './packet.ts';

test('encodes the host ACK as 04 D0 04 00 FF 28', () => {
  assert.equal(encodePacket(OP.ACK).toString('hex'), '04d00400ff28');
});

test('the checksum is the two\'s complement of the byte sum', () => {
  assert.equal(checksum(Buffer.from([0x04, 0xd0, 0x04, 0x00])), 0xff28);
  const p = encodePacket(OP.BEEP, Buffer.from([0x05]));
  let sum = 0;
  for (const b of p.subarray(0, -2)) sum += b;
  assert.equal((sum + p.readUInt16BE(p.length - 2)) & 0xffff, 0);
});

test('parses packets split across chunks and reports a corrupted one', () => {
  const got: SsiPacket[] = [];
  let bad = 0;
  const parser = new SsiParser((p) => got.push(p), () => bad++);
  const decode = encodePacket(OP.DECODE_DATA, Buffer.concat([Buffer.from([0x1c]), Buffer.from('HC1:X')]), 0, 0x00);
  const corrupt = Buffer.from(decode);
  corrupt.writeUInt8(corrupt.readUInt8(5) ^ 0xff, 5);
  const stream = Buffer.concat([corrupt, decode]);
  parser.push(stream.subarray(0, 7));
  parser.push(stream.subarray(7));
  assert.equal(got.length, 1);
  assert.equal(got[0]?.opcode, OP.DECODE_DATA);
  assert.equal(got[0]?.data.subarray(1).toString(), 'HC1:X');
  assert.equal(bad, 1);
});

test('after a hit length byte, the leftover bytes are dropped once the line has paused', () => {
  const got: SsiPacket[] = [];
  let t = 0;
  const parser = new SsiParser((p) => got.push(p), () => {}, 200, () => t);
  parser.push(Buffer.from([0xf0, 0x01, 0x02])); // claims 240 bytes that never come
  t += 500;
  parser.push(encodePacket(OP.ACK, new Uint8Array(), 0, 0));
  assert.equal(got.length, 1);
  assert.equal(got[0]?.opcode, OP.ACK);
});
