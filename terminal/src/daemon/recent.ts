/** The last verdicts, newest first, for the staff panel and the registration step. */
export class RecentVerdicts<T> {
  private readonly items: T[] = [];

  constructor(private readonly max = 50) {}

  add(item: T): void {
    this.items.unshift(item);
    if (this.items.length > this.max) this.items.length = this.max;
  }

  list(): T[] {
    return this.items.slice();
  }
}
