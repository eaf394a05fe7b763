import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { LineFramer, type LineFramerOptions } from './line-framer.ts';

function framer(o: Partial<LineFramerOptions>) {
  const frames: string[] = [];
  const drops: string[] = [];
  const f = new LineFramer({
    framing: 'any',
    maxBytes: 64,
    timeoutMs: 50,
    onFrame: (b) => frames.push(b.toString('latin1')),
    onDrop: (why, n) => drops.push(`${why}:${n}`),
    ...o,
  });
  return { f, frames, drops };
}

test('any framing splits on CR, LF and CRLF without empty frames', () => {
  const { f, frames } = framer({});
  f.push(Buffer.from('a\rb\nc\r\nd\r'));
  f.push(Buffer.from('\ne\r\n'));
  assert.deepEqual(frames, ['a', 'b', 'c', 'd', 'e']);
  f.reset();
});

test('crlf framing keeps a lone CR inside the frame and joins a CRLF split across chunks', () => {
  const { f, frames } = framer({ framing: 'crlf' });
  f.push(Buffer.from('x\ry\r'));
  f.push(Buffer.from('\nz\r\n'));
  assert.deepEqual(frames, ['x\ry', 'z']);
  f.reset();
});

test('cr framing does not end a frame on LF', () => {
  const { f, frames } = framer({ framing: 'cr' });
  f.push(Buffer.from('a\nb\r'));
  assert.deepEqual(frames, ['a\nb']);
  f.reset();
});

test('a multi-byte suffix split across chunks still ends the frame', () => {
  const { f, frames } = framer({ framing: 'suffix', suffix: Buffer.from('#END') });
  f.push(Buffer.from('code1#E'));
  f.push(Buffer.from('NDcode2#END'));
  assert.deepEqual(frames, ['code1', 'code2']);
  f.reset();
});

test('a suffix split after fewer pending bytes than its length is still found', () => {
  const { f, frames } = framer({ framing: 'suffix', suffix: Buffer.from('#END') });
  f.push(Buffer.from('#E'));
  f.push(Buffer.from('NDab#'));
  f.push(Buffer.from('ENDcd#EN'));
  f.push(Buffer.from('D'));
  assert.deepEqual(frames, ['ab', 'cd']);
  f.reset();
});

test('lf and any framing agree on LF-only streams', () => {
  const lf = framer({ framing: 'lf' });
  const any = framer({ framing: 'any' });
  for (const x of [lf, any]) {
    x.f.push(Buffer.from('one\ntwo\nthr'));
    x.f.push(Buffer.from('ee\n'));
    x.f.reset();
  }
  assert.deepEqual(lf.frames, ['one', 'two', 'three']);
  assert.deepEqual(any.frames, ['one', 'two', 'three']);
});

test('an over-long frame is dropped up to its terminator and reported once', () => {
  const { f, frames, drops } = framer({ maxBytes: 8 });
  f.push(Buffer.from('0123456'));
  f.push(Buffer.from('789abc'));
  f.push(Buffer.from('def'));
  f.push(Buffer.from('ghi\nok\n'));
  assert.deepEqual(frames, ['ok']);
  assert.deepEqual(drops, ['overflow:13']);
  f.reset();
});

test('a half frame is dropped after the silence timeout and does not prefix the next code', async () => {
  const { f, frames, drops } = framer({ timeoutMs: 30 });
  f.push(Buffer.from('half'));
  await sleep(80);
  f.push(Buffer.from('whole\n'));
  assert.deepEqual(frames, ['whole']);
  assert.deepEqual(drops, ['timeout:4']);
});
