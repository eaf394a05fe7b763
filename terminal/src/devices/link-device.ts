// The byte-stream adapters' shared frame: one link (a serial port, USB bulk endpoints or a
// printer-class node) that start() opens and keeps open, its bytes handed to the adapter's parser,
// its state forwarded to health (an adapter that must first check the device answers takes the
// state over), and a close() that stops the adapter's own timers and parsers, then the link, and
// reports `closed`. Six adapters repeated this; each now says only what is its own.
import type pino from 'pino';
import { BaseDevice } from './base-device.ts';
import { DEFAULTS, type Locator } from './config.ts';
import { SerialLink } from './serial-link.ts';
import type { DeviceHealth } from './types.ts';
import type { LinkState, Transport } from './transport.ts';

export abstract class LinkDevice extends BaseDevice {
  protected readonly link: Transport;

  constructor(h: Pick<DeviceHealth, 'id' | 'role' | 'kind' | 'path'>, log: pino.Logger, now: () => number, link: (log: pino.Logger) => Transport) {
    super(h, log, now);
    this.link = link(this.log);
    this.link.on('data', (chunk) => this.onData(chunk));
    this.link.on('state', (state, detail, path) => this.onLinkState(state, detail, path));
  }

  /** Bytes from the device; devices that only listen for their own replies override it. */
  protected onData(_chunk: Buffer): void {}

  /** Forwards the link's state to health; adapters that reset a parser or check the device first override it. */
  protected onLinkState(state: LinkState, detail: string | null, path: string | null): void {
    this.setState(state, detail, path);
  }

  /** What the adapter runs beside the link (timers, parsers, a pulse in flight), stopped before the link closes. */
  protected stopping(): Promise<void> | void {}

  start(): void {
    this.link.start();
  }

  async close(): Promise<void> {
    await this.stopping();
    await this.link.close();
    this.setState('disconnected', 'closed');
  }
}

/** The serial link every serial adapter opens: the configured locator, baud rate and reconnect bound. */
export function serialLink(c: Locator & { baud?: number; reconnect_max_ms?: number }, baudRate: number = c.baud ?? DEFAULTS.baud): (log: pino.Logger) => SerialLink {
  return (log) => new SerialLink({ locator: c, baudRate, reconnectMaxMs: c.reconnect_max_ms ?? DEFAULTS.reconnect_max_ms, log });
}
