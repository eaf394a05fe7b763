import { test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { cmd, parseStatus, qr, text, ticketBytes, wrap } from './encode.ts';

const hex = (b: Buffer) => b.toString('hex');

test('emits the documented QR sequence: model 2, size, error correction, store with length + 3, print', () => {
  const b = qr('ABC', 6);
  assert.equal(
    hex(b),
    '1d286b0400314132001d286b03003143061d286b03003145311d286b0600315030' + '414243' + '1d286b0300315130',
  );
});

test('encodes Chinese text as GB18030 (GBK bytes for common characters)', () => {
  assert.equal(hex(text('取号')), 'c8a1bac5');
  assert.equal(iconv.decode(text('粤省事'), 'gb18030'), '粤省事');
});

test('size, cut and status commands have the documented bytes', () => {
  assert.equal(hex(cmd.size(4, 4)), '1d2133');
  assert.equal(hex(cmd.size(1, 2)), '1d2101');
  assert.equal(hex(cmd.cut()), '1d5601');
  assert.equal(hex(cmd.status(4)), '100404');
});

test('a ticket turns Chinese mode on and never sends FS . which would turn it off', () => {
  const b = ticketBytes({ title: '越秀政务服务中心', number: 'A023', lines: ['前面还有 5 人'], qr: 'https://example.cn/q/A023' }, 32);
  assert.ok(b.subarray(0, 4).equals(Buffer.from([0x1b, 0x40, 0x1c, 0x26])));
  assert.equal(b.indexOf(Buffer.from([0x1c, 0x2e])), -1);
  assert.ok(b.subarray(-3).equals(cmd.cut()));
});

test('wraps at the paper width counting a Chinese character as two columns', () => {
  assert.deepEqual(wrap('一二三四五', 6), ['一二三', '四五']);
  assert.deepEqual(wrap('abcdefg', 4), ['abcd', 'efg']);
});

test('reads paper-out and offline from the DLE EOT replies', () => {
  const ok = { offline: false, coverOpen: false, error: false, paperOut: false, paperNearEnd: false };
  assert.deepEqual(parseStatus(0x12, 0x12), ok);
  assert.deepEqual(parseStatus(0x1a, 0x72), { ...ok, offline: true, paperOut: true });
  assert.deepEqual(parseStatus(0x12, 0x1e), { ...ok, paperNearEnd: true });
  assert.deepEqual(parseStatus(0x1a, 0x12, 0x16), { ...ok, offline: true, coverOpen: true }, 'DLE EOT 2 bit 2: cover open');
  assert.deepEqual(parseStatus(0x1a, 0x12, 0x52), { ...ok, offline: true, error: true }, 'DLE EOT 2 bit 6: error');
  assert.deepEqual(parseStatus(0x1a, 0x12, 0x32), { ...ok, offline: true, paperOut: true }, 'DLE EOT 2 bit 5: stopped at paper end');
  // A byte without the fixed bits (1 and 4 set, 0 and 7 clear) is not a status reply: ignored.
  assert.deepEqual(parseStatus(0xff, 0x00, 0xff), ok);
});
