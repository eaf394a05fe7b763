// The service's routes as calls: enrollment, trust-list polls, heartbeats and uploads, signed
// with the terminal's key at the service's time (learned from every reply).
import { bodyHash, signRequestHashed, type Heartbeat, type SlotShare, type UploadReply, type WaitingCategory } from '../protocol/index.ts';
import { SyncError, syncMessage, type SyncErrorCode } from './errors.ts';
import type { Identity } from './identity.ts';
import type { Transport, TransportResponse } from './transport.ts';

export interface ClientDeps {
  transport: Transport;
  identity: Identity;
  /** Wall clock, unix ms. */
  now(): number;
  /** Called with the service's clock (unix ms) from each reply. */
  observeServerTime(ms: number): void;
}

export class ServiceClient {
  private clockOffsetMs = 0;

  constructor(private readonly deps: ClientDeps) {}

  /**
   * Enrolls with a one-time code; resolves with the terminal id the service assigned and the
   * service's config-signing key (null from a service before config pushes).
   */
  async enroll(code: string, name: string): Promise<{ id: string; configKey: string | null }> {
    const body = JSON.stringify({ enrollment_code: code, public_key: this.deps.identity.publicKey, name });
    const res = await this.send({ method: 'POST', path: '/v1/enroll', body, headers: { 'content-type': 'application/json' } });
    if (res.status !== 200) throw errorFrom(res, 'YSS_SYNC_NOT_ENROLLED');
    const id = field(parseJson(res.body), 'terminal_id');
    if (typeof id !== 'string' || id === '') throw new SyncError('YSS_SYNC_BAD_REPLY', syncMessage('YSS_SYNC_BAD_REPLY', 'enrollment reply has no terminal_id'), res.status);
    const key = field(parseJson(res.body), 'config_key');
    return { id, configKey: typeof key === 'string' && /^[A-Za-z0-9_-]{43}$/.test(key) ? key : null };
  }

  /**
   * This terminal's newest config push (a signed JWS, docs/config-push.md), `unchanged` when it
   * is the one of `etag`, or null when none was pushed.
   */
  async config(etag: string | null): Promise<{ jws: string; etag: string | null } | 'unchanged' | null> {
    const res = await this.signed('GET', '/v1/config', '', etag ? { 'if-none-match': etag } : {});
    if (res.status === 304) return 'unchanged';
    if (res.status === 404) return null;
    if (res.status !== 200) throw errorFrom(res, 'YSS_SYNC_CONFIG');
    return { jws: res.body.trim(), etag: res.headers.etag ?? null };
  }

  /** The published trust list, or null when unchanged since `etag` (or none is published). */
  async trustList(etag: string | null): Promise<{ jws: string; etag: string | null } | null> {
    const res = await this.send({ method: 'GET', path: '/v1/trust-list', headers: etag ? { 'if-none-match': etag } : {} });
    if (res.status === 304 || res.status === 404) return null;
    if (res.status !== 200) throw errorFrom(res, 'YSS_SYNC_TRUST_LIST');
    return { jws: res.body.trim(), etag: res.headers.etag ?? null };
  }

  /**
   * The venue's `kind` feed as JSON text, `unchanged` when it is the one of `etag`, or null when the
   * service has none for this terminal (no venue bound, nothing imported). Signed: feeds go only
   * to the venue's own terminals. With `since` (the version held) the text may be a delta from it.
   */
  async feed(kind: string, etag: string | null, since: number | null = null): Promise<{ text: string; etag: string | null } | 'unchanged' | null> {
    const res = await this.signed('GET', `/v1/feeds/${kind}${since === null ? '' : `?since=${since}`}`, '', etag ? { 'if-none-match': etag } : {});
    if (res.status === 304) return 'unchanged';
    if (res.status === 404) return null;
    if (res.status !== 200) throw errorFrom(res, 'YSS_SYNC_FEED');
    return { text: res.body, etag: res.headers.etag ?? null };
  }

  /** This terminal's guests' police report states, newest first (docs/police.md). */
  async policeStates(): Promise<PoliceReportState[]> {
    const res = await this.signed('GET', '/v1/police/states', '');
    if (res.status !== 200) throw errorFrom(res, 'YSS_SYNC_POLICE');
    const reports = field(parseJson(res.body), 'reports');
    if (!Array.isArray(reports)) throw new SyncError('YSS_SYNC_BAD_REPLY', syncMessage('YSS_SYNC_BAD_REPLY', 'police states reply has no reports'), res.status);
    return reports.filter(isReportState);
  }

