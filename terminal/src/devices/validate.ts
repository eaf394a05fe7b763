// Checks one `devices[]` entry and lists every problem, each naming the key, the value and what
// was expected, so a bad config stops the daemon with a readable list rather than a stack trace.
import { BAUD_RATES, FRAMINGS, KIND_ROLE, printerLinkOf, TEXT_ENCODINGS, TRIGGERS, type DeviceKind, type EscPosPrinterConfig } from './config.ts';

type Field =
  | { type: 'string'; pattern?: RegExp; hint?: string }
  | { type: 'int'; min: number; max: number }
  | { type: 'enum'; values: readonly (string | number)[] };

const HEX = { type: 'string', pattern: /^(?:[0-9a-fA-F]{2})+$/, hint: 'an even number of hex digits' } as const;
const USB_ID = { type: 'string', pattern: /^[0-9a-fA-F]{4}$/, hint: '4 hex digits' } as const;
const MS = (max: number): Field => ({ type: 'int', min: 0, max });

const COMMON: Record<string, Field> = {
  id: { type: 'string', pattern: /^[a-z0-9][a-z0-9_-]{0,63}$/, hint: 'lower-case letters, digits, - and _' },
  role: { type: 'enum', values: ['scanner', 'idcard', 'mrz', 'printer', 'relay'] },
  kind: { type: 'enum', values: Object.keys(KIND_ROLE) },
  path: { type: 'string', pattern: /^\/\S+$/, hint: 'an absolute path' },
  vid: USB_ID,
  pid: USB_ID,
  serial_number: { type: 'string' },
  reconnect_max_ms: { type: 'int', min: 200, max: 600_000 },
};
const SERIAL: Record<string, Field> = { ...COMMON, baud: { type: 'enum', values: BAUD_RATES } };
const ENCODING: Field = { type: 'enum', values: TEXT_ENCODINGS };
const DEBOUNCE = MS(60_000);

const FIELDS: Record<DeviceKind, Record<string, Field>> = {
  'serial-scanner': {
    ...SERIAL,
    framing: { type: 'enum', values: FRAMINGS },
    suffix: { type: 'string', pattern: /^[\s\S]{1,8}$/, hint: '1 to 8 characters' },
    prefix: { type: 'string', pattern: /^[\s\S]{1,16}$/, hint: '1 to 16 characters' },
    aim: { type: 'enum', values: ['auto', 'on', 'off'] },
    encoding: ENCODING,
    trigger: { type: 'enum', values: TRIGGERS },
    accept_hex: HEX,
    reject_hex: HEX,
    debounce_ms: DEBOUNCE,
    max_frame_bytes: { type: 'int', min: 64, max: 1 << 20 },
    frame_timeout_ms: { type: 'int', min: 20, max: 60_000 },
  },
  'zebra-ssi-scanner': {
    ...SERIAL,
    encoding: ENCODING,
    debounce_ms: DEBOUNCE,
    accept_beep: { type: 'int', min: 0, max: 0x1a },
    reject_beep: { type: 'int', min: 0, max: 0x1a },
  },
  'hid-pos-scanner': {
    ...COMMON,
    report_offset: { type: 'enum', values: ['auto', 0, 1, 2] },
    encoding: ENCODING,
    debounce_ms: DEBOUNCE,
    trigger: { type: 'enum', values: ['none', 'honeywell'] },
    accept_hex: HEX,
    reject_hex: HEX,
  },
  'camera-scanner': { id: COMMON.id, role: COMMON.role, kind: COMMON.kind, debounce_ms: DEBOUNCE },
  'hid-keyboard-scanner': { ...COMMON, layout: { type: 'enum', values: ['us', 'uk', 'de', 'fr'] }, debounce_ms: DEBOUNCE },
  'ga467-reader': {
    ...SERIAL,
    poll_ms: { type: 'int', min: 50, max: 60_000 },
    link: { type: 'enum', values: ['serial', 'usb'] },
    usb_port: { type: 'string', pattern: /^\d{1,3}-\d{1,3}(?:\.\d{1,3}){0,6}$/, hint: 'a bus and port chain like "1-1.4"' },
    usb_interface: { type: 'int', min: 0, max: 255 },
    endpoint_in: { type: 'int', min: 1, max: 15 },
    endpoint_out: { type: 'int', min: 1, max: 15 },
  },
  'mrz-reader': { ...SERIAL, frame_timeout_ms: { type: 'int', min: 20, max: 60_000 } },
  'escpos-printer': { ...SERIAL, columns: { type: 'int', min: 16, max: 96 }, status_poll_ms: MS(600_000), link: { type: 'enum', values: ['serial', 'usblp'] } },
  'serial-relay': {
    ...SERIAL,
    board: { type: 'enum', values: ['lcus', 'custom'] },
    channel: { type: 'int', min: 1, max: 8 },
    open_hex: HEX,
    close_hex: HEX,
    pulse_ms: { type: 'int', min: 50, max: 60_000 },
  },
};

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : v === undefined ? 'nothing' : JSON.stringify(v) ?? String(v));

