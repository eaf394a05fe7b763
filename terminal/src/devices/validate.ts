// The rules between the keys of one `devices[]` entry that a schema says badly (how it is found,
// framing, links), each naming the key, the value and what was expected. The shape and values of
// each kind are its schema's (schema.ts); config/index.ts checks both (checkDevice).
import { USBLP_PATH } from './config.ts';

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : v === undefined ? 'nothing' : JSON.stringify(v) ?? String(v));

/** The rules between one entry's keys: how it is found (path, vid + pid, USB port), framing, links. */
export function deviceRuleProblems(v: Record<string, unknown>, where: string): string[] {
  const problems: string[] = [];
  const kind = v.kind;
  const hasPath = 'path' in v;
  const hasUsb = 'vid' in v || 'pid' in v;
  const usbLink = v.link === 'usb';
  if (usbLink) {
    if (hasPath) problems.push(`${where}.path: a USB link is found by vid + pid or usb_port, not by a path`);
    if ('baud' in v) problems.push(`${where}.baud: a USB link has no baud rate`);
    if (!hasUsb && !('usb_port' in v)) problems.push(`${where}: missing vid + pid, or usb_port, to find the USB reader`);
  } else {
    for (const key of ['usb_port', 'usb_interface', 'endpoint_in', 'endpoint_out']) {
      if (key in v) problems.push(`${where}.${key}: only used with link "usb"`);
    }
  }
  if (kind === 'camera-scanner') {
    // no locator: the kiosk page owns the camera
  } else if (!usbLink && hasPath && hasUsb) problems.push(`${where}: give either path or vid + pid, not both`);
  else if (!usbLink && !hasPath && !hasUsb) problems.push(`${where}: missing path, or vid + pid, to find the device`);
  else if (hasUsb && !('vid' in v && 'pid' in v)) problems.push(`${where}.${'vid' in v ? 'pid' : 'vid'}: required with ${'vid' in v ? 'vid' : 'pid'}`);
  if ('serial_number' in v && !hasUsb) problems.push(`${where}.serial_number: only used with vid + pid`);
  if (kind === 'serial-scanner') {
    if (v.framing === 'suffix' && !('suffix' in v)) problems.push(`${where}.suffix: required when framing is "suffix"`);
    if ('suffix' in v && v.framing !== 'suffix') problems.push(`${where}.suffix: only used when framing is "suffix", got framing ${show(v.framing)}`);
  }
  if (kind === 'escpos-printer' && 'baud' in v && (v.link ?? (typeof v.path === 'string' && USBLP_PATH.test(v.path) ? 'usblp' : 'serial')) === 'usblp') {
    problems.push(`${where}.baud: a printer-class node (link "usblp") has no baud rate`);
  }
  if (kind === 'escpos-printer' && v.link === 'usblp' && hasUsb) problems.push(`${where}: a printer-class node is found by its path, not by vid + pid`);
  if (kind === 'serial-relay' && v.board === 'custom') {
    for (const key of ['open_hex', 'close_hex']) if (!(key in v)) problems.push(`${where}.${key}: required when board is "custom"`);
  }
  return problems;
}
