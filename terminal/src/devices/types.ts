// What every device adapter produces. Adapters never throw across this boundary: failures are
// state changes (`status` events), per style.md.
import type { EventEmitter } from 'node:events';
import type { DEVICE_STATES, PrintFailure } from './errors.ts';

export type DeviceRole = 'scanner' | 'idcard' | 'mrz' | 'printer' | 'relay' | 'sensor';

/** Where a device is in its life (UnifiedPOS: open → claim → enable; errors and unplug). */
export type DeviceState = keyof typeof DEVICE_STATES;

/** One device as health and the kiosk see it (docs/api.md). */
export interface DeviceHealth {
  /** Configured id of the device, e.g. `scanner-1`. */
  id: string;
  role: DeviceRole;
  /** Adapter kind, e.g. `serial-scanner`, `hid-pos`. */
  kind: string;
  state: DeviceState;
  /** Path currently open (or configured), if any. */
  path: string | null;
  /** Human-readable detail for staff (last error, missing package, ...). */
  detail: string | null;
  /** Unix milliseconds of the last reading, or null. */
  last_reading_at: number | null;
}

export type Reading =
  | { kind: 'code'; text: string; symbology: string | null; aim: string | null }
  | { kind: 'idcard'; card: Record<string, unknown> }
  | { kind: 'mrz'; lines: string[]; fields: Record<string, unknown> };

export interface DeviceEvents {
  reading: [reading: Reading, device: DeviceHealth];
  status: [device: DeviceHealth];
  /** A pass sensor saw someone go through, at unix ms. */
  passage: [at: number, device: DeviceHealth];
}

export interface Device extends EventEmitter<DeviceEvents> {
  readonly role: DeviceRole;
  readonly health: DeviceHealth;
  /** Opens and keeps the device open (reconnecting with backoff) until close(). */
  start(): void;
  close(): Promise<void>;
}

/** Scanners the daemon can give feedback to and, where the model allows it, trigger. */
export interface ScannerDevice extends Device {
  readonly role: 'scanner';
  /** Beep / LED after the verdict, where configured; false when nothing was sent. Never throws. */
  acknowledge(accepted: boolean): Promise<boolean>;
  /** Starts (true) or stops (false) a software-triggered read; false when unsupported or offline. */
  trigger(on: boolean): Promise<boolean>;
}

/** ID-card and MRZ readers: they only deliver readings. */
export interface ReaderDevice extends Device {
  readonly role: 'idcard' | 'mrz';
}

/** A queue ticket, as the scenario produces it. */
export interface Ticket {
  /** Venue or hall name, printed centred at the top. */
  title?: string;
  /** The big number, e.g. `A023`. */
  number: string;
  /** Lines under the number (service name, waiting count, time...); Chinese is fine. */
  lines?: string[];
  /** Content of a QR code printed at the bottom (e.g. a feedback URL). */
  qr?: string;
}

export interface PrintResult {
  ok: boolean;
  /** A code of PRINT_FAILURES (`offline`, `cover_open`, `paper_out`, `write_failed`) when not ok. */
  reason: PrintFailure | null;
}

/** Ticket printers: the scenario calls print(); paper-out and offline show in health. */
export interface PrinterDevice extends Device {
  readonly role: 'printer';
  print(ticket: Ticket): Promise<PrintResult>;
}

/** Gate relays: pulse() closes the contact for `ms` (default: the configured pulse_ms), then opens it. */
export interface RelayDevice extends Device {
  readonly role: 'relay';
  pulse(ms?: number): Promise<boolean>;
  set(closed: boolean): Promise<boolean>;
}

/** Pass sensors on gates: a `passage` event each time someone goes through (docs/hardware.md#pass-sensors). */
export interface PassSensorDevice extends Device {
  readonly role: 'sensor';
}

/** Every adapter, told apart by `role`: a switch on it needs no cast. */
export type AnyDevice = ScannerDevice | ReaderDevice | PrinterDevice | RelayDevice | PassSensorDevice;

/** The adapter type for each role. */
export type DeviceOfRole<R extends DeviceRole> = Extract<AnyDevice, { readonly role: R }>;
