// The schema of each kind of `devices[]` entry, one JSON Schema object per kind: the terminal
// config schema (config/schema.ts) lists them under `$defs` and tells them apart by `kind`; the
// device types (config.ts) are generated from them. Rules between keys are in validate.ts.
// A default that depends on other keys (a reader's baud, a printer's link) is in the description;
// `x-default` is one the adapter applies itself, documented but not filled in at load.
import { BAUD_RATES, DEFAULTS as DEVICE_DEFAULTS, FRAMINGS, TEXT_ENCODINGS, TRIGGERS } from './config.ts';

/** `x-expected` words a pattern for people: "expected 4 hex digits, got "xyz"". */
const text = (pattern: string, expected: string, description: string, example: string) =>
  ({ type: 'string', pattern, 'x-expected': expected, description, examples: [example] }) as const;
const int = (minimum: number, maximum: number, description: string, dflt?: number) =>
  ({ type: 'integer', minimum, maximum, description, ...(dflt === undefined ? { examples: [minimum] } : { 'x-default': dflt }) }) as const;

const HEX = (description: string, example: string) => text('^(?:[0-9a-fA-F]{2})+$', 'an even number of hex digits', description, example);
const USB_ID = (description: string, example: string) => text('^[0-9a-fA-F]{4}$', '4 hex digits', description, example);
const ENCODING = { enum: TEXT_ENCODINGS, description: 'How code bytes become text.', 'x-default': DEVICE_DEFAULTS.encoding } as const;
const DEBOUNCE = int(0, 60_000, 'The same code within this many ms is dropped; 0 disables.', DEVICE_DEFAULTS.debounce_ms);

const ID = text('^[a-z0-9][a-z0-9_-]{0,63}$', 'lower-case letters, digits, - and _', 'Configured id, unique per terminal; a venue\'s `open-gate` action names its relay by it.', 'scanner-1');
const LOCATOR = {
  path: text('^/\\S+$', 'an absolute path', 'Exact device path: a node or a /dev/serial/by-id link. Give either `path` or `vid` + `pid`.', '/dev/serial/by-id/usb-Honeywell_3320g-if00'),
  vid: USB_ID('USB vendor id, found among the USB devices instead of a path.', '0c2e'),
  pid: USB_ID('USB product id, with `vid`.', '0b61'),
  serial_number: { type: 'string', minLength: 1, description: 'USB serial number, with `vid` + `pid`, to tell two identical devices apart.', examples: ['18123B4C21'] },
  reconnect_max_ms: int(200, 600_000, 'Reconnect backoff ceiling, ms; the first retry waits 200 ms.', DEVICE_DEFAULTS.reconnect_max_ms),
} as const;
const SERIAL = {
  ...LOCATOR,
  baud: { enum: BAUD_RATES, description: 'Serial speed (ignored by USB-CDC devices). Default 9600; 115200 for ID-card readers.', examples: [9600] },
} as const;

/** One `devices[]` entry of a kind: its `role` is fixed by the kind. */
function device<K extends string, R extends string, P extends object>(kind: K, role: R, description: string, properties: P, example: object) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'role', 'kind'],
    description,
    examples: [example],
    properties: {
      id: ID,
      role: { const: role, 'x-expected': `"${role}" (the role of kind "${kind}")`, description: `Always \`${role}\` for this kind.` },
      kind: { const: kind, description: 'The adapter.' },
      ...properties,
    },
  } as const;
}

