// A device on USB bulk endpoints that stays open: find it (VID/PID, optional serial number, or the
// port path `1-1.4`), open, claim the interface, then keep one IN transfer outstanding and hand
// every completed one up as `data`. After an unplug, a read error or an endpoint that keeps
// stalling, wait (200 ms doubling to a ceiling) and try again until close(); an attach event from
// the backend, or a udev `add` where libusb has no hot-plug, makes a waiting link retry at once.
// A transfer timeout is normal (nothing to read); a stall is cleared and reading goes on.
import { EventEmitter } from 'node:events';
import type pino from 'pino';
import { DEFAULTS } from '../config.ts';
import { onDeviceArrival } from '../hotplug.ts';
import type { LinkEvents, LinkState, Transport } from '../transport.ts';
import { describeUsb, explainUsbError, hex4, type UsbBackend, type UsbDeviceHandle, type UsbEndpointInfo } from './backend.ts';

/** How a USB device is found: vid + pid (and serial_number), or usb_port, or both. */
export interface UsbLocator {
  vid?: string;
  pid?: string;
  serial_number?: string;
  /** Bus and port chain as `lsusb -t` and sysfs name it: `1-1.4`. */
  usb_port?: string;
}

export interface UsbLinkOptions {
  locator: UsbLocator;
  backend: () => Promise<UsbBackend>;
  /** Interface to claim; default the first one with a bulk IN and a bulk OUT endpoint. */
  interfaceNumber?: number;
  /** Endpoint numbers (1-15, without the direction bit); default the interface's first bulk ones. */
  endpointIn?: number;
  endpointOut?: number;
  reconnectMaxMs: number;
  log: pino.Logger;
  /** How long one IN transfer waits before it is re-issued, ms (default 250). */
  readTimeoutMs?: number;
  /** How long an OUT transfer may take, ms (default 1000). */
  writeTimeoutMs?: number;
}

/** Consecutive stalls on IN, each cleared, before the device is reopened. */
const MAX_STALLS = 3;
/** Bytes asked of one IN transfer: a GA 467 text + photo reply (1295 bytes) fits in one. */
const READ_LENGTH = 2048;

export function matchesUsb(l: UsbLocator, d: Pick<UsbDeviceHandle, 'vendorId' | 'productId' | 'serialNumber' | 'portPath'>): boolean {
  if (l.vid && hex4(d.vendorId) !== l.vid.toLowerCase()) return false;
  if (l.pid && hex4(d.productId) !== l.pid.toLowerCase()) return false;
  if (l.serial_number && d.serialNumber !== l.serial_number) return false;
  if (l.usb_port && d.portPath !== l.usb_port) return false;
  return Boolean(l.vid || l.usb_port);
}

export function describeUsbLocator(l: UsbLocator): string {
  const ids = l.vid ? `${l.vid.toLowerCase()}:${l.pid?.toLowerCase()}${l.serial_number ? ` serial ${l.serial_number}` : ''}` : '';
  return `USB ${[ids, l.usb_port ? `port ${l.usb_port}` : ''].filter(Boolean).join(' at ')}`;
}

interface Opened {
  dev: UsbDeviceHandle;
  epIn: number;
  epOut: number;
  what: string;
}

/** Picks the interface and endpoints, or says why the device does not have them. */
export function pickEndpoints(dev: UsbDeviceHandle, o: Pick<UsbLinkOptions, 'interfaceNumber' | 'endpointIn' | 'endpointOut'>): { iface: number; epIn: number; epOut: number } | string {
  const bulk = (eps: UsbEndpointInfo[], dir: 'in' | 'out', want?: number) =>
    eps.find((e) => e.type === 'bulk' && e.direction === dir && (want === undefined || e.endpointNumber === want));
  const ifaces = dev.interfaces().filter((i) => o.interfaceNumber === undefined || i.interfaceNumber === o.interfaceNumber);
  for (const i of ifaces) {
    const inp = bulk(i.endpoints, 'in', o.endpointIn);
    const out = bulk(i.endpoints, 'out', o.endpointOut);
    if (inp && out) return { iface: i.interfaceNumber, epIn: inp.endpointNumber, epOut: out.endpointNumber };
  }
  const iface = o.interfaceNumber === undefined ? 'no interface' : `no interface ${o.interfaceNumber}`;
  const ep = (dir: string, n?: number) => `bulk ${dir}${n === undefined ? '' : ` ${n}`}`;
  return `${describeUsb(dev)} has ${iface} with ${ep('IN', o.endpointIn)} and ${ep('OUT', o.endpointOut)} endpoints; is the reader in USB mode?`;
}

export class UsbLink extends EventEmitter<LinkEvents> implements Transport {
  #open: Opened | null = null;
  #timer: NodeJS.Timeout | null = null;
  #stopHints: (() => void)[] = [];
  #delay: number = DEFAULTS.reconnect_min_ms;
  #stopped = true;
  #attempt = 0;
  #last: LinkState | null = null;
  #writes: Promise<unknown> = Promise.resolve();
  readonly #o: UsbLinkOptions;

  constructor(options: UsbLinkOptions) {
    super();
    this.#o = options;
  }

