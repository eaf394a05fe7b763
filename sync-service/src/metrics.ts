// Prometheus metrics of the service (prom-client), on GET /metrics behind the admin token. One
// registry per app (tests build many). What is counted where it happens: requests and their
// latency by route, error replies by code, ingest (events stored and resent, its latency) by
// wrapping the storage. What is read at scrape time: the fleet as the heartbeats describe it,
// aggregated (never one series per terminal: a province has 100,000 of them). The alert rules
// that read these are sync-service/alerts.yml.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ServiceError } from './errors.ts';
import * as S from './schemas.ts';
import type { ServiceApp } from './typed-app.ts';
import type { Storage } from './storage/types.ts';

/** A terminal whose last heartbeat is older than this counts as silent. */
export const SILENT_AFTER_S = 300;

export interface ServiceMetrics {
  registry: Registry;
  /** The storage with ingest counted and timed; hand this one to the routes. */
  storage: Storage;
  /** Reads the fleet gauges from storage; /metrics calls it before each scrape. */
  collectFleet(): Promise<void>;
}

export function createMetrics(storage: Storage, now: () => number): ServiceMetrics {
  const registry = new Registry();
  const ingested = new Counter({ name: 'yss_sync_ingested_events_total', help: 'Events stored (new ones, not resent).', registers: [registry] });
  const resent = new Counter({ name: 'yss_sync_resent_events_total', help: 'Events uploaded again that were already stored (lost replies).', registers: [registry] });
  const ingestSeconds = new Histogram({
    name: 'yss_sync_ingest_seconds',
    help: 'Time to store one upload, database included.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const fleet = {
    terminals: new Gauge({ name: 'yss_fleet_terminals', help: 'Terminals by enrollment status.', labelNames: ['status'], registers: [registry] }),
    silent: new Gauge({ name: 'yss_fleet_silent_terminals', help: `Active terminals without a heartbeat for ${SILENT_AFTER_S} s or never.`, registers: [registry] }),
    backlog: new Gauge({ name: 'yss_fleet_backlog_events', help: 'Unsent events over all terminals, at their last heartbeats.', registers: [registry] }),
    oldest: new Gauge({ name: 'yss_fleet_oldest_unsent_age_seconds', help: 'Age of the oldest unsent event of any terminal, now.', registers: [registry] }),
    lag: new Gauge({ name: 'yss_fleet_lag_events', help: 'Events terminals had committed that the service does not hold yet.', registers: [registry] }),
    devices: new Gauge({ name: 'yss_fleet_devices', help: 'Devices of active terminals by state, at their last heartbeats.', labelNames: ['state'], registers: [registry] }),
    degraded: new Gauge({ name: 'yss_fleet_degraded_terminals', help: 'Active terminals reporting a degraded status.', registers: [registry] }),
    trustBehind: new Gauge({ name: 'yss_fleet_trust_list_behind_terminals', help: 'Active terminals whose installed trust list is older than the published one.', registers: [registry] }),
    trustAge: new Gauge({ name: 'yss_fleet_trust_list_age_seconds', help: 'Age of the newest published trust list.', registers: [registry] }),
  };
  const collectFleet = async () => {
    const clock = now();
    const list = await storage.trustList();
    let trustBehind = 0;
    const byStatus: Record<string, number> = { pending: 0, active: 0, revoked: 0 };
    const devices: Record<string, number> = {};
    let silent = 0;
    let backlog = 0;
    let oldest = 0;
    let lag = 0;
    let degraded = 0;
    for (const t of await storage.listTerminals()) {
      byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
      if (t.status !== 'active') continue;
      const hbAge = t.last_heartbeat_at == null ? null : Math.max(0, (clock - t.last_heartbeat_at) / 1000);
      if (hbAge == null || hbAge > SILENT_AFTER_S) silent++;
      const q = t.heartbeat?.queue;
      if (!q || hbAge == null) continue;
      backlog += q.backlog;
      const behind = Math.max(0, q.last_seq - t.head_seq);
      lag += behind;
      if (behind > 0 && q.oldest_unsent_age_s != null) oldest = Math.max(oldest, q.oldest_unsent_age_s + hbAge);
      if (t.heartbeat!.status !== 'ok') degraded++;
      if (list && (t.heartbeat!.trust_sequence ?? -1) < list.sequence) trustBehind++;
      for (const d of t.heartbeat!.devices) devices[d.state] = (devices[d.state] ?? 0) + 1;
    }
    for (const [status, n] of Object.entries(byStatus)) fleet.terminals.set({ status }, n);
    fleet.devices.reset();
    for (const [state, n] of Object.entries(devices)) fleet.devices.set({ state }, n);
    fleet.silent.set(silent);
    fleet.backlog.set(backlog);
    fleet.oldest.set(Math.round(oldest));
    fleet.lag.set(lag);
    fleet.degraded.set(degraded);
    fleet.trustBehind.set(trustBehind);
    fleet.trustAge.set(list ? Math.max(0, Math.round((clock - trustListIssuedAt(list.jws, clock)) / 1000)) : 0);
  };
  const ingest: Storage['ingest'] = async (...args) => {
    const end = ingestSeconds.startTimer();
    const r = await storage.ingest(...args);
    end();
    ingested.inc(r.inserted);
    resent.inc(r.duplicates);
    return r;
  };
  const instrumented = new Proxy(storage, {
    get(target, p) {
      if (p === 'ingest') return ingest;
      const v = Reflect.get(target, p, target) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { registry, storage: instrumented, collectFleet };
}

/** Issued time of a trust list from its payload, or `fallback` when it names none. */
function trustListIssuedAt(jws: string, fallback: number): number {
  try {
    // issued_at is unix seconds (shared/spec/trust-list.md).
    const p = JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as { issued_at?: unknown };
    return typeof p.issued_at === 'number' ? p.issued_at * 1000 : fallback;
  } catch {
    return fallback;
  }
}


/** Request latency and error codes for every route, and GET /metrics for operators with the fleet role. */
/** `fleetReader`: whether an Authorization header names an operator with the fleet role. */
export function registerMetrics(app: ServiceApp, metrics: ServiceMetrics, fleetReader: (authorization: string) => boolean): void {
  const { registry } = metrics;
  const requestSeconds = new Histogram({
    name: 'yss_sync_request_seconds',
    help: 'Request latency by route and status class.',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const errorReplies = new Counter({ name: 'yss_sync_errors_total', help: 'Error replies by code.', labelNames: ['code'], registers: [registry] });
  app.addHook('onSend', async (_req, reply: FastifyReply, payload) => {
    if (reply.statusCode >= 400 && typeof payload === 'string') {
      const code = /^\{"error":"(YSS_SYNC_[A-Z_]+)"/.exec(payload)?.[1];
      if (code) errorReplies.inc({ code });
    }
    return payload;
  });
  app.addHook('onResponse', async (req: FastifyRequest, reply: FastifyReply) => {
    // The route's pattern, never the raw URL: ids must not become label values.
    requestSeconds.observe({ route: req.routeOptions.url ?? 'unknown', method: req.method, status: `${Math.floor(reply.statusCode / 100)}xx` }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { schema: { response: { 200: S.textReply, ...S.errorReplies } } }, async (req, reply) => {
    if (!fleetReader(req.headers.authorization ?? '')) throw new ServiceError('YSS_SYNC_ADMIN_UNAUTHORIZED');
    await metrics.collectFleet();
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
