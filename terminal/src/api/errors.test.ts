import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { docTable } from '../../../scripts/lib/doc-table.ts';
import { DEGRADED_CODES } from './degraded.ts';
import { API_ERRORS } from './errors.ts';

const DOCS = join(import.meta.dirname, '../../../docs');

test('docs/terminal-errors.md § API lists exactly the API catalog, in its order, with the same statuses', () => {
  const rows = docTable(join(DOCS, 'terminal-errors.md'), 'API');
  assert.deepEqual(rows.map((r) => r[0]), Object.keys(API_ERRORS));
  for (const [code, status, description, solve] of rows) {
    assert.equal(Number(status), API_ERRORS[code as keyof typeof API_ERRORS].status, code);
    assert.ok((description ?? '').length > 30 && (solve ?? '').length > 20, `${code} is explained`);
  }
});

test('docs/api.md lists exactly the degraded codes health reports, in their order', () => {
  const rows = docTable(join(DOCS, 'api.md'), 'Degraded codes');
  assert.deepEqual(rows.map((r) => r[0]), DEGRADED_CODES.map((c) => (c === 'device' ? 'device_<id>' : c === 'feed' ? 'feed_<kind>' : c)));
  for (const [code, meaning] of rows) assert.ok((meaning ?? '').length > 20, `${code} is explained`);
});
