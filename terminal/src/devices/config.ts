// Device configuration: one entry of the terminal config's `devices` array, a union on `kind`.
// Optional fields have defaults in DEFAULTS below; validate.ts checks values and rejects unknown keys.

/** Where to find the device: exactly one of `path` (an exact node or a /dev/serial/by-id link) or `vid` + `pid`. */
export interface Locator {
  /** Exact device path, e.g. `/dev/ttyACM0`, `/dev/serial/by-id/usb-Honeywell_...-if00`, `/dev/hidraw2`. */
  path?: string;
  /** USB vendor id, 4 lower- or upper-case hex digits, e.g. `0c2e`. */
  vid?: string;
  /** USB product id, 4 hex digits. */
  pid?: string;
  /** USB serial number, to tell two identical devices apart. */
  serial_number?: string;
}

export const BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400] as const;
export type BaudRate = (typeof BAUD_RATES)[number];

export const FRAMINGS = ['cr', 'lf', 'crlf', 'any', 'suffix'] as const;
export type Framing = (typeof FRAMINGS)[number];

export const TEXT_ENCODINGS = ['utf8', 'gb18030', 'latin1'] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

export const TRIGGERS = ['none', 'honeywell', 'newland'] as const;
export type Trigger = (typeof TRIGGERS)[number];

interface Common extends Locator {
  /** Configured id, unique per terminal, e.g. `scanner-1`. */
  id: string;
  /** Reconnect backoff ceiling in ms (default 5000); the first retry waits 200 ms. */
  reconnect_max_ms?: number;
}

interface SerialCommon extends Common {
  /** Default 9600 (scanners, MRZ, relays), 115200 (ID-card readers). */
  baud?: BaudRate;
}

/** A serial or USB-CDC scanner sending one code per line. */
export interface SerialScannerConfig extends SerialCommon {
  role: 'scanner';
  kind: 'serial-scanner';
  /** How a code ends (default `any`: CR, LF or CRLF). `suffix` uses the `suffix` string. */
  framing?: Framing;
  /** Terminator when framing is `suffix`, e.g. "\u0003". */
  suffix?: string;
  /** A configured prefix, removed when present. */
  prefix?: string;
  /** AIM symbology ids (`]Q1`): `auto` strips one when the code starts with one (default). */
  aim?: 'auto' | 'on' | 'off';
  /** How code bytes become text (default utf8). */
  encoding?: TextEncoding;
  /** Software trigger dialect used by trigger() (default none). */
  trigger?: Trigger;
  /** Bytes (hex) written by acknowledge(true) / acknowledge(false), e.g. a vendor beep command. */
  accept_hex?: string;
  reject_hex?: string;
  /** The same code within this many ms is dropped (default 1000; 0 disables). */
  debounce_ms?: number;
  /** A frame longer than this is dropped up to its terminator (default 8192 bytes). */
  max_frame_bytes?: number;
  /** An unterminated partial frame is dropped after this many ms of silence (default 1000). */
  frame_timeout_ms?: number;
}

/** A Zebra/Symbol scanner in SSI packet mode. */
export interface SsiScannerConfig extends SerialCommon {
  role: 'scanner';
  kind: 'zebra-ssi-scanner';
  encoding?: TextEncoding;
  debounce_ms?: number;
  /** SSI beep code played on acknowledge(true) (default 0x00, one short high) and acknowledge(false) (default 0x05). */
  accept_beep?: number;
  reject_beep?: number;
}

/** A USB HID POS scanner (usage page 0x8C). */
export interface HidPosScannerConfig extends Common {
  role: 'scanner';
  kind: 'hid-pos-scanner';
  /** Bytes before the length byte: 1 (report id, the usual), 0 (report id stripped), 2 (AIM one byte later); `auto` (default) detects it. */
  report_offset?: 'auto' | 0 | 1 | 2;
  encoding?: TextEncoding;
  debounce_ms?: number;
  /** `honeywell`: trigger() sends output report FD 03 16 54 0D (untrigger 55). Default none. */
  trigger?: 'none' | 'honeywell';
  /** Output report bytes (hex, report id first) for acknowledge(true/false), e.g. Honeywell beep fd0316070d. */
  accept_hex?: string;
  reject_hex?: string;
}

