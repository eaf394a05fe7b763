// Two fastify instances (two nodes) with @fastify/rate-limit, each opening the same database,
// enforce one limit between them through storageRateLimitStore.
import rateLimit from '@fastify/rate-limit';
import Fastify from 'fastify';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { storageRateLimitStore } from './rate-limit-store.ts';
import { SqliteStorage } from './storage/sqlite.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

async function node(storage: SqliteStorage) {
  const app = Fastify();
  await app.register(rateLimit, { global: false, store: storageRateLimitStore(storage) });
  app.get('/limited', { config: { rateLimit: { max: 5, timeWindow: 60_000 } } }, async () => 'ok');
  app.get('/other', { config: { rateLimit: { max: 5, timeWindow: 60_000 } } }, async () => 'ok');
  await app.ready();
  return app;
}

test('two nodes on one database share one rate limit, counted per route', async () => {
  const dir = tempDir('yss-rl-');
  const stores = [new SqliteStorage(dir), new SqliteStorage(dir)];
  const [a, b] = await Promise.all(stores.map(node));
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await (i % 2 ? a! : b!).inject({ method: 'GET', url: '/limited' })).statusCode);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429, 429], 'the sixth request is refused, whichever node gets it');
    const refused = await a!.inject({ method: 'GET', url: '/limited' });
    assert.ok(Number(refused.headers['retry-after']) > 0 && Number(refused.headers['retry-after']) <= 60);
    assert.equal((await b!.inject({ method: 'GET', url: '/other' })).statusCode, 200, 'another route has its own count');
  } finally {
    await Promise.all([a!.close(), b!.close()]);
    for (const s of stores) await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
