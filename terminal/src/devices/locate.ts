// Turns a configured locator into the node to open. A path (exact or a /dev/serial/by-id link)
// is used as is once it exists; VID/PID is matched against serialport's enumeration, which
// reports ids as lower-case hex without 0x ('05e0').
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import type { Locator } from './config.ts';

export type SerialLister = () => ReturnType<typeof SerialPort.list>;

export async function resolveSerialPath(l: Locator, list: SerialLister = () => SerialPort.list()): Promise<string | null> {
  if (l.path) return existsSync(l.path) ? l.path : null;
  const ports = await list();
  const hit = ports.find(
    (p) =>
      p.vendorId?.toLowerCase() === l.vid?.toLowerCase() &&
      p.productId?.toLowerCase() === l.pid?.toLowerCase() &&
      (!l.serial_number || p.serialNumber === l.serial_number),
  );
  return hit?.path ?? null;
}

/** An open failure, with the fix when it is a permission problem. */
export function explainSerialOpenError(path: string, e: Error): string {
  if (/EACCES|permission denied/i.test(e.message)) {
    return `cannot open ${path}: no permission; add the daemon's user to the dialout group or install terminal/udev/99-yss-edge.rules`;
  }
  if (/EBUSY|resource busy|lock/i.test(e.message)) return `cannot open ${path}: in use by another process (ModemManager? install the udev rules)`;
  return `cannot open ${path}: ${e.message}`;
}
