// Uploads the queue in signed batches, pulls trust lists, sends heartbeats and learns the
// service's time. One loop, never two requests of a kind in flight; failures back off
// exponentially with full jitter and never lose or reorder what the queue holds.
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { Logger } from 'pino';
import type { SyncHealth } from '../api/messages.ts';
import { signRequest, type Heartbeat, type UploadReply } from '../protocol/index.ts';
import type { Queue } from '../queue/index.ts';
import { saveTerminalId, type Identity } from './identity.ts';

export interface SyncOptions {
  url: string;
  enrollmentCode: string | null;
  batchMaxEvents: number;
  batchMaxBytes: number;
  intervalMs: number;
  timeoutMs: number;
  backoffMaxMs: number;
  trustPollMs: number;
  heartbeatMs: number;
  name: string;
  dataDir: string;
}

/** The sync section of the terminal config, with defaults applied (config/schema.ts). */
export interface SyncConfig {
  url: string;
  enrollment_code: string | null;
  batch_max_events: number;
  batch_max_bytes: number;
  interval_ms: number;
  timeout_ms: number;
  backoff_max_ms: number;
  trust_poll_s: number;
  heartbeat_s: number;
}

/** SyncOptions from the config's units (seconds become milliseconds). */
export function syncOptions(s: SyncConfig, name: string, dataDir: string): SyncOptions {
  return {
    url: s.url,
    enrollmentCode: s.enrollment_code,
    batchMaxEvents: s.batch_max_events,
    batchMaxBytes: s.batch_max_bytes,
    intervalMs: s.interval_ms,
    timeoutMs: s.timeout_ms,
    backoffMaxMs: s.backoff_max_ms,
    trustPollMs: s.trust_poll_s * 1000,
    heartbeatMs: s.heartbeat_s * 1000,
    name,
    dataDir,
  };
}

export interface SyncDeps {
  queue: Queue;
  identity: Identity;
  log: Logger;
  /** Installs a trust list fetched from the service; returns the installed sequence. */
  installTrustList(jws: string): void;
  /** Called with the service's clock (unix ms) from each reply. */
  observeServerTime(ms: number): void;
  heartbeat(): Heartbeat;
  /** Called with the code of every failed exchange (metrics). */
  onError?(code: string): void;
  now?: () => number;
  random?: () => number;
}

export class SyncError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export class SyncEngine {
  private readonly http: AxiosInstance;
  private state: SyncHealth = { state: 'idle', last_success_at: null, last_error: null, acked_seq: 0 };
  private stopped = false;
  private wake: (() => void) | null = null;
  private failures = 0;
  private trustEtag: string | null = null;
  private nextTrustPoll = 0;
  private nextHeartbeat = 0;
  private clockOffsetMs = 0;
  /** Set after the service reported a gap: upload from here instead of the local ack mark. */
  private resumeFrom: number | null = null;
  /**
   * What the service confirmed, ahead of what is written to the queue. Writing acks lazily (at
   * most once a second while draining) saves an fsync per batch; losing one in a crash only
   * means resending events the service then deduplicates.
   */
  private confirmed = 0;
  /** Current batch byte cap: batchMaxBytes, halved after each upload timeout, regrown slowly. */
  private batchBytes: number;
  private uploadsSinceTimeout = 0;
  private lastAckWrite = 0;
  private loop: Promise<void> | null = null;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(
    private readonly opts: SyncOptions,
    private readonly deps: SyncDeps,
  ) {
    this.http = axios.create({
      baseURL: opts.url,
      timeout: opts.timeoutMs,
      validateStatus: () => true,
      maxRedirects: 0,
      transitional: { clarifyTimeoutError: true },
    });
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.state.acked_seq = deps.queue.ackedThrough;
    this.batchBytes = opts.batchMaxBytes;
  }

  get health(): SyncHealth {
    return { ...this.state };
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Wakes the loop now (a new event was committed). */
  poke(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    this.writeAck();
  }

  private writeAck(): void {
    if (this.confirmed > this.deps.queue.ackedThrough) this.deps.queue.ack(this.confirmed, this.now());
    this.lastAckWrite = this.now();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let delay = this.opts.intervalMs;
      try {
        if (!this.deps.identity.terminalId) await this.enroll();
        const now = this.now();
        if (now >= this.nextTrustPoll) await this.aside('trust list poll', () => this.pollTrustList());
        const more = await this.uploadOnce();
        if (now >= this.nextHeartbeat) await this.aside('heartbeat', () => this.sendHeartbeat());
        this.failures = 0;
        if (more) delay = 0;
      } catch (e) {
        delay = this.onFailure(e);
      }
      if (delay > 0 && !this.stopped) await this.sleep(delay);
    }
  }

