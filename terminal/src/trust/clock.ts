// Clock safety (issue 3): the wall clock is believed only within bounds. Time never goes below
// the newest trusted time seen (trust-list issued_at, the sync service's time), persisted across
// restarts; while running, time follows the monotonic clock from an anchor, so setting the wall
// clock by hand, back or forward, is reported as a jump and does not move verification time.
import type { Db } from '../db/index.ts';

/**
 * The daemon's one clock, injected wherever time is read: wall time stamps what happened on this
 * machine, trusted time decides validity. Tests pass their own.
 */
export interface Clock {
  /** Wall clock, unix milliseconds (event `at`, device readings, acks, ages). */
  wallMs(): number;
  /** Trusted time, unix seconds (integer): never below the newest trusted time seen. */
  now(): number;
}

/** A Clock on the machine's wall clock alone, for tools and tests with no trusted time. */
export const wallClock: Clock = {
  wallMs: () => Date.now(),
  now: () => Math.floor(Date.now() / 1000),
};

export interface ClockOptions {
  /** Wall clock, unix seconds; default Date.now() / 1000. */
  wall?: () => number;
  /** Monotonic clock, seconds; default performance.now() / 1000. */
  monotonic?: () => number;
  /** Largest disagreement between the wall clock and the anchored estimate taken as slew, seconds; default 60. */
  tolerance?: number;
}

export interface ClockJump {
  /** Trusted time when the jump was seen, unix seconds. */
  at: number;
  /** How far the wall clock moved beyond elapsed time, seconds (negative: set back). */
  by: number;
}

export interface ClockStatus {
  /** The time verification uses, unix seconds (integer). */
  now: number;
  wall: number;
  /** Newest trusted time seen (persisted). */
  floor: number | null;
  /** Wall clock minus trusted time, seconds. */
  drift: number;
  /** What `now` rests on: the server's time, the start-up wall reading, or the floor. */
  source: 'server' | 'boot' | 'floor';
  /** True when the wall clock disagrees with trusted time by more than the tolerance. */
  untrusted: boolean;
  lastJump: ClockJump | null;
  jumps: number;
}

interface Anchor {
  time: number;
  mono: number;
  source: 'server' | 'boot';
}

export class TrustedClock implements Clock {
  #db: Db;
  #wall: () => number;
  #mono: () => number;
  #tolerance: number;
  #floor: number | null;
  #anchor: Anchor;
  #lastWallOffset: number;
  #lastJump: ClockJump | null = null;
  #jumps = 0;

  private constructor(db: Db, opts: ClockOptions) {
    this.#db = db;
    this.#wall = opts.wall ?? (() => Date.now() / 1000);
    this.#mono = opts.monotonic ?? (() => performance.now() / 1000);
    this.#tolerance = opts.tolerance ?? 60;
    db.exec(`CREATE TABLE IF NOT EXISTS trust_clock (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      floor INTEGER NOT NULL,
      source TEXT NOT NULL
    )`);
    const row = db.prepare('SELECT floor FROM trust_clock WHERE id = 1').get() as { floor: number } | undefined;
    this.#floor = row?.floor ?? null;
    const wall = this.#wall();
    const mono = this.#mono();
    // At start the wall clock is all there is; the floor still bounds it from below.
    this.#anchor = { time: Math.max(wall, this.#floor ?? -Infinity), mono, source: 'boot' };
    this.#lastWallOffset = wall - mono;
  }

  static open(db: Db, opts: ClockOptions = {}): TrustedClock {
    return new TrustedClock(db, opts);
  }

  /**
   * Learns a trusted time (unix seconds): the sync service's clock (`server`, which also
   * re-anchors running time) or a trust list's issued_at (`trust-list`, which only raises the floor).
   */
  observe(trustedTime: number, source: 'server' | 'trust-list' = 'server'): void {
    if (!Number.isFinite(trustedTime)) return;
    if (source === 'server') this.#anchor = { time: trustedTime, mono: this.#mono(), source: 'server' };
    const t = Math.floor(trustedTime);
    if (this.#floor === null || t > this.#floor) {
      this.#floor = t;
      this.#db
        .prepare(
          `INSERT INTO trust_clock (id, floor, source) VALUES (1, ?, ?)
           ON CONFLICT (id) DO UPDATE SET floor = excluded.floor, source = excluded.source`,
        )
        .run(t, source);
    }
  }

  wallMs(): number {
    return this.#wall() * 1000;
  }

  /** The time to verify with, unix seconds. */
  now(): number {
    return this.status().now;
  }

  status(): ClockStatus {
    const wall = this.#wall();
    const mono = this.#mono();
    const offset = wall - mono;
    // A change of wall minus monotonic is someone (or something) setting the clock.
    const moved = offset - this.#lastWallOffset;
    this.#lastWallOffset = offset;
    const estimate = this.#anchor.time + (mono - this.#anchor.mono);
    if (Math.abs(moved) > this.#tolerance) {
      this.#jumps++;
      this.#lastJump = { at: Math.floor(estimate), by: Math.round(moved) };
    }
    const drift = wall - estimate;
    const untrusted = Math.abs(drift) > this.#tolerance;
    let t = untrusted ? estimate : wall;
    let source: ClockStatus['source'] = this.#anchor.source;
    if (this.#floor !== null && t < this.#floor) {
      t = this.#floor;
      source = 'floor';
    }
    return { now: Math.floor(t), wall, floor: this.#floor, drift, source, untrusted, lastJump: this.#lastJump, jumps: this.#jumps };
  }
}
