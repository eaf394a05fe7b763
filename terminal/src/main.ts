// Wires the daemon's parts together; each part lives in its own folder, and what runs between
// them (a reading's path, health, effects, timers) in daemon/.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { ApiServer, attendanceRoute, cameraRoute, createTerminalMetrics, kioskRoutes, loanRoutes, stayRoutes, ticketRoutes, type EventMessage, type Health, type VerdictMessage } from './api/index.ts';
import type { TerminalConfig } from './config/index.ts';
import type { PushHooks } from './config-push/index.ts';
import { Effects, GateGrants, healthOf, heartbeatOf, Pipeline, RecentVerdicts, recordRegistration, startTimers, StayDesk, TicketChoice, ticketDesk } from './daemon/index.ts';
import { IdleCheckpoints, openDatabase, WAL_RESERVE_BYTES } from './db/index.ts';
import { CameraScanner, createDevice, DeviceRegistry, type AnyDevice } from './devices/index.ts';
import { checkChain, describeStartError, UploadedMarkKeeper } from './data-guard.ts';
import { lockDataDir } from './data-lock.ts';
import { feedHealth, FeedStore, GrantStore, PassageStore, ShareStore, slotReports, venueFeedKinds } from './feeds/index.ts';
import { createLogger } from './log.ts';
import { LoanDesk, LoanOutbox, Sip2Client } from './loans/index.ts';
import { Sealer } from './protocol/index.ts';
import { HallNumbers, Queue, TicketCounter } from './queue/index.ts';
import { httpTransport, PoliceStates, ServiceClient, SyncEngine, loadOrCreateIdentity, syncOptions } from './sync/index.ts';
import { localDay } from './scenarios/index.ts';
import { parseRootArg, ReplayStore, TrustedClock, TrustStore, type ClockOptions } from './trust/index.ts';
import { ActiveTicketStore, AppointmentStore, AttendanceStore, attendanceWindow, PendingDetailsStore, PersonSeenStore, StayStore, ticketCategories, VENUE_DEFAULTS } from './venue/index.ts';

export const VERSION = '0.1.0';
const UI_DIR = fileURLToPath(new URL('../../kiosk-ui/web/dist/', import.meta.url));

export interface Terminal {
  url: string;
  health(): Health;
  stop(): Promise<void>;
}

/** What a caller may inject instead of what the config builds (tests, tools). */
export interface TerminalOptions {
  log?: Logger;
  /** Devices to use instead of building them from `config.devices` (not started yet). */
  devices?: AnyDevice[];
  /** The clock's wall and monotonic sources. */
  clock?: ClockOptions;
  /** Config pushes from the sync service (config-push/, docs/config-push.md): polled with the trust list, reported in heartbeats. */
  configPush?: PushHooks;
}

/**
 * Starts the daemon on its data folder, which it locks first: a second start on the same folder
 * stops there, before the database, the identity or a device is opened (data-lock.ts).
 */