export const DEVICE_SCHEMAS = {
  serialScanner: device(
    'serial-scanner',
    'scanner',
    'A serial or USB-CDC scanner sending one code per line.',
    {
      ...SERIAL,
      framing: { enum: FRAMINGS, description: 'How a code ends: CR, LF, CRLF, any of them, or the `suffix` string.', 'x-default': DEVICE_DEFAULTS.framing },
      suffix: text('^[\\s\\S]{1,8}$', '1 to 8 characters', 'Terminator when framing is `suffix`.', '\u0003'),
      prefix: text('^[\\s\\S]{1,16}$', '1 to 16 characters', 'A configured prefix, removed when present.', '>'),
      aim: { enum: ['auto', 'on', 'off'], description: 'AIM symbology ids (`]Q1`): `auto` strips one when the code starts with one.', 'x-default': DEVICE_DEFAULTS.aim },
      encoding: ENCODING,
      trigger: { enum: TRIGGERS, description: 'Software trigger dialect.', 'x-default': DEVICE_DEFAULTS.trigger },
      accept_hex: HEX('Bytes written after an accepted reading, e.g. a vendor beep command.', '07'),
      reject_hex: HEX('Bytes written after a refusal.', '0707'),
      debounce_ms: DEBOUNCE,
      max_frame_bytes: int(64, 1 << 20, 'A frame longer than this is dropped up to its terminator, bytes.', DEVICE_DEFAULTS.max_frame_bytes),
      frame_timeout_ms: int(20, 60_000, 'An unterminated partial frame is dropped after this many ms of silence.', DEVICE_DEFAULTS.frame_timeout_ms),
    },
    { id: 'scanner-1', role: 'scanner', kind: 'serial-scanner', path: '/dev/ttyACM0', framing: 'cr' },
  ),
  ssiScanner: device(
    'zebra-ssi-scanner',
    'scanner',
    'A Zebra/Symbol scanner in SSI packet mode.',
    {
      ...SERIAL,
      encoding: ENCODING,
      debounce_ms: DEBOUNCE,
      accept_beep: int(0, 0x1a, 'SSI beep code played after an accepted reading.', DEVICE_DEFAULTS.accept_beep),
      reject_beep: int(0, 0x1a, 'SSI beep code played after a refusal.', DEVICE_DEFAULTS.reject_beep),
    },
    { id: 'scanner-1', role: 'scanner', kind: 'zebra-ssi-scanner', vid: '05e0', pid: '1701' },
  ),
  hidPosScanner: device(
    'hid-pos-scanner',
    'scanner',
    'A USB HID POS scanner (usage page 0x8C).',
    {
      ...LOCATOR,
      report_offset: { enum: ['auto', 0, 1, 2], description: 'Bytes before the length byte: 1 (report id), 0 (stripped), 2; `auto` detects it.', 'x-default': 'auto' },
      encoding: ENCODING,
      debounce_ms: DEBOUNCE,
      trigger: { enum: ['none', 'honeywell'], description: '`honeywell`: trigger() sends output report FD 03 16 54 0D.', 'x-default': 'none' },
      accept_hex: HEX('Output report (report id first) sent after an accepted reading.', 'fd0316070d'),
      reject_hex: HEX('Output report sent after a refusal.', 'fd0316080d'),
    },
    { id: 'scanner-1', role: 'scanner', kind: 'hid-pos-scanner', vid: '0c2e', pid: '0b61' },
  ),
  hidKeyboardScanner: device(
    'hid-keyboard-scanner',
    'scanner',
    'A USB HID scanner in keyboard (wedge) mode, read through Linux hidraw.',
    {
      ...LOCATOR,
      layout: { enum: ['us', 'uk', 'de', 'fr'], description: 'The scanner\'s configured keyboard country.', 'x-default': 'us' },
      debounce_ms: DEBOUNCE,
    },
    { id: 'scanner-1', role: 'scanner', kind: 'hid-keyboard-scanner', path: '/dev/hidraw2' },
  ),
  cameraScanner: device(
    'camera-scanner',
    'scanner',
    'A camera read by the kiosk page; readings arrive through POST /api/camera. No locator.',
    {
      debounce_ms: int(0, 60_000, 'The same code within this many ms is dropped; holding it in view extends the window; 0 disables.', DEVICE_DEFAULTS.camera_debounce_ms),
    },
    { id: 'camera-1', role: 'scanner', kind: 'camera-scanner' },
  ),
  idcardReader: device(
    'ga467-reader',
    'idcard',
    'A resident ID-card reader speaking GA 467 over serial, or over USB bulk endpoints.',
    {
      ...SERIAL,
      poll_ms: int(50, 60_000, 'How often to look for a card, ms.', DEVICE_DEFAULTS.poll_ms),
      link: { enum: ['serial', 'usb'], description: '`serial` (a tty, by path or vid + pid) or `usb` (bulk endpoints through libusb, by vid + pid and/or usb_port; no path, no baud).', 'x-default': 'serial' },
      usb_port: text('^\\d{1,3}-\\d{1,3}(?:\\.\\d{1,3}){0,6}$', 'a bus and port chain like "1-1.4"', 'USB link: the bus and port chain, to pin one socket.', '1-1.4'),
      usb_interface: int(0, 255, 'USB link: the interface to claim; default the first with bulk IN and OUT endpoints.'),
      endpoint_in: int(1, 15, 'USB link: bulk IN endpoint number without the direction bit; default the interface\'s first.'),
      endpoint_out: int(1, 15, 'USB link: bulk OUT endpoint number; default the interface\'s first.'),
    },
    { id: 'idcard-1', role: 'idcard', kind: 'ga467-reader', path: '/dev/ttyUSB0', baud: 115200 },
  ),
  mrzReader: device(
    'mrz-reader',
    'mrz',
    'An MRZ reader sending the 2 or 3 lines of a passport or travel permit as text.',
    {
      ...SERIAL,
      frame_timeout_ms: int(20, 60_000, 'A document ends after its last line or this many ms of silence.', DEVICE_DEFAULTS.mrz_frame_timeout_ms),
    },
    { id: 'mrz-1', role: 'mrz', kind: 'mrz-reader', path: '/dev/ttyUSB1' },
  ),
  printer: device(
    'escpos-printer',
    'printer',
    'An ESC/POS ticket printer on a serial or USB-CDC port, or on a USB printer-class node.',
    {
      ...SERIAL,
      columns: int(16, 96, 'Characters per line at normal size: 32 for 58 mm paper, 48 for 80 mm.', DEVICE_DEFAULTS.columns),
      status_poll_ms: int(0, 600_000, 'Ask the printer for paper and offline status every this many ms; 0 disables.', DEVICE_DEFAULTS.status_poll_ms),
      link: { enum: ['serial', 'usblp'], description: '`serial` (a tty) or `usblp` (a printer-class node such as /dev/usb/lp0: no baud rate). Default: `usblp` for /dev/usb/lp* and /dev/usblp* paths, else `serial`.', examples: ['usblp'] },
    },
    { id: 'printer-1', role: 'printer', kind: 'escpos-printer', path: '/dev/usb/lp0', columns: 48 },
  ),
  relay: device(
    'serial-relay',
    'relay',
    'A USB-serial relay board driving a gate.',
    {
      ...SERIAL,
      board: { enum: ['lcus', 'custom'], description: '`lcus`: the common CH340 boards; `custom`: `open_hex` and `close_hex`.', 'x-default': 'lcus' },
      channel: int(1, 8, 'Relay channel, 1-based.', DEVICE_DEFAULTS.channel),
      open_hex: HEX('Custom boards: bytes that energise the relay (the gate opens).', 'a00101a2'),
      close_hex: HEX('Custom boards: bytes that release it.', 'a00100a1'),
      pulse_ms: int(50, 60_000, 'How long a pulse keeps the relay closed, ms (a venue\'s `open-gate` action may say otherwise).', DEVICE_DEFAULTS.pulse_ms),
    },
    { id: 'relay-1', role: 'relay', kind: 'serial-relay', path: '/dev/ttyUSB2' },
  ),
  passSensor: device(
    'serial-pass-sensor',
    'sensor',
    'A gate\'s pass sensor (beam, turnstile rotation contact, door contact) on a USB-serial I/O module sending `A1 ch state sum` frames; a venue\'s `open-gate` action names it as `pass_sensor` so a grant nobody uses lapses.',
    {
      ...SERIAL,
      channel: int(1, 8, 'The module\'s input the sensor is wired to, 1-based; frames of other inputs are ignored.', DEVICE_DEFAULTS.channel),
    },
    { id: 'sensor-1', role: 'sensor', kind: 'serial-pass-sensor', path: '/dev/ttyUSB3' },
  ),
} as const;