function checkField(key: string, f: Field, v: unknown): string | null {
  switch (f.type) {
    case 'string':
      if (typeof v !== 'string') return `expected a string, got ${show(v)}`;
      if (f.pattern && !f.pattern.test(v)) return `expected ${f.hint ?? `to match ${f.pattern}`}, got ${show(v)}`;
      return null;
    case 'int':
      if (typeof v !== 'number' || !Number.isInteger(v)) return `expected an integer, got ${show(v)}`;
      if (v < f.min || v > f.max) return `expected ${f.min} to ${f.max}, got ${v}`;
      return null;
    case 'enum':
      if (!f.values.includes(v as string | number)) return `expected one of ${f.values.map(show).join(', ')}, got ${show(v)}`;
      return null;
  }
  return `unknown field type for ${key}`;
}

/** Every problem with one device entry, as `where.key: message`; [] when it is valid. */
export function validateDeviceConfig(value: unknown, where: string): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${where}: expected an object, got ${show(value)}`];
  const v = value as Record<string, unknown>;
  const problems: string[] = [];
  const kind = v.kind as DeviceKind;
  const fields = Object.hasOwn(FIELDS, String(kind)) ? FIELDS[kind] : null;
  if (!fields) {
    problems.push(`${where}.kind: expected one of ${Object.keys(KIND_ROLE).map(show).join(', ')}, got ${show(v.kind)}`);
  }
  const known = fields ?? COMMON;
  for (const key of ['id', 'role', 'kind']) if (!(key in v)) problems.push(`${where}.${key}: required`);
  for (const [key, val] of Object.entries(v)) {
    const f = known[key];
    if (!f) {
      if (fields) problems.push(`${where}.${key}: unknown key for kind ${show(kind)}`);
      continue;
    }
    if (key === 'kind' && !fields) continue;
    const p = checkField(key, f, val);
    if (p) problems.push(`${where}.${key}: ${p}`);
  }
  if (fields && typeof v.role === 'string' && v.role !== KIND_ROLE[kind] && 'role' in v) {
    problems.push(`${where}.role: kind ${show(kind)} has role ${show(KIND_ROLE[kind])}, got ${show(v.role)}`);
  }
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
  if (kind === 'escpos-printer' && 'baud' in v && printerLinkOf(v as unknown as EscPosPrinterConfig) === 'usblp') {
    problems.push(`${where}.baud: a printer-class node (link "usblp") has no baud rate`);
  }
  if (kind === 'escpos-printer' && v.link === 'usblp' && hasUsb) problems.push(`${where}: a printer-class node is found by its path, not by vid + pid`);
  if (kind === 'serial-relay' && v.board === 'custom') {
    for (const key of ['open_hex', 'close_hex']) if (!(key in v)) problems.push(`${where}.${key}: required when board is "custom"`);
  }
  return problems;
}
