// Generated from schema.ts by `npx tsx scripts/gen-config-docs.ts`; do not edit.
// config-schema.test.ts fails when this file and the schema differ.

/** One device, by its `kind`. */
export type Device = SerialScanner | SsiScanner | HidPosScanner | HidKeyboardScanner | CameraScanner | IdcardReader | MrzReader | Printer | Relay;

/** A serial or USB-CDC scanner sending one code per line. */
export type SerialScanner = {
  /** Configured id, unique per terminal; a venue's `open-gate` action names its relay by it. */
  readonly id: string;
  /** Always `scanner` for this kind. */
  readonly role: 'scanner';
  /** The adapter. */
  readonly kind: 'serial-scanner';
  /** Exact device path: a node or a /dev/serial/by-id link. Give either `path` or `vid` + `pid`. */
  readonly path?: string;
  /** USB vendor id, found among the USB devices instead of a path. */
  readonly vid?: string;
  /** USB product id, with `vid`. */
  readonly pid?: string;
  /** USB serial number, with `vid` + `pid`, to tell two identical devices apart. */
  readonly serial_number?: string;
  /** Reconnect backoff ceiling, ms; the first retry waits 200 ms. Default: `5000`. */
  readonly reconnect_max_ms?: number;
  /** Serial speed (ignored by USB-CDC devices). Default 9600; 115200 for ID-card readers. */
  readonly baud?: 1200 | 2400 | 4800 | 9600 | 19200 | 38400 | 57600 | 115200 | 230400;
  /** How a code ends: CR, LF, CRLF, any of them, or the `suffix` string. Default: `"any"`. */
  readonly framing?: 'cr' | 'lf' | 'crlf' | 'any' | 'suffix';
  /** Terminator when framing is `suffix`. */
  readonly suffix?: string;
  /** A configured prefix, removed when present. */
  readonly prefix?: string;
  /** AIM symbology ids (`]Q1`): `auto` strips one when the code starts with one. Default: `"auto"`. */
  readonly aim?: 'auto' | 'on' | 'off';
  /** How code bytes become text. Default: `"utf8"`. */
  readonly encoding?: 'utf8' | 'gb18030' | 'latin1';
  /** Software trigger dialect. Default: `"none"`. */
  readonly trigger?: 'none' | 'honeywell' | 'newland';
  /** Bytes written after an accepted reading, e.g. a vendor beep command. */
  readonly accept_hex?: string;
  /** Bytes written after a refusal. */
  readonly reject_hex?: string;
  /** The same code within this many ms is dropped; 0 disables. Default: `1000`. */
  readonly debounce_ms?: number;
  /** A frame longer than this is dropped up to its terminator, bytes. Default: `8192`. */
  readonly max_frame_bytes?: number;
  /** An unterminated partial frame is dropped after this many ms of silence. Default: `1000`. */
  readonly frame_timeout_ms?: number;
};

/** A Zebra/Symbol scanner in SSI packet mode. */
export type SsiScanner = {
  /** Configured id, unique per terminal; a venue's `open-gate` action names its relay by it. */
  readonly id: string;
  /** Always `scanner` for this kind. */
  readonly role: 'scanner';
  /** The adapter. */
  readonly kind: 'zebra-ssi-scanner';
  /** Exact device path: a node or a /dev/serial/by-id link. Give either `path` or `vid` + `pid`. */
  readonly path?: string;
  /** USB vendor id, found among the USB devices instead of a path. */
  readonly vid?: string;
  /** USB product id, with `vid`. */
  readonly pid?: string;
  /** USB serial number, with `vid` + `pid`, to tell two identical devices apart. */
  readonly serial_number?: string;
  /** Reconnect backoff ceiling, ms; the first retry waits 200 ms. Default: `5000`. */
  readonly reconnect_max_ms?: number;
  /** Serial speed (ignored by USB-CDC devices). Default 9600; 115200 for ID-card readers. */
  readonly baud?: 1200 | 2400 | 4800 | 9600 | 19200 | 38400 | 57600 | 115200 | 230400;
  /** How code bytes become text. Default: `"utf8"`. */
  readonly encoding?: 'utf8' | 'gb18030' | 'latin1';
  /** The same code within this many ms is dropped; 0 disables. Default: `1000`. */
  readonly debounce_ms?: number;
  /** SSI beep code played after an accepted reading. Default: `0`. */
  readonly accept_beep?: number;
  /** SSI beep code played after a refusal. Default: `5`. */
  readonly reject_beep?: number;
};

