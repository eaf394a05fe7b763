// The venue's data feeds as the terminal holds them, in its one database: each kind's rows keyed
// by version and holder, and which version is current and when the service last confirmed it.
// A new version's rows are written beside the current one in small transactions, yielding to
// readings in between (a 100,000-row list does not stall the gate); then one statement makes it
// current, and the old rows go the same way. A lookup reads only the current version's rows, so
// a decision sees the old feed or the new, never a mix, and a crash half way leaves the old one.
// A delta (docs/feeds.md#deltas) is small by construction and applied in one transaction: the
// named holders' rows are replaced in place and the version moves on (the rows stay filed under
// the snapshot version they came with, `rows_version`), or nothing changes at all.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/index.ts';
import {
  checkFeedRows,
  describeProblems,
  FEED_DELTA_MAX_HOLDERS,
  FEED_MAX_ROWS,
  isFeedKind,
  type FeedDelta,
  type FeedKind,
  type FeedRow,
  type FeedRows,
  type FeedSnapshot,
} from '../protocol/index.ts';

const HOLDER = /^[0-9a-f]{64}$/;

/** Rows written per transaction while a new version is installed. */
export const FEED_CHUNK_ROWS = 5000;

const yieldToReadings = () => new Promise<void>((resolve) => setImmediate(resolve));

/** What the terminal holds of one kind. Times are unix ms. */
export interface FeedMeta {
  kind: FeedKind;
  venue: string;
  version: number;
  rows: number;
  published_at: number;
  /** Last time the service said this version is current (installed it, or answered 304). */
  checked_at: number;
  salt: string;
  etag: string | null;
}

export type FeedInstall =
  | { status: 'installed'; kind: FeedKind; version: number; rows: number; via: 'snapshot' | 'delta' }
  | { status: 'unchanged'; kind: FeedKind; version: number }
  | { status: 'refused'; reason: string };

interface MetaRow extends Omit<FeedMeta, 'kind'> {
  kind: string;
}

/** A delta that does not fit the held version: the transaction is rolled back and the delta refused. */
class DeltaMismatch extends Error {}

export class FeedStore {
  #meta: Statement<[string], MetaRow>;
  #all: Statement<[], MetaRow>;
  #rows: Statement<[string, string], string>;
  #putMeta: Statement<[string, string, number, number, number, number, string, string | null, number], unknown>;
  #checked: Statement<[number, string, number], unknown>;
  #sweep: Statement<[string, string, number], unknown>;
  #insert: Statement<[string, number, string, number, string], unknown>;
  #chunk: (kind: string, version: number, rows: readonly FeedRow[], from: number) => void;
  #dropHolder: Statement<[string, number, string], unknown>;
  #moveOn: Statement<[number, number, number, number, string | null, string, number], unknown>;
  #applyDelta: (delta: FeedDelta, held: FeedMeta & { rows_version: number }, at: number, etag: string | null) => void;
  #rowsVersion: Statement<[string], number>;
  readonly #installing = new Set<FeedKind>();
  #bookedSlots: Statement<[], unknown>;
  #slots: { key: string; slots: { day: string; slot: string; slot_capacity: number | null }[] } | null = null;

