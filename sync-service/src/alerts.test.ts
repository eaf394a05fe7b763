// The shipped alert rules: valid for Prometheus, firing when their unit tests say (promtool, from
// Debian's prometheus package), and reading only metrics the service really exports.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ADMIN_TOKEN, startTestService } from '../test/support.ts';

const dir = join(import.meta.dirname, '..', 'prometheus');

test('promtool accepts the alert rules and their unit tests pass', () => {
  for (const args of [['check', 'rules', 'alerts.yml'], ['test', 'rules', 'alerts.test.yml']]) {
    const r = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8' });
    assert.equal(r.error, undefined, 'promtool is installed (Debian package prometheus)');
    assert.equal(r.status, 0, `promtool ${args.join(' ')}:\n${r.stdout}${r.stderr}`);
  }
});

test('every metric the alert rules read is one the service exports', async () => {
  const svc = await startTestService();
  try {
    const res = await svc.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const exported = new Set([...res.body.matchAll(/^# TYPE (\S+) (\S+)/gm)].flatMap((m) => (m[2] === 'histogram' ? [`${m[1]}_bucket`, `${m[1]}_count`, `${m[1]}_sum`] : [m[1]!])));
    const read = new Set([...readFileSync(join(dir, 'alerts.yml'), 'utf8').matchAll(/\b(yss_[a-z_]+)/g)].map((m) => m[1]!));
    assert.ok(read.size >= 7);
    for (const name of read) assert.ok(exported.has(name), `${name} is exported`);
  } finally {
    await svc.close();
  }
});