/** A USB HID POS scanner (usage page 0x8C). */
export type HidPosScanner = {
  /** Configured id, unique per terminal; a venue's `open-gate` action names its relay by it. */
  readonly id: string;
  /** Always `scanner` for this kind. */
  readonly role: 'scanner';
  /** The adapter. */
  readonly kind: 'hid-pos-scanner';
  /** Exact device path: a node or a /dev/serial/by-id link. Give either `path` or `vid` + `pid`. */
  readonly path?: string;
  /** USB vendor id, found among the USB devices instead of a path. */
  readonly vid?: string;
  /** USB product id, with `vid`. */
  readonly pid?: string;
  /** USB serial number, with `vid` + `pid`, to tell two identical devices apart. */
  readonly serial_number?: string;
  /** Reconnect backoff ceiling, ms; the first retry waits 200 ms. Default: `5000`. */
  readonly reconnect_max_ms?: number;
  /** Bytes before the length byte: 1 (report id), 0 (stripped), 2; `auto` detects it. Default: `"auto"`. */
  readonly report_offset?: 'auto' | 0 | 1 | 2;
  /** How code bytes become text. Default: `"utf8"`. */
  readonly encoding?: 'utf8' | 'gb18030' | 'latin1';
  /** The same code within this many ms is dropped; 0 disables. Default: `1000`. */
  readonly debounce_ms?: number;
  /** `honeywell`: trigger() sends output report FD 03 16 54 0D. Default: `"none"`. */
  readonly trigger?: 'none' | 'honeywell';
  /** Output report (report id first) sent after an accepted reading. */
  readonly accept_hex?: string;
  /** Output report sent after a refusal. */
  readonly reject_hex?: string;
};

/** A USB HID scanner in keyboard (wedge) mode, read through Linux hidraw. */
export type HidKeyboardScanner = {
  /** Configured id, unique per terminal; a venue's `open-gate` action names its relay by it. */
  readonly id: string;
  /** Always `scanner` for this kind. */
  readonly role: 'scanner';
  /** The adapter. */
  readonly kind: 'hid-keyboard-scanner';
  /** Exact device path: a node or a /dev/serial/by-id link. Give either `path` or `vid` + `pid`. */
  readonly path?: string;
  /** USB vendor id, found among the USB devices instead of a path. */
  readonly vid?: string;
  /** USB product id, with `vid`. */
  readonly pid?: string;
  /** USB serial number, with `vid` + `pid`, to tell two identical devices apart. */
  readonly serial_number?: string;
  /** Reconnect backoff ceiling, ms; the first retry waits 200 ms. Default: `5000`. */
  readonly reconnect_max_ms?: number;
  /** The scanner's configured keyboard country. Default: `"us"`. */
  readonly layout?: 'us' | 'uk' | 'de' | 'fr';
  /** The same code within this many ms is dropped; 0 disables. Default: `1000`. */
  readonly debounce_ms?: number;
};

/** A camera read by the kiosk page; readings arrive through POST /api/camera. No locator. */
export type CameraScanner = {
  /** Configured id, unique per terminal; a venue's `open-gate` action names its relay by it. */
  readonly id: string;
  /** Always `scanner` for this kind. */
  readonly role: 'scanner';
  /** The adapter. */
  readonly kind: 'camera-scanner';
  /** The same code within this many ms is dropped; holding it in view extends the window; 0 disables. Default: `2000`. */
  readonly debounce_ms?: number;
};

/** A resident ID-card reader speaking GA 467 over serial, or over USB bulk endpoints. */
export type IdcardReader = {
  /** Configured id, unique per terminal; a venue's `open-gate` action names its relay by it. */
  readonly id: string;
  /** Always `idcard` for this kind. */
  readonly role: 'idcard';
  /** The adapter. */
  readonly kind: 'ga467-reader';
  /** Exact device path: a node or a /dev/serial/by-id link. Give either `path` or `vid` + `pid`. */
  readonly path?: string;
  /** USB vendor id, found among the USB devices instead of a path. */
  readonly vid?: string;
  /** USB product id, with `vid`. */
  readonly pid?: string;
  /** USB serial number, with `vid` + `pid`, to tell two identical devices apart. */
  readonly serial_number?: string;
  /** Reconnect backoff ceiling, ms; the first retry waits 200 ms. Default: `5000`. */
  readonly reconnect_max_ms?: number;
  /** Serial speed (ignored by USB-CDC devices). Default 9600; 115200 for ID-card readers. */
  readonly baud?: 1200 | 2400 | 4800 | 9600 | 19200 | 38400 | 57600 | 115200 | 230400;
  /** How often to look for a card, ms. Default: `400`. */
  readonly poll_ms?: number;
  /** `serial` (a tty, by path or vid + pid) or `usb` (bulk endpoints through libusb, by vid + pid and/or usb_port; no path, no baud). Default: `"serial"`. */
  readonly link?: 'serial' | 'usb';
  /** USB link: the bus and port chain, to pin one socket. */
  readonly usb_port?: string;
  /** USB link: the interface to claim; default the first with bulk IN and OUT endpoints. */
  readonly usb_interface?: number;
  /** USB link: bulk IN endpoint number without the direction bit; default the interface's first. */
  readonly endpoint_in?: number;
  /** USB link: bulk OUT endpoint number; default the interface's first. */
  readonly endpoint_out?: number;
};

