// A serial / USB-CDC scanner that sends each code as a line: frames, strips the configured prefix
// and AIM id, debounces repeats, and reports `code` readings. Code text never reaches the log.
import type pino from 'pino';
import { splitAim } from './aim.ts';
import { DEFAULTS, type SerialScannerConfig } from './config.ts';
import { Debounce } from './debounce.ts';
import { LineFramer } from './line-framer.ts';
import { LinkDevice, serialLink } from './link-device.ts';
import { honeywellTrigger, newlandTrigger } from './scanner-commands.ts';
import { decodeText, hexBytes } from './text-decode.ts';
import type { LinkState } from './transport.ts';
import type { ScannerDevice } from './types.ts';

export class SerialScanner extends LinkDevice implements ScannerDevice {
  readonly #c: SerialScannerConfig;
  readonly #framer: LineFramer;
  readonly #debounce: Debounce;
  #overflowLogged = false;

  constructor(c: SerialScannerConfig, log: pino.Logger, now: () => number = Date.now) {
    super({ id: c.id, role: 'scanner', kind: c.kind, path: c.path ?? null }, log, now, serialLink(c));
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
  }

  protected override onData(chunk: Buffer): void {
    this.#framer.push(chunk);
  }

  protected override onLinkState(state: LinkState, detail: string | null, path: string | null): void {
    if (state !== 'connected') this.#framer.reset();
    this.setState(state, detail, path);
  }

  override get role(): 'scanner' {
    return 'scanner';
  }

  protected override stopping(): void {
    this.#framer.reset();
  }

  async acknowledge(accepted: boolean): Promise<boolean> {
    const bytes = hexBytes(accepted ? this.#c.accept_hex : this.#c.reject_hex);
    return bytes ? this.link.write(bytes) : false;
  }

  async trigger(on: boolean): Promise<boolean> {
    const t = this.#c.trigger ?? DEFAULTS.trigger;
    if (t === 'none') return false;
    return this.link.write(t === 'honeywell' ? honeywellTrigger(on) : newlandTrigger(on));
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