  constructor(
    private readonly db: Db,
    /** Rows written per transaction while installing; readings are decided between them. */
    private readonly chunkRows = FEED_CHUNK_ROWS,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS feed_meta (
      kind TEXT PRIMARY KEY,
      venue TEXT NOT NULL,
      version INTEGER NOT NULL,
      rows INTEGER NOT NULL,
      published_at INTEGER NOT NULL,
      checked_at INTEGER NOT NULL,
      salt TEXT NOT NULL,
      etag TEXT,
      rows_version INTEGER
    );
    CREATE TABLE IF NOT EXISTS feed_rows (
      kind TEXT NOT NULL,
      version INTEGER NOT NULL,
      holder TEXT NOT NULL,
      n INTEGER NOT NULL,
      row TEXT NOT NULL,
      PRIMARY KEY (kind, version, holder, n)
    ) WITHOUT ROWID`);
    // A database from before deltas: its rows are filed under the version they are.
    if (!(db.prepare("SELECT name FROM pragma_table_info('feed_meta')").pluck().all() as string[]).includes('rows_version')) {
      db.exec('ALTER TABLE feed_meta ADD COLUMN rows_version INTEGER; UPDATE feed_meta SET rows_version = version');
    }
    const cols = 'kind, venue, version, rows, published_at, checked_at, salt, etag';
    this.#meta = db.prepare<[string], MetaRow>(`SELECT ${cols} FROM feed_meta WHERE kind = ?`);
    this.#all = db.prepare<[], MetaRow>(`SELECT ${cols} FROM feed_meta ORDER BY kind`);
    this.#rows = db
      .prepare<[string, string], string>('SELECT r.row FROM feed_meta m JOIN feed_rows r ON r.kind = m.kind AND r.version = m.rows_version WHERE m.kind = ? AND r.holder = ?')
      .pluck();
    this.#putMeta = db.prepare(`INSERT OR REPLACE INTO feed_meta (${cols}, rows_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#bookedSlots = db.prepare(
      `SELECT json_extract(r.row, '$.date') AS day, json_extract(r.row, '$.from') AS "from", json_extract(r.row, '$.to') AS "to", min(json_extract(r.row, '$.slot_capacity')) AS cap
         FROM feed_meta m JOIN feed_rows r ON r.kind = m.kind AND r.version = m.rows_version WHERE m.kind = 'bookings' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    );
    this.#rowsVersion = db.prepare<[string], number>('SELECT rows_version FROM feed_meta WHERE kind = ?').pluck();
    this.#checked = db.prepare('UPDATE feed_meta SET checked_at = ? WHERE kind = ? AND version = ?');
    // Rows of any version but the current one: a replaced version, or one a crash left half written.
    this.#sweep = db.prepare(
      `DELETE FROM feed_rows WHERE (kind, version, holder, n) IN (SELECT kind, version, holder, n FROM feed_rows
         WHERE kind = ? AND version <> coalesce((SELECT rows_version FROM feed_meta WHERE kind = ?), -1) LIMIT ?)`,
    );
    this.#insert = db.prepare('INSERT OR REPLACE INTO feed_rows (kind, version, holder, n, row) VALUES (?, ?, ?, ?, ?)');
    this.#chunk = db.transaction((kind: string, version: number, rows: readonly FeedRow[], from: number) => {
      const end = Math.min(rows.length, from + this.chunkRows);
      for (let i = from; i < end; i++) this.#insert.run(kind, version, rows[i]!.holder, i, JSON.stringify(rows[i]));
    });
    this.#dropHolder = db.prepare('DELETE FROM feed_rows WHERE kind = ? AND version = ? AND holder = ?');
    this.#moveOn = db.prepare('UPDATE feed_meta SET version = ?, rows = ?, published_at = ?, checked_at = ?, etag = ? WHERE kind = ? AND version = ?');
    this.#applyDelta = db.transaction((delta: FeedDelta, held: FeedMeta & { rows_version: number }, at: number, etag: string | null) => {
      let count = held.rows;
      for (const h of delta.holders) count -= this.#dropHolder.run(delta.kind, held.rows_version, h).changes;
      // n only has to be unique per holder; a delta's index is.
      delta.rows.forEach((r, i) => this.#insert.run(delta.kind, held.rows_version, r.holder, i, JSON.stringify(r)));
      count += delta.rows.length;
      if (count !== delta.rows_total) throw new DeltaMismatch(`applied, it leaves ${count} rows, not the ${delta.rows_total} of version ${delta.version}: not made from the held version`);
      if (this.#moveOn.run(delta.version, count, delta.published_at, at, etag, delta.kind, held.version).changes !== 1) throw new DeltaMismatch(`version ${held.version} is no longer held`);
    });
  }

  /** Deletes rows of versions not current, a chunk per turn of the event loop. */
  private async sweep(kind: FeedKind): Promise<void> {
    while (this.#sweep.run(kind, kind, this.chunkRows).changes > 0) await yieldToReadings();
  }

  /**
   * Installs a snapshot pulled from the service (its JSON text), checked as a stranger's: the
   * shape, every row by the import rules, the venue, and a version not older than the one held
   * (an older one is refused: the service never goes back).
   */
  async install(text: string, o: { venue: string; etag: string | null; at: number }): Promise<FeedInstall> {
    let snap: FeedSnapshot;
    try {
      snap = JSON.parse(text) as FeedSnapshot;
    } catch {
      return { status: 'refused', reason: 'not JSON' };
    }
    if (typeof snap === 'object' && snap !== null && (snap as { format?: unknown }).format === 'yss-feed-delta/1') return this.delta(snap as unknown as FeedDelta, o);
    if (typeof snap !== 'object' || snap === null || snap.format !== 'yss-feed/1') return { status: 'refused', reason: 'not a yss-feed/1 snapshot or yss-feed-delta/1 delta' };
    if (!isFeedKind(snap.kind)) return { status: 'refused', reason: `unknown kind ${JSON.stringify(String(snap.kind).slice(0, 32))}` };
    if (snap.venue !== o.venue) return { status: 'refused', reason: `feed of venue ${JSON.stringify(String(snap.venue).slice(0, 40))}, not ${o.venue}` };
    if (!Number.isSafeInteger(snap.version) || snap.version < 1 || !Number.isSafeInteger(snap.published_at) || typeof snap.salt !== 'string' || !snap.salt) {
      return { status: 'refused', reason: 'version, published_at or salt missing' };
    }
    if (!Array.isArray(snap.rows) || snap.rows.length > FEED_MAX_ROWS) return { status: 'refused', reason: 'rows missing or too many' };
    const held = this.meta(snap.kind);
    if (held && snap.version < held.version) return { status: 'refused', reason: `version ${snap.version} is older than the held ${held.version}` };
    if (held && snap.version === held.version) {
      this.checked(snap.kind, held.version, o.at);
      return { status: 'unchanged', kind: snap.kind, version: held.version };
    }
    const rows = checkFeedRows(snap.kind, snap.rows);
    if (!rows.ok) return { status: 'refused', reason: describeProblems(rows.problems, rows.count) };
    const kind = snap.kind;
    if (this.#installing.has(kind)) return { status: 'refused', reason: `another ${kind} version is being installed` };
    this.#installing.add(kind);
    try {
      await this.sweep(kind);
      for (let from = 0; from < rows.rows.length; from += this.chunkRows) {
        this.#chunk(kind, snap.version, rows.rows, from);
        await yieldToReadings();
      }
      // The switch: one statement; from here lookups read the new version's rows.
      this.#putMeta.run(kind, snap.venue, snap.version, rows.rows.length, snap.published_at, o.at, snap.salt, o.etag, snap.version);
      await this.sweep(kind);
    } finally {
      this.#installing.delete(kind);
    }
    return { status: 'installed', kind, version: snap.version, rows: rows.rows.length, via: 'snapshot' };
  }

  /**
   * Applies a delta, checked as a stranger's: its venue and salt, that it starts at exactly the
   * held version, every row by the import rules and naming a holder it lists, and that the rows
   * add up to its `rows_total` once applied (else it is rolled back). Any failure leaves the held
   * version as it was; the next poll asks again and the service sends a snapshot or a good delta.
   */
  private async delta(d: FeedDelta, o: { venue: string; etag: string | null; at: number }): Promise<FeedInstall> {
    if (!isFeedKind(d.kind)) return { status: 'refused', reason: `unknown kind ${JSON.stringify(String(d.kind).slice(0, 32))}` };
    if (d.venue !== o.venue) return { status: 'refused', reason: `delta of venue ${JSON.stringify(String(d.venue).slice(0, 40))}, not ${o.venue}` };
    const ints = [d.from, d.version, d.published_at, d.rows_total];
    if (!ints.every((n) => Number.isSafeInteger(n) && n >= 0) || typeof d.salt !== 'string') return { status: 'refused', reason: 'delta: from, version, published_at, rows_total or salt missing' };
    const held = this.meta(d.kind);
    if (!held) return { status: 'refused', reason: `a delta from version ${d.from}, but no ${d.kind} feed is held` };
    if (d.from !== held.version) return { status: 'refused', reason: `a delta from version ${d.from}, but version ${held.version} is held` };
    if (d.version <= d.from) return { status: 'refused', reason: `a delta to version ${d.version} does not move on from ${d.from}` };
    if (d.salt !== held.salt) return { status: 'refused', reason: 'delta: the venue salt differs from the held one' };
    if (d.rows_total > FEED_MAX_ROWS) return { status: 'refused', reason: 'delta: rows_total too large' };
    if (!Array.isArray(d.holders) || d.holders.length > FEED_DELTA_MAX_HOLDERS || !d.holders.every((h) => typeof h === 'string' && HOLDER.test(h)) || new Set(d.holders).size !== d.holders.length) {
      return { status: 'refused', reason: `delta: holders must be up to ${FEED_DELTA_MAX_HOLDERS} distinct SHA-256 hashes` };
    }
    if (!Array.isArray(d.rows) || d.rows.length > FEED_MAX_ROWS) return { status: 'refused', reason: 'delta: rows missing or too many' };
    const rows = checkFeedRows(d.kind, d.rows);
    if (!rows.ok) return { status: 'refused', reason: `delta: ${describeProblems(rows.problems, rows.count)}` };
    const named = new Set(d.holders);
    const stray = rows.rows.findIndex((r) => !named.has(r.holder));
    if (stray >= 0) return { status: 'refused', reason: `delta: row ${stray + 1} names a holder the delta does not list` };
    if (this.#installing.has(d.kind)) return { status: 'refused', reason: `another ${d.kind} version is being installed` };
    const rowsVersion = this.#rowsVersion.get(d.kind) ?? held.version;
    try {
      this.#applyDelta({ ...d, rows: rows.rows }, { ...held, rows_version: rowsVersion }, o.at, o.etag);
    } catch (e) {
      if (e instanceof DeltaMismatch) return { status: 'refused', reason: `delta: ${e.message}` };
      throw e;
    }
    return { status: 'installed', kind: d.kind, version: d.version, rows: d.rows_total, via: 'delta' };
  }

  /** The service answered 304 for `version`: it is still current at `at`. */
  checked(kind: FeedKind, version: number, at: number): void {
    this.#checked.run(at, kind, version);
  }

  meta(kind: FeedKind): FeedMeta | null {
    const r = this.#meta.get(kind);
    return r ? { ...r, kind } : null;
  }

  all(): FeedMeta[] {
    return this.#all.all().filter((r) => isFeedKind(r.kind)) as FeedMeta[];
  }

  /** The venue's salt for document holders, from any feed held (all kinds carry the same). */
  salt(): string | null {
    return this.#all.get()?.salt ?? null;
  }

  /**
   * The booked slots of `days` (`YYYY-MM-DD`) in the held bookings, each with the smallest
   * `slot_capacity` a booking of it names (null: none names one). Read once per version and days.
   */
  bookedSlots(days: readonly string[]): { day: string; slot: string; slot_capacity: number | null }[] {
    const m = this.meta('bookings');
    if (!m) return [];
    const key = `${m.version}|${days.join(',')}`;
    if (this.#slots?.key !== key) {
      const rows = this.#bookedSlots.all() as { day: string; from: string; to: string; cap: number | null }[];
      this.#slots = { key, slots: rows.filter((r) => days.includes(r.day)).map((r) => ({ day: r.day, slot: `${r.from}-${r.to}`, slot_capacity: r.cap })) };
    }
    return this.#slots.slots;
  }

  /** The rows of `kind` naming `holder`. */
  rows<K extends FeedKind>(kind: K, holder: string): FeedRows[K][] {
    return this.#rows.all(kind, holder).map((r) => JSON.parse(r) as FeedRows[K]);
  }

  /** Every row of `kind` at the current version, in holder order (a meeting's roster for its summary). */
  allRows<K extends FeedKind>(kind: K): FeedRows[K][] {
    return this.db.prepare<[string], string>('SELECT r.row FROM feed_meta m JOIN feed_rows r ON r.kind = m.kind AND r.version = m.version WHERE m.kind = ? ORDER BY r.holder, r.n').pluck().all(kind).map((r) => JSON.parse(r) as FeedRows[K]);
  }
}
