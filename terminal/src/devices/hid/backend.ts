// The USB edge for HID devices: enumeration and open/read, behind an interface so tests can
// replay report fixtures (the one place mocks are allowed). The real one is node-hid over Linux
// hidraw, loaded lazily so that a missing or broken native module is a device state, not a crash.
import type { EventEmitter } from 'node:events';

export interface HidInfo {
  path: string;
  vendorId: number;
  productId: number;
  serialNumber?: string;
  product?: string;
  manufacturer?: string;
  usagePage?: number;
  usage?: number;
  interface?: number;
}

export interface HidHandle extends EventEmitter {
  // events: 'data' (Buffer, one input report), 'error' (Error; an unplug reads as an error)
  close(): void;
  /** Sends an output report (first byte the report id); resolves the bytes written. */
  write(bytes: Buffer): Promise<number> | number;
}

export interface HidBackend {
  list(): Promise<HidInfo[]>;
  open(path: string): Promise<HidHandle>;
}

export class MissingBackendError extends Error {}

let loaded: Promise<HidBackend> | null = null;

/** node-hid, or a MissingBackendError naming what to install. */
export function nodeHidBackend(): Promise<HidBackend> {
  loaded ??= import('node-hid').then(
    (mod) => {
      const hid = (mod.default ?? mod) as typeof import('node-hid');
      return {
        list: async () => (await hid.devicesAsync()).filter((d): d is typeof d & { path: string } => !!d.path) as HidInfo[],
        open: async (path: string) => {
          // nonExclusive: keyboard-wedge readers must not take the keyboard away from the OS.
          const h = await hid.HIDAsync.open(path, { nonExclusive: true });
          const handle = h as unknown as HidHandle;
          const close = h.close.bind(h);
          handle.close = () => void close().catch(() => {});
          handle.write = (bytes: Buffer) => h.write(bytes);
          return handle;
        },
      };
    },
    (e: Error) => {
      loaded = null;
      throw new MissingBackendError(`node-hid cannot load (${e.message.split('\n')[0]}); run npm rebuild node-hid, and apt-get install libudev1 libusb-1.0-0`);
    },
  );
  return loaded;
}

/** hidraw nodes are root-only until a udev rule opens them (terminal/udev/99-yss-edge.rules). */
export function explainOpenError(path: string, e: Error): string {
  if (/permission|EACCES|cannot open device/i.test(e.message)) {
    return `cannot open ${path}: no permission; install terminal/udev/99-yss-edge.rules and run udevadm control --reload-rules && udevadm trigger`;
  }
  return `cannot open ${path}: ${e.message}`;
}
