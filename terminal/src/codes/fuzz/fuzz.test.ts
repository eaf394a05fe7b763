import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzz } from './fuzz.ts';

test('the verifier survives a bounded fuzzing pass without throwing, hanging or inventing reasons', () => {
  const report = fuzz({ ms: 3000, seed: 20261123, minInputs: 200 });
  assert.deepEqual(report.failures, []);
  assert.ok(report.inputs >= 200);
  assert.ok((report.reasons.malformed ?? 0) > 0, 'broken inputs are reported malformed');
  assert.ok(Object.keys(report.reasons).length > 1, `mutations should reach later steps too: ${JSON.stringify(report.reasons)}`);
  // A hang guard, not a speed claim: one input is capped at 64 KiB of inflate and one decode.
  assert.ok(report.maxMs < 2000, `slowest input (${report.slowest}) took ${report.maxMs} ms`);
});
