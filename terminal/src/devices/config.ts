// Device configuration: one entry of the terminal config's `devices` array, a union on `kind`.
// The schema of each kind is in config/schema.ts, and these types are generated from it; optional
// fields have defaults in DEFAULTS below; validate.ts checks the rules between keys.
import type { DeviceEntries as Entry } from '../config/index.ts';

/** Where to find the device: exactly one of `path` (an exact node or a /dev/serial/by-id link) or `vid` + `pid`. */
export type Locator = Pick<Entry.SerialScanner, 'path' | 'vid' | 'pid' | 'serial_number'>;

export const BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400] as const;
export type BaudRate = (typeof BAUD_RATES)[number];

export const FRAMINGS = ['cr', 'lf', 'crlf', 'any', 'suffix'] as const;
export type Framing = (typeof FRAMINGS)[number];

export const TEXT_ENCODINGS = ['utf8', 'gb18030', 'latin1'] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

export const TRIGGERS = ['none', 'honeywell', 'newland'] as const;
export type Trigger = (typeof TRIGGERS)[number];

// Each kind's entry is the type generated from its schema (config/types.ts): written once.
export type SerialScannerConfig = Entry.SerialScanner;
export type SsiScannerConfig = Entry.SsiScanner;
export type HidPosScannerConfig = Entry.HidPosScanner;
export type HidKeyboardScannerConfig = Entry.HidKeyboardScanner;
/** No locator (the kiosk page owns the camera); the `undefined`s let code read `path` on any entry. */
export type CameraScannerConfig = Entry.CameraScanner & { readonly path?: undefined; readonly vid?: undefined; readonly pid?: undefined; readonly serial_number?: undefined };
export type IdCardReaderConfig = Entry.IdcardReader;
export type MrzReaderConfig = Entry.MrzReader;
export type EscPosPrinterConfig = Entry.Printer;
export type RelayConfig = Entry.Relay;
export type PassSensorConfig = Entry.PassSensor;

export type DeviceConfig =
  | SerialScannerConfig
  | SsiScannerConfig
  | HidPosScannerConfig
  | HidKeyboardScannerConfig
  | CameraScannerConfig
  | IdCardReaderConfig
  | MrzReaderConfig
  | EscPosPrinterConfig
  | RelayConfig
  | PassSensorConfig;

export type DeviceKind = DeviceConfig['kind'];

/** A printer-class node path: /dev/usb/lp0 (Linux usblp), /dev/usblp0 (older udev). */
export const USBLP_PATH = /^\/dev\/(?:usb\/lp|usblp)\d+$/;

/** How a printer is linked: as configured, else by its path. */
export function printerLinkOf(c: EscPosPrinterConfig): 'serial' | 'usblp' {
  return c.link ?? (c.path && USBLP_PATH.test(c.path) ? 'usblp' : 'serial');
}

/** True for a device on USB bulk endpoints (found by vid + pid / usb_port, no node). */
export function usbLinkOf(c: DeviceConfig): boolean {
  return c.kind === 'ga467-reader' && c.link === 'usb';
}

export const KIND_ROLE: Record<DeviceKind, DeviceConfig['role']> = {
  'serial-scanner': 'scanner',
  'zebra-ssi-scanner': 'scanner',
  'hid-pos-scanner': 'scanner',
  'hid-keyboard-scanner': 'scanner',
  'camera-scanner': 'scanner',
  'ga467-reader': 'idcard',
  'mrz-reader': 'mrz',
  'escpos-printer': 'printer',
  'serial-relay': 'relay',
  'serial-pass-sensor': 'sensor',
};

export const DEFAULTS = {
  reconnect_min_ms: 200,
  reconnect_max_ms: 5000,
  baud: 9600,
  idcard_baud: 115200,
  framing: 'any',
  aim: 'auto',
  encoding: 'utf8',
  trigger: 'none',
  debounce_ms: 1000,
  camera_debounce_ms: 2000,
  max_frame_bytes: 8192, // a QR code holds at most 7089 digits / 2953 bytes
  frame_timeout_ms: 1000,
  mrz_frame_timeout_ms: 300,
  poll_ms: 400,
  columns: 32,
  status_poll_ms: 5000,
  pulse_ms: 1000,
  channel: 1,
  accept_beep: 0x00,
  reject_beep: 0x05,
} as const;
