import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { docTable } from '../../../scripts/lib/doc-table.ts';
import { DEVICE_STATES, PRINT_FAILURES } from './errors.ts';

test('docs/terminal-errors.md § Devices lists exactly the device states, then the print failures, in catalog order', () => {
  const rows = docTable(join(import.meta.dirname, '../../../docs/terminal-errors.md'), 'Devices');
  assert.deepEqual(rows.map((r) => r[0]), [...Object.keys(DEVICE_STATES), ...Object.keys(PRINT_FAILURES)]);
  for (const [code, description, solve] of rows) assert.ok((description ?? '').length > 5 && (solve ?? '').length > 5, `${code} is explained`);
});
