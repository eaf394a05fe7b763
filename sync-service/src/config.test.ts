import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseServiceConfig, PG_POOL_SIZE } from './config.ts';

const base = { data_dir: 'data', admin_token: 'a'.repeat(16) };

test('storage defaults to SQLite in the data folder', () => {
  const c = parseServiceConfig(base, '/srv');
  assert.deepEqual(c.storage, { kind: 'sqlite' });
  assert.equal(c.data_dir, '/srv/data');
});

test('storage kind postgresql takes a connection string and a pool size with its default', () => {
  const c = parseServiceConfig({ ...base, storage: { kind: 'postgresql', url: 'postgresql://yss@db-1:5432/yss' } }, '/srv');
  assert.deepEqual(c.storage, { kind: 'postgresql', url: 'postgresql://yss@db-1:5432/yss', pool_size: PG_POOL_SIZE });
  const d = parseServiceConfig({ ...base, storage: { kind: 'postgresql', url: 'postgres://db/yss', pool_size: 4 } }, '/srv');
  assert.equal(d.storage.kind === 'postgresql' && d.storage.pool_size, 4);
});

test('a postgresql storage without a url, with a foreign url or an unknown key is refused', () => {
  for (const storage of [{ kind: 'postgresql' }, { kind: 'postgresql', url: 'mysql://db/yss' }, { kind: 'postgresql', url: 'postgresql://db/yss', poolsize: 3 }, { kind: 'mongodb' }]) {
    assert.throws(() => parseServiceConfig({ ...base, storage }, '/srv'), ConfigError, JSON.stringify(storage));
  }
});