  get isOpen(): boolean {
    return this.#open !== null;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#last = null;
    this.#delay = DEFAULTS.reconnect_min_ms;
    this.#stopHints.push(onDeviceArrival(this.#onArrival));
    void this.#o.backend().then(
      (b) => {
        if (!this.#stopped) this.#stopHints.push(b.watch(this.#onArrival, this.#onDetach));
      },
      () => {}, // reported by #connect
    );
    void this.#connect();
  }

  readonly #onArrival = (): void => {
    if (this.#stopped || !this.#timer) return;
    clearTimeout(this.#timer);
    this.#delay = DEFAULTS.reconnect_min_ms;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#connect();
    }, 50);
  };

  readonly #onDetach = (portPath: string | null): void => {
    const o = this.#open;
    if (o && (portPath === null || portPath === o.dev.portPath)) this.#drop(o, 'disconnected', 'unplugged');
  };

  write(bytes: Uint8Array): Promise<boolean> {
    const run = async (): Promise<boolean> => {
      const o = this.#open;
      if (!o) return false;
      try {
        const r = await o.dev.transferOut(o.epOut, bytes, this.#o.writeTimeoutMs ?? 1000);
        if (r.status === 'ok') return r.bytesWritten === bytes.length;
        if (r.status === 'stall') {
          this.#o.log.warn({ endpoint: o.epOut }, 'USB OUT endpoint stalled; clearing it');
          await o.dev.clearHalt('out', o.epOut).catch(() => {});
        }
        return false;
      } catch (e) {
        if (this.#open === o) this.#drop(o, ...lossOf(e as Error));
        return false;
      }
    };
    // Transfers go out in the order written, one at a time.
    const p = this.#writes.then(run, run);
    this.#writes = p;
    return p;
  }

  async close(): Promise<void> {
    for (const stop of this.#stopHints.splice(0)) stop();
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const o = this.#open;
    this.#open = null;
    await o?.dev.close();
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    const attempt = ++this.#attempt;
    const where = describeUsbLocator(this.#o.locator);
    if (this.#last === null || this.#last === 'connected') this.#emitState('connecting', null, where);
    let dev: UsbDeviceHandle | undefined;
    try {
      const backend = await this.#o.backend();
      dev = (await backend.list()).find((d) => matchesUsb(this.#o.locator, d));
    } catch (e) {
      if (this.#stopped || attempt !== this.#attempt) return;
      return this.#retry('error', (e as Error).message, where);
    }
    if (this.#stopped || attempt !== this.#attempt) return;
    if (!dev) return this.#retry('disconnected', `no device at ${where}`, where);
    const what = describeUsb(dev);
    const picked = pickEndpoints(dev, this.#o);
    if (typeof picked === 'string') return this.#retry('error', picked, what);
    try {
      await dev.open();
      await dev.claim(picked.iface);
    } catch (e) {
      await dev.close();
      if (this.#stopped || attempt !== this.#attempt) return;
      return this.#retry('error', explainUsbError(what, e as Error), what);
    }
    if (this.#stopped || attempt !== this.#attempt) {
      await dev.close();
      return;
    }
    const o: Opened = { dev, epIn: picked.epIn, epOut: picked.epOut, what };
    this.#open = o;
    this.#delay = DEFAULTS.reconnect_min_ms;
    this.#o.log.info({ device: what, interface: picked.iface, in: picked.epIn, out: picked.epOut }, 'USB device open');
    this.#emitState('connected', null, what);
    this.emit('open');
    void this.#readLoop(o);
  }

  async #readLoop(o: Opened): Promise<void> {
    let stalls = 0;
    while (this.#open === o) {
      let r;
      try {
        r = await o.dev.transferIn(o.epIn, READ_LENGTH, this.#o.readTimeoutMs ?? 250);
      } catch (e) {
        if (this.#open === o) this.#drop(o, ...lossOf(e as Error));
        return;
      }
      if (this.#open !== o) return;
      if (r.status === 'timeout') continue;
      if (r.status === 'stall') {
        if (++stalls > MAX_STALLS) return this.#drop(o, 'error', `the IN endpoint stalled ${stalls} times in a row`);
        this.#o.log.warn({ endpoint: o.epIn }, 'USB IN endpoint stalled; clearing it');
        await o.dev.clearHalt('in', o.epIn).catch(() => {});
        continue;
      }
      stalls = 0;
      if (!r.data.length) continue; // a zero-length packet ends a transfer; nothing to hand up
      try {
        this.emit('data', r.data);
      } catch (e) {
        this.#o.log.error({ err: (e as Error).message }, 'USB data handler threw');
      }
    }
  }

  #drop(o: Opened, state: LinkState, detail: string): void {
    if (this.#open !== o) return;
    this.#open = null;
    void o.dev.close();
    if (this.#stopped) return;
    this.#o.log.warn({ device: o.what, detail }, 'USB device lost');
    this.#retry(state, detail, o.what);
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

/** A rejected transfer: the device went away, or something else broke. */
function lossOf(e: Error): [LinkState, string] {
  if (/no ?device|disconnect|not found|ENODEV|gone|no such/i.test(e.message)) return ['disconnected', 'unplugged'];
  return ['error', `USB transfer failed: ${e.message}`];
}
