// What is plugged in, and what is missing to use it: serial ports (with their stable
// /dev/serial/by-id names), HID interfaces (with usage page, so a POS scanner's 0x8C interface
// stands out), USB printer-class nodes, every USB device with the nodes its drivers made, the
// simulators' pseudo-terminals, the truth about each configured device (presence.ts), and the
// state of each backend (node-hid, libusb, udevadm, udev rules, permissions).
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { printerLinkOf, USBLP_PATH, type DeviceConfig } from './config.ts';
import { matchesHid, nodeHidBackend, type HidInfo } from './hid/index.ts';
import { checkConfigured, simulatorLinks, type ConfiguredCheck } from './presence.ts';
import { sysfsUsb, SYS_USB, type UsbEntry } from './sysfs-usb.ts';

export interface SerialEntry {
  path: string;
  by_id: string[];
  vid: string | null;
  pid: string | null;
  manufacturer: string | null;
  serial_number: string | null;
  readable: boolean;
  /** Configured device ids this port matches. */
  matches: string[];
}

export interface HidEntry {
  path: string;
  vid: string;
  pid: string;
  usage_page: number | null;
  usage: number | null;
  product: string | null;
  /** `hid-pos` for usage page 0x8C, `keyboard` for 0x01/0x06, else `other`. */
  mode: 'hid-pos' | 'keyboard' | 'other';
  readable: boolean;
  matches: string[];
}

export interface BackendCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do about it when not ok. */
  fix: string | null;
}

export interface PrinterEntry {
  /** A USB printer-class node: /dev/usb/lp0. */
  path: string;
  readable: boolean;
  matches: string[];
}

export interface Inventory {
  serial: SerialEntry[];
  hid: HidEntry[];
  printers: PrinterEntry[];
  /** Every USB device (sysfs); null when this machine shows no USB bus. */
  usb: UsbEntry[] | null;
  /** Pseudo-terminal links made by `npm run sim` (/tmp/yss-sim). */
  simulators: { path: string; node: string | null }[];
  /** One per configured device: present or not, and for each missing one the cause and fix. */
  configured: ConfiguredCheck[];
  backends: BackendCheck[];
}

function printerNodes(): string[] {
  const out: string[] = [];
  for (const dir of ['/dev/usb', '/dev']) {
    try {
      for (const name of readdirSync(dir)) if (USBLP_PATH.test(join(dir, name))) out.push(join(dir, name));
    } catch {
      // no such directory
    }
  }
  return out.sort();
}

export const UDEV_RULES_FILE = '/etc/udev/rules.d/99-yss-edge.rules';
const BY_ID = '/dev/serial/by-id';

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

