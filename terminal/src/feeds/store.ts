// The venue's data feeds as the terminal holds them, in its one database: each kind's rows keyed
// by holder, and what version it is and when the service last confirmed it current. A new
// version replaces the old one in one transaction on the daemon's own connection; readings are
// decided on the same thread, so a decision sees the old feed or the new, never a mix.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/index.ts';
import { checkFeedRows, describeProblems, FEED_MAX_ROWS, isFeedKind, type FeedKind, type FeedRows, type FeedSnapshot } from '../protocol/index.ts';

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
  #clear: Statement<[string], unknown>;
  #insert: Statement<[string, string, string], unknown>;
  #replace: (snap: FeedSnapshot, etag: string | null, at: number) => void;

  constructor(private readonly db: Db) {
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
      holder TEXT NOT NULL,
      row TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS feed_rows_holder ON feed_rows (kind, holder)`);
    const cols = 'kind, venue, version, rows, published_at, checked_at, salt, etag';
    this.#meta = db.prepare<[string], MetaRow>(`SELECT ${cols} FROM feed_meta WHERE kind = ?`);
    this.#all = db.prepare<[], MetaRow>(`SELECT ${cols} FROM feed_meta ORDER BY kind`);
    this.#rows = db.prepare<[string, string], string>('SELECT row FROM feed_rows WHERE kind = ? AND holder = ?').pluck();
    this.#putMeta = db.prepare(`INSERT OR REPLACE INTO feed_meta (${cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#checked = db.prepare('UPDATE feed_meta SET checked_at = ? WHERE kind = ? AND version = ?');
    this.#clear = db.prepare('DELETE FROM feed_rows WHERE kind = ?');
    this.#insert = db.prepare('INSERT INTO feed_rows (kind, holder, row) VALUES (?, ?, ?)');
    this.#replace = db.transaction((snap: FeedSnapshot, etag: string | null, at: number) => {
      this.#clear.run(snap.kind);
      for (const r of snap.rows) this.#insert.run(snap.kind, r.holder, JSON.stringify(r));
      this.#putMeta.run(snap.kind, snap.venue, snap.version, snap.rows.length, snap.published_at, at, snap.salt, etag);
    });
  }

  /**
   * Installs a snapshot pulled from the service (its JSON text), checked as a stranger's: the
   * shape, every row by the import rules, the venue, and a version not older than the one held
   * (an older one is refused: the service never goes back).
   */
  install(text: string, o: { venue: string; etag: string | null; at: number }): FeedInstall {
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
    this.#replace({ ...snap, rows: rows.rows }, o.etag, o.at);
    return { status: 'installed', kind: snap.kind, version: snap.version, rows: rows.rows.length };
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
}