  /** Sends a heartbeat; resolves with the shares the service granted of the slots it reported (none when it reported none). */
  async heartbeat(hb: Heartbeat): Promise<SlotShare[]> {
    const res = await this.signed('POST', '/v1/heartbeat', JSON.stringify(hb));
    if (res.status !== 200) throw errorFrom(res, 'YSS_SYNC_HEARTBEAT');
    const shares = field(parseJson(res.body), 'shares');
    if (shares === undefined) return [];
    const ok = (g: unknown): g is SlotShare => {
      const o = g as SlotShare;
      return typeof g === 'object' && g !== null && typeof o.day === 'string' && typeof o.slot === 'string' && Number.isSafeInteger(o.share) && o.share >= 0 && Number.isSafeInteger(o.slack) && o.slack >= 0;
    };
    if (!Array.isArray(shares) || !shares.every(ok)) throw new SyncError('YSS_SYNC_BAD_REPLY', syncMessage('YSS_SYNC_BAD_REPLY', 'heartbeat reply has malformed shares'), res.status);
    return shares;
  }

  /**
   * Uploads a batch (`{"events":[...]}`, already serialized: the text or its UTF-8 bytes) and
   * returns the service's reply; `hash` is the body's bodyHash() when it was taken ahead.
   */
  async upload(body: string | Buffer, hash?: string): Promise<Pick<UploadReply, 'acked_through' | 'gap'>> {
    const res = await this.signed('POST', '/v1/events', body, {}, hash);
    if (res.status !== 200) throw errorFrom(res, 'YSS_SYNC_UPLOAD');
    const reply = parseJson(res.body);
    const acked = field(reply, 'acked_through');
    if (typeof acked !== 'number' || !Number.isInteger(acked)) throw new SyncError('YSS_SYNC_BAD_REPLY', syncMessage('YSS_SYNC_BAD_REPLY', 'upload reply has no acked_through'), res.status);
    const gap = field(reply, 'gap');
    const expected = field(gap, 'expected');
    const got = field(gap, 'got');
    return { acked_through: acked, gap: typeof expected === 'number' && typeof got === 'number' ? { expected, got } : null };
  }

