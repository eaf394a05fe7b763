// Queue numbers shared by every ticket machine of a hall (docs/hall.md). The sync service on the
// hall's server allocates them in blocks; this machine keeps the blocks it was given in its own
// SQLite and takes one number at a time inside the event's transaction (Queue.commit), so a
// number is issued once even across a crash or power loss here. A background loop asks for the
// next block when half of one is used, one request at a time: an allocator that dies between its
// commit and its reply loses at most that one block (those numbers are skipped, never reused).
import type { Logger } from 'pino';
import type { Db } from '../db/index.ts';
import type { AppointmentPlacement } from '../scenarios/index.ts';
import type { WaitingCategory } from '../protocol/index.ts';

/** Whoever hands out blocks: the sync service's POST /v1/queue/numbers. */
export interface NumberSource {
  numbers(req: { hall: string; category: string; day: string; count: number }): Promise<{ first: number; last: number }>;
  /** The hall's waiting count and minutes per person ahead, by category (GET /v1/queue/waiting). */
  waiting?(hall: string): Promise<Map<string, WaitingCategory>>;
}

/** How often the machine asks the hall how many wait (ms), and how old an answer may be when a ticket is printed. */
export const WAITING_EVERY_MS = 3000;
export const WAITING_STALE_MS = 30_000;

export interface HallNumbersOptions {
  /** The hall's key at the allocator (the venue's name). */
  hall: string;
  /** Each ticket prefix the venue issues, with the block size it fetches. */
  categories: readonly { prefix: string; block: number; /** The venue's daily_cap: no block is fetched past it. */ cap?: number }[];
  /** The venue's local day now (`YYYY-MM-DD`). */
  today(): string;
  log: Logger;
  /** Longest wait between failed requests, ms. */
  backoffMaxMs?: number;
  /** How often the loop looks again when nothing wakes it (a new day), ms. */
  idleMs?: number;
}

/** Formats a number as the hall shows it: `A007`, `A1234`. */
export function ticketNumber(prefix: string, n: number): string {
  return `${prefix}${String(n).padStart(3, '0')}`;
}

export interface HallNumbersHealth {
  /** Numbers in hand today, by prefix. */
  held: Record<string, number>;
  /** Prefixes whose daily cap the allocator's blocks have reached today: done, not out. */
  capped: string[];
  /** The last refused or failed request, or null after a success. */
  last_error: string | null;
  /** Milliseconds since the request of the hall's last answer about who waits; null before the first. */
  waiting_age_ms: number | null;
}

export class HallNumbers {
  private readonly stmts;
  private readonly takeTx;
  private readonly addTx;
  private source: NumberSource | null = null;
  private running = false;
  /** Ends the current wait: set while idle (a take below the low water wakes it) and while backing off (only stop() wakes it). */
  private wake: (() => void) | null = null;
  private idle = false;
  private loop: Promise<void> | null = null;
  private failures = 0;
  private lastError: string | null = null;
  /** The current outage's empty pool was logged (once per outage, not per retry). */
  private announcedOut = false;
  /** `day|prefix` whose last block reached the daily cap: no more are asked for that day. */
  private readonly capped = new Set<string>();
  /** The hall's last answer about who waits (monotonic ms), and tickets this machine issued since, by prefix. */
  private waitingSeen: { at: number; day: string; categories: Map<string, WaitingCategory> } | null = null;
  private readonly issuedSince = new Map<string, number>();
  /** One question about who waits at a time. */
  private waitingAsking = false;

  constructor(
    db: Db,
    private readonly opts: HallNumbersOptions,
  ) {
    db.exec('CREATE TABLE IF NOT EXISTS hall_number_blocks (day TEXT NOT NULL, prefix TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL, PRIMARY KEY (day, prefix, first))');
    this.stmts = {
      head: db.prepare<[string, string], { first: number; last: number }>('SELECT first, last FROM hall_number_blocks WHERE day = ? AND prefix = ? ORDER BY first LIMIT 1'),
      held: db.prepare<[string, string], number>('SELECT coalesce(sum(last - first + 1), 0) FROM hall_number_blocks WHERE day = ? AND prefix = ?').pluck(),
      drop: db.prepare('DELETE FROM hall_number_blocks WHERE day = ? AND prefix = ? AND first = ?'),
      advance: db.prepare('UPDATE hall_number_blocks SET first = first + 1 WHERE day = ? AND prefix = ? AND first = ?'),
      insert: db.prepare('INSERT INTO hall_number_blocks (day, prefix, first, last) VALUES (?, ?, ?, ?)'),
      past: db.prepare('DELETE FROM hall_number_blocks WHERE day < ?'),
    };
    this.takeTx = db.transaction((prefix: string, day: string): number | null => {
      const b = this.stmts.head.get(day, prefix);
      if (!b) return null;
      if (b.first >= b.last) this.stmts.drop.run(day, prefix, b.first);
      else this.stmts.advance.run(day, prefix, b.first);
      return b.first;
    });
    this.addTx = db.transaction((day: string, prefix: string, first: number, last: number) => {
      this.stmts.past.run(day);
      this.stmts.insert.run(day, prefix, first, last);
    });
  }

