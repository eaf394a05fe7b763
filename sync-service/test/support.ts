// Test support shared by the service's and the terminal's tests: a service on a temp folder, and
// a minimal signing client that speaks the wire protocol the way a terminal does.
import type { FastifyInstance } from 'fastify';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import nacl from 'tweetnacl';
import { buildApp } from '../src/app.ts';
import { UnsealAudit } from '../src/audit.ts';
import type { Limits, Operator } from '../src/config.ts';
import { loadOrCreateConfigKey, loadOrCreateSealKeys, type ConfigKey, type SealKeys } from '../src/keys.ts';
import { SqliteStorage } from '../src/storage/sqlite.ts';
import {
  ed25519PrivateKey,
  eventHash,
  GENESIS_HASH,
  Sealer,
  signRequest,
  type Heartbeat,
  type WireEvent,
} from '../../terminal/src/protocol/index.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

/** The fleet operator: reads fleet state, creates and revokes terminals, publishes trust lists. */
export const ADMIN_TOKEN = 'test-admin-token-0123456789';
/** The operator who may also open sealed personal data. */
export const UNSEAL_TOKEN = 'test-unseal-token-0123456789';
/** An operator with the unseal role only: no fleet state. */
export const AUDITOR_TOKEN = 'test-auditor-token-0123456789';
/** A hall clerk: the window role only (docs/hall.md). */
export const WINDOW_TOKEN = 'test-window-token-0123456789';
/** The operator who may push terminal configs (docs/config-push.md). */
export const CONFIG_TOKEN = 'test-config-token-0123456789';
const tokenHash = (t: string) => createHash('sha256').update(t).digest('hex');
export const TEST_OPERATORS: Operator[] = [
  { name: 'ops', token_sha256: tokenHash(ADMIN_TOKEN), roles: ['fleet'] },
  { name: 'dpo', token_sha256: tokenHash(UNSEAL_TOKEN), roles: ['fleet', 'unseal'] },
  { name: 'auditor', token_sha256: tokenHash(AUDITOR_TOKEN), roles: ['unseal'] },
  { name: 'clerk-li', token_sha256: tokenHash(WINDOW_TOKEN), roles: ['window'] },
  { name: 'cfg', token_sha256: tokenHash(CONFIG_TOKEN), roles: ['fleet', 'config'] },
];

export interface TestService {
  app: FastifyInstance;
  storage: SqliteStorage;
  sealKeys: SealKeys;
  configKey: ConfigKey;
  dir: string;
  /** Listens on 127.0.0.1 (port chosen by the OS unless given) and returns the base URL. */
  listen(port?: number): Promise<string>;
  // Tests read replies of every route's shape; the schemas, not this type, define them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  admin(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown, token?: string): Promise<{ status: number; json: any }>;
  close(): Promise<void>;
}

