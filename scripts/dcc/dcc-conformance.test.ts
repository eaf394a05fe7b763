import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { entryArgs } from '../lib/entry.ts';

const repo = join(import.meta.dirname, '..', '..');
// CI always checks out shared/ beside the repository: a missing copy fails, never skips.
// YSS_SHARED_DIR points elsewhere when the repository is copied (StrykerJS's sandbox).
const data = join(process.env.YSS_SHARED_DIR ?? join(repo, '..', 'shared'), 'dcc-testdata');

test('passes the EU DCC test vectors, known issues aside', () => {
  assert.ok(existsSync(data), `no DCC test data at ${data}: check out shared/ beside the repository`);
  const r = spawnSync(process.execPath, [...entryArgs('scripts/dcc-conformance.ts'), data], {
    cwd: repo,
    encoding: 'utf8',
    timeout: 300_000,
  });
  const lines = r.stdout.trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  const m = /^(\d+) passed, (\d+) failed$/.exec(last);
  assert.ok(m, `last line should be "N passed, N failed", got ${JSON.stringify(last)}\n${r.stderr}`);
  const failures = lines.filter((l) => l.startsWith('FAIL '));
  assert.deepEqual(failures, []);
  assert.equal(Number(m[2]), 0);
  assert.ok(Number(m[1]) > 3000, `only ${m[1]} expectations ran`);
  assert.equal(r.status, 0);
});

test('reports a usage error for a missing directory', () => {
  const r = spawnSync(process.execPath, [...entryArgs('scripts/dcc-conformance.ts'), join(repo, 'no-such-dir')], {
    cwd: repo,
    encoding: 'utf8',
  });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /does not exist/);
});
