// The uploader's loop: enroll once, poll the trust list and the venue's feeds, upload the queue.
// One request of a kind in flight, but for two uploads while a backlog drains (uploader.ts);
// failures back off exponentially with full jitter and never lose or reorder what the queue
// holds. Heartbeats run beside it on their own schedule (heartbeats.ts).
import type { Logger } from 'pino';
import type { Heartbeat, SlotShare } from '../protocol/index.ts';
import type { Queue } from '../queue/index.ts';
import { ServiceClient } from './client.ts';
import { isPermanent, SyncError, syncMessage } from './errors.ts';
import { Heartbeats } from './heartbeats.ts';
import { PolicePoll, type PoliceStates } from './police.ts';
import { saveTerminalId, type Identity } from './identity.ts';
import type { SyncOptions } from './options.ts';
import { httpTransport, type Transport } from './transport.ts';
import type { SyncHealth } from './types.ts';
import { Uploader } from './uploader.ts';

export interface SyncDeps {
  queue: Queue;
  identity: Identity;
  log: Logger;
  /** Installs a trust list fetched from the service. */
  installTrustList(jws: string): void;
  /**
   * The venue's data feeds to keep current, polled with the trust list (docs/feeds.md): `etag`
   * of the one held, `version` held (the service may answer with a delta from it), `install` of
   * a new snapshot's or delta's text, `unchanged` when the service answered 304.
   */
  feeds?: {
    kinds: readonly string[];
    etag(kind: string): string | null;
    version?(kind: string): number | null;
    install(kind: string, text: string, etag: string | null): void | Promise<void>;
    unchanged(kind: string): void;
  };
  /**
   * This terminal's config pushes (docs/config-push.md), polled with the trust list: `etag` of the
   * newest version held (applied or refused), `receive` of a new signed document.
   */
  config?: {
    etag(): string | null;
    receive(jws: string): void;
  };
  /** Where the guests' police report states go (a venue with stays): read on their own timer, docs/police.md. */
  police?: PoliceStates;
  /** Called with the service's clock (unix ms) from each reply. */
  observeServerTime(ms: number): void;
  /** The terminal's health for a heartbeat; the engine adds `sync_error`. */
  heartbeat(): Heartbeat;
  /** The service's shares of the slots a heartbeat reported (docs/feeds.md#capacity-shares). */
  heartbeatAnswered?(shares: SlotShare[]): void;
  /** A heartbeat got no answer. */
  heartbeatUnanswered?(): void;
  /** Called with the code of every failed exchange (metrics). */
  onError?(code: string): void;
  /** How requests reach the service; default HTTP to `opts.url`. */
  transport?: Transport;
  /** Wall clock, unix ms; default Date.now. */
  now?: () => number;
  random?: () => number;
}

/** First backoff step, ms; doubled per consecutive failure up to backoffMaxMs. */
const BACKOFF_BASE_MS = 500;
/**
 * Quiet after the last commit before its events go up, ms. Events committed in a burst then go up
 * in one batch, and the upload's work on this thread (signing, HTTP, the service's reply) does not
 * land between one scan and the next: while readings keep coming it waits for a pause.
 */
const UPLOAD_QUIET_MS = 50;
/** Longest a committed event waits for that pause, ms: under a steady stream it goes up anyway. */
const UPLOAD_MAX_WAIT_MS = 1000;
/**
 * Uploads in flight while a backlog drains: with two, the service's thread receives and parses one
 * while its writer thread stores the other (docs/scale.md, "Two uploads in flight").
 */
const UPLOADS_IN_FLIGHT = 2;

export class SyncEngine {
  private state: SyncHealth = { state: 'idle', last_success_at: null, last_error: null, acked_seq: 0 };
  private stopped = false;
  private wake: (() => void) | null = null;
  private pokeTimer: NodeJS.Timeout | null = null;
  /** Monotonic ms of the last commit (poke) and of the first one not yet in a batch; null when none waits. */
  private lastPoke = 0;
  private firstUnsentPoke: number | null = null;
  private readonly quietMs: number;
  private readonly maxWaitMs: number;
  private failures = 0;
  private trustEtag: string | null = null;
  private nextTrustPoll = 0;
  private loop: Promise<void> | null = null;
  private readonly now: () => number;
  private readonly random: () => number;
  /** The service's routes, signed as this terminal (police states are read through it). */
  readonly client: ServiceClient;
  private readonly uploader: Uploader;
  private readonly heartbeats: Heartbeats;
  private readonly police: PolicePoll | null;

