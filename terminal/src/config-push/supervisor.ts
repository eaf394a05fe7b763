// Runs the daemon on its config file with the newest config push laid over it, and applies a new
// push by a controlled restart: stop the daemon, start it with the push, and keep the push only
// if the daemon starts and the devices its new venue needs connect within the trial. Otherwise
// stop it again and start on the last good config, and report why (docs/config-push.md).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, type TerminalConfig } from '../config/index.ts';
import { createLogger } from '../log.ts';
import type { Terminal, TerminalOptions } from '../main.ts';
import { configPushEtag, type ConfigPushPayload, type ConfigRejection } from '../protocol/index.ts';
import { checkPush, configWithPush, withoutPin, type BaseConfig } from './check.ts';
import { pushReason } from './errors.ts';
import { newNeeds, type Need } from './needs.ts';
import { PushStore, type HeldPush, type PushState } from './store.ts';

/** How long a pushed venue has for the devices it newly needs to connect, ms. */
export const TRIAL_MS = 10_000;
/** Starts with one pending push before it is given up (a push that kills the daemon is not tried for ever). */
const MAX_TRIES = 2;

export interface PushHooks {
  /** The ETag of the newest document held (applied, tried or given up), for the poll's If-None-Match. */
  etag(): string | null;
  /** A document the poll fetched; checked now, applied by a restart soon after. */
  receive(jws: string, identity: { configKey: string | null; terminalId: string | null }): void;
  /** What the heartbeat and /api/health report. */
  status(): { version: number | null; rejected: ConfigRejection | null };
}

type Start = (config: Readonly<TerminalConfig>, opts: TerminalOptions) => Promise<Terminal>;

export interface SupervisorOptions {
  /** Default: a logger at the config file's `log_level`. */
  log?: Logger;
  /** startTerminal (main.ts); passed in so that this module does not import the daemon it runs. */
  start: Start;
  trialMs?: number;
  now?: () => number;
  /** Called when no config at all could be started after a push (the process should exit 1). */
  onFatal(e: unknown): void;
}

