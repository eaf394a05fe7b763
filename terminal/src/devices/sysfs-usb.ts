// USB devices as the kernel lists them in /sys/bus/usb/devices, with the nodes each one got (tty,
// hidraw, printer-class lp). Read from sysfs rather than through libusb so that `devices` can say
// "the reader is on the bus but no driver made a tty for it" even where libusb cannot open it.
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, join } from 'node:path';

export const SYS_USB = '/sys/bus/usb/devices';

export interface UsbEntry {
  /** Bus and port chain, `1-1.4`, as `usb_port` takes it. */
  port: string;
  vid: string;
  pid: string;
  manufacturer: string | null;
  product: string | null;
  serial_number: string | null;
  /** Device nodes the kernel made for it: /dev/ttyUSB0, /dev/hidraw2, /dev/usb/lp0. */
  nodes: string[];
  /** Its usbfs node, /dev/bus/usb/001/004, which libusb-style access opens; null when sysfs does not say. */
  usbfs: string | null;
  /** Kernel drivers bound to its interfaces (`cdc_acm`, `ch341`, `usbhid`, `usblp`); [] when none. */
  drivers: string[];
}

function read(dir: string, name: string): string | null {
  try {
    return readFileSync(join(dir, name), 'utf8').trim() || null;
  } catch {
    return null;
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The nodes under one interface directory: tty/ttyUSB0, hidraw/hidraw2 (one level down on HID), usbmisc/lp0. */
function nodesOf(iface: string): string[] {
  const out: string[] = [];
  for (const name of list(join(iface, 'tty'))) out.push(`/dev/${name}`);
  for (const name of list(iface)) if (/^tty(USB|ACM)\d+$/.test(name)) out.push(`/dev/${name}`);
  for (const name of list(join(iface, 'usbmisc'))) out.push(name.startsWith('lp') ? `/dev/usb/${name}` : `/dev/${name}`);
  for (const sub of list(iface)) {
    if (!/^[0-9A-F]{4}:[0-9A-F]{4}:[0-9A-F]{4}\.[0-9A-F]+$/i.test(sub)) continue; // a HID device under the interface
    for (const name of list(join(iface, sub, 'hidraw'))) out.push(`/dev/${name}`);
  }
  return out;
}

/** Every USB device, or null when this machine shows no USB bus (a container without /sys/bus/usb). */
export function sysfsUsb(root = SYS_USB): UsbEntry[] | null {
  if (!existsSync(root)) return null;
  const entries: UsbEntry[] = [];
  for (const name of list(root)) {
    if (name.includes(':') || name.startsWith('usb')) continue; // interfaces and root hubs
    const dir = join(root, name);
    const vid = read(dir, 'idVendor');
    const pid = read(dir, 'idProduct');
    if (!vid || !pid) continue;
    const nodes: string[] = [];
    const drivers = new Set<string>();
    for (const iface of list(dir).filter((n) => n.startsWith(`${name}:`))) {
      nodes.push(...nodesOf(join(dir, iface)));
      try {
        drivers.add(basename(realpathSync(join(dir, iface, 'driver'))));
      } catch {
        // no driver bound to this interface
      }
    }
    const bus = Number(read(dir, 'busnum'));
    const num = Number(read(dir, 'devnum'));
    entries.push({
      port: name,
      usbfs: bus > 0 && num > 0 ? `/dev/bus/usb/${String(bus).padStart(3, '0')}/${String(num).padStart(3, '0')}` : null,
      vid: vid.toLowerCase(),
      pid: pid.toLowerCase(),
      manufacturer: read(dir, 'manufacturer'),
      product: read(dir, 'product'),
      serial_number: read(dir, 'serial'),
      nodes: nodes.sort(),
      drivers: [...drivers].sort(),
    });
  }
  return entries.sort((a, b) => a.port.localeCompare(b.port));
}
