// A store for @fastify/rate-limit that keeps its counters in the service's Storage, so that
// several nodes behind HAProxy enforce one limit instead of one each: with PostgreSQL the counter
// is a row every node updates atomically. Use: `app.register(rateLimit, { store: storageRateLimitStore(storage), … })`.
// Each route's limits count apart (the route's method and URL prefix the key), as in the plugin's
// own stores. `continueExceeding` and `exponentialBackoff` are not supported: a fixed window.
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Storage } from './storage/types.ts';

export function storageRateLimitStore(storage: Storage, now: () => number = Date.now): FastifyRateLimitStoreCtor {
  class StorageStore implements FastifyRateLimitStore {
    constructor(
      _options?: unknown,
      private readonly prefix = 'rl:',
    ) {}

    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      const clock = now();
      storage.rateHit(this.prefix + key, timeWindow, clock).then(
        (r) => callback(null, { current: r.count, ttl: Math.max(0, r.resetAt - clock) }),
        (e: Error) => callback(e),
      );
    }

    /** The count without counting: what `createRateLimit(req, { increment: false })` asks. */
    read(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      const clock = now();
      storage.rateRead(this.prefix + key, timeWindow, clock).then(
        (r) => callback(null, { current: r.count, ttl: Math.max(0, r.resetAt - clock) }),
        (e: Error) => callback(e),
      );
    }

    // Typed as route options; at run time the plugin passes its merged parameters with `routeInfo`.
    child(routeOptions: object): FastifyRateLimitStore {
      const r = (routeOptions as { routeInfo?: { method?: string | string[]; url?: string } }).routeInfo ?? {};
      return new StorageStore(undefined, `${this.prefix}${[r.method ?? ''].flat().join(',')}${r.url ?? ''}-`);
    }
  }
  return StorageStore as unknown as FastifyRateLimitStoreCtor;
}
