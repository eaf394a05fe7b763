// An ESC/POS ticket printer on a serial or USB-CDC port, or on a USB printer-class node
// (/dev/usb/lp0, link `usblp`). print() never rejects: it resolves { ok: false, reason } when the
// printer is offline, its cover is open, it is out of paper or the write fails. Printers that
// answer the real-time status command DLE EOT are polled for it (printer, offline cause, paper
// sensor), shown in health; printers that do not answer are assumed ready (many cheap ones only print).
import type pino from 'pino';
import { DEFAULTS, printerLinkOf, type EscPosPrinterConfig } from '../config.ts';
import { NodeLink } from '../node-link.ts';
import { LinkDevice, serialLink } from '../link-device.ts';
import type { LinkState } from '../transport.ts';
import type { PrinterDevice, PrintResult, Ticket } from '../types.ts';
import { cmd, parseStatus, ticketBytes, type PrinterStatus } from './encode.ts';

/** Unanswered status queries in a row before a printer that never answered is assumed not to. */
const WRITE_OFF_MISSES = 3;
/** How often a printer assumed not to answer is asked again, ms. */
const ASK_AGAIN_MS = 60_000;

export class EscPosPrinter extends LinkDevice implements PrinterDevice {
  readonly #c: EscPosPrinterConfig;
  #chain: Promise<unknown> = Promise.resolve();
  #waiter: ((b: number | null) => void) | null = null;
  #poll: NodeJS.Timeout | null = null;
  #status: PrinterStatus | null = null;
  /** The printer has answered a status query since it connected: a missed answer is then late, not absent. */
  #answered = false;
  /** Status queries in a row left unanswered by a printer that has not answered one yet; at WRITE_OFF_MISSES it is taken for one that does not answer. */
  #misses = 0;
  /** When a printer taken for one that does not answer is asked again. */
  #askAgainAt = 0;

  constructor(c: EscPosPrinterConfig, log: pino.Logger, now: () => number = Date.now) {
    const node = printerLinkOf(c) === 'usblp' ? c.path : undefined;
    const link = node ? (log: pino.Logger) => new NodeLink({ path: node, reconnectMaxMs: c.reconnect_max_ms ?? DEFAULTS.reconnect_max_ms, log }) : serialLink(c);
    super({ id: c.id, role: 'printer', kind: c.kind, path: c.path ?? null }, log, now, link);
    this.#c = c;
  }

  /** A status byte answers the request #waiter stands for. */
  protected override onData(chunk: Buffer): void {
    const w = this.#waiter;
    this.#waiter = null;
    w?.(chunk.at(-1) ?? null);
  }

  protected override onLinkState(state: LinkState, detail: string | null, path: string | null): void {
    if (state === 'connected') {
      this.#status = null;
      this.#answered = false;
      this.#misses = 0;
      this.setState('connected', null, path);
      void this.#exclusive(() => this.#checkStatus());
      this.#schedulePoll();
    } else {
      this.#stopPoll();
      this.setState(state, detail, path);
    }
  }

  override get role(): 'printer' {
    return 'printer';
  }

  protected override stopping(): void {
    this.#stopPoll();
  }

  print(ticket: Ticket): Promise<PrintResult> {
    return this.#exclusive(async (): Promise<PrintResult> => {
      if (!this.link.isOpen) return { ok: false, reason: 'offline' };
      if (this.#status?.coverOpen) return { ok: false, reason: 'cover_open' };
      if (this.#status?.offline) return { ok: false, reason: 'offline' };
      if (this.#status?.paperOut) return { ok: false, reason: 'paper_out' };
      const ok = await this.link.write(ticketBytes(ticket, this.#c.columns ?? DEFAULTS.columns));
      this.log.info({ ok }, 'ticket printed');
      return ok ? { ok: true, reason: null } : { ok: false, reason: 'write_failed' };
    });
  }

  /** Runs one exchange with the printer at a time, so a status reply is never taken for another's. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(fn, fn);
    this.#chain = run.catch(() => {});
    return run;
  }

  #ask(n: 1 | 2 | 4, ms: number): Promise<number | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiter = null;
        resolve(null);
      }, ms);
      this.#waiter = (b) => {
        clearTimeout(timer);
        resolve(b);
      };
      void this.link.write(cmd.status(n)).then((ok) => {
        if (!ok && this.#waiter) {
          clearTimeout(timer);
          this.#waiter = null;
          resolve(null);
        }
      });
    });
  }

  async #checkStatus(): Promise<void> {
    const writtenOff = this.#misses >= WRITE_OFF_MISSES;
    if (!this.link.isOpen || (writtenOff && this.now() < this.#askAgainAt)) return;
    const printer = await this.#ask(1, 500);
    if (printer === null) {
      // One that answered before was only slow this time (a loaded machine, a busy printer): ask
      // again at the next poll. Written off for good, its paper-out would never be seen.
      if (this.#answered) return;
      // One that has not answered yet may be warming up, or the machine busy: it is taken for a
      // printer that does not answer only after several misses in a row, and even then asked
      // again now and then, so a late first answer cannot hide its paper-out for the whole run.
      if (++this.#misses < WRITE_OFF_MISSES) return;
      if (!writtenOff) this.log.info({ ask_again_s: ASK_AGAIN_MS / 1000 }, 'printer does not answer status queries; assuming ready');
      this.#askAgainAt = this.now() + ASK_AGAIN_MS;
      return;
    }
    if (writtenOff) this.log.info('printer answers status queries now');
    this.#answered = true;
    this.#misses = 0;
    // The offline cause is asked only when the printer says it is offline.
    const cause = printer & 0x08 ? ((await this.#ask(2, 500)) ?? 0x12) : 0x12;
    const paper = (await this.#ask(4, 500)) ?? 0x12;
    const s = parseStatus(printer, paper, cause);
    this.#status = s;
    if (!this.link.isOpen) return;
    if (s.coverOpen) this.setState('error', 'cover_open');
    else if (s.offline) this.setState('error', s.error ? 'offline (printer error)' : 'offline');
    else if (s.paperOut) this.setState('error', 'paper_out');
    else this.setState('connected', s.paperNearEnd ? 'paper near end' : null);
  }

  #schedulePoll(): void {
    this.#stopPoll();
    const every = this.#c.status_poll_ms ?? DEFAULTS.status_poll_ms;
    if (every <= 0) return;
    this.#poll = setInterval(() => void this.#exclusive(() => this.#checkStatus()), every);
    this.#poll.unref();
  }

  #stopPoll(): void {
    if (this.#poll) clearInterval(this.#poll);
    this.#poll = null;
  }
}
