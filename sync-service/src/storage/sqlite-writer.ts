// The service's side of the SQLite writer thread. Uploads, and the nonces and heartbeats between
// them, are handed to a thread of their own (sqlite-writer-thread.ts) with its own connection:
// parsing, checking and answering requests on the service's thread then overlap with inserting
// and committing on the other core, where the two used to take turns (docs/scale.md, "The fifth
// pass").
import { Worker } from 'node:worker_threads';
import { ServiceError, type ErrorCode } from '../errors.ts';
import type { IngestRequest } from './sqlite-ingest.ts';
import type { IngestResult } from './types.ts';

export interface WriterData {
  file: string;
  busyTimeoutMs: number;
}

export type ToWriter =
  | { op: 'ingest'; id: number; upload: IngestRequest }
  | { op: 'nonce'; id: number; terminalId: string; nonce: string; expiresAt: number }
  | { op: 'heartbeat'; id: number; terminalId: string; json: string; now: number }
  | { op: 'close' };
export type FromWriter = { op: 'stored'; id: number; result: unknown } | { op: 'failed'; id: number; error: WireError };

/** An error as it crosses to the service's thread: a catalog error by its code and blanks. */
type WireError = { code: ErrorCode; args: (string | number)[] } | { message: string; name: string; code?: string };

export function toWire(e: unknown): WireError {
  if (e instanceof ServiceError) return { code: e.code, args: e.args };
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: unknown }).code;
  return { message: err.message, name: err.name, ...(typeof code === 'string' ? { code } : {}) };
}

function fromWire(w: WireError): Error {
  if ('args' in w) return new ServiceError(w.code, ...w.args);
  // SQLite's own errors keep their name and code (the service tells a corrupt database by it).
  return Object.assign(new Error(w.message), { name: w.name, ...(w.code ? { code: w.code } : {}) });
}

/**
 * Where the thread's program is. The test suite runs the service from an esbuild bundle
 * (scripts/lib/entry.ts), which defines YSS_WRITER_BUNDLE as the writer's bundle beside it;
 * anywhere else the program is TypeScript, started through tsx's loader.
 */
declare const YSS_WRITER_BUNDLE: string | undefined;

function startWorker(data: WriterData, program: string | null): Worker {
  if (program) return new Worker(program, { workerData: data });
  if (typeof YSS_WRITER_BUNDLE === 'string') return new Worker(YSS_WRITER_BUNDLE, { workerData: data });
  const boot = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(new URL('./sqlite-writer-thread.ts', import.meta.url).href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData: data });
}

export class WriterThread {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(r: unknown): void; reject(e: unknown): void }>();
  /** Why nothing more can be stored: the thread failed or ended. */
  private failure: Error | null = null;
  private closing = false;
  /** Settles when the thread has ended, for whatever reason. */
  private readonly ended: Promise<void>;

  /** `program`: the thread's program as a bundle (an in-process test gives the suite's); else as above. */
  constructor(file: string, busyTimeoutMs: number, program: string | null = null) {
    this.worker = startWorker({ file, busyTimeoutMs }, program);
    // The thread keeps the process alive only while a write waits for it.
    this.worker.unref();
    this.worker.on('message', (m: FromWriter) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0 && !this.closing) this.worker.unref();
      if (m.op === 'stored') p.resolve(m.result);
      else p.reject(fromWire(m.error));
    });
    this.worker.on('error', (e) => this.fail(e));
    this.ended = new Promise((resolve) =>
      this.worker.on('exit', (code) => {
        if (!this.closing) this.fail(new Error(`it exited with code ${code}`));
        resolve();
      }),
    );
  }

  ingest(upload: IngestRequest): Promise<IngestResult> {
    return this.send<IngestResult>((id) => ({ op: 'ingest', id, upload }));
  }

  useNonce(terminalId: string, nonce: string, expiresAt: number): Promise<boolean> {
    return this.send<boolean>((id) => ({ op: 'nonce', id, terminalId, nonce, expiresAt }));
  }

  heartbeat(terminalId: string, json: string, now: number): Promise<void> {
    return this.send<void>((id) => ({ op: 'heartbeat', id, terminalId, json, now }));
  }

  private send<T>(message: (id: number) => ToWriter): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: unknown) => void, reject });
      this.worker.postMessage(message(id));
    });
  }

  /** Waits until what was handed over is stored and synced, and the thread has closed its connection. */
  async close(): Promise<void> {
    if (this.closing) return this.ended;
    this.closing = true;
    this.worker.ref();
    this.worker.postMessage({ op: 'close' } satisfies ToWriter);
    await this.ended;
    // Anything still waiting could not have been answered: the thread ended without a word on it.
    this.fail(new Error('it was closed'));
  }

  private fail(e: Error): void {
    this.failure ??= new ServiceError('YSS_SYNC_STORAGE_FAILED', `the writer thread: ${e.message}`);
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
  }
}
