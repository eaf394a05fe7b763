import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { docTable } from '../../../scripts/lib/doc-table.ts';
import { CONFIG_ERRORS, ConfigError, loadConfig } from './index.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

test('docs/terminal-errors.md § Config lists exactly the config catalog, in its order', () => {
  const rows = docTable(join(import.meta.dirname, '../../../docs/terminal-errors.md'), 'Config');
  assert.deepEqual(rows.map((r) => r[0]), Object.keys(CONFIG_ERRORS));
});

test('each way a configuration is refused carries its catalog code', () => {
  const dir = tempDir('yss-config-errors-');
  try {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        assert.ok(e instanceof ConfigError);
        return e.code;
      }
      assert.fail('no error');
    };
    assert.equal(code(() => loadConfig(join(dir, 'missing.json'))), 'YSS_CONFIG_UNREADABLE');
    writeFileSync(join(dir, 'bad.json'), '{ "data_dir": "x", }');
    assert.equal(code(() => loadConfig(join(dir, 'bad.json'))), 'YSS_CONFIG_NOT_JSON');
    writeFileSync(join(dir, 'odd.json'), '{ "data_dir": "x", "colour": "red" }');
    assert.equal(code(() => loadConfig(join(dir, 'odd.json'))), 'YSS_CONFIG_INVALID');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
