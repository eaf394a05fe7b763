// A camera as a scanner. The kiosk renderer owns the camera: it decodes frames with zxing-wasm and
// posts only the decoded text to the loopback API (POST /api/camera, the kiosk's own origin only);
// frames never leave the renderer and are never stored. This adapter turns those posts into the
// same `reading` events a serial scanner makes, so the pipeline cannot tell them apart. It is
// `connected` while the renderer reports its camera open, and says why when it is not.
import type pino from 'pino';
import { BaseDevice } from '../base-device.ts';
import { DEFAULTS, type CameraScannerConfig } from '../config.ts';
import { Debounce } from '../debounce.ts';
import type { ScannerDevice } from '../types.ts';

/** The longest text a QR code holds (7089 digits); anything longer is not from a decoder. */
export const MAX_CAMERA_TEXT = 7089;

/** What the renderer reports about its camera. */
export type CameraReport =
  | { kind: 'reading'; text: string; format: string | null }
  | { kind: 'status'; camera: 'open' | 'denied' | 'unavailable' | 'closed'; detail: string | null };

const FORMAT_SYMBOLOGY: Record<string, string> = { QRCode: 'qr', MicroQRCode: 'qr', DataMatrix: 'datamatrix', Aztec: 'aztec', PDF417: 'pdf417' };

export class CameraScanner extends BaseDevice implements ScannerDevice {
  readonly #debounce: Debounce;
  #running = false;

  constructor(c: CameraScannerConfig, log: pino.Logger, now: () => number = Date.now) {
    super({ id: c.id, role: 'scanner', kind: c.kind, path: null }, log, now);
    this.#debounce = new Debounce(c.debounce_ms ?? DEFAULTS.camera_debounce_ms, now);
  }

  override get role(): 'scanner' {
    return 'scanner';
  }

  start(): void {
    this.#running = true;
    this.setState('disconnected', 'waiting for the kiosk page to open its camera');
  }

  async close(): Promise<void> {
    this.#running = false;
    this.setState('disconnected', 'closed');
  }

  /** One report from the renderer; false when it was dropped (closed, repeated, not text). */
  report(r: CameraReport): boolean {
    if (!this.#running) return false;
    if (r.kind === 'status') {
      const why: Record<typeof r.camera, string> = {
        open: '',
        denied: 'the kiosk page was refused the camera: allow it in the browser or kiosk shell',
        unavailable: 'the kiosk page found no camera',
        closed: 'the kiosk page closed its camera',
      };
      this.setState(r.camera === 'open' ? 'connected' : r.camera === 'denied' ? 'error' : 'disconnected', r.camera === 'open' ? null : `${why[r.camera]}${r.detail ? ` (${r.detail})` : ''}`);
      return true;
    }
    if (!this.#debounce.accept(r.text)) return false;
    // A reading proves the camera is open even if its status report was lost.
    if (this.health.state !== 'connected') this.setState('connected', null);
    this.deliver({ kind: 'code', text: r.text, symbology: (r.format && FORMAT_SYMBOLOGY[r.format]) ?? null, aim: null });
    return true;
  }

  async acknowledge(): Promise<boolean> {
    return false; // the verdict on screen is the feedback
  }

  async trigger(): Promise<boolean> {
    return false;
  }
}
