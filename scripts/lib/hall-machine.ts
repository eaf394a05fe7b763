// Another ticket machine beside a Stack's terminal: a second terminal daemon enrolled on the same
// sync service, running the same venue from a copy of the first one's config, with its own data
// folder, its own pty scanner and its own simulated devices. A hall (docs/hall.md) is several of
// these sharing one queue. Its enrollment is kept in the stack's folder, so a demo restarts it.
import { closeSync, existsSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { withClockAhead } from './faketime.ts';
import { spawnListening, stopChild, type Child, type OutputListener } from './processes.ts';
import { openPtyPair, type PtyPair } from './pty.ts';
import type { Stack } from './stack.ts';

interface TerminalConfigFile {
  data_dir: string;
  name: string;
  api: { port: number };
  sync: Record<string, unknown>;
  devices: ({ id: string; kind: string; path?: string } & Record<string, unknown>)[];
}

export class HallMachine {
  child: Child | null = null;
  /** Simulator-side pty path of each of its devices, by the first machine's device id. */
  readonly peers: Record<string, string> = {};
  private fd: number | null = null;

  private constructor(
    readonly n: number,
    readonly config: string,
    readonly dataDir: string,
    private readonly ptys: PtyPair[],
    private readonly onOutput?: OutputListener,
    /** The stack's `clockAheadMs`: this daemon's clock runs as far ahead as the service's. */
    private readonly clockAheadMs = 0,
  ) {}

  /**
   * Enrolls machine `n` (2, 3, …) on the stack's service (once per folder) and starts it. With
   * `venue`, it is bound to the stack's venue and pulls its feeds (a second gate of a museum).
   */
  static async add(stack: Stack, n: number, opts: { kioskPort?: number; onOutput?: OutputListener; venue?: boolean } = {}): Promise<HallMachine> {
    const statePath = join(stack.dir, `machine-${n}.json`);
    let code: string;
    if (existsSync(statePath)) code = (JSON.parse(readFileSync(statePath, 'utf8')) as { enrollment_code: string }).enrollment_code;
    else {
      code = ((await stack.admin('POST', '/admin/terminals', { name: `ticket machine ${n}`, ...(opts.venue ? { venue: stack.venueName } : {}) })) as { enrollment_code: string }).enrollment_code;
      writeFileSync(statePath, JSON.stringify({ enrollment_code: code }), { mode: 0o600 });
    }
    const config = JSON.parse(readFileSync(stack.terminalConfig, 'utf8')) as TerminalConfigFile;
    const ptys: PtyPair[] = [];
    const peers: Record<string, string> = {};
    const devices: TerminalConfigFile['devices'] = [];
    try {
      for (const d of config.devices) {
        if (d.kind === 'camera-scanner') continue;
        const pair = await openPtyPair(join(stack.dir, 'dev', `${d.id}-m${n}`), join(stack.dir, 'dev', `${d.id}-m${n}-sim`));
        ptys.push(pair);
        peers[d.id] = pair.peer;
        devices.push({ ...d, path: pair.device });
      }
    } catch (e) {
      for (const p of ptys) await p.close();
      throw e;
    }
    const file = join(stack.dir, `terminal-${n}.json`);
    const mine: TerminalConfigFile = {
      ...config,
      data_dir: `terminal-${n}-data`,
      name: `ticket machine ${n}`,
      api: { ...config.api, port: opts.kioskPort ?? 0 },
      sync: { ...config.sync, enrollment_code: code },
      devices,
    };
    writeFileSync(file, JSON.stringify(mine, null, 2), { mode: 0o600 });
    const m = new HallMachine(n, file, join(stack.dir, mine.data_dir), ptys, opts.onOutput, stack.opts.clockAheadMs ?? 0);
    Object.assign(m.peers, peers);
    await m.start();
    return m;
  }

  get url(): string {
    return this.child?.url ?? '';
  }

  /** The simulator side of its scanner, for `npm run -s issuer -- scan --port`. */
  get scannerPeer(): string {
    return this.peers['scanner-1']!;
  }

  async start(): Promise<void> {
    this.child = await withClockAhead(this.clockAheadMs, () => spawnListening('terminal/src/cli.ts', ['run', '--config', this.config], 'terminal', this.onOutput));
  }

  async stopDaemon(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await stopChild(this.child, signal);
  }

  /** Writes one code into its scanner, CR-terminated. */
  scan(text: string): void {
    this.fd ??= openSync(this.scannerPeer, 'w');
    writeSync(this.fd, `${text}\r`);
  }

  /** Stops the daemon and removes its ptys. */
  async stop(): Promise<void> {
    await this.stopDaemon();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    for (const p of this.ptys.splice(0)) await p.close();
  }
}