export async function startTestService(
  o: { dir?: string; now?: () => number; keep?: boolean; limits?: Partial<Limits>; logger?: Parameters<typeof buildApp>[0]['logger']; sharedRateLimits?: boolean } = {},
): Promise<TestService> {
  const dir = o.dir ?? tempDir('yss-svc-');
  const storage = new SqliteStorage(dir);
  const sealKeys = loadOrCreateSealKeys(dir);
  const configKey = loadOrCreateConfigKey(dir);
  const audit = new UnsealAudit(dir);
  const app = buildApp({ storage, sealKeys, configKey, operators: TEST_OPERATORS, audit, logger: o.logger ?? false, now: o.now,
    // These tests share their process (and two cores) with the test runner, whose own pauses
    // would count as the service's lag: shedding on lag is off unless a test turns it on.
    limits: { max_event_loop_delay_ms: 0, ...o.limits },
    sharedRateLimits: o.sharedRateLimits,
  });
  await app.ready();
  return {
    app,
    storage,
    sealKeys,
    configKey,
    dir,
    async listen(port = 0) {
      await app.listen({ host: '127.0.0.1', port });
      const a = app.server.address();
      return `http://127.0.0.1:${typeof a === 'object' && a ? a.port : port}/`;
    },
    async admin(method, url, body, token = ADMIN_TOKEN) {
      const res = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': typeof body === 'string' ? 'application/jose' : 'application/json' }) },
        payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: res.statusCode, json: res.body ? JSON.parse(res.body) : null };
    },
    async close() {
      await app.close();
      await storage.close();
      audit.close();
      if (!o.keep && !o.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A terminal reduced to its wire behaviour: a key, an id, a chain of events. */
export class WireClient {
  readonly seed = nacl.randomBytes(32);
  readonly publicKey = Buffer.from(nacl.sign.keyPair.fromSeed(this.seed).publicKey).toString('base64url');
  readonly key = ed25519PrivateKey(this.seed);
  id = '';
  private lastHash = GENESIS_HASH;
  private seq = 0;
  readonly sealer: Sealer;

  constructor(
    private readonly svc: Pick<TestService, 'app' | 'admin' | 'sealKeys'>,
    private readonly clock: () => number = Date.now,
  ) {
    this.sealer = new Sealer(svc.sealKeys.publicKey);
  }

  /** Enrolls through the operator route and /v1/enroll; `venue` binds it to a venue as the operator does. */
  async enroll(name = 'test terminal', venue?: string): Promise<this> {
    const t = await this.svc.admin('POST', '/admin/terminals', venue ? { name, venue } : { name });
    const res = await this.svc.app.inject({ method: 'POST', url: '/v1/enroll', payload: { enrollment_code: t.json.enrollment_code, public_key: this.publicKey } });
    if (res.statusCode !== 200) throw new Error(`enroll: ${res.body}`);
    this.id = (JSON.parse(res.body) as { terminal_id: string }).terminal_id;
    return this;
  }

  /** The next `n` events of this terminal's chain (not sent). */
  events(n: number, o: { type?: string; personal?: unknown; droppable?: boolean; at?: number; venue?: string; body?: Record<string, unknown> } = {}): WireEvent[] {
    const out: WireEvent[] = [];
    for (let i = 0; i < n; i++) {
      const seq = ++this.seq;
      const e = {
        seq,
        type: o.type ?? 'verdict',
        at: (o.at ?? 1_700_000_000_000) + seq,
        trusted_at: (o.at ?? 1_700_000_000_000) + seq,
        scenario: o.venue ?? 'verify',
        droppable: o.droppable ?? false,
        body: o.body ?? { accepted: true, n: seq },
        sealed: o.personal === undefined ? null : this.sealer.seal(o.personal),
        prev_hash: this.lastHash,
      };
      const hash = eventHash(e);
      out.push({ ...e, hash });
      this.lastHash = hash;
    }
    return out;
  }

  headers(method: string, path: string, body: string, o: { id?: string; time?: number } = {}): Record<string, string> {
    return { 'content-type': 'application/json', ...signRequest(this.key, o.id ?? this.id, method, path, body, o.time ?? this.clock()) };
  }

  async post(path: string, payload: unknown, o: { id?: string; time?: number; headers?: Record<string, string> } = {}) {
    const body = JSON.stringify(payload);
    const res = await this.svc.app.inject({ method: 'POST', url: path, payload: body, headers: o.headers ?? this.headers('POST', path, body, o) });
    return { status: res.statusCode, json: res.body ? JSON.parse(res.body) : null, raw: body, headers: res.headers };
  }

  upload(events: WireEvent[], o: { id?: string; time?: number } = {}) {
    return this.post('/v1/events', { events }, o);
  }
}

export function heartbeatOf(over: Partial<Heartbeat> = {}): Heartbeat {
  return {
    version: '0.1.0',
    status: 'ok',
    degraded: [],
    queue: { backlog: 3, oldest_unsent_age_s: 42, last_seq: 10, bytes: 4096, max_bytes: 1 << 20, dropped_total: 0 },
    devices: [{ id: 'scanner-1', role: 'scanner', state: 'connected' }],
    trust_sequence: 7,
    clock_drift_s: 0,
    ...over,
  };
}
