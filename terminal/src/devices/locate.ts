// Turns a configured locator into the node to open. A path (exact or a /dev/serial/by-id link)
// is used as is once it exists; VID/PID is matched against serialport's enumeration, which
// reports ids as lower-case hex without 0x ('05e0').
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import type { Locator } from './config.ts';

export async function resolveSerialPath(l: Locator): Promise<string | null> {
  if (l.path) return existsSync(l.path) ? l.path : null;
  const ports = await SerialPort.list();
  const hit = ports.find(
    (p) =>
      p.vendorId?.toLowerCase() === l.vid?.toLowerCase() &&
      p.productId?.toLowerCase() === l.pid?.toLowerCase() &&
      (!l.serial_number || p.serialNumber === l.serial_number),
  );
  return hit?.path ?? null;
}
