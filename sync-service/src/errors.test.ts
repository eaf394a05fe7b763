import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { errors, ServiceError } from './errors.ts';

const DOC = join(import.meta.dirname, '../../docs/sync-service-errors.md');

function documented(): { code: string; status: number; description: string; solve: string }[] {
  return readFileSync(DOC, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => {
      const cells = l.split(' | ').map((c) => c.replace(/^\| ?| ?\|$/g, '').trim());
      return { code: cells[0]!.replace(/`/g, ''), status: Number(cells[1]), description: cells[2]!, solve: cells[3]! };
    });
}

test('docs/sync-service-errors.md lists exactly the codes of the catalog, in its order, with the same statuses', () => {
  const rows = documented();
  assert.deepEqual(rows.map((r) => r.code), Object.keys(errors));
  for (const r of rows) assert.equal(r.status, errors[r.code as keyof typeof errors].status, r.code);
});

test('every documented error says what it means and how to solve it', () => {
  for (const r of documented()) {
    assert.ok(r.description.length > 20, `${r.code} has a description`);
    assert.ok(r.solve.length > 20, `${r.code} says how to solve it`);
  }
});

test('a ServiceError fills its message template and carries the catalog status', () => {
  const e = new ServiceError('YSS_SYNC_CLOCK_SKEW', 5, 300000);
  assert.equal(e.status, 401);
  assert.equal(e.message, 'request time 5 is more than 300000 ms from the service clock');
});
