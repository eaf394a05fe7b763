import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, LIMIT_DEFAULTS, parseServiceConfig, PG_POOL_SIZE, POLICE_TIMEOUT_MS } from './config.ts';
import { OUTBOX_DEFAULTS } from './police/outbox.ts';

const op = (name: string, roles = ['fleet']) => ({ name, token_sha256: 'a'.repeat(64), roles });

test('operators with roles configure the service; limits default to the production values', () => {
  const c = parseServiceConfig({ data_dir: 'd', operators: [op('li'), op('chen', ['fleet', 'unseal'])], limits: { request_timeout_ms: 2000 } }, '/srv');
  assert.equal(c.data_dir, '/srv/d');
  assert.deepEqual(c.operators.map((o) => [o.name, o.roles]), [['li', ['fleet']], ['chen', ['fleet', 'unseal']]]);
  assert.equal(c.limits.request_timeout_ms, 2000);
  assert.equal(c.limits.headers_timeout_ms, LIMIT_DEFAULTS.headers_timeout_ms);
});

test('a config without operators or the legacy admin_token is refused and says what it needs', () => {
  assert.throws(() => parseServiceConfig({ data_dir: 'd' }, '/srv', 'service.json'), /invalid configuration service\.json:\n {2}- config: needs "operators" \(or the legacy "admin_token"\)/);
});

test('an operator listed twice, a token that is not a SHA-256, an unknown role or limit are refused', () => {
  assert.throws(() => parseServiceConfig({ data_dir: 'd', operators: [op('li'), op('li')] }, '/'), /operator "li" is listed twice/);
  assert.throws(() => parseServiceConfig({ data_dir: 'd', operators: [{ ...op('li'), token_sha256: 'secret' }] }, '/'), /token_sha256: must match pattern/);
  assert.throws(() => parseServiceConfig({ data_dir: 'd', operators: [op('li', ['root'])] }, '/'), /roles\.0: must be equal to one of the allowed values/);
  assert.throws(() => parseServiceConfig({ data_dir: 'd', admin_token: 'x'.repeat(16), limits: { max_sockets: 1 } }, '/'), /unknown key "max_sockets"/);
  assert.throws(() => parseServiceConfig({ data_dir: 'd', admin_token: 'x'.repeat(16), limits: { request_timeout_ms: 0 } }, '/'), /request_timeout_ms: must be >= 1/);
});

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

test('a police gateway is an http endpoint or a batch folder, with the outbox timing defaulted', () => {
  const h = parseServiceConfig({ ...base, police: { gateway: { kind: 'http', url: 'https://lvye.example/reports' }, retry_max_ms: 60_000 } }, '/srv');
  assert.deepEqual(h.police?.gateway, { kind: 'http', url: 'https://lvye.example/reports', timeout_ms: POLICE_TIMEOUT_MS });
  assert.equal(h.police?.retry_max_ms, 60_000);
  assert.equal(h.police?.lease_ms, OUTBOX_DEFAULTS.lease_ms);
  const f = parseServiceConfig({ ...base, police: { gateway: { kind: 'file', dir: 'batches' } } }, '/srv');
  assert.deepEqual(f.police?.gateway, { kind: 'file', dir: '/srv/batches' });
  assert.equal(parseServiceConfig(base, '/srv').police, undefined, 'no gateway: reports wait in the outbox');
});

test('a police gateway with another scheme, no url, an unknown key or a zero retry is refused', () => {
  for (const police of [
    { gateway: { kind: 'http', url: 'ftp://lvye.example/' } },
    { gateway: { kind: 'http' } },
    { gateway: { kind: 'file', dir: 'b', url: 'http://x/' } },
    { gateway: { kind: 'http', url: 'http://x/' }, retry_base_ms: 0 },
    { gateway: { kind: 'http', url: 'http://x/' }, retries: 3 },
    {},
  ]) {
    assert.throws(() => parseServiceConfig({ ...base, police }, '/srv'), ConfigError, JSON.stringify(police));
  }
});