/** A USB HID scanner in keyboard (wedge) mode, read through Linux hidraw. */
export interface HidKeyboardScannerConfig extends Common {
  role: 'scanner';
  kind: 'hid-keyboard-scanner';
  /** The scanner's configured keyboard country (default us). */
  layout?: 'us' | 'uk' | 'de' | 'fr';
  debounce_ms?: number;
}

/** A camera read by the kiosk page (getUserMedia + zxing-wasm); readings arrive through POST /api/camera. No locator. */
export interface CameraScannerConfig {
  id: string;
  role: 'scanner';
  kind: 'camera-scanner';
  /** The same code within this many ms is dropped; holding it in view extends the window (default 2000; 0 disables). */
  debounce_ms?: number;
  reconnect_max_ms?: number;
  path?: undefined;
  vid?: undefined;
  pid?: undefined;
  serial_number?: undefined;
}

/** A resident ID-card reader speaking GA 467 over serial or over USB bulk endpoints. */
export interface IdCardReaderConfig extends SerialCommon {
  role: 'idcard';
  kind: 'ga467-reader';
  /** `serial` (default: a tty, found by path or vid + pid) or `usb` (bulk endpoints through libusb, found by vid + pid and/or usb_port). */
  link?: 'serial' | 'usb';
  /** USB link: the bus and port chain, `1-1.4`, to pin one socket. */
  usb_port?: string;
  /** USB link: the interface to claim (default the first with bulk IN and OUT endpoints). */
  usb_interface?: number;
  /** USB link: endpoint numbers 1-15 without the direction bit (default the interface's first bulk IN / OUT). */
  endpoint_in?: number;
  endpoint_out?: number;
  /** How often to look for a card, ms (default 400). */
  poll_ms?: number;
}

/** An MRZ reader sending the 2 or 3 lines as text. */
export interface MrzReaderConfig extends SerialCommon {
  role: 'mrz';
  kind: 'mrz-reader';
  /** Lines end in CR, LF or both; a document ends after its last line or this many ms of silence (default 300). */
  frame_timeout_ms?: number;
}

/** An ESC/POS ticket printer on a serial or USB-CDC port, or on a USB printer-class node. */
export interface EscPosPrinterConfig extends SerialCommon {
  role: 'printer';
  kind: 'escpos-printer';
  /** `serial` (a tty) or `usblp` (a printer-class node, /dev/usb/lp0: no baud rate); default `usblp` for /dev/usb/lp* and /dev/usblp* paths, else `serial`. */
  link?: 'serial' | 'usblp';
  /** Characters per line at normal size (default 32 for 58 mm paper; 48 for 80 mm). */
  columns?: number;
  /** Ask the printer for paper/offline status (DLE EOT) every this many ms; 0 disables (default 5000). */
  status_poll_ms?: number;
}

/** A USB-serial relay board driving a gate. */
export interface RelayConfig extends SerialCommon {
  role: 'relay';
  kind: 'serial-relay';
  /** `lcus`: the common CH340 boards (A0 ch state sum); `custom`: open_hex / close_hex. */
  board?: 'lcus' | 'custom';
  /** Relay channel, 1-based (default 1). */
  channel?: number;
  /** Custom boards: bytes that energise the relay (gate opens) and that release it. */
  open_hex?: string;
  close_hex?: string;
  /** How long pulse() keeps the relay closed, ms (default 1000). */
  pulse_ms?: number;
}

export type DeviceConfig =
  | SerialScannerConfig
  | SsiScannerConfig
  | HidPosScannerConfig
  | HidKeyboardScannerConfig
  | CameraScannerConfig
  | IdCardReaderConfig
  | MrzReaderConfig
  | EscPosPrinterConfig
  | RelayConfig;

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
