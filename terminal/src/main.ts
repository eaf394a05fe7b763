// Wires the daemon's parts together; each part lives in its own folder.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { ApiServer } from './api/index.ts';
import { createTerminalMetrics } from './api/metrics.ts';
import { kioskRoutes } from './api/kiosk-routes.ts';
import { cameraRoute } from './api/camera-route.ts';
import type { DeviceHealth, EventMessage, Health, VerdictMessage } from './api/messages.ts';
import type { TerminalConfig } from './config/index.ts';
import { CameraScanner, createDevice, type Device, type PrinterDevice, type RelayDevice, type ScannerDevice } from './devices/index.ts';
import { checkChain, describeStartError, UploadedMarkKeeper } from './data-guard.ts';
import { lockDataDir } from './data-lock.ts';
import { createLogger } from './log.ts';
import { Pipeline } from './pipeline.ts';
import { Sealer } from './protocol/index.ts';
import { openDatabase, Queue } from './queue/index.ts';
import { TicketCounter } from './scenarios/index.ts';
import { SyncEngine, loadOrCreateIdentity, syncOptions } from './sync/index.ts';
import { parseRootArg, ReplayStore, TrustedClock, TrustStore } from './trust/index.ts';

export const VERSION = '0.1.0';
const UI_DIR = fileURLToPath(new URL('../../kiosk-ui/web/dist/', import.meta.url));
const RECENT = 50;

export interface Terminal {
  url: string;
  health(): Health;
  stop(): Promise<void>;
}

/**
 * Starts the daemon on its data folder, which it locks first: a second start on the same folder
 * stops there, before the database, the identity or a device is opened (data-lock.ts).
 */
export async function startTerminal(config: Readonly<TerminalConfig>, log: Logger = createLogger(config.log_level)): Promise<Terminal> {
  const lock = lockDataDir(config.data_dir);
  try {
    const t = await startLocked(config, log);
    return {
      ...t,
      stop: async () => {
        await t.stop();
        lock.release();
      },
    };
  } catch (e) {
    lock.release();
    throw describeStartError(e, config.data_dir);
  }
}

