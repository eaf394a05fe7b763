import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enrollmentCode, ENROLLMENT_CODE } from './enrollment-code.ts';

test('an enrollment code is 24 unambiguous base32 characters and never looks like an option', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const code = enrollmentCode();
    assert.match(code, ENROLLMENT_CODE);
    seen.add(code);
  }
  assert.equal(seen.size, 2000);
});

test('the encoding spends every bit: all-zero and all-one bytes give the alphabet ends, and one bit moves one character', () => {
  assert.equal(enrollmentCode(Buffer.alloc(15)), '0'.repeat(24));
  assert.equal(enrollmentCode(Buffer.alloc(15, 0xff)), 'Z'.repeat(24));
  const one = Buffer.alloc(15);
  one[14] = 1;
  assert.equal(enrollmentCode(one), `${'0'.repeat(23)}1`);
  one[0] = 0x80;
  assert.equal(enrollmentCode(one), `G${'0'.repeat(22)}1`);
});
