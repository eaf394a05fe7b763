// The order in which a mutant's test files run (scripts/mutation-runner.mjs): only the order may
// change, never the set, or a mutant could pass for survived with a file left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
// @ts-expect-error -- a plain ES module for Stryker's plugin loader, without type declarations
import { orderTestFiles } from './mutation-runner.mjs';

const order = orderTestFiles as (files: string[], timeMs: Map<string, number>, kills: Map<string, Map<string, number>>, source: string) => string[];

test('the files that killed most mutants of the same source go first, then the cheapest', () => {
  const files = ['properties.test.ts', 'cose.test.ts', 'verify.test.ts', 'strict.test.ts'];
  const times = new Map([
    ['properties.test.ts', 18_000],
    ['cose.test.ts', 2_000],
    ['verify.test.ts', 8_000],
    ['strict.test.ts', 5_000],
  ]);
  assert.deepEqual(order(files, times, new Map(), 'cbor.ts'), ['cose.test.ts', 'strict.test.ts', 'verify.test.ts', 'properties.test.ts']);
  const kills = new Map([
    ['cbor.ts', new Map([['properties.test.ts', 3], ['verify.test.ts', 1]])],
    ['cose.ts', new Map([['strict.test.ts', 9]])],
  ]);
  // Kills of another source's mutants do not count for this one.
  assert.deepEqual(order(files, times, kills, 'cbor.ts'), ['properties.test.ts', 'verify.test.ts', 'cose.test.ts', 'strict.test.ts']);
  assert.deepEqual(order(files, times, kills, 'cose.ts'), ['strict.test.ts', 'cose.test.ts', 'verify.test.ts', 'properties.test.ts']);
  assert.deepEqual(files, ['properties.test.ts', 'cose.test.ts', 'verify.test.ts', 'strict.test.ts'], 'the input is not reordered in place');
});

test('a file without a time (not in the initial run) goes last, ties by name', () => {
  const times = new Map([['b.test.ts', 10]]);
  assert.deepEqual(order(['z.test.ts', 'a.test.ts', 'b.test.ts'], times, new Map(), 's.ts'), ['b.test.ts', 'a.test.ts', 'z.test.ts']);
  assert.deepEqual(order([], times, new Map(), 's.ts'), []);
});