/** An MRZ reader sending the 2 or 3 lines of a passport or travel permit as text. */
export type MrzReader = {
  /** Configured id, unique per terminal; a venue's `open-gate` action names its relay by it. */
  readonly id: string;
  /** Always `mrz` for this kind. */
  readonly role: 'mrz';
  /** The adapter. */
  readonly kind: 'mrz-reader';
  /** Exact device path: a node or a /dev/serial/by-id link. Give either `path` or `vid` + `pid`. */
  readonly path?: string;
  /** USB vendor id, found among the USB devices instead of a path. */
  readonly vid?: string;
  /** USB product id, with `vid`. */
  readonly pid?: string;
  /** USB serial number, with `vid` + `pid`, to tell two identical devices apart. */
  readonly serial_number?: string;
  /** Reconnect backoff ceiling, ms; the first retry waits 200 ms. Default: `5000`. */
  readonly reconnect_max_ms?: number;
  /** Serial speed (ignored by USB-CDC devices). Default 9600; 115200 for ID-card readers. */
  readonly baud?: 1200 | 2400 | 4800 | 9600 | 19200 | 38400 | 57600 | 115200 | 230400;
  /** A document ends after its last line or this many ms of silence. Default: `300`. */
  readonly frame_timeout_ms?: number;
};

/** An ESC/POS ticket printer on a serial or USB-CDC port, or on a USB printer-class node. */
export type Printer = {
  /** Configured id, unique per terminal; a venue's `open-gate` action names its relay by it. */
  readonly id: string;
  /** Always `printer` for this kind. */
  readonly role: 'printer';
  /** The adapter. */
  readonly kind: 'escpos-printer';
  /** Exact device path: a node or a /dev/serial/by-id link. Give either `path` or `vid` + `pid`. */
  readonly path?: string;
  /** USB vendor id, found among the USB devices instead of a path. */
  readonly vid?: string;
  /** USB product id, with `vid`. */
  readonly pid?: string;
  /** USB serial number, with `vid` + `pid`, to tell two identical devices apart. */
  readonly serial_number?: string;
  /** Reconnect backoff ceiling, ms; the first retry waits 200 ms. Default: `5000`. */
  readonly reconnect_max_ms?: number;
  /** Serial speed (ignored by USB-CDC devices). Default 9600; 115200 for ID-card readers. */
  readonly baud?: 1200 | 2400 | 4800 | 9600 | 19200 | 38400 | 57600 | 115200 | 230400;
  /** Characters per line at normal size: 32 for 58 mm paper, 48 for 80 mm. Default: `32`. */
  readonly columns?: number;
  /** Ask the printer for paper and offline status every this many ms; 0 disables. Default: `5000`. */
  readonly status_poll_ms?: number;
  /** `serial` (a tty) or `usblp` (a printer-class node such as /dev/usb/lp0: no baud rate). Default: `usblp` for /dev/usb/lp* and /dev/usblp* paths, else `serial`. */
  readonly link?: 'serial' | 'usblp';
};

/** A USB-serial relay board driving a gate. */
export type Relay = {
  /** Configured id, unique per terminal; a venue's `open-gate` action names its relay by it. */
  readonly id: string;
  /** Always `relay` for this kind. */
  readonly role: 'relay';
  /** The adapter. */
  readonly kind: 'serial-relay';
  /** Exact device path: a node or a /dev/serial/by-id link. Give either `path` or `vid` + `pid`. */
  readonly path?: string;
  /** USB vendor id, found among the USB devices instead of a path. */
  readonly vid?: string;
  /** USB product id, with `vid`. */
  readonly pid?: string;
  /** USB serial number, with `vid` + `pid`, to tell two identical devices apart. */
  readonly serial_number?: string;
  /** Reconnect backoff ceiling, ms; the first retry waits 200 ms. Default: `5000`. */
  readonly reconnect_max_ms?: number;
  /** Serial speed (ignored by USB-CDC devices). Default 9600; 115200 for ID-card readers. */
  readonly baud?: 1200 | 2400 | 4800 | 9600 | 19200 | 38400 | 57600 | 115200 | 230400;
  /** `lcus`: the common CH340 boards; `custom`: `open_hex` and `close_hex`. Default: `"lcus"`. */
  readonly board?: 'lcus' | 'custom';
  /** Relay channel, 1-based. Default: `1`. */
  readonly channel?: number;
  /** Custom boards: bytes that energise the relay (the gate opens). */
  readonly open_hex?: string;
  /** Custom boards: bytes that release it. */
  readonly close_hex?: string;
  /** How long a pulse keeps the relay closed, ms (a venue's `open-gate` action may say otherwise). Default: `1000`. */
  readonly pulse_ms?: number;
};

