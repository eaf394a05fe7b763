// A whole site on loopback: sync service, demo issuer keys and trust list, an enrolled terminal
// daemon, and a serial scanner simulated on a pty pair. `npm start`, the end-to-end tests and the
// benchmarks all bring the system up through this one path, as real processes.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DeviceConfig } from '../../terminal/src/devices/index.ts';
import type { SyncConfig } from '../../terminal/src/sync/index.ts';
import { keygen, type RootFile } from '../issuer/keys.ts';
import { signedTrustList } from '../issuer/trust-list.ts';
import { withClockAhead } from './faketime.ts';
import { spawnListening, stopChild, type Child, type OutputListener } from './processes.ts';
import { openPtyPair, type PtyPair } from './pty.ts';
import { venueFile } from './venue-devices.ts';

// The pieces that used to live here, for the callers that import them from the stack.
export { REPO, spawnListening, type Child } from './processes.ts';
export { waitFor } from './wait.ts';
export { EventFeed } from './event-feed.ts';

/** A device entry of the terminal config without its `path`, which the stack assigns. */
export type StackDevice = DeviceConfig extends infer D ? (D extends unknown ? Omit<D, 'path'> : never) : never;

export interface StackOptions {
  /** Folder for all state; reused across runs (the demo restarts from the same data). */
  dir: string;
  /**
   * The venue: a name in fixtures/venues/, a path to a venue file, or a venue object written into
   * the terminal config. Default `desk`.
   */
  venue?: string | Record<string, unknown>;
  servicePort?: number;
  kioskPort?: number;
  /** Extra keys merged into the terminal config's `sync` section (intervals, timeouts). */
  sync?: Partial<SyncConfig>;
  /** Service URL the terminal is told to use, when a proxy sits between them. */
  terminalServiceUrl?: string;
  /** Called with every output line of the child processes. */
  onOutput?: OutputListener;
  /**
   * More serial devices, each on its own pty pair: the entry is a terminal `devices[]` config
   * without `path`; the stack adds the daemon-side path and keeps the simulator side in
   * `stack.peers[id]`.
   */
  devices?: StackDevice[];
  /** Venue data feeds to import for the venue before the terminal first starts (docs/feeds.md), by kind. */
  feeds?: Record<string, unknown[]>;
  /** The service's `police` section (docs/police.md): where guest registrations are reported. */
  police?: Record<string, unknown>;
  /**
   * The service's and every daemon's wall clock runs this far ahead of the test's (libfaketime,
   * scripts/lib/faketime.ts), at every start and restart; 0 or absent: the real clock.
   */
  clockAheadMs?: number;
  /**
   * Another stack whose service this one uses, with its issuer keys, trust list and operator
   * token: one more terminal of the same site (venues.test.ts runs every venue's terminal against
   * one service). This stack never starts, restarts or stops that service; `servicePort`,
   * `police` and `clockAheadMs` for the service are the other stack's.
   */
  serviceOf?: Stack;
}

interface StackState {
  admin_token: string;
  terminal_id: string | null;
  enrollment_code: string | null;
  seal_key: string | null;
  /** The demo terminal's staff PIN, made up at the first run (terminals have no default PIN). */
  staff_pin?: string;
}

export class Stack {
  readonly keysDir: string;
  readonly root: RootFile;
  readonly rootArg: string;
  readonly scannerDevice: string;
  readonly scannerPeer: string;
  readonly serviceConfig: string;
  readonly terminalConfig: string;
  service: Child | null = null;
  terminal: Child | null = null;
  pty: PtyPair | null = null;
  /** Simulator-side pty path of each extra device, by device id. */
  readonly peers: Record<string, string> = {};
  private readonly extraPtys = new Map<string, PtyPair>();
  private state: StackState;
  private peerFd: number | null = null;

  constructor(readonly opts: StackOptions) {
    const dir = resolve(opts.dir);
    mkdirSync(dir, { recursive: true });
    const host = opts.serviceOf;
    this.keysDir = host?.keysDir ?? join(dir, 'issuer');
    this.root = host?.root ?? keygen(this.keysDir).root;
    this.rootArg = `${this.root.kid}:${this.root.x}`;
    this.scannerDevice = join(dir, 'dev', 'scanner');
    this.scannerPeer = join(dir, 'dev', 'scanner-sim');
    this.serviceConfig = join(dir, 'sync-service.json');
    this.terminalConfig = join(dir, 'terminal.json');
    const statePath = join(dir, 'stack.json');
    this.state = existsSync(statePath)
      ? (JSON.parse(readFileSync(statePath, 'utf8')) as StackState)
      : { admin_token: host?.adminToken ?? randomBytes(24).toString('base64url'), terminal_id: null, enrollment_code: null, seal_key: null };
    this.state.staff_pin ??= String(randomInt(0, 1_000_000)).padStart(6, '0');
    writeFileSync(statePath, JSON.stringify(this.state, null, 2), { mode: 0o600 });
    // The demo's one operator may also unseal (the tests and the demo open what they sealed), work
    // a hall window (docs/hall.md) and push configs (docs/config-push.md); the config holds only
    // the token's hash, and is the operator's own file (0600).
    const operator = { name: 'demo', token_sha256: createHash('sha256').update(this.state.admin_token).digest('hex'), roles: ['fleet', 'unseal', 'window', 'config'] };
    writeFileSync(
      this.serviceConfig,
      JSON.stringify({ data_dir: 'service-data', host: '127.0.0.1', port: opts.servicePort ?? 0, operators: [operator], ...(opts.police ? { police: opts.police } : {}) }, null, 2),
      { mode: 0o600 },
    );
    chmodSync(this.serviceConfig, 0o600);
  }

