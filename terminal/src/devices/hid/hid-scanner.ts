// USB HID scanners: POS mode (usage page 0x8C reports reassembled across the more-data flag) and
// keyboard-wedge mode (boot reports typed out through a layout table, ended by Enter). The
// device is found by path or VID/PID (POS: the 0x8C interface), reopened after an unplug
// (node-hid has no detach event: an unplug is a read error) with backoff, and partial scans
// are dropped after a second of silence.
import type pino from 'pino';
import { splitAim, symbologyOfAim, symbologyOfHoneywellId } from '../aim.ts';
import { BaseDevice } from '../base-device.ts';
import { DEFAULTS, type HidKeyboardScannerConfig, type HidPosScannerConfig } from '../config.ts';
import { Debounce } from '../debounce.ts';
import { onDeviceArrival } from '../hotplug.ts';
import { decodeText, hexBytes } from '../text-decode.ts';
import type { Reading, ScannerDevice } from '../types.ts';
import { explainOpenError, MissingBackendError, nodeHidBackend, type HidBackend, type HidHandle, type HidInfo } from './backend.ts';
import { KeyboardDecoder } from './keyboard-report.ts';
import { PosAssembler } from './pos-report.ts';

const POS_USAGE_PAGE = 0x8c;
const PARTIAL_TIMEOUT_MS = 1000;

type Config = HidPosScannerConfig | HidKeyboardScannerConfig;

export function matchesHid(c: Config, d: HidInfo): boolean {
  if (c.path) return d.path === c.path;
  if (d.vendorId !== parseInt(c.vid ?? '', 16) || d.productId !== parseInt(c.pid ?? '', 16)) return false;
  if (c.serial_number && d.serialNumber !== c.serial_number) return false;
  // A POS scanner also exposes keyboard and vendor interfaces; only 0x8C carries scans. hidapi
  // leaves usagePage undefined on some stacks, in which case any interface will do.
  if (c.kind === 'hid-pos-scanner' && d.usagePage !== undefined && d.usagePage !== 0) return d.usagePage === POS_USAGE_PAGE;
  if (c.kind === 'hid-keyboard-scanner' && d.usagePage !== undefined && d.usagePage !== 0) return d.usagePage === 0x01 && (d.usage ?? 6) === 6;
  return true;
}

export class HidScanner extends BaseDevice implements ScannerDevice {
  readonly #c: Config;
  readonly #backend: () => Promise<HidBackend>;
  readonly #debounce: Debounce;
  readonly #pos: PosAssembler | null;
  readonly #kbd: KeyboardDecoder | null;
  #handle: HidHandle | null = null;
  #timer: NodeJS.Timeout | null = null;
  #partial: NodeJS.Timeout | null = null;
  #delay: number = DEFAULTS.reconnect_min_ms;
  #running = false;
  #fresh = true;
  #stopHints: (() => void) | null = null;

  constructor(c: Config, log: pino.Logger, backend: () => Promise<HidBackend> = nodeHidBackend, now: () => number = Date.now) {
    super({ id: c.id, role: 'scanner', kind: c.kind, path: c.path ?? null }, log, now);
    this.#c = c;
    this.#backend = backend;
    this.#debounce = new Debounce(c.debounce_ms ?? DEFAULTS.debounce_ms, now);
    this.#pos = c.kind === 'hid-pos-scanner' ? new PosAssembler(c.report_offset ?? 'auto', DEFAULTS.max_frame_bytes) : null;
    this.#kbd = c.kind === 'hid-keyboard-scanner' ? new KeyboardDecoder(c.layout ?? 'us', DEFAULTS.max_frame_bytes) : null;
  }

  override get role(): 'scanner' {
    return 'scanner';
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#fresh = true;
    this.#delay = DEFAULTS.reconnect_min_ms;
    this.#stopHints = onDeviceArrival(this.#onArrival);
    void this.#connect();
  }

  readonly #onArrival = (): void => {
    if (!this.#running || !this.#timer) return;
    this.#delay = DEFAULTS.reconnect_min_ms;
    this.#retry(100);
  };

  async close(): Promise<void> {
    this.#stopHints?.();
    this.#stopHints = null;
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#dropHandle();
    this.setState('disconnected', 'closed');
  }

  /** Sends the configured output report (HID POS only); false when none is configured or the write fails. */
  acknowledge(accepted: boolean): Promise<boolean> {
    if (this.#c.kind !== 'hid-pos-scanner') return Promise.resolve(false);
    return this.#write(hexBytes(accepted ? this.#c.accept_hex : this.#c.reject_hex));
  }

  /** Honeywell HID POS: output report FD 03 16 54 0D starts a read, ... 55 0D stops it. */
  trigger(on: boolean): Promise<boolean> {
    if (this.#c.kind !== 'hid-pos-scanner' || (this.#c.trigger ?? 'none') === 'none') return Promise.resolve(false);
    return this.#write(Buffer.from([0xfd, 0x03, 0x16, on ? 0x54 : 0x55, 0x0d]));
  }

  async #write(bytes: Buffer | null): Promise<boolean> {
    const h = this.#handle;
    if (!bytes || !h) return false;
    try {
      return (await h.write(bytes)) > 0;
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'HID output report failed');
      return false;
    }
  }

