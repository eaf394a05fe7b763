// The fleet page's alerts, from terminal rows as storage returns them and an injected clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Heartbeat } from '../../terminal/src/protocol/index.ts';
import { ALERT_DEFAULTS, fleetOverview } from './fleet.ts';
import type { TerminalRecord } from './storage/types.ts';

const NOW = 1_900_000_000_000;
const MIN = 60_000;

function hb(o: Partial<Heartbeat> = {}, queue: Partial<Heartbeat['queue']> = {}): Heartbeat {
  return {
    version: '1',
    venue: 'hall',
    status: 'ok',
    degraded: [],
    queue: { backlog: 0, oldest_unsent_age_s: null, last_seq: 5, bytes: 0, max_bytes: 1, dropped_total: 0, ...queue },
    devices: [{ id: 'scanner-1', role: 'scanner', state: 'connected' }],
    trust_sequence: 7,
    clock_drift_s: 0,
    sync_error: null,
    ...o,
  };
}

function terminal(id: string, o: Partial<TerminalRecord> = {}): TerminalRecord {
  return { id, name: `desk ${id}`, public_key: 'k', status: 'active', created_at: NOW - 86_400_000, head_seq: 5, head_hash: 'h', head_at: NOW - MIN, last_heartbeat_at: NOW - MIN, heartbeat: hb(), ...o };
}

const trust = { sequence: 7, published_at: NOW - 86_400_000 };
const kinds = (o: ReturnType<typeof fleetOverview>) => o.alerts.map((a) => `${a.kind} ${a.terminal_id}`).sort();

test('a healthy fleet raises nothing, and each terminal shows its venue, backlog, trust list and devices', () => {
  const o = fleetOverview([terminal('t-1'), terminal('t-2', { status: 'pending', public_key: null, heartbeat: null, last_heartbeat_at: null, head_at: null, head_seq: 0 })], trust, [], NOW);
  assert.deepEqual(o.alerts, [], 'a pending enrollment is not an alert');
  assert.equal(o.terminals[0]!.venue, 'hall');
  assert.equal(o.terminals[0]!.online, true);
  assert.equal(o.terminals[0]!.trust_sequence, 7);
  assert.deepEqual(o.terminals[0]!.devices, [{ id: 'scanner-1', role: 'scanner', state: 'connected' }]);
  assert.equal(o.terminals[1]!.online, false);
});

test('each condition past its threshold is one alert, and just under it none', () => {
  const silent = ALERT_DEFAULTS.silent_after_s * 1000;
  const o = fleetOverview(
    [
      terminal('quiet', { last_heartbeat_at: NOW - silent - 1 }),
      terminal('almost-quiet', { last_heartbeat_at: NOW - silent }),
      terminal('never', { last_heartbeat_at: null, heartbeat: null }),
      terminal('behind', { heartbeat: hb({}, { backlog: 40, oldest_unsent_age_s: ALERT_DEFAULTS.backlog_age_s + 1 }) }),
      terminal('almost-behind', { heartbeat: hb({}, { backlog: 40, oldest_unsent_age_s: ALERT_DEFAULTS.backlog_age_s }) }),
      terminal('old-trust', { heartbeat: hb({ trust_sequence: 6 }) }),
      terminal('no-trust', { heartbeat: hb({ trust_sequence: null }) }),
      terminal('failing', { heartbeat: hb({ sync_error: 'YSS_SYNC_UNREACHABLE: connect ECONNREFUSED' }) }),
      terminal('sick', { heartbeat: hb({ status: 'degraded', degraded: ['YSS_DEVICE_PRINTER_PAPER_OUT'] }) }),
      terminal('revoked', { status: 'revoked', last_heartbeat_at: NOW - 86_400_000 }),
    ],
    trust,
    [],
    NOW,
  );
  assert.deepEqual(kinds(o), ['backlog behind', 'degraded sick', 'silent never', 'silent quiet', 'sync_error failing', 'trust_stale no-trust', 'trust_stale old-trust']);
  assert.match(o.alerts.find((a) => a.terminal_id === 'quiet')!.detail, /no heartbeat for 10 min/);
  assert.match(o.alerts.find((a) => a.terminal_id === 'behind')!.detail, /40 events unsent, the oldest 60 min old/);
  assert.match(o.alerts.find((a) => a.terminal_id === 'failing')!.detail, /ECONNREFUSED/);
});

test('a trust list published moments ago is not yet stale for terminals that have not pulled it', () => {
  const fresh = { sequence: 8, published_at: NOW - ALERT_DEFAULTS.trust_behind_s * 1000 };
  assert.deepEqual(kinds(fleetOverview([terminal('t-1')], fresh, [], NOW)), []);
  assert.deepEqual(kinds(fleetOverview([terminal('t-1')], fresh, [], NOW + 1)), ['trust_stale t-1']);
});

test('a reset is linked to the terminal it says it replaces, and alerts until that one is revoked', () => {
  const reset = { terminal_id: 't-new', replaces: 't-old', reason: 'disk replaced', at: NOW - MIN };
  const before = fleetOverview([terminal('t-old', { last_heartbeat_at: NOW - MIN }), terminal('t-new')], trust, [reset], NOW);
  assert.deepEqual(kinds(before), ['reset t-new']);
  assert.match(before.alerts[0]!.detail, /says it replaces t-old \(disk replaced\); if so, revoke t-old/);
  assert.equal(before.terminals[1]!.replaces, 't-old');
  const after = fleetOverview([terminal('t-old', { status: 'revoked' }), terminal('t-new')], trust, [reset], NOW);
  assert.deepEqual(kinds(after), []);
  assert.equal(after.terminals[1]!.replaces, 't-old', 'the link stays on the terminal');
});

test('thresholds come from the config', () => {
  const o = fleetOverview([terminal('t-1', { last_heartbeat_at: NOW - 2 * MIN })], trust, [], NOW, { ...ALERT_DEFAULTS, silent_after_s: 60 });
  assert.deepEqual(kinds(o), ['silent t-1']);
});
