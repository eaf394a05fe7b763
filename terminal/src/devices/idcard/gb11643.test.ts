import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gb11643CheckDigit, isValidIdNumber } from './gb11643.ts';

test('computes X for the standard example 11010519491231002', () => {
  assert.equal(gb11643CheckDigit('11010519491231002'), 'X');
  assert.equal(isValidIdNumber('11010519491231002X'), true);
  assert.equal(isValidIdNumber('11010519491231002x'), true);
});

test('computes digit check characters and rejects a changed digit', () => {
  // 4*7+4*9+0*10+1*5+0*8+6*4+1*2+9*1+9*6+0*3+0*7+3*9+0*10+7*5+1*8+2*4+3*2 = 242; 242 % 11 = 0 -> '1'.
  assert.equal(gb11643CheckDigit('44010619900307123'), '1');
  assert.equal(isValidIdNumber('440106199003071231'), true);
  assert.equal(isValidIdNumber('440106199003071241'), false);
});

test('refuses anything that is not 17 digits plus a check character', () => {
  assert.equal(gb11643CheckDigit('1234'), null);
  assert.equal(isValidIdNumber('44010619900307123'), false);
  assert.equal(isValidIdNumber('A40106199003071234'), false);
});
