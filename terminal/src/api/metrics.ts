// Prometheus metrics of the terminal (prom-client) on its loopback API, GET /metrics: read from
// the health the kiosk sees at each scrape (queue depth and oldest age, devices up or down, sync
// state, trust list), plus what only happens between scrapes: the verify latency histogram and
// sync errors by code. Loopback only, like the rest of the API: a scraper on the terminal's host
// (or a tunnel to it) reads it.
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Health } from './messages.ts';

export interface TerminalMetrics {
  registry: Registry;
  /** Seconds one code took to verify (decode, signature, trust, replay). */
  observeVerify(seconds: number): void;
  /** One failed exchange with the sync service, by its error code. */
  countSyncError(code: string): void;
  plugin(app: FastifyInstance): void;
}

const SYNC_STATES = ['idle', 'uploading', 'backoff', 'offline', 'unenrolled', 'disabled'] as const;

export function createTerminalMetrics(health: () => Health): TerminalMetrics {
  const registry = new Registry();
  const verify = new Histogram({
    name: 'yss_terminal_verify_seconds',
    help: 'Time to verify one scanned code.',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [registry],
  });
  const syncErrors = new Counter({ name: 'yss_terminal_sync_errors_total', help: 'Failed exchanges with the sync service by error code.', labelNames: ['code'], registers: [registry] });
  const g = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });
  const backlog = g('yss_terminal_queue_backlog_events', 'Events committed but not acknowledged by the service.');
  const oldest = g('yss_terminal_queue_oldest_unsent_age_seconds', 'Age of the oldest unacknowledged event (0 when none).');
  const lastSeq = g('yss_terminal_queue_last_seq', 'Highest committed sequence.');
  const acked = g('yss_terminal_sync_acked_seq', 'Highest sequence the service acknowledged.');
  const syncState = g('yss_terminal_sync_state', '1 for the uploader\'s current state.', ['state']);
  const deviceUp = g('yss_terminal_device_up', '1 when the device is connected, else 0.', ['device', 'role']);
  const degraded = g('yss_terminal_degraded', '1 when the terminal reports a degraded status.');
  const trustSeq = g('yss_terminal_trust_list_sequence', 'Installed trust-list sequence (-1 when none).');
  const trustStale = g('yss_terminal_trust_list_stale', '1 when the installed trust list is past its expiry.');
  const drift = g('yss_terminal_clock_drift_seconds', 'Wall clock minus trusted time.');
  const collect = () => {
    const h = health();
    backlog.set(h.queue.backlog);
    oldest.set(h.queue.oldest_unsent_age_s ?? 0);
    lastSeq.set(h.queue.last_seq);
    acked.set(h.sync.acked_seq);
    for (const s of SYNC_STATES) syncState.set({ state: s }, h.sync.state === s ? 1 : 0);
    deviceUp.reset();
    for (const d of h.devices) deviceUp.set({ device: d.id, role: d.role }, d.state === 'connected' ? 1 : 0);
    degraded.set(h.status === 'ok' ? 0 : 1);
    trustSeq.set(h.trust.sequence ?? -1);
    trustStale.set(h.trust.stale ? 1 : 0);
    drift.set(h.clock.drift_s);
  };
  return {
    registry,
    observeVerify: (s) => verify.observe(s),
    countSyncError: (code) => syncErrors.inc({ code }),
    plugin(app) {
      app.get('/metrics', async (_req, reply) => {
        collect();
        return reply.type(registry.contentType).send(await registry.metrics());
      });
    },
  };
}
