// Grants at a gate with a pass sensor (docs/feeds.md#grants-that-lapse): the relay opens, and
// the admission stands only if the sensor sees someone go through within the venue's `grant_s`.
// A passage confirms the gate's oldest grant (`gate_passage` event), and the next ones within it
// are the rest of its party; a grant nobody walked through by the time it runs out
// is taken back, its count and anti-passback undone, in one transaction with its `grant_lapsed`
// event. A passage with no grant waiting (tailgating, a forced door) is recorded as such.
import type { Logger } from 'pino';
import type { DeviceRegistry } from '../devices/index.ts';
import type { Grant, GrantStore, PassageStore } from '../feeds/index.ts';
import type { Queue } from '../queue/index.ts';
import type { Clock } from '../trust/index.ts';

export interface GateGrantsDeps {
  grants: GrantStore;
  passages: PassageStore;
  devices: DeviceRegistry;
  queue: Queue;
  clock: Clock;
  /** Venue name, the events' scenario. */
  venue: string;
  log: Logger;
  /** Called after an event is committed (wakes the uploader). */
  committed(): void;
}

export class GateGrants {
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(private readonly deps: GateGrantsDeps) {}

  /** True when the sensor is configured and connected: only then does an admission wait for it. */
  sensing(sensor: string): boolean {
    return this.deps.devices.get(sensor, 'sensor')?.health.state === 'connected';
  }

  /** Listens to every pass sensor, and takes back grants that ran out while the daemon was down (their passages were not seen). */
  start(): void {
    for (const s of this.deps.devices.byRole('sensor')) s.on('passage', (_at, dh) => this.passage(dh.id));
    this.lapse();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Arms the timer for the next grant to lapse; call after a grant is committed. */
  schedule(): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const next = this.deps.grants.nextExpiry();
    if (next === null) return;
    // A few ms late rather than early: a timer firing before the wall clock reaches `next` would find nothing due.
    this.#timer = setTimeout(() => this.lapse(), Math.max(0, next - this.deps.clock.wallMs()) + 5);
    this.#timer.unref();
  }

  passage(sensor: string): void {
    const { grants, queue, clock, log } = this.deps;
    try {
      const nowMs = clock.wallMs();
      const taken = queue.commit((tx) => {
        const t = grants.take(sensor, nowMs);
        // The rest of a party passing under its grant is not an event of its own.
        if (t && !t.first) return t;
        const g = t?.grant;
        tx.append({ type: 'gate_passage', at: nowMs, trusted_at: clock.now() * 1000, scenario: this.deps.venue, body: { sensor, of_seq: g?.seq ?? null, ...(g ? { party: g.n, ...(g.direction ? { direction: g.direction } : {}) } : { granted: false }) }, sealed: null });
        return t;
      });
      if (!taken) log.warn({ sensor }, 'passage with no grant waiting (tailgating or a door forced)');
      if (!taken || taken.first) this.deps.committed();
    } catch (err) {
      log.error({ err, sensor }, 'passage not recorded');
    }
    this.schedule();
  }

  /** Takes back every grant whose time has run out. */
  lapse(): void {
    const { grants, passages, queue, clock, log } = this.deps;
    try {
      const nowMs = clock.wallMs();
      let lapsed: Grant[] = [];
      queue.commit((tx) => {
        lapsed = grants.due(nowMs);
        for (const g of lapsed) {
          // A grant of a gate that counts nothing (no `access` section) has nothing to take back.
          if (g.holder) passages.undo(g, g.at, g.before);
          grants.drop(g.seq);
          tx.append({
            type: 'grant_lapsed',
            at: nowMs,
            trusted_at: clock.now() * 1000,
            scenario: this.deps.venue,
            // Never the holder: the verdict event it points at says what was decided.
            body: { of_seq: g.seq, sensor: g.sensor, day: g.day, slot: g.slot, party: g.n, ...(g.direction ? { direction: g.direction } : {}) },
            sealed: null,
          });
        }
      });
      if (lapsed.length) {
        log.info({ seqs: lapsed.map((g) => g.seq) }, 'grants lapsed: nobody went through');
        this.deps.committed();
      }
    } catch (err) {
      log.error({ err }, 'lapsed grants not taken back; trying again in 5 s');
      if (!this.#stopped) {
        this.#timer = setTimeout(() => this.lapse(), 5000);
        this.#timer.unref();
      }
      return;
    }
    this.schedule();
  }
}
