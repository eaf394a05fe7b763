// A serial / USB-CDC scanner that sends each code as a line: frames, strips the configured prefix
// and AIM id, debounces repeats, and reports `code` readings. Code text never reaches the log.
import type pino from 'pino';
import { splitAim } from './aim.ts';
import { BaseDevice } from './base-device.ts';
import { DEFAULTS, type SerialScannerConfig } from './config.ts';
import { Debounce } from './debounce.ts';
import { LineFramer } from './line-framer.ts';
import { honeywellTrigger, newlandTrigger } from './scanner-commands.ts';
import { SerialLink } from './serial-link.ts';
import { decodeText, hexBytes } from './text-decode.ts';
import type { ScannerDevice } from './types.ts';

export class SerialScanner extends BaseDevice implements ScannerDevice {
  readonly #c: SerialScannerConfig;
  readonly #link: SerialLink;
  readonly #framer: LineFramer;
  readonly #debounce: Debounce;
  #overflowLogged = false;

  constructor(c: SerialScannerConfig, log: pino.Logger, now: () => number = Date.now) {
    super({ id: c.id, role: 'scanner', kind: c.kind, path: c.path ?? null }, log, now);
    this.#c = c;
    this.#debounce = new Debounce(c.debounce_ms ?? DEFAULTS.debounce_ms, now);
    this.#framer = new LineFramer({
      framing: c.framing ?? DEFAULTS.framing,
      suffix: c.suffix === undefined ? undefined : Buffer.from(c.suffix, 'latin1'),
      maxBytes: c.max_frame_bytes ?? DEFAULTS.max_frame_bytes,
      timeoutMs: c.frame_timeout_ms ?? DEFAULTS.frame_timeout_ms,
      onFrame: (f) => this.#onFrame(f),
      onDrop: (why, bytes) => {
        // One line per overrun, not per chunk: a spewing scanner must not flood the disk.
        if (why === 'overflow' && this.#overflowLogged) return;
        if (why === 'overflow') this.#overflowLogged = true;
        this.log.warn({ why, bytes }, why === 'overflow' ? 'scanner frame too long, dropping until terminator' : 'partial frame timed out');
      },
    });
    this.#link = new SerialLink({
      locator: c,
      baudRate: c.baud ?? DEFAULTS.baud,
      reconnectMaxMs: c.reconnect_max_ms ?? DEFAULTS.reconnect_max_ms,
      log: this.log,
    });
    this.#link.on('data', (chunk) => this.#framer.push(chunk));
    this.#link.on('state', (state, detail, path) => {
      if (state !== 'connected') this.#framer.reset();
      this.setState(state, detail, path);
    });
  }

  override get role(): 'scanner' {
    return 'scanner';
  }

  start(): void {
    this.#link.start();
  }

  async close(): Promise<void> {
    this.#framer.reset();
    await this.#link.close();
    this.setState('disconnected', 'closed');
  }

  async acknowledge(accepted: boolean): Promise<boolean> {
    const bytes = hexBytes(accepted ? this.#c.accept_hex : this.#c.reject_hex);
    return bytes ? this.#link.write(bytes) : false;
  }

  async trigger(on: boolean): Promise<boolean> {
    const t = this.#c.trigger ?? DEFAULTS.trigger;
    if (t === 'none') return false;
    return this.#link.write(t === 'honeywell' ? honeywellTrigger(on) : newlandTrigger(on));
  }

  #onFrame(frame: Buffer): void {
    this.#overflowLogged = false;
    let text = decodeText(frame, this.#c.encoding ?? DEFAULTS.encoding);
    if (this.#c.prefix && text.startsWith(this.#c.prefix)) text = text.slice(this.#c.prefix.length);
    const aimMode = this.#c.aim ?? DEFAULTS.aim;
    const split = aimMode === 'off' ? { aim: null, symbology: null, text } : splitAim(text);
    if (aimMode === 'on' && !split.aim) this.log.debug('code without the configured AIM id');
    if (split.text.length === 0) return;
    if (!this.#debounce.accept(split.text)) return;
    this.deliver({ kind: 'code', text: split.text, symbology: split.symbology, aim: split.aim });
  }
}