  /** The number take() would give now, or null when none is in hand. */
  peek(prefix: string, day: string): number | null {
    return this.stmts.head.get(day, prefix)?.first ?? null;
  }

  /** Numbers in hand for `prefix` on `day`. */
  held(prefix: string, day: string): number {
    return this.stmts.held.get(day, prefix) ?? 0;
  }

  /**
   * The next number for `prefix` on `day`, or null when none is in hand. Call it inside the
   * event's commit: the number leaves the pool in the same transaction as the ticket's event.
   */
  take(prefix: string, day: string): number | null {
    const n = this.takeTx(prefix, day);
    if (n !== null) this.issuedSince.set(prefix, (this.issuedSince.get(prefix) ?? 0) + 1);
    if (this.held(prefix, day) < this.lowWater(prefix)) this.poke();
    return n;
  }

  /**
   * Who is ahead of a ticket taken now in `prefix` and the estimated wait (docs/hall.md): the
   * hall's last answer plus the tickets this machine issued since. Null when the hall has not
   * answered within WAITING_STALE_MS (offline: the kiosk and the ticket then show no count).
   */
  waitingFor(prefix: string, day: string, appointment?: AppointmentPlacement): { ahead: number; eta_minutes: number } | null {
    const w = this.waitingSeen;
    if (!w || w.day !== day || performance.now() - w.at > WAITING_STALE_MS) return null;
    const c = w.categories.get(prefix) ?? { waiting: 0, minutes_per_person: 0 };
    const all = c.waiting + (this.issuedSince.get(prefix) ?? 0);
    // An appointment's sign-in is placed by its rule (docs/hospital.md): in its slot, behind the
    // appointment holders already waiting; late and `insert_after`, behind at most n.
    let ahead = all;
    if (appointment && !appointment.late && appointment.first) ahead = c.first ?? all;
    else if (appointment?.late && appointment.late_rule.place === 'insert_after') ahead = Math.min(all, appointment.late_rule.n);
    return { ahead, eta_minutes: Math.round(ahead * c.minutes_per_person) };
  }

  /** The day's numbers the hall last reported completed or missed, or null when it has not answered that day. */
  finished(day: string): ReadonlySet<string> | null {
    const w = this.waitingSeen;
    if (!w || w.day !== day) return null;
    return new Set([...w.categories.values()].flatMap((c) => c.finished ?? []));
  }

  /**
   * The person's number active in `prefix` at any machine of the hall (one active number per
   * person, hall-wide), as the hall last said that day, or null. The last answer is used however
   * old: offline, the machine keeps refusing whom the hall last knew as waiting (staff may
   * override), as it does for its own tickets; tickets issued elsewhere since are not in it.
   */
  hallActive(day: string, prefix: string, person: string): string | null {
    const w = this.waitingSeen;
    if (!w || w.day !== day) return null;
    return w.categories.get(prefix)?.active?.find((a) => a.person === person)?.number ?? null;
  }

  /** The person's appointment sign-in of the day at any machine of the hall, as the hall last said, or null (`at` unix ms). */
  hallSignedIn(day: string, person: string): { number: string; at: number } | null {
    const w = this.waitingSeen;
    if (!w || w.day !== day) return null;
    for (const c of w.categories.values()) {
      const s = c.signed_in?.find((x) => x.person === person);
      if (s) return { number: s.number, at: s.at };
    }
    return null;
  }

