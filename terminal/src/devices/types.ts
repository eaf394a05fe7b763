// What every device adapter produces. Adapters never throw across this boundary: failures are
// state changes (`status` events), per style.md.
import type { EventEmitter } from 'node:events';
import type { DeviceHealth } from '../api/messages.ts';

export type Reading =
  | { kind: 'code'; text: string; symbology: string | null; aim: string | null }
  | { kind: 'idcard'; card: Record<string, unknown> }
  | { kind: 'mrz'; lines: string[]; fields: Record<string, unknown> };

export interface DeviceEvents {
  reading: [reading: Reading, device: DeviceHealth];
  status: [device: DeviceHealth];
}

export interface Device extends EventEmitter<DeviceEvents> {
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
  /** `offline`, `cover_open`, `paper_out`, `write_failed` when not ok. */
  reason: 'offline' | 'cover_open' | 'paper_out' | 'write_failed' | null;
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
