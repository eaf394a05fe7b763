// The USB edge for devices on bulk endpoints (GA 467 readers in USB mode): enumeration, open,
// claim, bulk transfers, attach/detach events. Behind this interface so the contract suite can
// run on a mock fed byte-exact transfer fixtures (a USB device is the one thing no test machine
// has). The real one is the `usb` package (libusb's successor nusb, through its WebUSB surface),
// loaded lazily so that a missing native module or a machine without a USB bus is a device
// state, not a crash.

export interface UsbEndpointInfo {
  endpointNumber: number;
  direction: 'in' | 'out';
  type: 'bulk' | 'interrupt' | 'isochronous';
  packetSize: number;
}

export interface UsbInterfaceInfo {
  interfaceNumber: number;
  interfaceClass: number;
  endpoints: UsbEndpointInfo[];
}

/** What a transfer came back with; a timeout is `timeout`, not a rejection. */
export type InResult = { status: 'ok'; data: Buffer } | { status: 'stall' } | { status: 'timeout' };
export type OutResult = { status: 'ok'; bytesWritten: number } | { status: 'stall' } | { status: 'timeout' };

export interface UsbDeviceHandle {
  readonly vendorId: number;
  readonly productId: number;
  readonly serialNumber: string | null;
  readonly manufacturerName: string | null;
  readonly productName: string | null;
  /** Bus and port chain, `1-1.4`: stable for a given socket, like /dev/serial/by-path. */
  readonly portPath: string;
  interfaces(): UsbInterfaceInfo[];
  open(): Promise<void>;
  claim(interfaceNumber: number): Promise<void>;
  transferIn(endpointNumber: number, length: number, timeoutMs: number): Promise<InResult>;
  transferOut(endpointNumber: number, data: Uint8Array, timeoutMs: number): Promise<OutResult>;
  clearHalt(direction: 'in' | 'out', endpointNumber: number): Promise<void>;
  /** Releases the interface and closes; never rejects. */
  close(): Promise<void>;
}

export interface UsbBackend {
  list(): Promise<UsbDeviceHandle[]>;
  /** Calls back on every attach / detach for as long as the returned function is not called. */
  watch(onAttach: () => void, onDetach: (portPath: string | null) => void): () => void;
}

export class MissingUsbBackendError extends Error {}

export const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

/** `0c2e:0b61` plus the port, for logs and health. */
export function describeUsb(d: Pick<UsbDeviceHandle, 'vendorId' | 'productId' | 'portPath'>): string {
  return `USB ${hex4(d.vendorId)}:${hex4(d.productId)} at ${d.portPath}`;
}

// The slice of the `usb` package's WebUSB surface this module uses. Its own typings lean on
// @types/w3c-web-usb globals; naming the slice here keeps the seam explicit.
interface NodeUsbDevice {
  /** nusb's opaque id for the device, which a detach reports. */
  handle: string;
  vendorId: number;
  productId: number;
  serialNumber?: string | null;
  manufacturerName?: string | null;
  productName?: string | null;
  bus: string;
  ports: number[];
  opened: boolean;
  configuration?: { interfaces: { interfaceNumber: number; alternate: { interfaceClass: number; endpoints: UsbEndpointInfo[] } }[] } | null;
  configurations?: { configurationValue: number }[];
  open(): Promise<void>;
  close(): Promise<void>;
  selectConfiguration(value: number): Promise<void>;
  claimInterface(n: number): Promise<void>;
  releaseInterface(n: number): Promise<void>;
  detachKernelDriver?(n: number): Promise<void>;
  transferIn(ep: number, length: number, timeout?: number): Promise<{ status: string; data?: DataView }>;
  transferOut(ep: number, data: Uint8Array, timeout?: number): Promise<{ status: string; bytesWritten: number }>;
  clearHalt(direction: 'in' | 'out', ep: number): Promise<void>;
}

interface NativeUsb {
  nativeGetDevices(): Promise<NodeUsbDevice[]>;
  Emitter: new () => {
    addAttach(cb: (d: NodeUsbDevice) => void): Promise<void>;
    removeAttach(): Promise<void>;
    addDetach(cb: (handle: string) => void): Promise<void>;
    removeDetach(): Promise<void>;
  };
}

const portPathOf = (d: NodeUsbDevice): string => `${d.bus}-${d.ports.join('.')}`;

/** nusb reports a transfer timeout as a rejection; the link treats it as an empty read. */
const isTimeout = (e: unknown): boolean => /time(d)?\s*out/i.test((e as Error)?.message ?? '');