  get adminToken(): string {
    return this.state.admin_token;
  }

  /** The terminal's staff PIN (api.staff_pin in its config). */
  get staffPin(): string {
    return this.state.staff_pin!;
  }

  get dir(): string {
    return resolve(this.opts.dir);
  }

  get serviceUrl(): string {
    return this.opts.serviceOf?.serviceUrl ?? this.service?.url ?? '';
  }

  get kioskUrl(): string {
    return this.terminal?.url ?? '';
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- admin replies are asserted by the caller
  async admin(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<any> {
    const send = () =>
      fetch(new URL(path, this.serviceUrl), {
        method,
        headers: { authorization: `Bearer ${this.adminToken}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
        body: body === undefined ? undefined : contentType === 'application/json' ? JSON.stringify(body) : String(body),
      });
    const res = await untilServed(send);
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  /** Starts this stack's service; nothing for a stack that uses another's (`serviceOf`). */
  async startService(): Promise<void> {
    if (this.opts.serviceOf) return;
    this.service = await withClockAhead(this.opts.clockAheadMs ?? 0, () => spawnListening('sync-service/src/cli.ts', ['serve', '--config', this.serviceConfig], 'service', this.opts.onOutput));
  }

  async stopService(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await stopChild(this.service, signal);
  }

  /** Publishes a freshly signed trust list with the next sequence (first run: 1). */
  async publishTrustList(sequence?: number): Promise<number> {
    const next = async () => {
      const current = await untilServed(() => fetch(new URL('/v1/trust-list', this.serviceUrl)));
      return current.status === 200 ? JSON.parse(Buffer.from((await current.text()).split('.')[1]!, 'base64url').toString()).sequence + 1 : 1;
    };
    const seq = sequence ?? (await next());
    const jws = signedTrustList(this.keysDir, { sequence: seq });
    writeFileSync(join(this.dir, 'trust-list.jws'), `${jws}\n`);
    await this.admin('PUT', '/admin/trust-list', jws, 'application/jose');
    return seq;
  }

  /** The venue's name (a shipped name, or the `name` of the venue object). */
  get venueName(): string {
    const v = this.opts.venue ?? 'desk';
    return typeof v === 'string' ? String((JSON.parse(readFileSync(venueOf(v) as string, 'utf8')) as { name: string }).name) : String(v.name);
  }

  /** Imports one of the venue's feeds as a new version; returns the version. */
  async importFeed(kind: string, rows: unknown[]): Promise<number> {
    return ((await this.admin('PUT', `/admin/venues/${this.venueName}/feeds/${kind}`, { rows })) as { version: number }).version;
  }

  /** The venue's salt for document holders. */
  async venueSalt(): Promise<string> {
    return ((await this.admin('GET', `/admin/venues/${this.venueName}`)) as { salt: string }).salt;
  }

  /** Creates the terminal on the service once; later runs reuse its enrollment. Binds it to the venue, whose feeds it pulls. */
  async enroll(): Promise<void> {
    if (this.state.enrollment_code) {
      if (this.state.terminal_id) await this.admin('PUT', `/admin/terminals/${this.state.terminal_id}/venue`, { venue: this.venueName });
      return;
    }
    const t = (await this.admin('POST', '/admin/terminals', { name: 'demo terminal', venue: this.venueName })) as { terminal_id: string; enrollment_code: string; seal_key: string };
    this.state = { ...this.state, terminal_id: t.terminal_id, enrollment_code: t.enrollment_code, seal_key: t.seal_key };
    writeFileSync(join(this.dir, 'stack.json'), JSON.stringify(this.state, null, 2), { mode: 0o600 });
  }

  writeTerminalConfig(): void {
    const config = {
      data_dir: 'terminal-data',
      name: 'demo terminal',
      api: { host: '127.0.0.1', port: this.opts.kioskPort ?? 0, staff_pin: this.staffPin },
      trust: { roots: [this.rootArg], file: 'trust-list.jws' },
      sync: {
        url: this.opts.terminalServiceUrl ?? this.serviceUrl,
        enrollment_code: this.state.enrollment_code,
        seal_key: this.state.seal_key,
        interval_ms: 200,
        // The desk's police report states move within seconds in the demo and tests.
        police_poll_s: 1,
        ...this.opts.sync,
      },
      venue: venueOf(this.opts.venue ?? 'desk'),
      devices: [
        { id: 'scanner-1', role: 'scanner', kind: 'serial-scanner', path: this.scannerDevice, baud: 9600, framing: 'cr' },
        ...(this.opts.devices ?? []).map((d) => (d.kind === 'camera-scanner' ? d : { ...d, path: join(this.dir, 'dev', String(d.id)) })),
      ],
    };
    // It holds the enrollment code: the daemon's user only.
    writeFileSync(this.terminalConfig, JSON.stringify(config, null, 2), { mode: 0o600 });
    chmodSync(this.terminalConfig, 0o600);
  }

  async openScanner(): Promise<void> {
    this.pty ??= await openPtyPair(this.scannerDevice, this.scannerPeer);
    for (const d of this.opts.devices ?? []) {
      const id = String(d.id);
      if (this.peers[id] || d.kind === 'camera-scanner') continue; // the kiosk page is its device
      const pair = await openPtyPair(join(this.dir, 'dev', id), join(this.dir, 'dev', `${id}-sim`));
      this.extraPtys.set(id, pair);
      this.peers[id] = pair.peer;
    }
  }

  async startTerminal(): Promise<void> {
    this.writeTerminalConfig();
    this.terminal = await withClockAhead(this.opts.clockAheadMs ?? 0, () => spawnListening('terminal/src/cli.ts', ['run', '--config', this.terminalConfig], 'terminal', this.opts.onOutput));
  }

  async stopTerminal(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await stopChild(this.terminal, signal);
  }

  /** Pulls the scanner's cable: its pty pair disappears. */
  async unplugScanner(): Promise<void> {
    if (this.peerFd !== null) closeSync(this.peerFd);
    this.peerFd = null;
    await this.pty?.close();
    this.pty = null;
  }

  /** Pulls an extra device's cable: its pty pair disappears, and the daemon sees it disconnected. */
  async unplug(id: string): Promise<void> {
    await this.extraPtys.get(id)?.close();
    this.extraPtys.delete(id);
    delete this.peers[id];
  }

  /** Plugs it back in at the same path. */
  async replugScanner(): Promise<void> {
    this.pty ??= await openPtyPair(this.scannerDevice, this.scannerPeer);
  }

  /** Writes one code into the scanner, CR-terminated, as the scanner would send it. */
  scan(text: string): void {
    this.peerFd ??= openSync(this.scannerPeer, 'w');
    writeSync(this.peerFd, `${text}\r`);
  }

  /**
   * Everything up: service, trust list, enrollment, pty scanner, terminal. If any step fails,
   * whatever was already started is stopped before the error is thrown: the caller holds no
   * stack to stop. The ptys need nothing from the service: socat makes them while it starts.
   */
  async start(): Promise<this> {
    const ptys = this.openScanner();
    ptys.catch(() => undefined);
    try {
      await this.startService();
      // A 503 here is the service shedding load, not "no list yet": the terminal needs the file.
      const list = await untilServed(() => fetch(new URL('/v1/trust-list', this.serviceUrl)));
      await list.body?.cancel();
      if (list.status === 404) await this.publishTrustList(1);
      else if (list.status !== 200) throw new Error(`GET /v1/trust-list: HTTP ${list.status}, neither a list nor none`);
      // A terminal of another stack's service starts from that stack's list file, as its own would.
      const hostList = this.opts.serviceOf && join(this.opts.serviceOf.dir, 'trust-list.jws');
      if (hostList && existsSync(hostList)) copyFileSync(hostList, join(this.dir, 'trust-list.jws'));
      await this.enroll();
      for (const [kind, rows] of Object.entries(this.opts.feeds ?? {})) await this.importFeed(kind, rows);
      await ptys;
      await this.startTerminal();
      return this;
    } catch (e) {
      // Whatever socat made is closed by stop() below, once it is made.
      await ptys.catch(() => undefined);
      await this.stop().catch(() => undefined);
      throw e;
    }
  }

  /** Stops everything that runs, each part even when another fails to stop; throws the first failure. */
  async stop(): Promise<void> {
    const failures: unknown[] = [];
    const step = async (f: () => Promise<void> | void) => {
      try {
        await f();
      } catch (e) {
        failures.push(e);
      }
    };
    await step(() => this.stopTerminal());
    await step(() => this.stopService());
    await step(() => {
      if (this.peerFd !== null) closeSync(this.peerFd);
      this.peerFd = null;
    });
    await step(async () => {
      await this.pty?.close();
      this.pty = null;
    });
    for (const p of this.extraPtys.values()) await step(() => p.close());
    this.extraPtys.clear();
    for (const id of Object.keys(this.peers)) delete this.peers[id];
    if (failures.length) throw failures[0];
  }
}

/** `send()`, again while the service sheds load (503, on a loaded machine) and says when to come back: setup waits for it, a few times. */
async function untilServed(send: () => Promise<Response>): Promise<Response> {
  let res = await send();
  for (let tries = 1; res.status === 503 && tries <= 5; tries++) {
    await res.body?.cancel();
    await new Promise((r) => setTimeout(r, Math.min(5, Number(res.headers.get('retry-after')) || 1) * 1000));
    res = await send();
  }
  return res;
}

function venueOf(v: string | Record<string, unknown>): string | Record<string, unknown> {
  if (typeof v !== 'string') return v;
  return v.includes('/') ? resolve(v) : venueFile(v);
}