  /** A block of queue numbers from the hall's allocator (docs/hall.md). */
  async numbers(req: { hall: string; category: string; day: string; count: number }): Promise<{ first: number; last: number }> {
    const res = await this.signed('POST', '/v1/queue/numbers', JSON.stringify(req));
    if (res.status !== 200) throw errorFrom(res, 'YSS_SYNC_NUMBERS');
    const reply = parseJson(res.body);
    const first = field(reply, 'first');
    const last = field(reply, 'last');
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || (first as number) < 1 || (last as number) < (first as number) || (last as number) - (first as number) >= req.count) {
      throw new SyncError('YSS_SYNC_BAD_REPLY', syncMessage('YSS_SYNC_BAD_REPLY', 'numbers reply is not a block of the size asked'), res.status);
    }
    return { first: first as number, last: last as number };
  }

  /** How many wait in each of the hall's categories, and the minutes per person ahead (docs/hall.md). */
  async waiting(hall: string): Promise<Map<string, WaitingCategory>> {
    const res = await this.signed('GET', `/v1/queue/waiting?hall=${encodeURIComponent(hall)}`, '');
    if (res.status !== 200) throw errorFrom(res, 'YSS_SYNC_NUMBERS');
    const cats = field(parseJson(res.body), 'categories');
    const out = new Map<string, WaitingCategory>();
    for (const c of Array.isArray(cats) ? (cats as Record<string, unknown>[]) : []) {
      const waiting = c?.waiting;
      const mpp = c?.minutes_per_person;
      if (typeof c?.category === 'string' && Number.isSafeInteger(waiting) && (waiting as number) >= 0 && typeof mpp === 'number' && Number.isFinite(mpp) && mpp >= 0) {
        // `first`: of those, appointment holders called before everyone (docs/hospital.md); absent from an older service.
        const first = Number.isSafeInteger(c.first) && (c.first as number) >= 0 && (c.first as number) <= (waiting as number) ? (c.first as number) : undefined;
        const finished = Array.isArray(c.finished) ? (c.finished as unknown[]).filter((n): n is string => typeof n === 'string' && /^[A-Z]{1,3}\d{1,6}$/.test(n)) : undefined;
        // The hall-wide rules' lists (absent from an older service); an entry that is not a token and a number is dropped.
        const person = (x: Record<string, unknown>) => typeof x?.person === 'string' && /^[A-Za-z0-9_-]{22}$/.test(x.person) && typeof x.number === 'string' && /^[A-Z]{1,3}\d{1,6}$/.test(x.number);
        const active = Array.isArray(c.active) ? (c.active as Record<string, unknown>[]).filter(person).map((x) => ({ person: x.person as string, number: x.number as string })) : undefined;
        const signedIn = Array.isArray(c.signed_in)
          ? (c.signed_in as Record<string, unknown>[]).filter((x) => person(x) && Number.isSafeInteger(x.at)).map((x) => ({ person: x.person as string, number: x.number as string, at: x.at as number }))
          : undefined;
        out.set(c.category, {
          waiting: waiting as number,
          minutes_per_person: mpp,
          ...(first !== undefined ? { first } : {}),
          ...(finished ? { finished } : {}),
          ...(active ? { active } : {}),
          ...(signedIn ? { signed_in: signedIn } : {}),
        });
      }
    }
    return out;
  }

  private async send(r: Parameters<Transport['request']>[0]): Promise<TransportResponse> {
    const res = await this.deps.transport.request(r);
    this.learnTime(res);
    return res;
  }

  /**
   * Sends a signed request; `body` is the exact JSON text (or its UTF-8 bytes) the signature covers (empty for a GET)
   * and `target` the exact request target (path and any query): the transport sends it as given,
   * never with a query appended after signing, because the service verifies the query too.
   */
  private async signed(method: 'GET' | 'POST', target: string, body: string | Buffer, headers: Record<string, string> = {}, hash = bodyHash(body)): Promise<TransportResponse> {
    const id = this.deps.identity.terminalId;
    if (!id) throw SyncError.of('YSS_SYNC_NOT_ENROLLED', 'no terminal id yet');
    const attempt = () =>
      this.send({
        method,
        path: target,
        ...(method === 'POST' ? { body } : {}),
        headers: { ...(method === 'POST' ? { 'content-type': 'application/json' } : {}), ...headers, ...signRequestHashed(this.deps.identity.privateKey, id, method, target, hash, this.deps.now() + this.clockOffsetMs) },
      });
    const res = await attempt();
    // Our offset was wrong; learnTime has just corrected it. Retry once with the service's time.
    if (res.status === 401 && field(parseJson(res.body), 'error') === 'YSS_SYNC_CLOCK_SKEW') return attempt();
    return res;
  }

  private learnTime(res: TransportResponse): void {
    const header = res.headers['x-yss-server-time'];
    const t = Number(header ?? field(parseJson(res.body), 'server_time'));
    if (Number.isFinite(t) && t > 0) {
      this.clockOffsetMs = t - this.deps.now();
      this.deps.observeServerTime(t);
    }
  }
}

/** One report of a guest record, as `GET /v1/police/states` gives it. */
export interface PoliceReportState {
  seq: number;
  kind: 'check_in' | 'check_out';
  stay_id: number;
  guest_id: number;
  state: 'pending' | 'sent' | 'accepted' | 'rejected';
  reason: string | null;
  deadline_at: number;
  alert_at: number;
  superseded_by: number | null;
}

function isReportState(v: unknown): v is PoliceReportState {
  const r = v as Record<string, unknown>;
  return (
    typeof v === 'object' && v !== null &&
    [r.seq, r.stay_id, r.guest_id, r.deadline_at, r.alert_at].every(Number.isSafeInteger) &&
    (r.kind === 'check_in' || r.kind === 'check_out') &&
    ['pending', 'sent', 'accepted', 'rejected'].includes(r.state as string) &&
    (r.reason === null || typeof r.reason === 'string') &&
    (r.superseded_by === null || Number.isSafeInteger(r.superseded_by))
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `value[key]` when value is an object, else undefined: replies are read field by field, never cast whole. */
function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

/** The service's own error code and message when it sent them, else `fallback` with the status. */
function errorFrom(res: TransportResponse, fallback: SyncErrorCode): SyncError {
  const data = parseJson(res.body);
  const error = field(data, 'error');
  const text = field(data, 'message');
  const code = typeof error === 'string' ? error : fallback;
  const message = typeof text === 'string' ? text : syncMessage(fallback, res.status);
  return new SyncError(code === 'YSS_SYNC_TERMINAL_UNKNOWN' ? 'YSS_SYNC_NOT_ENROLLED' : code, message, res.status);
}