  /** Feeds one input report as if read from the device (the fixture tests use it too). */
  handleReport(report: Buffer): void {
    this.#armPartial();
    if (this.#pos) {
      const scan = this.#pos.push(report);
      if (!scan) return;
      const enc = this.#c.kind === 'hid-pos-scanner' ? (this.#c.encoding ?? DEFAULTS.encoding) : 'utf8';
      const text = decodeText(scan.data, enc);
      const symbology = scan.aim ? symbologyOfAim(scan.aim) : scan.vendorId ? symbologyOfHoneywellId(scan.vendorId) : null;
      this.#emit({ kind: 'code', text, aim: scan.aim, symbology });
      return;
    }
    const text = this.#kbd!.push(report);
    const unknown = this.#kbd!.takeUnknown();
    if (unknown) this.log.warn({ keys: unknown, layout: (this.#c as HidKeyboardScannerConfig).layout ?? 'us' }, 'keys with no character in the layout; check the scanner keyboard country');
    if (text === null) return;
    const split = splitAim(text);
    this.#emit({ kind: 'code', text: split.text, aim: split.aim, symbology: split.symbology });
  }

  #emit(r: Reading & { kind: 'code' }): void {
    if (this.#partial) clearTimeout(this.#partial);
    this.#partial = null;
    if (!r.text || !this.#debounce.accept(r.text)) return;
    this.deliver(r);
  }

  #armPartial(): void {
    if (this.#partial) clearTimeout(this.#partial);
    this.#partial = setTimeout(() => {
      this.#partial = null;
      if (this.#pos?.pending || this.#kbd?.pending) this.log.warn('partial HID scan timed out');
      this.#pos?.reset();
      this.#kbd?.reset();
    }, PARTIAL_TIMEOUT_MS);
    this.#partial.unref();
  }

  async #connect(): Promise<void> {
    if (!this.#running) return;
    // Retries while the device is away keep its `disconnected`/`error` state (no flapping).
    if (this.#fresh || this.health.state === 'connected') this.setState('connecting', null);
    this.#fresh = false;
    let backend: HidBackend;
    try {
      backend = await this.#backend();
    } catch (e) {
      const missing = e instanceof MissingBackendError;
      this.setState(missing ? 'missing_backend' : 'error', (e as Error).message);
      return this.#retry(missing ? DEFAULTS.reconnect_max_ms : undefined);
    }
    let info: HidInfo | undefined;
    try {
      info = (await backend.list()).find((d) => matchesHid(this.#c, d));
    } catch (e) {
      this.setState('error', `HID enumeration failed: ${(e as Error).message}`);
      return this.#retry();
    }
    if (!this.#running) return;
    if (!info) {
      this.setState('disconnected', `no HID device ${this.#c.path ?? `${this.#c.vid}:${this.#c.pid}`}`, this.#c.path ?? null);
      return this.#retry();
    }
    let handle: HidHandle;
    try {
      handle = await backend.open(info.path);
    } catch (e) {
      this.setState('error', explainOpenError(info.path, e as Error), info.path);
      return this.#retry();
    }
    if (!this.#running) {
      handle.close();
      return;
    }
    this.#handle = handle;
    this.#delay = DEFAULTS.reconnect_min_ms;
    handle.on('data', (r: Buffer) => {
      try {
        this.handleReport(Buffer.from(r));
      } catch (e) {
        this.log.error({ err: (e as Error).message }, 'HID report handler threw');
      }
    });
    handle.on('error', (e: Error) => {
      if (this.#handle !== handle) return;
      this.log.warn({ err: e.message }, 'HID read failed; reopening');
      this.#dropHandle();
      this.setState('disconnected', 'unplugged or read error');
      this.#retry();
    });
    this.setState('connected', null, info.path);
  }

  #dropHandle(): void {
    const h = this.#handle;
    this.#handle = null;
    this.#pos?.reset();
    this.#kbd?.reset();
    if (!h) return;
    h.removeAllListeners();
    h.on('error', () => {});
    try {
      h.close();
    } catch {
      // already gone with the device
    }
  }

  #retry(ms?: number): void {
    if (!this.#running) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#connect();
    }, ms ?? this.#delay);
    this.#delay = Math.min(this.#delay * 2, this.#c.reconnect_max_ms ?? DEFAULTS.reconnect_max_ms);
  }
}