/** The terminal configuration file (`terminal.json`): where its data lives, its loopback API, trust roots, sync service, queue bounds, venue and devices. */
export type TerminalConfigFile = {
  /** Optional link to this schema, for editors. */
  readonly $schema?: string;
  /** Free text for the installer; ignored. */
  readonly $comment?: string;
  /** Folder for terminal.db, keys and logs; a relative path is resolved from the config file's folder. */
  readonly data_dir: string;
  /** The terminal's name: sent when enrolling, printed on tickets. Default: `"terminal"`. */
  readonly name: string;
  /** Least severe log line written. Default: `"info"`. */
  readonly log_level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Clock difference tolerated when checking a code's validity times, seconds. Default: `120`. */
  readonly skew_s: number;
  /** The loopback API the kiosk page talks to. Default: `{}`. */
  readonly api: {
    /** Address to listen on; loopback only. Default: `"127.0.0.1"`. */
    readonly host: '127.0.0.1' | '::1' | 'localhost';
    /** TCP port; 0 lets the system choose (the daemon prints it). Default: `0`. */
    readonly port: number;
    /** The staff PIN, 4 to 12 digits; empty: the kiosk has no staff sign-in. Default: `""`. */
    readonly staff_pin: string;
  };
  /** Which trust lists the terminal believes (shared/spec/trust-list.md). */
  readonly trust: {
    /** Pinned trust-list roots, `<kid>:<x>` (base64url); two may be pinned during a rotation. */
    readonly roots: readonly string[];
    /** A trust list to install at start when newer than the installed one (USB-stick delivery); relative to the config file. Default: `null`. */
    readonly file: string | null;
  };
  /** The sync service events are uploaded to; null or absent: the terminal keeps its queue and never uploads. Default: `null`. */
  readonly sync: {
    /** Base URL of the sync service. */
    readonly url: string;
    /** One-time code from the service's admin, used once to enroll; remove it afterwards. Default: `null`. */
    readonly enrollment_code: string | null;
    /** The service's X25519 key that personal data is sealed to. */
    readonly seal_key: string;
    /** Most events per upload. Default: `2000`. */
    readonly batch_max_events: number;
    /** Largest upload, bytes; halved after a timeout (down to 16 KiB) and grown back on success. Default: `1048576`. */
    readonly batch_max_bytes: number;
    /** Idle poll of the queue, ms. Default: `1000`. */
    readonly interval_ms: number;
    /** Per request, ms. Default: `10000`. */
    readonly timeout_ms: number;
    /** Longest wait between retries while the service is unreachable, ms. Default: `300000`. */
    readonly backoff_max_ms: number;
    /** How often to fetch a newer trust list, seconds. Default: `300`. */
    readonly trust_poll_s: number;
    /** How often to tell the service the terminal is alive, seconds. Default: `60`. */
    readonly heartbeat_s: number;
    /** How often a venue with stays reads its guests' police report states from the service, seconds (also soon after each upload; backing off while the service does not answer). Default: `15`. */
    readonly police_poll_s: number;
  } | null;
  /** The durable event queue in terminal.db. Default: `{}`. */
  readonly queue: {
    /** Disk quota, bytes; past it, droppable events lose their content (a tombstone stays), oldest first. Default: `536870912`. */
    readonly max_bytes: number;
    /** Acknowledged events are pruned after this long, seconds. Default: `604800`. */
    readonly retention_s: number;
    /** Event types the quota may drop; never a verdict or a registration. Default: `["device","telemetry"]`. */
    readonly droppable_types: readonly ('device' | 'telemetry')[];
  };
  /** The venue: a venue file (relative to this config, e.g. one of fixtures/venues/) or a venue object, checked against the venue schema below. */
  readonly venue: string | { readonly [key: string]: unknown };
  /** The scanners, readers, printers and relays, each by its `kind`. Ids are unique. Default: `[]`. */
  readonly devices: readonly Device[];
};