function wrap(d: NodeUsbDevice): UsbDeviceHandle {
  const claimed: number[] = [];
  return {
    vendorId: d.vendorId,
    productId: d.productId,
    serialNumber: d.serialNumber ?? null,
    manufacturerName: d.manufacturerName ?? null,
    productName: d.productName ?? null,
    portPath: portPathOf(d),
    interfaces: () =>
      (d.configuration?.interfaces ?? []).map((i) => ({
        interfaceNumber: i.interfaceNumber,
        interfaceClass: i.alternate.interfaceClass,
        endpoints: i.alternate.endpoints.map((e) => ({ endpointNumber: e.endpointNumber, direction: e.direction, type: e.type, packetSize: e.packetSize })),
      })),
    async open() {
      if (!d.opened) await d.open();
      const first = d.configurations?.[0];
      if (!d.configuration && first) await d.selectConfiguration(first.configurationValue);
    },
    async claim(n) {
      // A vendor-class reader has no kernel driver; a CDC or printer-class one would, and libusb
      // cannot claim an interface a driver holds.
      await d.detachKernelDriver?.(n).catch(() => {});
      await d.claimInterface(n);
      claimed.push(n);
    },
    async transferIn(ep, length, timeoutMs) {
      try {
        const r = await d.transferIn(ep, length, timeoutMs);
        if (r.status === 'ok' && r.data) return { status: 'ok', data: Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength) };
        return { status: 'stall' };
      } catch (e) {
        if (isTimeout(e)) return { status: 'timeout' };
        throw e;
      }
    },
    async transferOut(ep, data, timeoutMs) {
      try {
        const r = await d.transferOut(ep, data, timeoutMs);
        return r.status === 'ok' ? { status: 'ok', bytesWritten: r.bytesWritten } : { status: 'stall' };
      } catch (e) {
        if (isTimeout(e)) return { status: 'timeout' };
        throw e;
      }
    },
    clearHalt: (direction, ep) => d.clearHalt(direction, ep),
    async close() {
      for (const n of claimed.splice(0)) await d.releaseInterface(n).catch(() => {});
      if (d.opened) await d.close().catch(() => {});
    },
  };
}

let loaded: Promise<UsbBackend> | null = null;

/**
 * The `usb` package, or a MissingUsbBackendError naming what to install. Hot-plug goes through its
 * native Emitter directly: the WebUSB wrapper rethrows a failed hot-plug registration from a timer
 * (an uncaught exception, where /sys/bus/usb is missing) and leaves a rejected enumeration unhandled.
 */
export function nodeUsbBackend(): Promise<UsbBackend> {
  loaded ??= (async () => {
    try {
      await import('usb'); // adds the WebUSB transfer methods to the native device class
      const mod = (await import('usb/index.js')) as unknown as { default?: NativeUsb };
      return nativeBackend((mod.default ?? mod) as NativeUsb);
    } catch (e) {
      loaded = null;
      throw new MissingUsbBackendError(`the usb package cannot load (${(e as Error).message.split('\n')[0]}); run npm rebuild usb`);
    }
  })();
  return loaded;
}

function nativeBackend(native: NativeUsb): UsbBackend {
  // A detach names only nusb's handle; remember which port each handle was seen on.
  const ports = new Map<string, string>();
  const remember = (d: NodeUsbDevice): void => void ports.set(d.handle, portPathOf(d));
  return {
    async list() {
      const all = await native.nativeGetDevices();
      all.forEach(remember);
      return all.map(wrap);
    },
    watch(onAttach, onDetach) {
      let emitter: InstanceType<NativeUsb['Emitter']>;
      try {
        emitter = new native.Emitter();
      } catch {
        return () => {}; // no hot-plug here: udev hints and polling do the job
      }
      emitter
        .addAttach((d) => {
          remember(d);
          onAttach();
        })
        .catch(() => {});
      emitter.addDetach((handle) => onDetach(ports.get(handle) ?? null)).catch(() => {});
      return () => {
        emitter.removeAttach().catch(() => {});
        emitter.removeDetach().catch(() => {});
      };
    },
  };
}

/** Open and claim failures, with the fix when it is a permission or a busy interface. */
export function explainUsbError(what: string, e: Error): string {
  if (/access|permission|EACCES/i.test(e.message)) {
    return `cannot open ${what}: no permission on /dev/bus/usb; install terminal/udev/99-yss-edge.rules and add a line with this reader's vid/pid if it is not listed`;
  }
  if (/busy|claim/i.test(e.message)) return `cannot claim ${what}: another program holds it (a vendor SDK service?): ${e.message}`;
  return `cannot open ${what}: ${e.message}`;
}