  constructor(
    private readonly opts: SyncOptions,
    private readonly deps: SyncDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.quietMs = opts.uploadQuietMs ?? UPLOAD_QUIET_MS;
    this.maxWaitMs = opts.uploadMaxWaitMs ?? UPLOAD_MAX_WAIT_MS;
    this.random = deps.random ?? Math.random;
    this.client = new ServiceClient({
      transport: deps.transport ?? httpTransport(opts.url, opts.timeoutMs),
      identity: deps.identity,
      now: this.now,
      observeServerTime: (ms) => deps.observeServerTime(ms),
    });
    this.uploader = new Uploader({ queue: deps.queue, client: this.client, log: deps.log, now: this.now, batchMaxEvents: opts.batchMaxEvents, batchMaxBytes: opts.batchMaxBytes, uploadsInFlight: opts.uploadsInFlight ?? UPLOADS_IN_FLIGHT });
    this.heartbeats = new Heartbeats({
      client: this.client,
      identity: deps.identity,
      log: deps.log,
      intervalMs: opts.heartbeatMs,
      heartbeat: () => deps.heartbeat(),
      lastError: () => this.state.last_error,
      answered: (shares) => deps.heartbeatAnswered?.(shares),
      unanswered: () => deps.heartbeatUnanswered?.(),
    });
    this.police = deps.police
      ? new PolicePoll({ client: this.client, identity: deps.identity, states: deps.police, log: deps.log, intervalMs: opts.policePollMs, backoffMaxMs: opts.backoffMaxMs, now: this.now, random: this.random })
      : null;
    this.state.acked_seq = deps.queue.ackedThrough;
  }

  get health(): SyncHealth {
    return { ...this.state };
  }

  start(): void {
    if (this.loop) return;
    this.loop = this.run();
    this.heartbeats.start();
    this.police?.start();
  }

  /**
   * A new event was committed: the loop uploads it once commits have paused for UPLOAD_QUIET_MS,
   * or UPLOAD_MAX_WAIT_MS after the first event waiting, whichever comes first.
   */
  poke(): void {
    this.lastPoke = performance.now();
    this.firstUnsentPoke ??= this.lastPoke;
    // While an upload runs, the loop looks at the pokes when it is done.
    if (this.wake) this.armPoke();
  }

  /** Monotonic ms at which the events poked so far are due to go up; null when none waits. */
  private uploadDue(): number | null {
    return this.firstUnsentPoke === null ? null : Math.min(this.lastPoke + this.quietMs, this.firstUnsentPoke + this.maxWaitMs);
  }

  private armPoke(): void {
    const due = this.uploadDue();
    if (due === null) return;
    if (this.pokeTimer) clearTimeout(this.pokeTimer);
    this.pokeTimer = setTimeout(() => {
      this.pokeTimer = null;
      this.wake?.();
    }, Math.max(0, due - performance.now()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pokeTimer) clearTimeout(this.pokeTimer);
    this.pokeTimer = null;
    this.wake?.();
    await Promise.all([this.loop, this.heartbeats.stop(), this.police?.stop()]);
    await this.uploader.settle();
    this.uploader.writeAck();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let delay = this.opts.intervalMs;
      try {
        if (!this.deps.identity.terminalId) await this.enroll();
        if (this.now() >= this.nextTrustPoll) {
          await this.aside('trust list poll', () => this.pollTrustList());
          for (const kind of this.deps.feeds?.kinds ?? []) await this.aside(`${kind} feed poll`, () => this.pollFeed(kind));
          if (this.deps.config) await this.aside('config poll', () => this.pollConfig());
        }
        // Readings are still coming (the interval woke the loop mid-burst): wait for their pause.
        // Not while an upload sent ahead waits for its reply: a backlog drains without pauses.
        const due = this.uploadDue();
        if (due !== null && due > performance.now() && !this.uploader.pending) {
          await this.sleep(due - performance.now());
          continue;
        }
        this.firstUnsentPoke = null;
        const { sent, more, backlog } = await this.uploader.uploadOnce();
        this.onSuccess(sent);
        // Stored events may be guest records: their reports' states are read soon after.
        if (sent) this.police?.nudge();
        // A backlog goes up batch after batch; events committed during the upload wait for a pause like any.
        if (more) delay = backlog ? 0 : Math.max(0, (this.uploadDue() ?? 0) - performance.now());
      } catch (e) {
        delay = this.onFailure(e);
      }
      if (delay > 0 && !this.stopped) await this.sleep(delay);
    }
  }

