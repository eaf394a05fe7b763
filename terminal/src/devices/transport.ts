// The seam under the byte-stream adapters: a link that opens the device, keeps it open
// (reconnecting with backoff after an unplug or an error) and carries bytes both ways. The GA 467
// reader and the ESC/POS printer run the same logic over a serial port (SerialLink), USB bulk
// endpoints (UsbLink) or a printer-class node (NodeLink).
import type { EventEmitter } from 'node:events';

export type LinkState = 'connecting' | 'connected' | 'disconnected' | 'error';

export interface LinkEvents {
  data: [chunk: Buffer];
  /** `path` is what was actually opened, or the configured locator text while nothing is. */
  state: [state: LinkState, detail: string | null, path: string | null];
  open: [];
}

export interface Transport extends EventEmitter<LinkEvents> {
  readonly isOpen: boolean;
  /** Opens, and reopens after every loss, until close(). Never throws. */
  start(): void;
  /** Resolves true once the device has the bytes; false when closed or the write failed. */
  write(bytes: Uint8Array): Promise<boolean>;
  close(): Promise<void>;
}
