import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lcusFrame } from './frames.ts';

test('builds LCUS frames with the sum byte', () => {
  assert.equal(lcusFrame(1, true).toString('hex'), 'a00101a2');
  assert.equal(lcusFrame(1, false).toString('hex'), 'a00100a1');
  assert.equal(lcusFrame(2, true).toString('hex'), 'a00201a3');
});
