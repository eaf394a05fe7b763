// fixtures/codes/samples.json is what other components and demos rely on: each sample must still
// give its recorded verdict with the fixture trust list and root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyCode } from '../index.ts';
import { openTrustList, parseRootArg } from '../../trust/index.ts';

const repo = join(import.meta.dirname, '..', '..', '..', '..');
const fixture = JSON.parse(readFileSync(join(repo, 'fixtures', 'codes', 'samples.json'), 'utf8')) as {
  root: string;
  trust_list: string;
  samples: { name: string; text: string; at: number; expect: Record<string, unknown> }[];
};
const opened = openTrustList(readFileSync(join(repo, fixture.trust_list), 'utf8').trim(), [parseRootArg(fixture.root)]);

test('the fixture trust list opens with the fixture root', () => {
  assert.equal(opened.ok, true);
});

for (const s of fixture.samples) {
  test(`sample "${s.name}" verifies as recorded`, () => {
    assert.ok(opened.ok);
    const r = verifyCode(s.text, opened.index, { now: s.at });
    assert.deepEqual({ valid: r.valid, reason: r.reason, family: r.family, type: r.type }, s.expect);
  });
}