export async function startTerminal(config: Readonly<TerminalConfig>, opts: TerminalOptions = {}): Promise<Terminal> {
  const lock = lockDataDir(config.data_dir);
  try {
    const t = await startLocked(config, opts);
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

async function startLocked(config: Readonly<TerminalConfig>, opts: TerminalOptions): Promise<Terminal> {
  const log = opts.log ?? createLogger(config.log_level);
  const db = openDatabase(config.data_dir);
  const clock = TrustedClock.open(db, opts.clock);
  const trust = TrustStore.open(db, config.trust.roots.map(parseRootArg), { clock });
  if (trust.loadError) log.error({ err: trust.loadError }, 'installed trust list no longer opens with the pinned roots');
  if (config.trust.file) {
    const r = trust.install(readFileSync(config.trust.file, 'utf8').trim());
    log.info({ status: r.status, sequence: r.sequence, reason: r.reason }, 'trust list from file');
  }
  const replay = new ReplayStore(db);
  const queue = new Queue(db, { maxBytes: config.queue.max_bytes, droppableTypes: config.queue.droppable_types, wallMs: () => clock.wallMs() });
  checkChain(config.data_dir, queue);
  const marks = config.sync ? new UploadedMarkKeeper(config.data_dir, queue, { onError: (e) => log.warn({ err: e }, 'uploaded mark not recorded in identity.json') }) : null;
  const tickets = new TicketCounter(db);
  const persons = new PersonSeenStore(db);
  const pending = new PendingDetailsStore(db);
  const { venue } = config;
  // Tickets numbered by the hall's allocator (docs/hall.md): one block pool per prefix.
  const hallCategories = venue.actions.flatMap((a) =>
    a.do === 'print-ticket' && a.numbers === 'hall' ? ticketCategories(a).map((c) => ({ prefix: c.prefix, block: a.block ?? VENUE_DEFAULTS.block, cap: c.daily_cap })) : [],
  );
  // The category a visitor taps on the kiosk, staff's override, and whom this machine gave a number today.
  const choice = new TicketChoice(() => clock.wallMs());
  const ticketChoices = ticketDesk(venue, choice, () => clock.now());
  const active = venue.actions.some((a) => a.do === 'print-ticket' && a.one_active) ? new ActiveTicketStore(db, (day) => hallNumbers?.finished(day) ?? null) : undefined;
  active?.prune(localDay(clock.now()));
  if (hallCategories.length && !config.sync) {
    db.close();
    throw new Error(`venue ${venue.name} numbers its tickets by the hall (numbers: hall), which needs the hall's sync service: add a sync section to the terminal config`);
  }
  const hallNumbers = hallCategories.length
    ? new HallNumbers(db, { hall: venue.name, categories: hallCategories, today: () => localDay(clock.now()), log: log.child({ component: 'hall-numbers' }) })
    : null;
  const feedStore = new FeedStore(db);
  const passages = new PassageStore(db);
  const shares = venue.access?.capacity?.shares ? new ShareStore(db) : undefined;
  const feedKinds = venueFeedKinds(venue);
  const sealer = config.sync ? new Sealer(Buffer.from(config.sync.seal_key, 'base64url')) : null;
  const stays = venue.stay ? new StayStore(db) : undefined;
  const attendance = venue.attendance ? new AttendanceStore(db) : undefined;
  const appointments = venue.appointments ? new AppointmentStore(db) : undefined;
  if (!sealer) log.warn('no sync service configured: personal data from readings is not kept');
  if (!config.api.staff_pin && !config.api.staff_pin_hash) log.warn('no staff PIN configured (api.staff_pin or api.staff_pin_hash): the kiosk has no staff sign-in');

  const devices = new DeviceRegistry(opts.devices ?? config.devices.map((c) => createDevice(c, log.child({ component: 'device', device: c.id }), { now: () => clock.wallMs() })));
  const recent = new RecentVerdicts<VerdictMessage>();
  let api: ApiServer | null = null;
  let sync: SyncEngine | null = null;
  // A venue with stays shows its guests' police reports, read from the service by the sync engine.
  const police = stays && config.sync ? new PoliceStates() : undefined;
  const publish = (m: EventMessage) => api?.broadcast(m);
  const identity = config.sync ? loadOrCreateIdentity(config.data_dir) : null;
  const pushes = opts.configPush;
  const health = () => {
    const h = healthOf({ version: VERSION, venue, terminalId: () => identity?.terminalId ?? null, clock, trust, devices, queue, sync: () => sync?.health ?? null, hallNumbers, feeds: () => feedHealth(feedStore, venue, clock.wallMs()), ilsOffline: () => loanDesk?.ilsOffline() ?? false, tickets: () => {
      const t = ticketChoices?.categories() ?? null;
      return t && (t.categories.length > 1 || t.one_active || t.departments) ? t : null;
    } });
    return pushes ? { ...h, config: pushes.status() } : h;
  };
  const metrics = createTerminalMetrics(health);

  // A gate whose open-gate action names a pass sensor: admissions wait for the passage (docs/feeds.md#grants-that-lapse).
  const grantStore = venue.actions.some((a) => a.do === 'open-gate' && a.pass_sensor) ? new GrantStore(db) : null;
  const gateGrants = grantStore
    ? new GateGrants({ grants: grantStore, passages, devices, queue, clock, venue: venue.name, log: log.child({ component: 'grants' }), committed: () => sync?.poke() })
    : null;
  const slip = venue.appointments && { ...(venue.appointments.slip_title ? { title: venue.appointments.slip_title } : {}), name: venue.appointments.slip_name ?? false };
  const effects = new Effects({ devices, venue: venue.name, title: config.name, ...(slip ? { slip } : {}), queue, clock, log: log.child({ component: 'effects' }), committed: () => sync?.poke() });
  const pipeline = new Pipeline({
    venue,
    trust,
    replay,
    persons,
    pending,
    stays,
    queue,
    tickets,
    hallNumbers,
    feeds: { store: feedStore, passages, shares },
    ...(grantStore && gateGrants ? { grants: { store: grantStore, keeper: gateGrants } } : {}),
    attendance,
    appointments,
    choice,
    active,
    sealer,
    clock,
    skew: config.skew_s,
    log: log.child({ component: 'pipeline' }),
    publish: (m) => {
      recent.add(m);
      publish(m);
    },
    afterCommit: (m, device) => {
      sync?.poke();
      effects.afterCommit(m, device);
    },
    observeVerify: metrics.observeVerify,
  });

  // A library terminal takes item barcodes between codes, in order (loans/desk.ts).
  const ils = venue.loans?.ils;
  const loanDesk = venue.loans
    ? new LoanDesk({
        venue: { ...venue, loans: venue.loans },
        decide: (reading, dh, override, show) => pipeline.handle(reading, dh, override, show),
        trust,
        salt: () => feedStore.salt(),
        patronOf: (holder) => feedStore.rows('patrons', holder)[0]?.patron ?? null,
        queue,
        sealer,
        outbox: new LoanOutbox(db),
        ils: ils
          ? new Sip2Client({ host: ils.host, port: ils.port, institution: ils.institution, user: ils.user, password: ils.password, location: ils.location, terminalPassword: ils.terminal_password, timeoutMs: ils.timeout_ms ?? VENUE_DEFAULTS.ils_timeout_ms })
          : null,
        clock,
        skew: config.skew_s,
        log: log.child({ component: 'loans' }),
        publish: (m) => {
          if (m.type === 'verdict') recent.add(m);
          publish(m);
        },
        afterCommit: (m, device) => {
          sync?.poke();
          effects.afterCommit(m, device);
        },
      })
    : null;

  for (const d of devices.all) {
    d.on('reading', (reading, dh) => {
      if (loanDesk) {
        loanDesk.handle(reading, dh).catch((e: unknown) => log.error({ err: e, device: dh.id }, 'reading could not be committed; nothing was shown'));
        return;
      }
      try {
        pipeline.handle(reading, dh);
      } catch (e) {
        log.error({ err: e, device: dh.id }, 'reading could not be committed; nothing was shown');
      }
    });
    d.on('status', (dh) => {
      publish({ type: 'device', device: dh });
      try {
        const at = clock.wallMs();
        const trustedAt = clock.now() * 1000;
        queue.commit((tx) => tx.append({ type: 'device', at, trusted_at: trustedAt, scenario: venue.name, body: { device: dh }, sealed: null, droppable: true }));
        sync?.poke();
      } catch (e) {
        log.warn({ err: e }, 'device event not queued');
      }
    });
  }

  if (config.sync && identity) {
    sync = new SyncEngine(syncOptions(config.sync, config.name, config.data_dir), {
      queue,
      identity,
      log: log.child({ component: 'sync' }),
      installTrustList: (jws) => {
        const r = trust.install(jws);
        if (r.status === 'refused') log.error({ reason: r.reason, message: r.message }, 'trust list from the service refused');
        else if (r.status === 'installed') log.info({ sequence: r.sequence }, 'trust list installed');
      },
      feeds: {
        kinds: feedKinds,
        etag: (kind) => feedStore.meta(kind as never)?.etag ?? null,
        version: (kind) => feedStore.meta(kind as never)?.version ?? null,
        install: async (kind, text, etag) => {
          const r = await feedStore.install(text, { venue: venue.name, etag, at: clock.wallMs() });
          if (r.status === 'refused') log.error({ kind, reason: r.reason }, 'venue feed from the service refused');
          else if (r.status === 'installed') log.info({ kind, version: r.version, rows: r.rows, via: r.via }, 'venue feed installed');
        },
        unchanged: (kind) => {
          const m = feedStore.meta(kind as never);
          if (m) feedStore.checked(m.kind, m.version, clock.wallMs());
        },
      },
      ...(pushes && identity ? { config: { etag: () => pushes.etag(), receive: (jws: string) => pushes.receive(jws, { configKey: identity.configKey, terminalId: identity.terminalId }) } } : {}),
      police,
      observeServerTime: (ms) => clock.observe(Math.floor(ms / 1000), 'server'),
      onError: metrics.countSyncError,
      heartbeat: () => {
        const hb = heartbeatOf(health());
        return shares ? { ...hb, slots: slotReports({ venue, feeds: feedStore, passages, shares, now: clock.now() }) } : hb;
      },
      heartbeatAnswered: (granted) => shares?.answered(granted),
      heartbeatUnanswered: () => shares?.unanswered(),
      now: () => clock.wallMs(),
    });
  }

  const desk = stays ? new StayDesk({ venue, stays, pending, queue, clock, sealer, committed: () => sync?.poke(), police }) : null;
  const routes = (app: Parameters<typeof kioskRoutes>[0]) =>
    kioskRoutes(app, {
      health,
      recent: () => recent.list(),
      staffPin: config.api.staff_pin,
      staffPinHash: config.api.staff_pin_hash,
      printTestTicket: () => effects.printTestTicket(),
      register: venue.actions.some((a) => a.do === 'collect-details')
        ? async (req) => (desk ? desk.register(req) : recordRegistration({ queue, clock, venue: venue.name, pending, committed: () => sync?.poke() }, req))
        : undefined,
      more: (app, guards) => {
        stayRoutes(app, guards, desk);
        loanRoutes(app, guards, loanDesk);
        ticketRoutes(app, guards, ticketChoices);
        attendanceRoute(app, guards, attendance ? () => attendance.summary(feedStore.allRows('roster'), clock.now(), attendanceWindow(venue)) : null);
      },
      feeds: () => {
        const t = trust.health(clock.now());
        const venueFeeds = feedHealth(feedStore, venue, clock.wallMs()).map((f) => ({ name: `feed:${f.kind}`, version: f.version, updated_at: f.checked_at }));
        return [{ name: 'trust-list', version: t.sequence, updated_at: t.issued_at === null ? null : t.issued_at * 1000 }, ...venueFeeds];
      },
      now: () => clock.wallMs(),
    });
  const camera = devices.all.find((d): d is CameraScanner => d instanceof CameraScanner);
  api = new ApiServer({ host: config.api.host, port: config.api.port, log, health, uiDir: UI_DIR, plugins: [routes, metrics.plugin, (app) => cameraRoute(app, camera)] });
  let url: string;
  try {
    url = await api.listen();
  } catch (e) {
    // Nothing has started yet but the database: close it, so a failed start leaves nothing open.
    db.close();
    throw e;
  }
  gateGrants?.start();
  for (const d of devices.all) d.start();
  sync?.start();
  loanDesk?.start();
  if (hallNumbers && config.sync && identity) {
    hallNumbers.start(
      new ServiceClient({ transport: httpTransport(config.sync.url, config.sync.timeout_ms), identity, now: () => clock.wallMs(), observeServerTime: (ms) => clock.observe(Math.floor(ms / 1000), 'server') }),
    );
  }
  marks?.start();
  const refreshTrust = () => {
    // A list installed by another process (`trust install` from a USB stick) is used without a restart.
    const r = trust.refresh();
    if (r.status === 'loaded') log.info({ sequence: r.sequence }, 'trust list installed by another process now in use');
    else if (r.status === 'refused') log.error({ sequence: r.sequence, reason: r.reason, message: r.message }, 'trust list installed by another process refused');
  };
  // The WAL is checkpointed when readings pause, not inside a scan's commit (db/checkpoints.ts);
  // the five-minute upkeep waits for a pause the same way. Its file is kept allocated from the
  // first pause on, so that a scan's commit overwrites it rather than growing it.
  const checkpoints = new IdleCheckpoints(db, { reserveWalBytes: WAL_RESERVE_BYTES, onError: (e) => log.warn({ err: e }, 'WAL checkpoint failed') });
  const stopTimers = startTimers({ health, publish, queue, db, retentionMs: config.queue.retention_s * 1000, refreshTrust, log, quietMs: () => checkpoints.quietMs(), prune: () => {
    const now = clock.now();
    persons.prune(now);
    pending.prune(now);
    stays?.prune(now);
    attendance?.prune(now - 31 * 86_400);
    appointments?.prune(now - 2 * 86_400);
    // Whom this machine gave a number: yesterday's tokens go at the first maintenance after midnight, not only at a restart.
    active?.prune(localDay(now));
    passages.prune(localDay(now), now - Math.max(venue.access?.anti_passback_s ?? 0, 86_400));
  } });
  checkpoints.start();
  log.info({ url, venue: venue.name, devices: devices.all.length }, 'listening');

  return {
    url,
    health,
    stop: async () => {
      stopTimers();
      gateGrants?.stop();
      await loanDesk?.stop();
      await hallNumbers?.stop();
      await Promise.allSettled(devices.all.map((d) => d.close()));
      await sync?.stop();
      marks?.stop();
      await api?.close();
      checkpoints.stop();
      db.close();
    },
  };
}
