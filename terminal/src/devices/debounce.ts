// Drops a reading equal to the previous one within a window: a code held under the scanner is
// read several times a second, and a guest should not be checked in twice by one gesture.
export class Debounce {
  #last: string | null = null;
  #at = 0;
  readonly #windowMs: number;
  readonly #now: () => number;

  constructor(windowMs: number, now: () => number = Date.now) {
    this.#windowMs = windowMs;
    this.#now = now;
  }

  /** True when `key` should be delivered (and remembers it). */
  accept(key: string): boolean {
    const t = this.#now();
    const dup = this.#windowMs > 0 && key === this.#last && t - this.#at < this.#windowMs;
    // Holding a code keeps extending the window, so it takes a pause to read it again.
    this.#last = key;
    this.#at = t;
    return !dup;
  }
}