function canReadWrite(path: string): boolean {
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function byIdLinks(): Map<string, string[]> {
  const map = new Map<string, string[]>();
  if (!existsSync(BY_ID)) return map;
  for (const name of readdirSync(BY_ID)) {
    try {
      const target = realpathSync(join(BY_ID, name));
      map.set(target, [...(map.get(target) ?? []), join(BY_ID, name)]);
    } catch {
      // a dangling link from a device that just left
    }
  }
  return map;
}

function serialMatches(c: DeviceConfig, e: Omit<SerialEntry, 'matches'>): boolean {
  if (c.kind === 'hid-pos-scanner' || c.kind === 'hid-keyboard-scanner') return false;
  if (c.path) {
    if (c.path === e.path || e.by_id.includes(c.path)) return true;
    try {
      return realpathSync(c.path) === realpathSync(e.path);
    } catch {
      return false;
    }
  }
  return e.vid === c.vid?.toLowerCase() && e.pid === c.pid?.toLowerCase() && (!c.serial_number || c.serial_number === e.serial_number);
}

function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').concat(['/usr/sbin', '/sbin'])) {
    if (existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return null;
}

function libusbPresent(): boolean {
  try {
    return /libusb-1\.0\.so/.test(execFileSync('ldconfig', ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    return ['/usr/lib/x86_64-linux-gnu/libusb-1.0.so.0', '/usr/lib/aarch64-linux-gnu/libusb-1.0.so.0', '/lib/x86_64-linux-gnu/libusb-1.0.so.0'].some(existsSync);
  }
}

/** Lists devices and checks backends; never throws (a failing part becomes a backend check). */
export async function inventory(configs: DeviceConfig[] = [], options: { simulatorDir?: string } = {}): Promise<Inventory> {
  const backends: BackendCheck[] = [];
  const serial: SerialEntry[] = [];
  const hid: HidEntry[] = [];

  try {
    const links = byIdLinks();
    for (const p of await SerialPort.list()) {
      const e = {
        path: p.path,
        by_id: links.get(p.path) ?? [],
        vid: p.vendorId?.toLowerCase() ?? null,
        pid: p.productId?.toLowerCase() ?? null,
        manufacturer: p.manufacturer ?? null,
        serial_number: p.serialNumber ?? null,
        readable: canReadWrite(p.path),
      };
      serial.push({ ...e, matches: configs.filter((c) => serialMatches(c, e)).map((c) => c.id) });
    }
    backends.push({ name: 'serialport', ok: true, detail: `${serial.length} serial port(s)`, fix: null });
  } catch (e) {
    backends.push({ name: 'serialport', ok: false, detail: (e as Error).message, fix: 'npm rebuild @serialport/bindings-cpp' });
  }

  try {
    const backend = await nodeHidBackend();
    const list: HidInfo[] = await backend.list();
    for (const d of list) {
      const mode = d.usagePage === 0x8c ? 'hid-pos' : d.usagePage === 0x01 && d.usage === 0x06 ? 'keyboard' : 'other';
      hid.push({
        path: d.path,
        vid: hex4(d.vendorId),
        pid: hex4(d.productId),
        usage_page: d.usagePage ?? null,
        usage: d.usage ?? null,
        product: d.product ?? null,
        mode,
        readable: canReadWrite(d.path),
        matches: configs.filter((c) => (c.kind === 'hid-pos-scanner' || c.kind === 'hid-keyboard-scanner') && matchesHid(c, d)).map((c) => c.id),
      });
    }
    backends.push({ name: 'node-hid', ok: true, detail: `${hid.length} HID interface(s) via hidraw`, fix: null });
  } catch (e) {
    backends.push({ name: 'node-hid', ok: false, detail: (e as Error).message, fix: 'npm rebuild node-hid (needs libudev1)' });
  }

  const printers: PrinterEntry[] = printerNodes().map((path) => ({
    path,
    readable: canReadWrite(path),
    matches: configs.filter((c) => c.kind === 'escpos-printer' && printerLinkOf(c) === 'usblp' && c.path && realpathOr(c.path) === realpathOr(path)).map((c) => c.id),
  }));
  const usb = sysfsUsb();
  backends.push(
    libusbPresent()
      ? { name: 'libusb', ok: true, detail: 'libusb-1.0 found', fix: null }
      : { name: 'libusb', ok: false, detail: 'libusb-1.0 not found (node-hid\'s libusb backend uses it; USB ID-card readers do not: the usb package reads usbfs itself)', fix: 'apt-get install libusb-1.0-0' },
  );
  const udevadm = which('udevadm');
  backends.push(
    udevadm
      ? { name: 'udevadm', ok: true, detail: udevadm, fix: null }
      : { name: 'udevadm', ok: false, detail: 'udevadm not found: no /dev/serial/by-id names and no rule reloads', fix: 'apt-get install udev' },
  );
  const rules = existsSync(UDEV_RULES_FILE);
  backends.push(
    rules
      ? { name: 'udev rules', ok: true, detail: UDEV_RULES_FILE, fix: null }
      : {
          name: 'udev rules',
          ok: false,
          detail: `${UDEV_RULES_FILE} is not installed: hidraw nodes stay root-only and ModemManager may probe scanners`,
          fix: `cp terminal/udev/99-yss-edge.rules ${UDEV_RULES_FILE} && udevadm control --reload-rules && udevadm trigger`,
        },
  );
  backends.push(
    usb
      ? { name: 'usb bus', ok: true, detail: `${usb.length} USB device(s) in ${SYS_USB}`, fix: null }
      : {
          name: 'usb bus',
          ok: false,
          detail: `${SYS_USB} is missing: no USB device is visible here (a container, or a VM without USB passthrough)`,
          fix: 'run on the terminal itself, or pass the USB bus through (docker: --device /dev/bus/usb -v /sys:/sys:ro)',
        },
  );
  const denied = [...serial, ...hid, ...printers].filter((d) => !d.readable).map((d) => d.path);
  if (denied.length) {
    backends.push({
      name: 'permissions',
      ok: false,
      detail: `cannot open ${denied.join(', ')} as ${process.getuid?.() === 0 ? 'root' : `uid ${process.getuid?.()}`}`,
      fix: `install the udev rules (above), or add the user to the dialout group: usermod -aG dialout $USER`,
    });
  }
  const configured = checkConfigured(configs, { serial, hid, printers, usb });
  return { serial, hid, printers, usb, simulators: simulatorLinks(options.simulatorDir), configured, backends };
}

function realpathOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
