import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sensorFrame, SensorFramer } from './frames.ts';

test('builds pass-sensor frames with the sum byte', () => {
  assert.equal(sensorFrame(1, true).toString('hex'), 'a10101a3');
  assert.equal(sensorFrame(1, false).toString('hex'), 'a10100a2');
  assert.equal(sensorFrame(3, true).toString('hex'), 'a10301a5');
});

test('cuts frames across chunks and drops noise and frames whose sum is wrong', () => {
  const f = new SensorFramer();
  const bytes = Buffer.concat([Buffer.from([0x00, 0xff]), sensorFrame(1, true), Buffer.from([0xa1, 0x01, 0x01, 0x00]), sensorFrame(2, false)]);
  const a = f.push(bytes.subarray(0, 4));
  const b = f.push(bytes.subarray(4));
  assert.deepEqual([...a.frames, ...b.frames], [
    { channel: 1, occupied: true },
    { channel: 2, occupied: false },
  ]);
  assert.deepEqual(a.dropped, ['00ff']);
  assert.ok(b.dropped.length >= 1, 'the mis-summed frame is dropped');
  assert.deepEqual(f.push(Buffer.from([0xa1, 0x09, 0x01, 0xab])).frames, [], 'input 9 does not exist: not a frame');
});
