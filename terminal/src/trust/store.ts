// The installed trust list, durable in the terminal database. The row is written in one
// transaction before the in-memory index is swapped, so a power cut leaves either the old list or
// the new one, and a reader holding `index` never sees a mix.
import type { Db } from '../db/index.ts';
import { wallClock, type TrustedClock } from './clock.ts';
import { openTrustList } from './open.ts';
import type { RootKey, TrustIndex } from './types.ts';

export type InstallStatus = 'installed' | 'already_installed' | 'refused';
export type RefusalReason = 'unknown_root' | 'bad_signature' | 'malformed' | 'rollback';

export interface InstallResult {
  status: InstallStatus;
  reason?: RefusalReason;
  message?: string;
  /** Sequence of the list now installed (null when none ever was). */
  sequence: number | null;
}

export type RefreshResult =
  | { status: 'unchanged' | 'loaded'; sequence: number | null }
  | { status: 'refused'; sequence: number; reason: 'unknown_root' | 'bad_signature' | 'malformed'; message: string };

export interface TrustHealth {
  /** Installed trust-list sequence, or null when none is installed. */
  sequence: number | null;
  /** Unix seconds, from the installed list. */
  issued_at: number | null;
  /** Unix seconds, from the installed list. */
  expires_at: number | null;
  /** True past `expires_at` (codes still verify), or with no usable list: the terminal reports itself degraded. */
  stale: boolean;
}

interface Row {
  sequence: number;
  jws: string;
}

export class TrustStore {
  #db: Db;
  #roots: readonly RootKey[];
  #clock: TrustedClock | null;
  #index: TrustIndex | null = null;
  #sequence: number | null = null;
  /** Why the stored list could not be opened at start (roots changed, say); null when it could. */
  readonly loadError: string | null = null;

  private constructor(db: Db, roots: readonly RootKey[], clock: TrustedClock | null) {
    this.#db = db;
    this.#roots = roots;
    this.#clock = clock;
    db.exec(`CREATE TABLE IF NOT EXISTS trust_list (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      sequence INTEGER NOT NULL,
      jws TEXT NOT NULL,
      installed_at INTEGER NOT NULL
    )`);
    const row = db.prepare('SELECT sequence, jws FROM trust_list WHERE id = 1').get() as Row | undefined;
    if (row) {
      // Anti-rollback holds even when the stored list no longer opens (a rotated root).
      this.#sequence = row.sequence;
      const opened = openTrustList(row.jws, roots);
      if (opened.ok) {
        this.#index = opened.index;
        // A floor lost or never written (a db from before the clock existed) comes back here.
        clock?.observe(opened.index.issuedAt, 'trust-list');
      } else {
        this.loadError = opened.message;
      }
    }
  }

  /** Opens the store in `db`; `clock`, when given, learns each installed list's `issued_at`. */
  static open(db: Db, roots: readonly RootKey[], opts: { clock?: TrustedClock } = {}): TrustStore {
    return new TrustStore(db, roots, opts.clock ?? null);
  }

  /** The installed list, or null. Hold the returned object for one verification. */
  get index(): TrustIndex | null {
    return this.#index;
  }

  /**
   * Installs a list if it verifies and is newer; the clock is not consulted (trust-list.md §3).
   * The sequence is compared by the database, not with memory: the row is written only over an
   * older one (or none), and when it is not, the stored sequence is read in the same IMMEDIATE
   * transaction. Another process (`trust install` from a USB stick) installing meanwhile cannot
   * be rolled back by this one.
   */
  install(jws: string): InstallResult {
    const opened = openTrustList(jws, this.#roots);
    if (!opened.ok) return { status: 'refused', reason: opened.reason, message: opened.message, sequence: this.#sequence };
    const next = opened.index;
    const stored = this.#db
      .transaction((): number | null => {
        const written = this.#db
          .prepare(
            `INSERT INTO trust_list (id, sequence, jws, installed_at) VALUES (1, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET sequence = excluded.sequence, jws = excluded.jws, installed_at = excluded.installed_at
             WHERE excluded.sequence > trust_list.sequence`,
          )
          .run(next.sequence, jws, Math.floor((this.#clock ?? wallClock).wallMs() / 1000));
        if (written.changes === 1) return null;
        // Not written: a row of this sequence or a newer one is there.
        return (this.#db.prepare('SELECT sequence FROM trust_list WHERE id = 1').get() as { sequence: number }).sequence;
      })
      .immediate();
    if (stored !== null) {
      // The stored list may be newer than the one in memory (installed by another process).
      this.refresh();
      if (next.sequence === stored) return { status: 'already_installed', sequence: stored };
      return {
        status: 'refused',
        reason: 'rollback',
        message: `trust list sequence ${next.sequence} is older than the installed ${stored}`,
        sequence: stored,
      };
    }
    this.#swap(next);
    return { status: 'installed', sequence: next.sequence };
  }

  /**
   * Picks up a list another process stored after this one loaded (USB delivery to a running
   * daemon). `loaded` when the stored list is newer and now in use; `refused` when it is newer but
   * does not open under this store's roots (anti-rollback then still counts from its sequence).
   */
  refresh(): RefreshResult {
    const row = this.#db.prepare('SELECT sequence, jws FROM trust_list WHERE id = 1').get() as Row | undefined;
    if (!row || (this.#sequence !== null && row.sequence <= this.#sequence)) return { status: 'unchanged', sequence: this.#sequence };
    this.#sequence = row.sequence;
    const opened = openTrustList(row.jws, this.#roots);
    if (!opened.ok) return { status: 'refused', sequence: row.sequence, reason: opened.reason, message: opened.message };
    this.#swap(opened.index);
    return { status: 'loaded', sequence: row.sequence };
  }

  #swap(next: TrustIndex): void {
    this.#index = next;
    this.#sequence = next.sequence;
    this.#clock?.observe(next.issuedAt, 'trust-list');
  }

  health(now: number): TrustHealth {
    const i = this.#index;
    return {
      sequence: this.#sequence,
      issued_at: i?.issuedAt ?? null,
      expires_at: i?.expiresAt ?? null,
      stale: i === null || now > i.expiresAt,
    };
  }
}
