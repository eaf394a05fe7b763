// The truth about each configured device for `terminal devices`: is its node there, is it the kind
// of node the adapter opens, can the daemon open it, and when it is missing, the most likely cause
// and the fix. A path is checked on the filesystem itself, not against serialport's enumeration,
// which leaves out pseudo-terminals (a simulator, a socat bridge) that the daemon opens happily.
import { accessSync, constants, existsSync, lstatSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { usbLinkOf, printerLinkOf, type DeviceConfig } from './config.ts';
import type { HidEntry, SerialEntry } from './discovery.ts';
import type { UsbEntry } from './sysfs-usb.ts';

export type Presence = 'present' | 'missing' | 'no_permission' | 'wrong_node' | 'in_kiosk_page';

export interface ConfiguredCheck {
  id: string;
  role: DeviceConfig['role'];
  kind: DeviceConfig['kind'];
  /** The locator as configured: a path, `vid:pid`, or `USB port 1-1.4`. */
  where: string;
  presence: Presence;
  /** The node it resolves to (/dev/pts/3, /dev/ttyUSB0), or the USB port; null when missing. */
  node: string | null;
  /** What the node is, or what was found instead. */
  detail: string;
  /** For anything but `present`: the most likely cause, and what fixes it. */
  cause: string | null;
  fix: string | null;
}

export interface Seen {
  serial: SerialEntry[];
  hid: HidEntry[];
  printers: { path: string }[];
  /** null: no USB bus visible on this machine. */
  usb: UsbEntry[] | null;
}

type NodeClass = 'pty' | 'tty' | 'hidraw' | 'usblp' | 'char' | 'not_a_device';

function classify(real: string): NodeClass {
  if (/^\/dev\/pts\/\d+$/.test(real) || real === '/dev/ptmx') return 'pty';
  if (/^\/dev\/hidraw\d+$/.test(real)) return 'hidraw';
  if (/^\/dev\/(usb\/lp|usblp)\d+$/.test(real)) return 'usblp';
  let st;
  try {
    st = statSync(real);
  } catch {
    return 'not_a_device';
  }
  if (!st.isCharacterDevice()) return 'not_a_device';
  return /^\/dev\/tty/.test(real) ? 'tty' : 'char';
}

const CLASS_TEXT: Record<NodeClass, string> = {
  pty: 'a pseudo-terminal (a simulator or a socat bridge)',
  tty: 'a serial port',
  hidraw: 'a HID node (hidraw)',
  usblp: 'a USB printer-class node',
  char: 'a character device',
  not_a_device: 'not a device node',
};

/** Which node classes an adapter opens. */
function accepts(c: DeviceConfig): NodeClass[] {
  if (c.kind === 'hid-pos-scanner' || c.kind === 'hid-keyboard-scanner') return ['hidraw', 'char'];
  if (c.kind === 'escpos-printer' && printerLinkOf(c) === 'usblp') return ['usblp', 'pty', 'char'];
  return ['tty', 'pty', 'char'];
}

function wrongNode(c: DeviceConfig, cls: NodeClass): { cause: string; fix: string } {
  if (cls === 'usblp') {
    return {
      cause: 'a USB printer-class node is not a serial port: opening it as one fails with "Inappropriate ioctl for device setting custom baud rate"',
      fix: `set "link": "usblp" on ${c.id} (the default for /dev/usb/lp* paths) and remove "baud"`,
    };
  }
  if (cls === 'hidraw') return { cause: 'the scanner is in USB HID mode, not serial', fix: `use kind "hid-pos-scanner" (or "hid-keyboard-scanner") for ${c.id}, or switch the scanner to USB-CDC serial mode` };
  if (cls === 'not_a_device') return { cause: 'the path is a plain file or directory, not a device node', fix: `point ${c.id}.path at the device node, e.g. a /dev/serial/by-id/... link` };
  return { cause: `${c.kind} opens ${accepts(c).filter((x) => x !== 'char').map((x) => CLASS_TEXT[x]).join(' or ')}`, fix: `check ${c.id}.path and kind` };
}

function canOpen(path: string): boolean {
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function groupFix(cls: NodeClass): string {
  if (cls === 'usblp') return 'add the daemon\'s user to the lp group: usermod -aG lp $USER (then log in again)';
  if (cls === 'hidraw') return 'install terminal/udev/99-yss-edge.rules: cp terminal/udev/99-yss-edge.rules /etc/udev/rules.d/ && udevadm control --reload-rules && udevadm trigger';
  return 'add the daemon\'s user to the dialout group: usermod -aG dialout $USER (then log in again), or install terminal/udev/99-yss-edge.rules';
}

/** A path that does not resolve: a dangling link, a renumbered tty, a by-id name, a simulator that is not running. */
function missingPath(c: DeviceConfig, path: string, seen: Seen): Pick<ConfiguredCheck, 'detail' | 'cause' | 'fix'> {
  let target: string | null = null;
  try {
    if (lstatSync(path).isSymbolicLink()) target = resolve(dirname(path), readlinkSync(path));
  } catch {
    // nothing at all at the path
  }
  if (target) {
    const pty = /^\/dev\/pts\//.test(target);
    return {
      detail: `a link to ${target}, which is gone`,
      cause: pty ? 'the program that made this pseudo-terminal (a simulator, socat) has stopped' : 'the device behind the link was unplugged',
      fix: pty ? 'start it again (npm start, or npm run -s sim -- <kind>)' : 'plug the device back in',
    };
  }
  const hid = c.kind === 'hid-pos-scanner' || c.kind === 'hid-keyboard-scanner';
  if (/^\/dev\/(usb\/lp|usblp)\d+$/.test(path)) {
    const others = seen.printers.map((p) => p.path);
    return {
      detail: `nothing at ${path}`,
      cause: others.length ? `the printer came back under another number; printer nodes now: ${others.join(', ')}` : 'no USB printer-class node: the printer is off or unplugged, or the usblp driver is not loaded',
      fix: others.length ? `use ${others[0]}, or find the printer by vid + pid` : 'switch the printer on and plug it in; modprobe usblp; `lsusb` should list it',
    };
  }
  if (path.startsWith('/dev/serial/by-id/')) {
    const names = seen.serial.flatMap((s) => s.by_id);
    return {
      detail: `nothing at ${path}`,
      cause: names.length ? `that device is not plugged in, or its name changed (another serial number); by-id names now: ${names.join(', ')}` : 'that device is not plugged in (no serial device has a by-id name right now)',
      fix: 'plug it in; if it is plugged in, copy its name from the list above',
    };
  }
  const family = /^\/dev\/(ttyUSB|ttyACM|hidraw)\d+$/.exec(path)?.[1];
  if (family) {
    const now = hid ? seen.hid.map((h) => h.path) : seen.serial.map((s) => s.path).filter((p) => p.startsWith(`/dev/${family}`));
    return {
      detail: `nothing at ${path}`,
      cause: now.length
        ? `not plugged in, or it came back under another number (${family} nodes now: ${now.join(', ')})`
        : 'not plugged in, or no driver made a node for it (see the USB devices above)',
      fix: hid ? 'plug it in; prefer vid + pid, which survives renumbering' : 'plug it in; prefer its /dev/serial/by-id/... link or vid + pid, which survive renumbering',
    };
  }
  if (!path.startsWith('/dev/')) {
    return { detail: `nothing at ${path}`, cause: 'a path outside /dev is usually a simulator\'s pseudo-terminal link, and that simulator is not running', fix: 'start it (npm start, or npm run -s sim -- <kind> --device PATH)' };
  }
  return { detail: `nothing at ${path}`, cause: 'the device is not plugged in, or its driver did not load', fix: 'plug it in; `dmesg | tail` shows what the kernel made of it' };
}

function byPath(c: DeviceConfig, path: string, seen: Seen): Omit<ConfiguredCheck, 'id' | 'role' | 'kind' | 'where'> {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return { presence: 'missing', node: null, ...missingPath(c, path, seen) };
  }
  const cls = classify(real);
  const what = `${real === path ? path : `${path} -> ${real}`}: ${CLASS_TEXT[cls]}`;
  if (!accepts(c).includes(cls)) return { presence: 'wrong_node', node: real, detail: what, ...wrongNode(c, cls) };
  if (!canOpen(real)) {
    return { presence: 'no_permission', node: real, detail: what, cause: `this user (uid ${process.getuid?.()}) cannot open ${real} for reading and writing`, fix: groupFix(cls) };
  }
  return { presence: 'present', node: real, detail: what, cause: null, fix: null };
}

function usbWhere(c: DeviceConfig): string {
  const u = c as DeviceConfig & { usb_port?: string };
  const ids = c.vid ? `${c.vid.toLowerCase()}:${c.pid?.toLowerCase()}${c.serial_number ? ` #${c.serial_number}` : ''}` : '';
  return [ids, u.usb_port ? `USB port ${u.usb_port}` : ''].filter(Boolean).join(' at ');
}

function onBus(c: DeviceConfig, seen: Seen): UsbEntry[] {
  const port = (c as { usb_port?: string }).usb_port;
  return (seen.usb ?? []).filter(
    (u) =>
      (!c.vid || (u.vid === c.vid.toLowerCase() && u.pid === c.pid?.toLowerCase())) &&
      (!c.serial_number || u.serial_number === c.serial_number) &&
      (!port || u.port === port),
  );
}

const NO_BUS = {
  cause: 'this machine shows no USB bus (/sys/bus/usb is missing): a container, or a VM without USB passthrough',
  fix: 'run on the terminal itself, or pass the USB bus through (docker: --device /dev/bus/usb -v /sys:/sys:ro)',
};

/** A device found by vid + pid (or usb_port): matched in the enumeration of its link. */
function byUsb(c: DeviceConfig, seen: Seen, matched: boolean): Omit<ConfiguredCheck, 'id' | 'role' | 'kind' | 'where'> {
  const bus = onBus(c, seen);
  if (usbLinkOf(c)) {
    if (seen.usb === null) return { presence: 'missing', node: null, detail: 'cannot look', ...NO_BUS };
    const u = bus[0];
    if (!u) return { presence: 'missing', node: null, detail: 'not on the USB bus', cause: 'not plugged in, or the reader is switched to serial mode', fix: 'plug it in; `lsusb` should list it' };
    const claimed = u.drivers.filter((d) => d !== 'usbfs');
    const node = u.usbfs;
    if (node && existsSync(node) && !canOpen(node)) {
      return {
        presence: 'no_permission',
        node,
        detail: `${u.vid}:${u.pid} at USB port ${u.port}, ${node}`,
        cause: `this user (uid ${process.getuid?.()}) cannot open ${node}`,
        fix: `install terminal/udev/99-yss-edge.rules, with a line for ${u.vid}:${u.pid} if it is not listed, then udevadm control --reload-rules && udevadm trigger`,
      };
    }
    return {
      presence: 'present',
      node: `USB port ${u.port}`,
      detail: `${u.vid}:${u.pid} ${u.product ?? ''} at USB port ${u.port}`.trim(),
      cause: claimed.length ? `a kernel driver (${claimed.join(', ')}) holds it; the daemon detaches it when it claims the interface` : null,
      fix: null,
    };
  }
  if (matched) {
    const node = [...seen.serial, ...seen.hid].find((d) => d.matches.includes(c.id))!;
    return { presence: 'present', node: node.path, detail: `${node.path} (${c.vid}:${c.pid})`, cause: null, fix: null };
  }
  if (seen.usb === null) return { presence: 'missing', node: null, detail: 'not found', ...NO_BUS };
  const u = bus[0];
  if (u) {
    const hid = c.kind === 'hid-pos-scanner' || c.kind === 'hid-keyboard-scanner';
    return {
      presence: 'missing',
      node: null,
      detail: `on the USB bus at port ${u.port} (${u.product ?? 'no product name'}), nodes: ${u.nodes.join(', ') || 'none'}`,
      cause: u.nodes.length
        ? `it is plugged in but offers ${u.nodes.join(', ')}, not ${hid ? 'a hidraw node with the right usage page' : 'a serial port'}: it is in another mode`
        : `it is plugged in but no driver made a ${hid ? 'hidraw' : 'tty'} node for it (drivers: ${u.drivers.join(', ') || 'none'})`,
      fix: u.nodes.length
        ? `switch the device to ${hid ? 'USB HID POS' : 'USB-CDC (virtual COM)'} mode with its programming code, or change ${c.id}.kind`
        : hid
          ? 'modprobe usbhid'
          : 'load its USB-serial driver: modprobe cdc_acm (or ch341, cp210x, ftdi_sio, pl2303 for the bridge chip)',
    };
  }
  return { presence: 'missing', node: null, detail: 'not on the USB bus', cause: 'not plugged in (or another vid:pid: check `lsusb`)', fix: 'plug it in; `lsusb` shows its vid:pid' };
}

/** One check per configured device. */
export function checkConfigured(configs: DeviceConfig[], seen: Seen): ConfiguredCheck[] {
  const matched = new Set([...seen.serial, ...seen.hid].flatMap((d) => d.matches));
  return configs.map((c) => {
    const head = { id: c.id, role: c.role, kind: c.kind };
    if (c.kind === 'camera-scanner') {
      return { ...head, where: 'kiosk page', presence: 'in_kiosk_page' as const, node: null, detail: 'the kiosk page opens the camera; whether it did shows in /api/health', cause: null, fix: null };
    }
    if (c.path && !usbLinkOf(c)) return { ...head, where: c.path, ...byPath(c, c.path, seen) };
    return { ...head, where: usbWhere(c), ...byUsb(c, seen, matched.has(c.id)) };
  });
}

/** Pseudo-terminal links the simulators made (`npm run sim` puts them under /tmp/yss-sim). */
export function simulatorLinks(dir = '/tmp/yss-sim'): { path: string; node: string | null }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((p) => {
      try {
        return lstatSync(p).isSymbolicLink();
      } catch {
        return false;
      }
    })
    .map((path) => {
      try {
        return { path, node: realpathSync(path) };
      } catch {
        return { path, node: null };
      }
    });
}