  /** Asks the hall who waits, when the last answer is older than WAITING_EVERY_MS; a failure keeps the old answer to age out. */
  private async refreshWaiting(): Promise<void> {
    const src = this.source;
    if (!src?.waiting || this.waitingAsking || (this.waitingSeen && performance.now() - this.waitingSeen.at < WAITING_EVERY_MS)) return;
    this.waitingAsking = true;
    const day = this.opts.today();
    // Aged from when it was asked: the answer counts every ticket the hall had by then.
    const asked = performance.now();
    const issued = new Map(this.issuedSince);
    try {
      const categories = await src.waiting(this.opts.hall);
      this.waitingSeen = { at: asked, day, categories };
      // Tickets issued while the question was out may or may not be in the answer: counted (once more at worst).
      for (const [p, n] of issued) this.issuedSince.set(p, (this.issuedSince.get(p) ?? 0) - n);
    } catch (e) {
      this.opts.log.debug({ err: (e as Error).message }, 'hall waiting count not refreshed');
    } finally {
      this.waitingAsking = false;
    }
  }

  health(): HallNumbersHealth {
    const day = this.opts.today();
    // A category past its daily cap is done for the day, not out of numbers.
    return {
      held: Object.fromEntries(this.opts.categories.map((c) => [c.prefix, this.held(c.prefix, day)])),
      capped: this.opts.categories.filter((c) => this.capped.has(`${day}|${c.prefix}`)).map((c) => c.prefix),
      last_error: this.lastError,
      waiting_age_ms: this.waitingSeen ? Math.round(performance.now() - this.waitingSeen.at) : null,
    };
  }

  /** Starts the refill loop against `source`. */
  start(source: NumberSource): void {
    this.source = source;
    this.running = true;
    this.loop = this.run();
  }

  /** Wakes an idle loop; a loop backing off after a failure keeps its wait. */
  poke(): void {
    if (this.idle) this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private lowWater(prefix: string): number {
    const block = this.opts.categories.find((c) => c.prefix === prefix)?.block ?? 2;
    return Math.ceil(block / 2);
  }

  private async run(): Promise<void> {
    const { log } = this.opts;
    while (this.running) {
      const day = this.opts.today();
      const need = this.opts.categories.find((c) => !this.capped.has(`${day}|${c.prefix}`) && this.held(c.prefix, day) < this.lowWater(c.prefix));
      if (!need) {
        // Not awaited: a hall server that does not answer must not hold up the next block.
        void this.refreshWaiting();
        await this.sleep(Math.min(this.opts.idleMs ?? 5000, this.source?.waiting ? WAITING_EVERY_MS : Infinity), true);
        continue;
      }
      try {
        const b = await this.source!.numbers({ hall: this.opts.hall, category: need.prefix, day, count: need.block });
        // Durable here before any of it is used; if this machine dies before this line, the block is skipped.
        this.addTx(day, need.prefix, b.first, b.last);
        if (need.cap !== undefined && b.last >= need.cap) this.capped.add(`${day}|${need.prefix}`);
        if (this.failures) log.info({ prefix: need.prefix, first: b.first, last: b.last }, 'hall allocator answers again');
        this.failures = 0;
        this.lastError = null;
        this.announcedOut = false;
      } catch (e) {
        this.failures++;
        const err = e as { code?: string; message?: string };
        this.lastError = `${err.code ?? 'error'}: ${err.message ?? String(e)}`;
        const held = this.held(need.prefix, day);
        // Before enrollment (the sync engine enrolls at start) nothing is wrong yet: say it quietly.
        if (err.code === 'YSS_SYNC_NOT_ENROLLED') log.debug({ prefix: need.prefix }, 'waiting for enrollment before asking for queue numbers');
        // One warning when an outage starts, one error when it leaves this machine without numbers.
        else if (held === 0 && !this.announcedOut) {
          this.announcedOut = true;
          log.error({ prefix: need.prefix, err: this.lastError }, 'no queue numbers in hand and the hall allocator gives none: tickets are refused until it does');
        } else if (held > 0 && this.failures === 1) log.warn({ prefix: need.prefix, held, err: this.lastError }, 'hall allocator gives no block; issuing from the numbers in hand');
        const max = this.opts.backoffMaxMs ?? 2000;
        await this.sleep(Math.min(max, 100 * 2 ** Math.min(this.failures, 10)), false);
      }
    }
  }

  private sleep(ms: number, idle: boolean): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.wake = null;
        this.idle = false;
        resolve();
      };
      const t = setTimeout(done, ms);
      this.idle = idle;
      this.wake = done;
    });
  }
}
