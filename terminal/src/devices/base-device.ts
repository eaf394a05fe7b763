// What every adapter shares: the health record, a `status` event on every change of it, and
// `reading` events stamped with the time. Listener exceptions are caught here so that a bug in
// the daemon's handler cannot kill the serial read loop (style.md: never throw across events).
import { EventEmitter } from 'node:events';
import type pino from 'pino';
import type { DeviceEvents, DeviceHealth, DeviceState, Reading } from './types.ts';

export abstract class BaseDevice extends EventEmitter<DeviceEvents> {
  #health: DeviceHealth;
  protected readonly log: pino.Logger;
  protected readonly now: () => number;

  constructor(h: Pick<DeviceHealth, 'id' | 'role' | 'kind' | 'path'>, log: pino.Logger, now: () => number = Date.now) {
    super();
    this.#health = { ...h, state: 'disconnected', detail: null, last_reading_at: null };
    this.log = log.child({ device: h.id });
    this.now = now;
  }

  get health(): DeviceHealth {
    return { ...this.#health };
  }

  get role(): DeviceHealth['role'] {
    return this.#health.role;
  }

  protected setState(state: DeviceState, detail: string | null, path?: string | null): void {
    const h = this.#health;
    const p = path === undefined ? h.path : path;
    if (h.state === state && h.detail === detail && h.path === p) return;
    this.#health = { ...h, state, detail, path: p };
    this.safeEmit('status', this.health);
  }

  protected deliver(reading: Reading): void {
    this.#health = { ...this.#health, last_reading_at: this.now() };
    this.safeEmit('reading', reading, this.health);
  }

  /** Calls each listener on its own, so one that throws neither stops the others nor the device. */
  protected safeEmit<K extends keyof DeviceEvents>(event: K, ...args: DeviceEvents[K]): void {
    for (const listener of this.rawListeners(event) as ((...a: unknown[]) => unknown)[]) {
      try {
        listener.apply(this, args);
      } catch (e) {
        this.log.error({ err: (e as Error).message, event }, 'device listener threw');
      }
    }
  }
}
