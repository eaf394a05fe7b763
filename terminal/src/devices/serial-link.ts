// A serial port that stays open: it resolves the configured locator, opens, and after any close,
// open failure or read error waits (200 ms doubling to a ceiling) and tries again, until close().
// serialport has no reconnect of its own; an unplug shows up as `close` with `disconnected: true`,
// and, since that event is sometimes never raised (the poller can miss the hang-up), also as the
// device node (or its by-id link) disappearing, which a cheap check once a second notices.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import type pino from 'pino';
import { DEFAULTS, type Locator } from './config.ts';
import { onDeviceArrival } from './hotplug.ts';
import { explainSerialOpenError, resolveSerialPath } from './locate.ts';
import { mainThreadReadBinding } from './serial-read.ts';
import type { LinkEvents, LinkState, Transport } from './transport.ts';

/** How often an open port's device node is checked for, ms. */
const PRESENCE_CHECK_MS = 1000;

export interface SerialLinkOptions {
  locator: Locator;
  baudRate: number;
  reconnectMaxMs: number;
  log: pino.Logger;
}

export class SerialLink extends EventEmitter<LinkEvents> implements Transport {
  #port: SerialPort | null = null;
  #timer: NodeJS.Timeout | null = null;
  #presence: NodeJS.Timeout | null = null;
  #stopHints: (() => void) | null = null;
  #delay: number = DEFAULTS.reconnect_min_ms;
  #stopped = true;
  #attempt = 0;
  #last: LinkState | null = null;
  readonly #o: SerialLinkOptions;

  constructor(options: SerialLinkOptions) {
    super();
    this.#o = options;
  }

  get isOpen(): boolean {
    return this.#port?.isOpen ?? false;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#last = null;
    this.#delay = DEFAULTS.reconnect_min_ms;
    this.#stopHints = onDeviceArrival(this.#onArrival);
    void this.#connect();
  }

  /** A device arrived somewhere: if we are waiting to retry, retry now. */
  readonly #onArrival = (): void => {
    if (this.#stopped || !this.#timer) return;
    clearTimeout(this.#timer);
    this.#timer = null;
    this.#delay = DEFAULTS.reconnect_min_ms;
    // udev adds the node before its by-id link; give the rules a moment.
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#connect();
    }, 100);
  };

  /** Writes and waits until the OS has the bytes; false when the port is not open or the write failed. */
  write(bytes: Uint8Array): Promise<boolean> {
    const port = this.#port;
    if (!port?.isOpen) return Promise.resolve(false);
    return new Promise((resolve) => {
      port.write(Buffer.from(bytes), (err) => {
        if (err) return resolve(false);
        port.drain((e) => resolve(!e));
      });
    });
  }

  async close(): Promise<void> {
    this.#stopHints?.();
    this.#stopHints = null;
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#stopPresence();
    const port = this.#port;
    this.#port = null;
    if (port?.isOpen) await new Promise<void>((r) => port.close(() => r()));
    port?.removeAllListeners();
    port?.on('error', () => {}); // a late error from a port we dropped must not become unhandled
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    const attempt = ++this.#attempt;
    // While the device is away, retries keep the `disconnected` state rather than flapping
    // through `connecting`: every status change is pushed to the kiosk and queued for the service.
    if (this.#last === null || this.#last === 'connected') this.#emitState('connecting', null, this.#o.locator.path ?? null);
    let path: string | null;
    try {
      path = await resolveSerialPath(this.#o.locator);
    } catch (e) {
      path = null;
      this.#o.log.warn({ err: (e as Error).message }, 'serial enumeration failed');
    }
    if (this.#stopped || attempt !== this.#attempt) return;
    if (!path) return this.#retry('disconnected', `no device at ${describe(this.#o.locator)}`, null);
    let port: SerialPort;
    try {
      // Reads on the main thread (serial-read.ts): a scan's bytes reach the framer without a thread-pool round trip.
      const options = { path, baudRate: this.#o.baudRate, autoOpen: false, binding: mainThreadReadBinding };
      port = new SerialPort(options);
    } catch (e) {
      // serialport throws synchronously on options it rejects; that must not escape a timer.
      return this.#retry('error', `cannot open ${path}: ${(e as Error).message}`, path);
    }
    port.on('error', (err) => {
      // Read errors leave the port in an unknown state; reopening is the documented workaround.
      this.#o.log.warn({ err: err.message, path }, 'serial error');
      if (this.#port === port) this.#drop(port, 'error', err.message, path);
    });
    port.on('close', (err?: Error & { disconnected?: boolean }) => {
      if (this.#port !== port) return;
      this.#drop(port, 'disconnected', err?.disconnected ? 'unplugged' : 'port closed', path);
    });
    port.on('data', (chunk: Buffer) => {
      // A throw here would surface inside serialport's stream and take the process down.
      try {
        this.emit('data', chunk);
      } catch (e) {
        this.#o.log.error({ err: (e as Error).message }, 'serial data handler threw');
      }
    });
    port.open((err) => {
      // Closed (or closed and restarted) while opening: this port is stale.
      if (this.#stopped || attempt !== this.#attempt) {
        if (!err) port.close();
        return;
      }
      if (err) return this.#retry('disconnected', explainSerialOpenError(path, err), path);
      this.#port = port;
      this.#delay = DEFAULTS.reconnect_min_ms;
      this.#watchPresence(port, path);
      this.#o.log.info({ path }, 'serial port open');
      this.#emitState('connected', null, path);
      this.emit('open');
    });
  }

  #watchPresence(port: SerialPort, path: string): void {
    this.#stopPresence();
    this.#presence = setInterval(() => {
      if (this.#port === port && !existsSync(path)) this.#drop(port, 'disconnected', 'unplugged (device node gone)', path);
    }, PRESENCE_CHECK_MS);
    this.#presence.unref();
  }

  #stopPresence(): void {
    if (this.#presence) clearInterval(this.#presence);
    this.#presence = null;
  }

  #drop(port: SerialPort, state: LinkState, detail: string, path: string): void {
    this.#stopPresence();
    this.#port = null;
    port.removeAllListeners();
    port.on('error', () => {});
    if (port.isOpen) port.close(() => {});
    if (this.#stopped) return;
    this.#o.log.warn({ path, detail }, 'serial port lost');
    this.#retry(state, detail, path);
  }

  #emitState(state: LinkState, detail: string | null, path: string | null): void {
    this.#last = state;
    this.emit('state', state, detail, path);
  }

  #retry(state: LinkState, detail: string, path: string | null): void {
    if (this.#stopped) return;
    this.#emitState(state, detail, path);
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#connect();
    }, this.#delay);
    this.#delay = Math.min(this.#delay * 2, this.#o.reconnectMaxMs);
  }
}

export function describe(l: Locator): string {
  if (l.path) return l.path;
  return `USB ${l.vid}:${l.pid}${l.serial_number ? ` serial ${l.serial_number}` : ''}`;
}
