// How the SQLite engine stores uploads, and the nonce and heartbeat writes every terminal makes
// between them: group commits, each write in its own savepoint, acknowledged after the WAL is
// synced. It runs on its own connection in a writer thread (sqlite-writer.ts), so that the
// service's thread reads, checks and answers requests while SQLite inserts and commits; or, for
// tests that hold the sync by hand, on the storage's own connection.
import type Database from 'better-sqlite3';
import { closeSync, fsync, openSync } from 'node:fs';
import { contentHashOfJson, headerHash, type WireEvent } from '../../../terminal/src/protocol/index.ts';
import { ServiceError } from '../errors.ts';
import { HourCounts, resetOf, TICKET_COLS, ticketsOf, ticketValues, type HallTicket, type ResetRecord } from './activity.ts';
import { insertParams, POLICE_SQL, policeStepOf, type PoliceStep } from './police.ts';
import { rowJson } from './row-json.ts';
import type { IngestResult } from './types.ts';

export const EVENT_COLS = 'terminal_id, seq, type, at, trusted_at, scenario, droppable, body, sealed, prev_hash, hash, tombstone, received_at';

/**
 * Most events stored in one group commit (unless one upload alone has more): a group is one
 * synchronous stretch of the writer's thread. As many as a terminal's largest default upload.
 */
const GROUP_MAX_EVENTS = 2000;

/** A row's bytes besides its JSON (keys, hashes, numbers, the B-tree's own), about. */
const ROW_OVERHEAD = 200;

/** What a stored event adds beyond its row, for the few events that add anything. */
export interface EventExtras {
  tickets?: HallTicket[];
  reset?: ResetRecord;
  police?: PoliceStep;
}

/**
 * An event as the writer checks and stores it: its row's values and its extras. A tuple of
 * strings and numbers, not the parsed event: it crosses to the writer thread, and V8 copies it
 * at about a third of the parsed event's cost (docs/scale.md, "The fifth pass").
 */
export type PreparedEvent = [
  seq: number,
  type: string,
  at: number,
  trustedAt: number,
  scenario: string,
  droppable: 0 | 1,
  body: string,
  sealed: string | null,
  prevHash: string,
  hash: string,
  tombstone: string | null,
  extras: EventExtras | null,
];

/**
 * What of an upload's events needs their parsed bodies, on the service's thread: the row JSON and
 * the tickets, reset and police step each would add. The writer checks the hashes from the row.
 */
export function prepareEvents(terminalId: string, events: readonly WireEvent[]): PreparedEvent[] {
  return events.map((e) => {
    const { body, sealed } = rowJson(e);
    const tickets = ticketsOf(terminalId, e);
    const reset = resetOf(terminalId, e);
    const police = policeStepOf(terminalId, e);
    const extras = tickets.length || reset || police ? { ...(tickets.length ? { tickets } : {}), ...(reset ? { reset } : {}), ...(police ? { police } : {}) } : null;
    return [e.seq, e.type, e.at, e.trusted_at, e.scenario, e.droppable ? 1 : 0, body, sealed, e.prev_hash, e.hash, e.tombstone ?? null, extras];
  });
}

/** One upload, as the service's thread hands it to the writer. */
export interface IngestRequest {
  terminalId: string;
  events: PreparedEvent[];
  now: number;
  nonce?: { nonce: string; expiresAt: number };
}

/** A write waiting for its group's commit, and then its outcome. */
interface Waiting {
  /** Events it stores (0 for a nonce or a heartbeat): what a group's size counts. */
  events: number;
  /** About how many bytes it writes: what the checkpoints count (`onCommit`). */
  bytes: number;
  run(): unknown;
  resolve(r: unknown): void;
  reject(e: unknown): void;
  done?: boolean;
  result?: unknown;
  error?: unknown;
}