async function startLocked(config: Readonly<TerminalConfig>, log: Logger): Promise<Terminal> {
  const db = openDatabase(config.data_dir);
  const clock = TrustedClock.open(db);
  const trust = TrustStore.open(db, config.trust.roots.map(parseRootArg), { clock });
  if (trust.loadError) log.error({ err: trust.loadError }, 'installed trust list no longer opens with the pinned roots');
  if (config.trust.file) {
    const r = trust.install(readFileSync(config.trust.file, 'utf8').trim());
    log.info({ status: r.status, sequence: r.sequence, reason: r.reason }, 'trust list from file');
  }
  const replay = new ReplayStore(db);
  const queue = new Queue(db, { maxBytes: config.queue.max_bytes, droppableTypes: config.queue.droppable_types });
  checkChain(config.data_dir, queue);
  const marks = config.sync ? new UploadedMarkKeeper(config.data_dir, queue, { onError: (e) => log.warn({ err: e }, 'uploaded mark not recorded in identity.json') }) : null;
  const tickets = new TicketCounter(db);
  const sealer = config.sync ? new Sealer(Buffer.from(config.sync.seal_key, 'base64url')) : null;
  if (!sealer) log.warn('no sync service configured: personal data from readings is not kept');
  if (!config.api.staff_pin) log.warn('no staff PIN configured (api.staff_pin): the kiosk has no staff sign-in');

  const devices: Device[] = config.devices.map((c) => createDevice(c, log.child({ component: 'device', device: c.id })));
  const recent: VerdictMessage[] = [];
  let api: ApiServer | null = null;
  let sync: SyncEngine | null = null;
  const publish = (m: EventMessage) => api?.broadcast(m);

  const identity = config.sync ? loadOrCreateIdentity(config.data_dir) : null;
  const health = (): Health => {
    const now = clock.now();
    const st = clock.status();
    const t = trust.health(now);
    const degraded: string[] = [];
    if (t.sequence === null || !trust.index) degraded.push('no_trust_list');
    else if (t.stale) degraded.push('trust_list_stale');
    if (st.untrusted) degraded.push('clock_untrusted');
    for (const d of devices) if (d.health.state !== 'connected') degraded.push(`device_${d.health.id}`);
    const q = queue.stats();
    if (q.over_quota) degraded.push('queue_over_quota');
    else if (q.bytes > q.max_bytes * 0.9) degraded.push('queue_near_quota');
    const s = sync?.health ?? { state: 'disabled' as const, last_success_at: null, last_error: null, acked_seq: queue.ackedThrough };
    if (s.state === 'offline' || s.state === 'backoff' || s.state === 'unenrolled') degraded.push(`sync_${s.state}`);
    return {
      status: degraded.length ? 'degraded' : 'ok',
      degraded,
      terminal_id: identity?.terminalId ?? null,
      version: VERSION,
      scenario: config.scenario.id,
      devices: devices.map((d) => d.health),
      trust: t,
      queue: q,
      sync: s,
      clock: { wall: Math.floor(st.wall), trusted: st.now, drift_s: Math.round(st.drift) },
    };
  };

  const metrics = createTerminalMetrics(health);
  const pipeline = new Pipeline({
    db,
    scenario: config.scenario,
    trust,
    replay,
    queue,
    tickets,
    sealer,
    now: () => clock.now(),
    skew: config.skew_s,
    log: log.child({ component: 'pipeline' }),
    publish: (m) => {
      recent.unshift(m);
      recent.length = Math.min(recent.length, RECENT);
      publish(m);
    },
    afterCommit: (m, device) => afterCommit(m, device),
    observeVerify: metrics.observeVerify,
  });

  function afterCommit(m: VerdictMessage, from: DeviceHealth): void {
    sync?.poke();
    const source = devices.find((d) => d.health.id === from.id);
    if (source?.health.role === 'scanner') void (source as ScannerDevice).acknowledge(m.accepted);
    for (const e of m.effects) {
      if (e.kind === 'ticket') {
        const printer = devices.find((d) => d.health.role === 'printer') as PrinterDevice | undefined;
        if (!printer) log.warn({ seq: m.seq }, 'ticket issued but no printer is configured');
        void printer?.print({ title: config.name, number: e.number, lines: [e.service, new Date(m.at).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' })] }).then((r) => {
          // The number is still on screen and in the queue; the printer's state shows in health.
          if (!r.ok) log.error({ seq: m.seq, number: e.number, reason: r.reason }, 'ticket not printed');
        });
      }
      if (e.kind === 'gate' && config.scenario.gate) {
        const relay = devices.find((d) => d.health.id === config.scenario.gate!.relay) as RelayDevice | undefined;
        void relay?.pulse(config.scenario.gate.pulse_ms).then((ok) => {
          if (!ok) log.error({ seq: m.seq, relay: config.scenario.gate!.relay }, 'gate relay did not pulse');
        });
      }
    }
  }

  for (const d of devices) {
    d.on('reading', (reading, dh) => {
      try {
        pipeline.handle(reading, dh);
      } catch (e) {
        log.error({ err: e, device: dh.id }, 'reading could not be committed; nothing was shown');
      }
    });
    d.on('status', (dh) => {
      publish({ type: 'device', device: dh });
      try {
        queue.append({ type: 'device', at: Date.now(), trusted_at: clock.now() * 1000, scenario: config.scenario.id, body: { device: dh }, sealed: null, droppable: true });
        sync?.poke();
      } catch (e) {
        log.warn({ err: e }, 'device event not queued');
      }
    });
  }

  if (config.sync && identity) {
    sync = new SyncEngine(
      syncOptions(config.sync, config.name, config.data_dir),
      {
        queue,
        identity,
        log: log.child({ component: 'sync' }),
        installTrustList: (jws) => {
          const r = trust.install(jws);
          if (r.status === 'refused') log.error({ reason: r.reason, message: r.message }, 'trust list from the service refused');
          else if (r.status === 'installed') log.info({ sequence: r.sequence }, 'trust list installed');
        },
        observeServerTime: (ms) => clock.observe(Math.floor(ms / 1000), 'server'),
        onError: metrics.countSyncError,
        heartbeat: () => {
          const h = health();
          return {
            version: VERSION,
            status: h.status,
            degraded: h.degraded,
            queue: queue.stats(),
            devices: h.devices.map((d) => ({ id: d.id, role: d.role, state: d.state })),
            trust_sequence: h.trust.sequence,
            clock_drift_s: h.clock.drift_s,
          };
        },
      },
    );
  }

  const printer = () => devices.find((d) => d.health.role === 'printer') as PrinterDevice | undefined;
  const routes = (app: Parameters<typeof kioskRoutes>[0]) =>
    kioskRoutes(app, {
      health,
      recent: () => recent,
      staffPin: config.api.staff_pin,
      printTestTicket: async () => {
        const p = printer();
        if (!p) return { ok: false, detail: 'no printer is configured' };
        const r = await p.print({ title: config.name, number: 'TEST', lines: ['测试票 / test ticket', new Date().toISOString()] });
        return { ok: r.ok, detail: r.ok ? `printed on ${p.health.id}` : `${p.health.id}: ${r.reason}` };
      },
      register:
        config.scenario.id === 'hotel-checkin'
          ? async (req) => {
              const verdict = recent.find((m) => m.seq === req.seq);
              if (!verdict || !verdict.accepted) return { ok: false, detail: `no accepted check-in with sequence ${req.seq}` };
              const now = clock.now();
              const tx = db.transaction(() =>
                queue.append({ type: 'registration_detail', at: Date.now(), trusted_at: now * 1000, scenario: config.scenario.id, body: { of_seq: req.seq, room: req.room, guests: req.guests }, sealed: null }),
              );
              const event = tx.immediate();
              sync?.poke();
              return { ok: true, detail: `recorded as event ${event.seq}` };
            }
          : undefined,
      feeds: () => {
        const t = trust.health(clock.now());
        return [{ name: 'trust-list', version: t.sequence, updated_at: t.issued_at === null ? null : t.issued_at * 1000 }];
      },
    });
  api = new ApiServer({ host: config.api.host, port: config.api.port, log, health, uiDir: UI_DIR, plugins: [routes, metrics.plugin, (app) => cameraRoute(app, devices.find((d): d is CameraScanner => d instanceof CameraScanner))] });
  const url = await api.listen();
  for (const d of devices) d.start();
  sync?.start();
  marks?.start();

  let lastHealth = '';
  const timers = [
    setInterval(() => {
      const h = health();
      const key = JSON.stringify({ ...h, clock: null, queue: { ...h.queue, oldest_unsent_age_s: null } });
      if (key !== lastHealth) {
        lastHealth = key;
        publish({ type: 'health', health: h });
      }
    }, 1000),
    setInterval(() => {
      try {
        queue.prune(config.queue.retention_s * 1000);
        db.pragma('wal_checkpoint(TRUNCATE)');
      } catch (e) {
        log.warn({ err: e }, 'queue maintenance failed');
      }
    }, 5 * 60_000),
    // A list installed by another process (`trust install` from a USB stick) is used without a restart.
    setInterval(() => {
      const r = trust.refresh();
      if (r.status === 'loaded') log.info({ sequence: r.sequence }, 'trust list installed by another process now in use');
      else if (r.status === 'refused') log.error({ sequence: r.sequence, reason: r.reason, message: r.message }, 'trust list installed by another process refused');
    }, 5000),
  ];
  for (const t of timers) t.unref();
  log.info({ url, scenario: config.scenario.id, devices: devices.length }, 'listening');

  return {
    url,
    health,
    stop: async () => {
      for (const t of timers) clearInterval(t);
      await Promise.allSettled(devices.map((d) => d.close()));
      await sync?.stop();
      marks?.stop();
      await api?.close();
      db.close();
    },
  };
}
