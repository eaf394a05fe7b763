import Fastify from 'fastify';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Health } from './messages.ts';
import { createTerminalMetrics } from './metrics.ts';

const health = (over: Partial<Health> = {}): Health => ({
  status: 'degraded',
  degraded: ['device_idcard-1'],
  terminal_id: 't-1',
  version: 'test',
  scenario: 'hotel',
  venue: { name: 'hotel', kind: 'desk', title: { 'zh-CN': '酒店', 'zh-HK': '酒店', en: 'Hotel' }, clear_after_s: 15 },
  devices: [
    { id: 'scanner-1', role: 'scanner', kind: 'serial-scanner', state: 'connected', path: '/dev/ttyUSB0', detail: null, last_reading_at: null },
    { id: 'idcard-1', role: 'idcard', kind: 'serial-idcard', state: 'disconnected', path: null, detail: 'unplugged', last_reading_at: null },
  ],
  trust: { sequence: 4, issued_at: 1, expires_at: 2, stale: true },
  feeds: [],
  queue: { backlog: 12, oldest_unsent_age_s: 95, last_seq: 40, bytes: 0, max_bytes: 1, dropped_total: 0, over_quota: false },
  sync: { state: 'offline', last_success_at: null, last_error: 'YSS_SYNC_NETWORK: down', acked_seq: 28 },
  clock: { wall: 0, trusted: 0, drift_s: -3 },
  ...over,
});

test('the terminal metrics show its health, verify timings and sync errors by code', async () => {
  let h = health();
  const m = createTerminalMetrics(() => h);
  m.observeVerify(0.0003);
  m.observeVerify(0.02);
  m.countSyncError('YSS_SYNC_NETWORK');
  m.countSyncError('YSS_SYNC_NETWORK');
  m.countSyncError('YSS_SYNC_CLOCK_SKEW');
  const app = Fastify();
  m.plugin(app);
  const scrape = async () => {
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    return (name: string) => Number(text.split('\n').find((l) => l.startsWith(`${name} `))?.slice(name.length + 1));
  };
  let v = await scrape();
  assert.equal(v('yss_terminal_verify_seconds_count'), 2);
  assert.equal(v('yss_terminal_verify_seconds_bucket{le="0.0005"}'), 1);
  assert.equal(v('yss_terminal_sync_errors_total{code="YSS_SYNC_NETWORK"}'), 2);
  assert.equal(v('yss_terminal_sync_errors_total{code="YSS_SYNC_CLOCK_SKEW"}'), 1);
  assert.equal(v('yss_terminal_queue_backlog_events'), 12);
  assert.equal(v('yss_terminal_queue_oldest_unsent_age_seconds'), 95);
  assert.equal(v('yss_terminal_sync_acked_seq'), 28);
  assert.equal(v('yss_terminal_sync_state{state="offline"}'), 1);
  assert.equal(v('yss_terminal_sync_state{state="idle"}'), 0);
  assert.equal(v('yss_terminal_device_up{device="scanner-1",role="scanner"}'), 1);
  assert.equal(v('yss_terminal_device_up{device="idcard-1",role="idcard"}'), 0);
  assert.equal(v('yss_terminal_degraded'), 1);
  assert.equal(v('yss_terminal_trust_list_stale'), 1);
  assert.equal(v('yss_terminal_clock_drift_seconds'), -3);
  // A device removed from the config disappears from the metrics instead of staying at its last value.
  h = health({ devices: [], queue: { backlog: 0, oldest_unsent_age_s: null, last_seq: 40, bytes: 0, max_bytes: 1, dropped_total: 0, over_quota: false }, trust: { sequence: null, issued_at: null, expires_at: null, stale: false } });
  v = await scrape();
  assert.ok(Number.isNaN(v('yss_terminal_device_up{device="scanner-1",role="scanner"}')));
  assert.equal(v('yss_terminal_queue_oldest_unsent_age_seconds'), 0);
  assert.equal(v('yss_terminal_trust_list_sequence'), -1);
});
