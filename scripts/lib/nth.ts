// For tests and simulators under noUncheckedIndexedAccess: the element they index because the
// code under test (or a fixture) must have produced it, failing loudly when it did not.
import assert from 'node:assert/strict';

/** `xs[i]` (from the end when negative), or an assertion error naming the index and the length. */
export function nth<T>(xs: ArrayLike<T>, i: number): T {
  const x = xs[i < 0 ? xs.length + i : i];
  assert.ok(x !== undefined, `expected an element at ${i}, of ${xs.length}`);
  return x;
}
