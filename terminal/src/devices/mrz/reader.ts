// An MRZ reader on a serial port: collects lines until they form a TD3 (2 x 44) or TD1 (3 x 30)
// zone and reports it as one `mrz` reading. Lines that do not complete a zone within
// frame_timeout_ms of silence are dropped, so a half-swiped passport cannot join the next one.
import type pino from 'pino';
import { DEFAULTS, type MrzReaderConfig } from '../config.ts';
import { Debounce } from '../debounce.ts';
import { LineFramer } from '../line-framer.ts';
import { LinkDevice, serialLink } from '../link-device.ts';
import type { LinkState } from '../transport.ts';
import { mrzLines, parseMrz } from './mrz.ts';

export class MrzReader extends LinkDevice {
  readonly #framer: LineFramer;
  readonly #debounce: Debounce;
  readonly #timeoutMs: number;
  #lines: string[] = [];
  #timer: NodeJS.Timeout | null = null;

  constructor(c: MrzReaderConfig, log: pino.Logger, now: () => number = Date.now) {
    super({ id: c.id, role: 'mrz', kind: c.kind, path: c.path ?? null }, log, now, serialLink(c));
    this.#timeoutMs = c.frame_timeout_ms ?? DEFAULTS.mrz_frame_timeout_ms;
    this.#debounce = new Debounce(DEFAULTS.debounce_ms, now);
    this.#framer = new LineFramer({
      framing: 'any',
      maxBytes: 1024,
      timeoutMs: this.#timeoutMs,
      onFrame: (f) => this.#onLine(f.toString('latin1')),
      onDrop: (why, bytes) => this.log.warn({ why, bytes }, 'MRZ input dropped'),
    });
  }

  protected override onData(chunk: Buffer): void {
    this.#framer.push(chunk);
  }

  protected override onLinkState(state: LinkState, detail: string | null, path: string | null): void {
    if (state !== 'connected') this.#clear();
    this.setState(state, detail, path);
  }

  override get role(): 'mrz' {
    return 'mrz';
  }

  protected override stopping(): void {
    this.#clear();
  }

  #clear(): void {
    this.#framer.reset();
    this.#lines = [];
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #onLine(text: string): void {
    // A zone is at most 3 lines; older ones can never complete one.
    this.#lines = [...this.#lines, ...mrzLines(text)].slice(-3);
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (this.#lines.length) this.log.warn({ lines: this.#lines.length }, 'incomplete MRZ dropped');
      this.#lines = [];
    }, this.#timeoutMs);
    this.#timer.unref();
    const l = this.#lines;
    const zone = l.length >= 2 && l.at(-1)!.length === 44 && l.at(-2)!.length === 44 ? l.slice(-2) : l.length >= 3 && l.slice(-3).every((x) => x.length === 30) ? l.slice(-3) : null;
    if (!zone) return;
    const fields = parseMrz(zone, new Date(this.now()));
    if (!fields) return;
    this.#lines = [];
    if (!this.#debounce.accept(zone.join('\n'))) return;
    this.log.info({ format: fields.format, valid: fields.valid }, 'MRZ read');
    this.deliver({ kind: 'mrz', lines: zone, fields: fields as unknown as Record<string, unknown> });
  }
}
