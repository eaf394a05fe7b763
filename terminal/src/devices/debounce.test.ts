import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Debounce } from './debounce.ts';

test('drops a repeat within the window and lets it through after a pause', () => {
  let t = 0;
  const d = new Debounce(1000, () => t);
  assert.equal(d.accept('A'), true);
  t = 500;
  assert.equal(d.accept('A'), false);
  t = 1400;
  assert.equal(d.accept('A'), false, 'holding the code keeps extending the window');
  t = 2500;
  assert.equal(d.accept('A'), true);
});

test('a different code always passes, and a zero window disables debouncing', () => {
  const t = 0;
  const d = new Debounce(1000, () => t);
  assert.equal(d.accept('A'), true);
  assert.equal(d.accept('B'), true);
  assert.equal(d.accept('A'), true);
  const off = new Debounce(0, () => t);
  assert.equal(off.accept('A'), true);
  assert.equal(off.accept('A'), true);
});
