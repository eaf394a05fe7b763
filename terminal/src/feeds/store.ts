// The venue's data feeds as the terminal holds them, in its one database: each kind's rows keyed
// by version and holder, and which version is current and when the service last confirmed it.
// A new version's rows are written beside the current one in small transactions, yielding to
// readings in between (a 100,000-row list does not stall the gate); then one statement makes it
// current, and the old rows go the same way. A lookup reads only the current version's rows, so
// a decision sees the old feed or the new, never a mix, and a crash half way leaves the old one.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/index.ts';
import { checkFeedRows, describeProblems, FEED_MAX_ROWS, isFeedKind, type FeedKind, type FeedRow, type FeedRows, type FeedSnapshot } from '../protocol/index.ts';

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
  | { status: 'installed'; kind: FeedKind; version: number; rows: number }
  | { status: 'unchanged'; kind: FeedKind; version: number }
  | { status: 'refused'; reason: string };

interface MetaRow extends Omit<FeedMeta, 'kind'> {
  kind: string;
}

export class FeedStore {
  #meta: Statement<[string], MetaRow>;
  #all: Statement<[], MetaRow>;
  #rows: Statement<[string, string], string>;
  #putMeta: Statement<[string, string, number, number, number, number, string, string | null], unknown>;
  #checked: Statement<[number, string, number], unknown>;
  #sweep: Statement<[string, string, number], unknown>;
  #insert: Statement<[string, number, string, number, string], unknown>;
  #chunk: (kind: string, version: number, rows: readonly FeedRow[], from: number) => void;
  readonly #installing = new Set<FeedKind>();

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
      etag TEXT
    );
    CREATE TABLE IF NOT EXISTS feed_rows (
      kind TEXT NOT NULL,
      version INTEGER NOT NULL,
      holder TEXT NOT NULL,
      n INTEGER NOT NULL,
      row TEXT NOT NULL,
      PRIMARY KEY (kind, version, holder, n)
    ) WITHOUT ROWID`);
    const cols = 'kind, venue, version, rows, published_at, checked_at, salt, etag';
    this.#meta = db.prepare<[string], MetaRow>(`SELECT ${cols} FROM feed_meta WHERE kind = ?`);
    this.#all = db.prepare<[], MetaRow>(`SELECT ${cols} FROM feed_meta ORDER BY kind`);
    this.#rows = db
      .prepare<[string, string], string>('SELECT r.row FROM feed_meta m JOIN feed_rows r ON r.kind = m.kind AND r.version = m.version WHERE m.kind = ? AND r.holder = ?')
      .pluck();
    this.#putMeta = db.prepare(`INSERT OR REPLACE INTO feed_meta (${cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#checked = db.prepare('UPDATE feed_meta SET checked_at = ? WHERE kind = ? AND version = ?');
    // Rows of any version but the current one: a replaced version, or one a crash left half written.
    this.#sweep = db.prepare(
      `DELETE FROM feed_rows WHERE (kind, version, holder, n) IN (SELECT kind, version, holder, n FROM feed_rows
         WHERE kind = ? AND version <> coalesce((SELECT version FROM feed_meta WHERE kind = ?), -1) LIMIT ?)`,
    );
    this.#insert = db.prepare('INSERT OR REPLACE INTO feed_rows (kind, version, holder, n, row) VALUES (?, ?, ?, ?, ?)');
    this.#chunk = db.transaction((kind: string, version: number, rows: readonly FeedRow[], from: number) => {
      const end = Math.min(rows.length, from + this.chunkRows);
      for (let i = from; i < end; i++) this.#insert.run(kind, version, rows[i]!.holder, i, JSON.stringify(rows[i]));
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
    if (typeof snap !== 'object' || snap === null || snap.format !== 'yss-feed/1') return { status: 'refused', reason: 'not a yss-feed/1 snapshot' };
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
      this.#putMeta.run(kind, snap.venue, snap.version, rows.rows.length, snap.published_at, o.at, snap.salt, o.etag);
      await this.sweep(kind);
    } finally {
      this.#installing.delete(kind);
    }
    return { status: 'installed', kind, version: snap.version, rows: rows.rows.length };
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

  /** The rows of `kind` naming `holder`. */
  rows<K extends FeedKind>(kind: K, holder: string): FeedRows[K][] {
    return this.#rows.all(kind, holder).map((r) => JSON.parse(r) as FeedRows[K]);
  }

  /** Every row of `kind` at the current version, in holder order (a meeting's roster for its summary). */
  allRows<K extends FeedKind>(kind: K): FeedRows[K][] {
    return this.db.prepare<[string], string>('SELECT r.row FROM feed_meta m JOIN feed_rows r ON r.kind = m.kind AND r.version = m.version WHERE m.kind = ? ORDER BY r.holder, r.n').pluck().all(kind).map((r) => JSON.parse(r) as FeedRows[K]);
  }
}
