// The mock twin of the `usb` backend: devices that exist only in memory, for the one thing no test
// machine has. Each IN transfer the host makes completes with the next queued item, byte for byte
// (data, a stall, a timeout, or the device vanishing); every OUT transfer is recorded and handed to
// whatever plays the device. Fed from fixtures/usb/ or driven by the GA 467 simulator.
import type { InResult, OutResult, UsbBackend, UsbDeviceHandle, UsbInterfaceInfo } from './backend.ts';

/** One IN transfer as the host will see it complete. */
export type InItem = { data: Buffer } | { stall: true } | { timeout: true } | { unplug: true };

export interface MockUsbSpec {
  vendorId: number;
  productId: number;
  serialNumber?: string | null;
  portPath: string;
  /** Default: one vendor-class interface 0, bulk OUT 2 and IN 1, 64-byte packets. */
  interfaces?: UsbInterfaceInfo[];
}

export const VENDOR_BULK: UsbInterfaceInfo[] = [
  {
    interfaceNumber: 0,
    interfaceClass: 0xff,
    endpoints: [
      { endpointNumber: 2, direction: 'out', type: 'bulk', packetSize: 64 },
      { endpointNumber: 1, direction: 'in', type: 'bulk', packetSize: 64 },
    ],
  },
];

class Gone extends Error {
  constructor() {
    super('LIBUSB_ERROR_NO_DEVICE: no device');
  }
}

export class MockUsbDevice implements UsbDeviceHandle {
  readonly vendorId: number;
  readonly productId: number;
  readonly serialNumber: string | null;
  readonly manufacturerName = 'mock';
  readonly productName = 'mock USB device';
  readonly portPath: string;
  readonly #interfaces: UsbInterfaceInfo[];
  /** OUT transfers, in order. */
  readonly out: Buffer[] = [];
  /** Every host call, for assertions: `open`, `claim 0`, `in 1`, `out 2`, `clear in 1`, `close`. */
  readonly calls: string[] = [];
  /** Answers to the next OUT transfers, used before `ok`. */
  readonly outFaults: ('stall' | 'timeout')[] = [];
  #queue: InItem[] = [];
  #waiter: ((item: InItem | null) => void) | null = null;
  #present = true;
  #opened = false;
  #onOut: ((bytes: Buffer) => void) | null = null;
  #failOpen: Error | null = null;
  #backend: MockUsbBackend | null = null;

  constructor(spec: MockUsbSpec) {
    this.vendorId = spec.vendorId;
    this.productId = spec.productId;
    this.serialNumber = spec.serialNumber ?? null;
    this.portPath = spec.portPath;
    this.#interfaces = spec.interfaces ?? VENDOR_BULK;
  }

  get opened(): boolean {
    return this.#opened;
  }

  /** What plays the device: called with each OUT transfer's bytes. */
  onOut(l: (bytes: Buffer) => void): void {
    this.#onOut = l;
  }

  /** Queues IN transfers; a waiting transferIn completes with the first at once. */
  queueIn(...items: InItem[]): void {
    for (const item of items) {
      if (this.#waiter) {
        const w = this.#waiter;
        this.#waiter = null;
        w(item);
      } else this.#queue.push(item);
    }
  }

  /** Makes the next open() fail with this error (permission, busy). */
  failNextOpen(e: Error): void {
    this.#failOpen = e;
  }

  /** Called by MockUsbBackend on unplug / replug. */
  setPresent(present: boolean): void {
    this.#present = present;
    if (!present) {
      this.#opened = false;
      this.#queue = [];
      const w = this.#waiter;
      this.#waiter = null;
      w?.(null);
    }
  }

  interfaces(): UsbInterfaceInfo[] {
    return this.#interfaces;
  }

  async open(): Promise<void> {
    this.calls.push('open');
    if (!this.#present) throw new Gone();
    const e = this.#failOpen;
    this.#failOpen = null;
    if (e) throw e;
    this.#opened = true;
  }

  async claim(n: number): Promise<void> {
    this.calls.push(`claim ${n}`);
    if (!this.#present) throw new Gone();
    if (!this.#interfaces.some((i) => i.interfaceNumber === n)) throw new Error(`LIBUSB_ERROR_NOT_FOUND: no interface ${n}`);
  }

  async transferIn(ep: number, length: number, timeoutMs: number): Promise<InResult> {
    this.calls.push(`in ${ep}`);
    if (!this.#present || !this.#opened) throw new Gone();
    const item =
      this.#queue.shift() ??
      (await new Promise<InItem | null>((resolve) => {
        const t = setTimeout(() => {
          if (this.#waiter === done) this.#waiter = null;
          resolve({ timeout: true });
        }, timeoutMs);
        const done = (i: InItem | null): void => {
          clearTimeout(t);
          resolve(i);
        };
        this.#waiter = done;
      }));
    if (item === null) throw new Gone();
    if ('unplug' in item) {
      this.#backend?.unplug(this);
      throw new Gone();
    }
    if ('stall' in item) return { status: 'stall' };
    if ('timeout' in item) return { status: 'timeout' };
    if (item.data.length > length) throw new Error(`LIBUSB_ERROR_OVERFLOW: ${item.data.length} bytes for a ${length}-byte transfer`);
    return { status: 'ok', data: Buffer.from(item.data) };
  }

  async transferOut(ep: number, data: Uint8Array): Promise<OutResult> {
    this.calls.push(`out ${ep}`);
    if (!this.#present || !this.#opened) throw new Gone();
    const fault = this.outFaults.shift();
    if (fault) return { status: fault };
    const bytes = Buffer.from(data);
    this.out.push(bytes);
    this.#onOut?.(bytes);
    return { status: 'ok', bytesWritten: bytes.length };
  }

  async clearHalt(direction: 'in' | 'out', ep: number): Promise<void> {
    this.calls.push(`clear ${direction} ${ep}`);
    if (!this.#present) throw new Gone();
  }

  async close(): Promise<void> {
    this.calls.push('close');
    this.#opened = false;
  }

  /** Called by MockUsbBackend.plug: an `unplug` item detaches the device from it. */
  attachTo(b: MockUsbBackend | null): void {
    this.#backend = b;
  }
}

export class MockUsbBackend implements UsbBackend {
  #devices: MockUsbDevice[] = [];
  #watchers = new Set<{ attach: () => void; detach: (p: string | null) => void }>();
  /** When set, list() rejects with it (a machine without a USB bus). */
  listError: Error | null = null;

  async list(): Promise<UsbDeviceHandle[]> {
    if (this.listError) throw this.listError;
    return [...this.#devices];
  }

  watch(attach: () => void, detach: (portPath: string | null) => void): () => void {
    const w = { attach, detach };
    this.#watchers.add(w);
    return () => this.#watchers.delete(w);
  }

  plug(d: MockUsbDevice): void {
    if (this.#devices.includes(d)) return;
    d.setPresent(true);
    d.attachTo(this);
    this.#devices.push(d);
    for (const w of this.#watchers) w.attach();
  }

  unplug(d: MockUsbDevice): void {
    if (!this.#devices.includes(d)) return;
    this.#devices = this.#devices.filter((x) => x !== d);
    d.setPresent(false);
    for (const w of this.#watchers) w.detach(d.portPath);
  }
}
