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
