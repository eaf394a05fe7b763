// A device node opened as a plain file, for USB printer-class printers (/dev/usb/lp0, the kernel's
// usblp driver): no termios, so no baud rate to set; serialport on such a node fails with
// "Inappropriate ioctl for device setting custom baud rate". The node is opened non-blocking and
// read by polling, so that a printer that never answers cannot pin a libuv thread on a read;
// writes retry on EAGAIN until a deadline. After the node vanishes (unplug), a read or write
// error, it waits (200 ms doubling to a ceiling) and opens it again, like SerialLink.
import { EventEmitter } from 'node:events';
import { constants, existsSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type pino from 'pino';
import { DEFAULTS } from './config.ts';
import { onDeviceArrival } from './hotplug.ts';
import type { LinkEvents, LinkState, Transport } from './transport.ts';

export interface NodeLinkOptions {
  path: string;
  reconnectMaxMs: number;
  log: pino.Logger;
  /** How often the node is read for bytes the printer sent (status replies), ms (default 20). */
  readPollMs?: number;
  /** How long a write may wait on a full printer buffer, ms (default 10000: a long ticket on a slow printer). */
  writeTimeoutMs?: number;
}

const PRESENCE_CHECK_MS = 1000;
const READ_CHUNK = 256;

const errno = (e: unknown): string => (e as NodeJS.ErrnoException)?.code ?? '';

export class NodeLink extends EventEmitter<LinkEvents> implements Transport {
  #fh: FileHandle | null = null;
  #timer: NodeJS.Timeout | null = null;
  #reader: NodeJS.Timeout | null = null;
  #presence: NodeJS.Timeout | null = null;
  #stopHints: (() => void) | null = null;
  #delay: number = DEFAULTS.reconnect_min_ms;
  #stopped = true;
  #attempt = 0;
  #reading = false;
  #last: LinkState | null = null;
  #writes: Promise<unknown> = Promise.resolve();
  readonly #o: NodeLinkOptions;

  constructor(options: NodeLinkOptions) {
    super();
    this.#o = options;
  }

  get isOpen(): boolean {
    return this.#fh !== null;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#last = null;
    this.#delay = DEFAULTS.reconnect_min_ms;
    this.#stopHints = onDeviceArrival(() => {
      if (this.#stopped || !this.#timer) return;
      clearTimeout(this.#timer);
      this.#delay = DEFAULTS.reconnect_min_ms;
      this.#timer = setTimeout(() => {
        this.#timer = null;
        void this.#connect();
      }, 100);
    });
    void this.#connect();
  }

  write(bytes: Uint8Array): Promise<boolean> {
    const run = async (): Promise<boolean> => {
      const fh = this.#fh;
      if (!fh) return false;
      // A timeout, so monotonic: setting the wall clock must neither cut a write short nor stretch it.
      const deadline = performance.now() + (this.#o.writeTimeoutMs ?? 10_000);
      let at = 0;
      while (at < bytes.length) {
        if (this.#fh !== fh) return false;
        try {
          const { bytesWritten } = await fh.write(bytes, at, bytes.length - at);
          at += bytesWritten;
        } catch (e) {
          // A full buffer (the printer is busy) is EAGAIN on a non-blocking node: wait and go on.
          if (errno(e) === 'EAGAIN' && performance.now() < deadline) {
            await new Promise((r) => setTimeout(r, 10));
            continue;
          }
          if (errno(e) !== 'EAGAIN') this.#drop(fh, ...lossOf(e as Error));
          else this.#o.log.warn({ path: this.#o.path, sent: at, of: bytes.length }, 'printer did not take the bytes in time');
          return false;
        }
      }
      return true;
    };
    const p = this.#writes.then(run, run);
    this.#writes = p;
    return p;
  }

  async close(): Promise<void> {
    this.#stopHints?.();
    this.#stopHints = null;
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#stopWatching();
    const fh = this.#fh;
    this.#fh = null;
    await fh?.close().catch(() => {});
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    const attempt = ++this.#attempt;
    const path = this.#o.path;
    if (this.#last === null || this.#last === 'connected') this.#emitState('connecting', null, path);
    if (!existsSync(path)) return this.#retry('disconnected', `no device at ${path}`, path);
    let fh: FileHandle;
    try {
      fh = await open(path, constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOCTTY);
    } catch (e) {
      if (this.#stopped || attempt !== this.#attempt) return;
      return this.#retry('disconnected', explainNodeOpenError(path, e as Error), path);
    }
    if (this.#stopped || attempt !== this.#attempt) {
      await fh.close().catch(() => {});
      return;
    }
    this.#fh = fh;
    this.#delay = DEFAULTS.reconnect_min_ms;
    this.#watch(fh, path);
    this.#o.log.info({ path }, 'device node open');
    this.#emitState('connected', null, path);
    this.emit('open');
  }

  #watch(fh: FileHandle, path: string): void {
    this.#stopWatching();
    const buf = Buffer.alloc(READ_CHUNK);
    this.#reader = setInterval(() => {
      if (this.#reading || this.#fh !== fh) return;
      this.#reading = true;
      fh.read(buf, 0, buf.length, null).then(
        ({ bytesRead }) => {
          this.#reading = false;
          if (this.#fh !== fh || bytesRead === 0) return;
          try {
            this.emit('data', Buffer.from(buf.subarray(0, bytesRead)));
          } catch (e) {
            this.#o.log.error({ err: (e as Error).message }, 'node data handler threw');
          }
        },
        (e: Error) => {
          this.#reading = false;
          // Nothing to read is EAGAIN; a printer that is not bidirectional may refuse reads (EINVAL).
          if (['EAGAIN', 'EWOULDBLOCK', 'EINVAL'].includes(errno(e))) return;
          if (this.#fh === fh) this.#drop(fh, ...lossOf(e));
        },
      );
    }, this.#o.readPollMs ?? 20);
    this.#reader.unref();
    this.#presence = setInterval(() => {
      if (this.#fh === fh && !existsSync(path)) this.#drop(fh, 'disconnected', 'unplugged (device node gone)');
    }, PRESENCE_CHECK_MS);
    this.#presence.unref();
  }

  #stopWatching(): void {
    if (this.#reader) clearInterval(this.#reader);
    if (this.#presence) clearInterval(this.#presence);
    this.#reader = null;
    this.#presence = null;
  }

  #drop(fh: FileHandle, state: LinkState, detail: string): void {
    if (this.#fh !== fh) return;
    this.#stopWatching();
    this.#fh = null;
    void fh.close().catch(() => {});
    if (this.#stopped) return;
    this.#o.log.warn({ path: this.#o.path, detail }, 'device node lost');
    this.#retry(state, detail, this.#o.path);
  }

  #emitState(state: LinkState, detail: string | null, path: string | null): void {
    this.#last = state;
    this.emit('state', state, detail, path);
  }

  #retry(state: LinkState, detail: string, path: string | null): void {
    if (this.#stopped) return;
    this.#emitState(state, detail, path);
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#connect();
    }, this.#delay);
    this.#delay = Math.min(this.#delay * 2, this.#o.reconnectMaxMs);
  }
}

function lossOf(e: Error): [LinkState, string] {
  // usblp answers a vanished printer with ENODEV; a pty whose other end closed, with EIO.
  if (['ENODEV', 'EIO', 'ENXIO', 'EBADF'].includes(errno(e))) return ['disconnected', 'unplugged'];
  return ['error', e.message];
}

export function explainNodeOpenError(path: string, e: Error): string {
  if (errno(e) === 'EACCES') return `cannot open ${path}: no permission; add the daemon's user to the lp group (usermod -aG lp $USER)`;
  if (errno(e) === 'EBUSY') return `cannot open ${path}: in use by another process (CUPS? stop it from claiming the printer)`;
  return `cannot open ${path}: ${e.message}`;
}