  /**
   * Runs a trust-list poll or heartbeat whose refusal by the service (an HTTP error) must not hold
   * uploads back: it is logged and retried at its own next time. Network errors still propagate,
   * since the upload would meet them too.
   */
  private async aside(what: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      if (!(e instanceof SyncError) || e.status === undefined) throw e;
      if (e.code === 'YSS_SYNC_NOT_ENROLLED' || e.code === 'YSS_SYNC_TERMINAL_REVOKED') throw e;
      this.deps.log.warn({ code: e.code, err: e.message }, `${what} refused by the service`);
    }
  }

  private onFailure(e: unknown): number {
    this.failures++;
    // About to wait: make what the service confirmed so far count (backlog, quota room).
    this.writeAck();
    const err = e instanceof SyncError ? e : new SyncError('YSS_SYNC_NETWORK', describe(e));
    this.deps.onError?.(err.code);
    const permanent = err.code === 'YSS_SYNC_NOT_ENROLLED' || err.code === 'YSS_SYNC_TERMINAL_REVOKED';
    this.state = { ...this.state, state: permanent ? 'unenrolled' : err.status ? 'backoff' : 'offline', last_error: `${err.code}: ${err.message}` };
    const cap = Math.min(this.opts.backoffMaxMs, 500 * 2 ** Math.min(this.failures, 20));
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

  private serviceTime(): number {
    return this.now() + this.clockOffsetMs;
  }

  private learnTime(res: AxiosResponse): void {
    const t = Number(res.headers['x-yss-server-time'] ?? (res.data as { server_time?: number } | undefined)?.server_time);
    if (Number.isFinite(t) && t > 0) {
      this.clockOffsetMs = t - this.now();
      this.deps.observeServerTime(t);
    }
  }

  /**
   * Sends a signed request; `body` is the exact JSON text the signature covers and `target` the
   * exact request target (path and any query): it is sent as given, never with axios `params`
   * appended after signing, because the service verifies the query too.
   */
  private async signed(method: 'POST', target: string, body: string): Promise<AxiosResponse> {
    const id = this.deps.identity.terminalId!;
    const send = async () => {
      const headers = { 'content-type': 'application/json', ...signRequest(this.deps.identity.privateKey, id, method, target, body, this.serviceTime()) };
      const res = await this.http.request({ method, url: target, data: body, headers, transformRequest: [(d: unknown) => d] });
      this.learnTime(res);
      return res;
    };
    const res = await send();
    // Our offset was wrong; learnTime has just corrected it. Retry once with the service's time.
    if (res.status === 401 && (res.data as { error?: string } | undefined)?.error === 'YSS_SYNC_CLOCK_SKEW') return send();
    return res;
  }

  private async enroll(): Promise<void> {
    if (!this.opts.enrollmentCode) throw new SyncError('YSS_SYNC_NOT_ENROLLED', 'no enrollment_code in the sync configuration');
    const res = await this.http.post('/v1/enroll', { enrollment_code: this.opts.enrollmentCode, public_key: this.deps.identity.publicKey, name: this.opts.name });
    this.learnTime(res);
    if (res.status !== 200) throw errorFrom(res, 'YSS_SYNC_NOT_ENROLLED');
    const id = (res.data as { terminal_id: string }).terminal_id;
    saveTerminalId(this.opts.dataDir, id);
    this.deps.identity.terminalId = id;
    this.deps.log.info({ terminal_id: id }, 'enrolled with the sync service');
  }

  private async pollTrustList(): Promise<void> {
    const res = await this.http.get('/v1/trust-list', {
      headers: this.trustEtag ? { 'if-none-match': this.trustEtag } : {},
      responseType: 'text',
      transformResponse: [(d) => d],
    });
    this.learnTime(res);
    const jitter = 0.8 + this.random() * 0.4;
    this.nextTrustPoll = this.now() + Math.round(this.opts.trustPollMs * jitter);
    if (res.status === 304 || res.status === 404) return;
    if (res.status !== 200) throw errorFrom(res, 'YSS_SYNC_TRUST_LIST');
    this.deps.installTrustList(String(res.data).trim());
    this.trustEtag = (res.headers.etag as string | undefined) ?? null;
  }

  private async sendHeartbeat(): Promise<void> {
    const res = await this.signed('POST', '/v1/heartbeat', JSON.stringify(this.deps.heartbeat()));
    this.nextHeartbeat = this.now() + this.opts.heartbeatMs;
    if (res.status !== 200) throw errorFrom(res, 'YSS_SYNC_HEARTBEAT');
  }

  /** Uploads one batch; true when more events are waiting. */
  private async uploadOnce(): Promise<boolean> {
    const { queue } = this.deps;
    const from = this.resumeFrom ?? Math.max(queue.ackedThrough, this.confirmed);
    const batch = this.batch(from);
    if (batch.count === 0) {
      this.writeAck();
      this.state = { ...this.state, state: 'idle', last_error: null, acked_seq: Math.max(queue.ackedThrough, this.confirmed), last_success_at: this.state.last_success_at ?? this.now() };
      return false;
    }
    this.state = { ...this.state, state: 'uploading' };
    let res: AxiosResponse;
    try {
      res = await this.signed('POST', '/v1/events', batch.body);
    } catch (e) {
      if (axios.isAxiosError(e) && (e.code === 'ETIMEDOUT' || e.code === 'ECONNABORTED')) {
        this.batchBytes = Math.max(MIN_BATCH_BYTES, Math.floor(this.batchBytes / 2));
        this.uploadsSinceTimeout = 0;
      }
      throw e;
    }
    // Grow back only after a run of successes, so a link with a hard limit times out rarely.
    if (++this.uploadsSinceTimeout % 8 === 0) this.batchBytes = Math.min(this.opts.batchMaxBytes, Math.ceil(this.batchBytes * 1.5));
    if (res.status !== 200) throw errorFrom(res, 'YSS_SYNC_UPLOAD');
    const reply = res.data as UploadReply;
    if (!Number.isInteger(reply?.acked_through)) throw new SyncError('YSS_SYNC_BAD_REPLY', 'upload reply has no acked_through');
    if (reply.acked_through > queue.lastSequence) {
      throw new SyncError('YSS_SYNC_BAD_REPLY', `service acknowledged ${reply.acked_through} but the queue ends at ${queue.lastSequence}`);
    }
    this.confirmed = reply.acked_through;
    if (reply.acked_through >= queue.lastSequence || this.now() - this.lastAckWrite >= 1000) this.writeAck();
    this.resumeFrom = null;
    if (reply.gap) {
      // The service holds less than we thought it acknowledged (restored from a backup, say):
      // resend from where it stands, as far as retention still has the events.
      this.deps.log.error({ gap: reply.gap }, "service reported a gap in this terminal's events; resending from its head");
      this.resumeFrom = reply.acked_through;
      if (queue.after(reply.acked_through, 1)[0]?.seq !== reply.acked_through + 1) {
        this.resumeFrom = null;
        throw new SyncError('YSS_SYNC_GAP', `service needs events from ${reply.gap.expected} but they were pruned here`);
      }
    }
    this.state = { state: 'idle', last_success_at: this.now(), last_error: null, acked_seq: reply.acked_through };
    return this.resumeFrom !== null || reply.acked_through < queue.lastSequence;
  }

  /** The next batch after `from`, capped by count and bytes (at least one event). */
  private batch(from: number): { count: number; body: string } {
    const events = this.deps.queue.outgoing(from, this.opts.batchMaxEvents);
    const parts: string[] = [];
    let bytes = 12;
    for (const e of events) {
      bytes += e.json.length + 1;
      if (parts.length > 0 && bytes > this.batchBytes) break;
      parts.push(e.json);
    }
    return { count: parts.length, body: `{"events":[${parts.join(',')}]}` };
  }
}

/** Smallest batch cap the uploader shrinks to after timeouts. */
const MIN_BATCH_BYTES = 16 * 1024;

function describe(e: unknown): string {
  if (axios.isAxiosError(e)) return e.code ? `${e.code}: ${e.message}` : e.message;
  return e instanceof Error ? e.message : String(e);
}

function errorFrom(res: AxiosResponse, fallback: string): SyncError {
  const data = res.data as { error?: string; message?: string } | undefined;
  const code = typeof data === 'object' && data?.error ? data.error : fallback;
  const message = typeof data === 'object' && data?.message ? data.message : `HTTP ${res.status}`;
  return new SyncError(code === 'YSS_SYNC_TERMINAL_UNKNOWN' ? 'YSS_SYNC_NOT_ENROLLED' : code, message, res.status);
}
