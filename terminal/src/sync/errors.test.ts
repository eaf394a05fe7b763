import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { docTable } from '../../../scripts/lib/doc-table.ts';
import { SYNC_ERRORS, SyncError } from './errors.ts';

const DOC = join(import.meta.dirname, '../../../docs/terminal-errors.md');

test('docs/terminal-errors.md § Sync lists exactly the sync catalog, in its order, each with a description and a remedy', () => {
  const rows = docTable(DOC, 'Sync');
  assert.deepEqual(rows.map((r) => r[0]), Object.keys(SYNC_ERRORS));
  for (const [code, description, solve] of rows) {
    assert.ok((description ?? '').length > 30, `${code} says what it means`);
    assert.ok((solve ?? '').length > 20, `${code} says how to solve it`);
  }
});

test('a SyncError from the catalog fills its template', () => {
  const e = SyncError.of('YSS_SYNC_TIMEOUT', 5000);
  assert.equal(e.code, 'YSS_SYNC_TIMEOUT');
  assert.equal(e.message, 'the sync service did not answer within 5000 ms');
  assert.equal(e.status, undefined);
});