export type Fsync = (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void;

/** Portable `$n` parameters as better-sqlite3's named ones. */
export const named = (sql: string) => sql.replace(/\$(\d+)/g, '@p$1');
export const params = (values: readonly (string | number | null)[]) => Object.fromEntries(values.map((v, i) => [`p${i + 1}`, v]));

export class IngestWriter {
  private readonly stmts;
  private readonly groupTx;
  /** Writes waiting for the next group commit. */
  private waiting: Waiting[] = [];
  /** The WAL file, opened once for syncing group commits (`syncWal`). */
  private readonly walFd: number;
  /** Writes committed, waiting for the next WAL sync; and whether one is in flight. */
  private unsynced: Waiting[] = [];
  private syncing = false;
  /** A WAL sync that failed: nothing is acknowledged after it (the service must restart). */
  private syncFailure: Error | null = null;

  /**
   * `db` is open on `file`, in WAL mode; `fsync` syncs the WAL before writes are acknowledged
   * (node's by default); `onCommit` is told the bytes each group commit wrote, about.
   */
  constructor(
    private readonly db: Database.Database,
    file: string,
    private readonly fsyncWal: Fsync = fsync,
    private readonly onCommit: (bytes: number) => void = () => {},
  ) {
    const d = db;
    this.stmts = {
      useNonce: d.prepare('INSERT INTO nonces (terminal_id, nonce, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      heartbeat: d.prepare('UPDATE terminals SET last_heartbeat_at = ?, heartbeat = ? WHERE id = ?'),
      head: d.prepare('SELECT head_seq, head_hash FROM terminals WHERE id = ?'),
      insertEvent: d.prepare(`INSERT INTO events (${EVENT_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      eventHashAt: d.prepare('SELECT hash FROM events WHERE terminal_id = ? AND seq = ?').pluck(),
      setHead: d.prepare('UPDATE terminals SET head_seq = ?, head_hash = ?, head_at = ? WHERE id = ?'),
      addHour: d.prepare('INSERT INTO event_hours (terminal_id, venue, hour, count) VALUES (?, ?, ?, ?) ON CONFLICT (terminal_id, hour, venue) DO UPDATE SET count = event_hours.count + excluded.count'),
      addReset: d.prepare('INSERT INTO terminal_resets (terminal_id, replaces, reason, at) VALUES (?, ?, ?, ?) ON CONFLICT (terminal_id) DO NOTHING'),
      addTicket: d.prepare(`INSERT INTO hall_tickets (${TICKET_COLS}) VALUES (${TICKET_COLS.split(',').map(() => '?').join(', ')}) ON CONFLICT DO NOTHING`),
      policeDetail: d.prepare(named(POLICE_SQL.detail)),
      policeInsert: d.prepare(named(POLICE_SQL.insert)),
      policeHistory: d.prepare(named(POLICE_SQL.history)),
      policeSupersede: d.prepare(named(POLICE_SQL.supersede)),
    };
    // Inside groupTx this is a SAVEPOINT: a write that fails undoes only its own.
    const one = db.transaction((w: Waiting) => w.run());
    this.groupTx = db.transaction((group: Waiting[]) => {
      for (const u of group) {
        try {
          u.result = one(u);
          u.done = true;
        } catch (e) {
          // An error SQLite answered by rolling back the whole transaction (disk full, I/O)
          // fails every write of the group: none of them is stored.
          if (!db.inTransaction) throw e;
          u.error = e;
        }
      }
    });
    // Never closed before the database: closing any descriptor of a file drops the process's
    // POSIX locks on it, and SQLite's are the process's.
    this.walFd = openSync(`${file}-wal`, 'r');
  }

  /** Stores an upload with the other writes that arrive in the same turn of this thread's loop; settles once synced. */
  ingest(u: IngestRequest): Promise<IngestResult> {
    let bytes = 0;
    for (const e of u.events) bytes += e[6].length + (e[7]?.length ?? 0) + ROW_OVERHEAD;
    return this.enqueue(u.events.length, bytes, () => {
      if (u.nonce && this.stmts.useNonce.run(u.terminalId, u.nonce.nonce, u.nonce.expiresAt).changes !== 1) throw new ServiceError('YSS_SYNC_REPLAYED_NONCE', u.nonce.nonce);
      return this.ingestIn(u.terminalId, u.events, u.now);
    });
  }

  /** Records a request's nonce; false when the terminal used it before. */
  useNonce(terminalId: string, nonce: string, expiresAt: number): Promise<boolean> {
    return this.enqueue(0, ROW_OVERHEAD, () => this.stmts.useNonce.run(terminalId, nonce, expiresAt).changes === 1);
  }

  /** A terminal's heartbeat (`json`: its report, serialized). */
  heartbeat(terminalId: string, json: string, now: number): Promise<void> {
    return this.enqueue(0, json.length + ROW_OVERHEAD, () => void this.stmts.heartbeat.run(now, json, terminalId));
  }

  private enqueue<T>(events: number, bytes: number, run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.waiting.push({ events, bytes, run, resolve: resolve as (r: unknown) => void, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  /** Commits what is waiting, then waits for the sync in flight; the connection stays open. */
  async settle(): Promise<void> {
    while (this.waiting.length > 0) this.flush();
    while (this.syncing) await new Promise((r) => setImmediate(r));
  }

  /** After `settle()`, once the database is closed (see the constructor). */
  closeWal(): void {
    closeSync(this.walFd);
  }

  /**
   * Group commit: the writes that arrive within one turn of the event loop are made in one
   * transaction, each in its own savepoint, and acknowledged once that commit is on disk. A commit
   * blocks this thread, so one per write would hold every other write for an fsync each; and
   * the fsync is made in the thread pool (`syncWal`), not by the commit.
   */
  private flush(): void {
    if (this.waiting.length === 0) return;
    let events = 0;
    let n = 0;
    while (n < this.waiting.length && (n === 0 || events + this.waiting[n]!.events <= GROUP_MAX_EVENTS)) events += this.waiting[n++]!.events;
    const group = this.waiting.splice(0, n);
    // The rest after the replies of this group have had their turn of the loop.
    if (this.waiting.length > 0) setImmediate(() => this.flush());
    if (this.syncFailure) {
      for (const u of group) u.reject(this.syncFailure);
      return;
    }
    // Committed at NORMAL (the WAL written, not synced) and acknowledged after syncWal: the fsync
    // that FULL would make here would block this thread; in the thread pool, the next uploads
    // are committed meanwhile.
    this.db.pragma('synchronous = NORMAL');
    try {
      this.groupTx.immediate(group);
    } catch (e) {
      for (const u of group) u.reject(e);
      return;
    } finally {
      this.db.pragma('synchronous = FULL');
    }
    this.unsynced.push(...group);
    this.syncWal();
    let bytes = 0;
    for (const u of group) bytes += u.bytes;
    this.onCommit(bytes);
  }

  /**
   * Settles the writes committed so far after an fsync of the WAL that starts after their commit:
   * one sync in flight at a time, every write committed meanwhile settled by the next.
   */
  private syncWal(): void {
    if (this.syncing || this.unsynced.length === 0) return;
    const batch = this.unsynced;
    this.unsynced = [];
    this.syncing = true;
    this.fsyncWal(this.walFd, (err) => {
      this.syncing = false;
      if (err) this.syncFailure ??= new ServiceError('YSS_SYNC_STORAGE_FAILED', `fsync of the WAL: ${err.message}`);
      for (const u of batch) {
        if (this.syncFailure) u.reject(this.syncFailure);
        else if (u.done) u.resolve(u.result);
        else u.reject(u.error);
      }
      this.syncWal();
    });
  }

  private ingestIn(terminalId: string, events: PreparedEvent[], now: number): IngestResult {
    const t = this.stmts.head.get(terminalId) as { head_seq: number; head_hash: string } | undefined;
    if (!t) throw new ServiceError('YSS_SYNC_TERMINAL_UNKNOWN', terminalId);
    let head = t.head_seq;
    let headHash = t.head_hash;
    let duplicates = 0;
    let gap: IngestResult['gap'] = null;
    const fresh: PreparedEvent[] = [];
    for (const e of events) {
      const [seq, type, at, trustedAt, scenario, droppable, body, sealed, prevHash, hash, tombstone] = e;
      if (tombstone !== null && !droppable) throw new ServiceError('YSS_SYNC_CHAIN_BROKEN', seq, 'tombstone of an event that was not droppable');
      const content = tombstone ?? contentHashOfJson(body, sealed);
      if (headerHash(seq, type, at, trustedAt, scenario, droppable === 1, content, prevHash) !== hash) throw new ServiceError('YSS_SYNC_CHAIN_BROKEN', seq, 'hash does not match its content');
      if (seq <= head) {
        const stored = this.stmts.eventHashAt.get(terminalId, seq) as string | undefined;
        if (stored !== undefined && stored !== hash) throw new ServiceError('YSS_SYNC_CHAIN_BROKEN', seq, 'differs from the event already stored with this sequence');
        duplicates++;
        continue;
      }
      if (seq !== head + 1) {
        gap = { expected: head + 1, got: seq };
        break;
      }
      if (prevHash !== headHash) throw new ServiceError('YSS_SYNC_CHAIN_BROKEN', seq, 'prev_hash does not match the previous event');
      this.stmts.insertEvent.run(terminalId, seq, type, at, trustedAt, scenario, droppable, body, sealed, prevHash, hash, tombstone, now);
      head = seq;
      headHash = hash;
      fresh.push(e);
    }
    if (fresh.length) {
      this.stmts.setHead.run(head, headHash, now, terminalId);
      const hours = new HourCounts();
      for (const e of fresh) hours.add(e[4], e[3]);
      for (const h of hours.rows()) this.stmts.addHour.run(terminalId, h.venue, h.hour, h.count);
      const extras = fresh.flatMap((e) => (e[11] ? [e[11]] : []));
      // A number is one ticket per hall and day: a second claim of it (a machine's bug) keeps the first.
      for (const x of extras) for (const k of x.tickets ?? []) this.stmts.addTicket.run(...ticketValues(k));
      for (const x of extras) if (x.reset) this.stmts.addReset.run(x.reset.terminal_id, x.reset.replaces, x.reset.reason, x.reset.at);
      for (const x of extras) if (x.police) this.addPoliceStep(terminalId, x.police, now);
    }
    return { acked_through: head, gap, inserted: fresh.length, duplicates };
  }

  /** A police outbox row of a newly stored event, in the ingest's transaction. */
  private addPoliceStep(terminalId: string, step: PoliceStep, now: number): void {
    const s = this.stmts;
    if (step.op === 'detail') {
      s.policeDetail.run(params([terminalId, step.stay_id, step.guest_id, step.seq]));
      return;
    }
    const r = step.row;
    if (s.policeInsert.run(params(insertParams(r, now))).changes !== 1) return;
    s.policeHistory.run(params([terminalId, r.seq, now, 'pending', null]));
    if (r.corrects !== null) s.policeSupersede.run(params([terminalId, r.seq, r.corrects, r.stay_id, r.guest_id]));
  }
}