  /**
   * Runs a trust-list poll whose refusal by the service (an HTTP error) must not hold uploads
   * back: it is logged and retried at its own next time. Network errors still propagate, since
   * the upload would meet them too.
   */
  private async aside(what: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      if (!(e instanceof SyncError) || e.status === undefined || isPermanent(e)) throw e;
      this.deps.log.warn({ code: e.code, err: e.message }, `${what} refused by the service`);
    }
  }

  private onSuccess(sent: boolean): void {
    this.failures = 0;
    this.state = {
      state: 'idle',
      last_error: null,
      acked_seq: this.uploader.ackedSeq,
      last_success_at: sent || this.state.last_success_at === null ? this.now() : this.state.last_success_at,
    };
  }

  private onFailure(e: unknown): number {
    this.failures++;
    // About to wait: make what the service confirmed so far count (backlog, quota room).
    this.uploader.writeAck();
    const err = e instanceof SyncError ? e : new SyncError('YSS_SYNC_NETWORK', syncMessage('YSS_SYNC_NETWORK', e instanceof Error ? e.message : String(e)));
    this.deps.onError?.(err.code);
    this.state = {
      ...this.state,
      state: isPermanent(err) ? 'unenrolled' : err.status ? 'backoff' : 'offline',
      last_error: `${err.code}: ${err.message}`,
      acked_seq: this.uploader.ackedSeq,
    };
    const cap = Math.min(this.opts.backoffMaxMs, BACKOFF_BASE_MS * 2 ** Math.min(this.failures, 20));
    const delay = Math.round(cap / 2 + (this.random() * cap) / 2);
    if (this.failures === 1 || this.failures % 10 === 0) this.deps.log.warn({ err: err.message, code: err.code, failures: this.failures, delay }, 'sync failed; backing off');
    return delay;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  private async enroll(): Promise<void> {
    if (!this.opts.enrollmentCode) throw SyncError.of('YSS_SYNC_NOT_ENROLLED', 'no enrollment_code in the sync configuration');
    const { id, configKey } = await this.client.enroll(this.opts.enrollmentCode, this.opts.name);
    saveTerminalId(this.opts.dataDir, id, configKey);
    this.deps.identity.terminalId = id;
    this.deps.identity.configKey = configKey;
    this.deps.log.info({ terminal_id: id }, 'enrolled with the sync service');
    this.heartbeats.nudge();
    this.police?.nudge();
  }

  private async pollFeed(kind: string): Promise<void> {
    const feeds = this.deps.feeds!;
    const feed = await this.client.feed(kind, feeds.etag(kind), feeds.version?.(kind) ?? null);
    if (feed === 'unchanged') feeds.unchanged(kind);
    else if (feed) await feeds.install(kind, feed.text, feed.etag);
  }

  private async pollConfig(): Promise<void> {
    const config = this.deps.config!;
    const doc = await this.client.config(config.etag());
    if (doc && doc !== 'unchanged') config.receive(doc.jws);
  }

  private async pollTrustList(): Promise<void> {
    const jitter = 0.8 + this.random() * 0.4;
    this.nextTrustPoll = this.now() + Math.round(this.opts.trustPollMs * jitter);
    const list = await this.client.trustList(this.trustEtag);
    if (!list) return;
    this.deps.installTrustList(list.jws);
    this.trustEtag = list.etag;
  }
}