/** The payload of a document this terminal checked before it held it (its own file: read, not verified again). */
const payloadOf = (p: HeldPush) => JSON.parse(Buffer.from(p.jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as ConfigPushPayload;

export class ConfigSupervisor {
  private terminal: Terminal | null = null;
  private port: number | null = null;
  private runningVersion: number | null = null;
  private lastRejection: ConfigRejection | null = null;
  private state: PushState;
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly store: PushStore;
  private readonly now: () => number;
  private readonly log: Logger;

  /** Reads and checks the config file as `terminal run` always did (throws ConfigError). */
  static fromFile(file: string, o: SupervisorOptions): ConfigSupervisor {
    const config = loadConfig(file);
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    return new ConfigSupervisor({ raw, dir: dirname(resolve(file)), file }, config, o);
  }

  constructor(
    private readonly base: BaseConfig,
    private readonly baseConfig: Readonly<TerminalConfig>,
    private readonly o: SupervisorOptions,
  ) {
    this.log = o.log ?? createLogger(baseConfig.log_level);
    this.store = new PushStore(baseConfig.data_dir);
    this.now = o.now ?? Date.now;
    this.state = baseConfig.sync ? this.store.read() : { applied: null, pending: null, rejected: null, etag: null };
    this.lastRejection = this.state.rejected;
  }

  /** The config file holds an enrollment code (run.ts warns when others may read it). */
  get baseConfigHasEnrollmentCode(): boolean {
    return Boolean(this.baseConfig.sync?.enrollment_code);
  }

  get current(): Terminal | null {
    return this.terminal;
  }

  async start(): Promise<Terminal> {
    await this.startBest();
    if (!this.terminal) throw new Error('the daemon did not start');
    return this.terminal;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.chain;
    await this.terminal?.stop();
    this.terminal = null;
  }

  /** Settles once every restart asked for so far has finished (tests). */
  settled(): Promise<void> {
    return this.chain;
  }

  private hooks(): PushHooks {
    return {
      etag: () => this.state.etag,
      receive: (jws, identity) => this.receive(jws, identity),
      status: () => ({ version: this.runningVersion, rejected: this.lastRejection }),
    };
  }

  private receive(jws: string, identity: { configKey: string | null; terminalId: string | null }): void {
    if (this.stopped) return;
    const r = checkPush(jws, { ...identity, highest: this.store.highest(this.state), base: this.base });
    if (!r.ok) {
      this.reject(r.version, r.reason, r.held ? jws : null);
      return;
    }
    this.save({ ...this.state, pending: { version: r.version, jws, tries: 0 }, etag: configPushEtag(r.version, jws) });
    this.log.info({ version: r.version }, 'config push accepted; restarting the daemon with it');
    this.chain = this.chain.then(async () => {
      if (this.stopped) return;
      try {
        await this.terminal?.stop();
        this.terminal = null;
        await this.startBest();
      } catch (e) {
        this.log.fatal({ err: e }, 'the daemon could not start again after a config push, not even on its last good config');
        this.o.onFatal(e);
      }
    });
  }

  /**
   * Reports a push not kept. `held` is its document when it was signed for this terminal and is
   * newer than anything held: only such a document moves the versions (and the ETag) up. Another
   * (a forgery, an older one) is refused again at each poll, and never blocks a genuine push.
   */
  private reject(version: number | null, reason: string, held: string | null): void {
    this.log.error({ version, reason }, 'config push not applied');
    if (version === null) return;
    const rejection = { version, reason, at: this.now() };
    this.lastRejection = rejection;
    if (held !== null) {
      // The ETag stays the newest document's: a newer push pending behind this one keeps its own.
      const etag = version >= this.store.highest(this.state) ? configPushEtag(version, held) : this.state.etag;
      this.save({ ...this.state, rejected: rejection, pending: this.state.pending?.version === version ? null : this.state.pending, etag });
    }
  }

  private save(s: PushState): void {
    this.store.write(s);
    this.state = s;
  }

  /** The last good config: the applied push over the file, or the file alone. */
  private lastGood(): { config: Readonly<TerminalConfig>; version: number | null } {
    const a = this.state.applied;
    if (!a) return { config: this.baseConfig, version: null };
    try {
      return { config: configWithPush(this.base, payloadOf(a).config, a.version), version: a.version };
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      // The file changed under the push (a device renamed by the installer): the file wins.
      this.log.error({ version: a.version, problems: withoutPin(e.problems) }, 'the applied config push no longer fits the config file; running on the file alone');
      return { config: this.baseConfig, version: null };
    }
  }

  private async startBest(): Promise<void> {
    if (!this.baseConfig.sync) {
      this.terminal = await this.startWith(this.baseConfig);
      return;
    }
    const good = this.lastGood();
    const p = this.state.pending;
    if (p && p.tries >= MAX_TRIES) this.reject(p.version, pushReason('YSS_CONFIG_PUSH_START_FAILED', `the daemon stopped ${p.tries} times while trying it`), p.jws);
    else if (p && (await this.trial(p, good.config))) return;
    this.terminal = await this.startWith(good.config);
    this.runningVersion = good.version;
  }

  /** Starts with a pending push; true when it is kept, false when it was given up (nothing left running). */
  private async trial(p: NonNullable<PushState['pending']>, good: Readonly<TerminalConfig>): Promise<boolean> {
    this.save({ ...this.state, pending: { ...p, tries: p.tries + 1 } });
    let config: Readonly<TerminalConfig>;
    try {
      config = configWithPush(this.base, payloadOf(p).config, p.version);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      this.reject(p.version, pushReason('YSS_CONFIG_PUSH_INVALID', withoutPin(e.problems).join('; ')), p.jws);
      return false;
    }
    let t: Terminal;
    try {
      t = await this.startWith(config);
    } catch (e) {
      this.reject(p.version, pushReason('YSS_CONFIG_PUSH_START_FAILED', (e as Error).message), p.jws);
      return false;
    }
    // The daemon answers from here on; until the trial ends its heartbeats report the version before.
    const unmet = await this.waitFor(t, newNeeds(config.venue, good.venue));
    if (this.stopped) {
      // Stopped during the trial: neither kept nor blamed; the next start tries it again.
      this.terminal = t;
      return true;
    }
    if (unmet.length) {
      await t.stop();
      this.reject(p.version, pushReason('YSS_CONFIG_PUSH_DEVICES', unmet.map((n) => n.what).join(', '), Math.round((this.o.trialMs ?? TRIAL_MS) / 1000)), p.jws);
      return false;
    }
    // A newer push received during the trial stays pending: its restart is already asked for.
    this.save({ ...this.state, applied: { version: p.version, jws: p.jws }, pending: this.state.pending?.version === p.version ? null : this.state.pending });
    this.terminal = t;
    this.runningVersion = p.version;
    this.log.info({ version: p.version, venue: config.venue.name }, 'config push applied');
    return true;
  }

  /** Waits until every need is met or the trial ends; returns those still unmet. */
  private async waitFor(t: Terminal, needs: Need[]): Promise<Need[]> {
    const until = performance.now() + (this.o.trialMs ?? TRIAL_MS);
    for (;;) {
      const devices = t.health().devices;
      const unmet = needs.filter((n) => !n.met(devices));
      if (!unmet.length || performance.now() >= until || this.stopped) return unmet;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private async startWith(config: Readonly<TerminalConfig>): Promise<Terminal> {
    // A restart keeps the port the first start got, so the kiosk page finds the daemon again.
    const c = this.port === null ? config : { ...config, api: { ...config.api, port: this.port } };
    const t = await this.o.start(c, { log: this.log, ...(config.sync ? { configPush: this.hooks() } : {}) });
    this.port ??= Number(new URL(t.url).port);
    return t;
  }
}
